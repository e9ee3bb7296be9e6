"""Only the channel adapters import `telegram` or `wechaty`; the core runs without the WeChat extra loaded."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_PACKAGES = {"telegram", "wechaty", "wechaty_puppet", "wechaty_puppet_service", "wechaty_grpc"}
ADAPTER_PREFIXES = ("bot/channels/telegram", "bot/channels/wechat")


def imported_top_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_channel_adapters_import_platform_libraries():
    offenders = []
    checked = 0
    for folder in ("bot", "handlers", "sources"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            checked += 1
            if relative.startswith(ADAPTER_PREFIXES):
                continue
            found = imported_top_names(path) & PLATFORM_PACKAGES
            if found:
                offenders.append(f"{relative}: {sorted(found)}")
    assert checked > 20  # the walk really saw the tree
    assert offenders == []


def test_the_scanner_sees_an_import_when_there_is_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom wechaty import Wechaty\ndef f():\n    import telegram.ext\n", encoding="utf-8")
    assert imported_top_names(sample) & PLATFORM_PACKAGES == {"wechaty", "telegram"}


def test_building_the_app_with_wechat_enabled_does_not_import_wechaty():
    """wechaty (and its ~45 packages) loads when the WeChat channel starts, not when the bot is wired."""
    code = (
        "import sys\n"
        "import bot.app, bot.cli\n"
        "from bot.channels.wechat import WechatChannel\n"
        "from bot.clock import SystemClock\n"
        "from bot.config import Config\n"
        "config = Config.model_validate({'chats': {'wechat': {'enabled': True, 'endpoint': '127.0.0.1:9', 'token': 't',"
        " 'rooms': [{'id': 'r@chatroom'}]}}})\n"
        "WechatChannel(config.chats.wechat, SystemClock(), config.zone)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'wechaty', 'wechaty_puppet', 'grpclib'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


BLOCK_WECHATY = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'wechaty', 'wechaty_puppet', 'wechaty_puppet_service'}:
            raise ImportError(f'No module named {name!r} (blocked for the test)')
        return None
sys.meta_path.insert(0, Block())
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_wechat_enabled_without_wechaty_is_one_clear_line_and_exit_2(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(
        "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
        "chats:\n  console: {enabled: false}\n  wechat:\n    enabled: true\n    endpoint: 127.0.0.1:9\n"
        "    token: ${WX_TEST_TOKEN:-}\n    rooms: [{id: r@chatroom}]\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_WECHATY, "-c", str(config), "run", "--for", "5"],
        cwd=tmp_path,
        env={**os.environ, "WX_TEST_TOKEN": "t"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("配置错误: 已启用微信渠道，但无法导入 wechaty") and "[wechat]" in last
    assert "store is not open" not in result.stderr  # what did start was stopped before the store closed
