"""`yuqing-bot run` as a new user runs it: real process, demo feeds, console typed into."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path: Path) -> Path:
    port = free_port()
    text = (REPO / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("127.0.0.1:8765", f"127.0.0.1:{port}").replace("port: 8765", f"port: {port}")
    text = text.replace("path: data/yuqing.json", f"path: {tmp_path / 'data' / 'yuqing.json'}")
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Bot:
    """A running `yuqing-bot run` whose output is collected line by line."""

    def __init__(self, config: Path, cwd: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "-c", str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.output)
            if m:
                return m
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not seen within {timeout}s; output:\n{self.output}\n{self.proc.stderr}")

    def type(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


def test_run_shows_tiered_alerts_takes_commands_and_survives_restart(tmp_path):
    config = write_config(tmp_path)
    bot = Bot(config, tmp_path)
    started = time.monotonic()
    first = bot.wait_for(r"【I 特别重大】(YQ-\d{8}-\d{4})").group(1)
    third = bot.wait_for(r"【III 较大】(YQ-\d{8}-\d{4})").group(1)
    assert time.monotonic() - started < 30
    bot.type(f"/ack {first} 收到")
    bot.wait_for(rf"{first} 已由李明确认")
    bot.type(f"/assign {third} @张三 请核实")
    bot.wait_for(rf"{third} 已指派给 张三")
    bot.type(f"/resolve {third} 已澄清")
    bot.wait_for(rf"{third} 已办结：已澄清")
    bot.type("/list all")
    bot.wait_for(rf"{third} 已办结 → 张三")
    bot.type("/help")
    bot.wait_for(r"/resolve \[编号\] 处置结果")
    code, err = bot.stop()
    assert code == 0, err
    assert "Traceback" not in err

    again = Bot(config, tmp_path)
    again.type("/list all")
    again.wait_for(rf"{first} 已确认")
    again.wait_for(rf"{third} 已办结 → 张三")
    for _ in range(60):  # until the first poll of the news feed has completed
        again.type("/status")
        time.sleep(0.5)
        if "✅ 江城市新闻网" in again.output:
            break
    again.wait_for(r"✅ 江城市新闻网", timeout=1)
    code, err = again.stop()
    assert code == 0, err
    assert "【" not in again.output, "items already seen must not be alerted again"


def test_demo_port_taken_is_one_chinese_line_not_a_traceback(tmp_path):
    config = write_config(tmp_path)
    port = int(re.search(r"^  port: (\d+)", config.read_text(encoding="utf-8"), re.M).group(1))  # demo.port
    with socket.socket() as taken:  # another demo already serves there
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run", "-c", str(config)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"demo.port：无法在 127.0.0.1:{port} 监听" in done.stderr
    assert "先停止它，或在配置中改用其他 demo.port" in done.stderr
