"""The bot run (`python -m bot.cli -v run`) with recognisable secrets through every failure path.

Telegram token, a source's URL password, a feed token in a query string and a
Redis password all contain "SEKRIT"; the sources fail by refused connection,
401 and a 5xx page that echoes the request path; Telegram first accepts the
token, then rejects it (401); Redis refuses the password. Every byte the bot
prints and every file it leaves in its data directory is searched.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiohttp import web

from tests.fake_bot_api import FakeBotApi
from tests.local_web import Serve, serve_fixture  # noqa: F401  (provides the `serve` fixture)
from tests.redis_server import free_port

REPO = Path(__file__).resolve().parents[1]
TOKEN = "5550001234:SEKRIT-telegram-token-aaaaaaaaaaaaaaaa"
ENV = {
    "TELEGRAM_BOT_TOKEN": TOKEN,
    "SRC_PASSWORD": "SEKRIT-src-password",
    "FEED_TOKEN": "SEKRIT-feed-token",
    "REDIS_PASSWORD": "SEKRIT-redis-password",
}
NEEDLES = ["SEKRIT", TOKEN.split(":")[1]]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def echo_500(request: web.Request) -> web.Response:
    return web.Response(status=502, text=f"<h1>Bad gateway</h1><p>upstream failed for {request.path_qs}</p>")


async def unauthorized(request: web.Request) -> web.Response:
    return web.Response(status=401, text=f"401 for {request.path_qs}", headers={"WWW-Authenticate": "Basic"})


def config_text(data: Path, api: FakeBotApi, site: str, store: str = "") -> str:
    refused = closed_port()
    return f"""
timezone: Asia/Shanghai
store:
  path: {data / "yuqing.json"}
{store}
evidence:
  enabled: true
  path: {data / "evidence"}
sources:
  - id: refused
    url: http://monitor:${{SRC_PASSWORD}}@127.0.0.1:{refused}/feed.xml
    allow_private: true
    every: 1s
  - id: echo
    url: {site}/echo/feed.xml?token=${{FEED_TOKEN}}
    allow_private: true
    every: 1s
  - id: auth
    url: http://reader:${{SRC_PASSWORD}}@{site.removeprefix("http://")}/auth/feed.xml
    allow_private: true
    every: 1s
schemes:
  - name: 安全生产
    events: {{爆炸: 5}}
people:
  - {{name: 李明, role: monitor}}
chats:
  console: {{enabled: true, person: 李明}}
  telegram:
    enabled: true
    token: ${{TELEGRAM_BOT_TOKEN}}
    base_url: {api.base_url}
    chats: [{{id: "-1001"}}]
"""


async def run_bot(cwd: Path, config: Path, seconds: float, stdin: str = "/status\n") -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "-v", "-c", str(config), "run", "--for", str(seconds),
        cwd=cwd, env={**os.environ, **ENV, "PYTHONUNBUFFERED": "1"},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    await asyncio.sleep(min(4.0, seconds / 2))  # let polls fail a few times first
    out, _ = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout=seconds + 60)
    return proc.returncode or 0, out.decode("utf-8", "replace")


def leaks(text: str, folder: Path | None = None) -> list[str]:
    found = [n for n in NEEDLES if n in text]
    if folder is not None:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: {n}" for n in NEEDLES if n.encode() in data]
    return found


@pytest.fixture
async def bot_api():
    api = FakeBotApi(token=TOKEN)
    await api.start()
    yield api
    await api.stop()


async def test_no_secret_in_output_or_data_through_every_failure(tmp_path, serve: Serve, bot_api: FakeBotApi):
    site = await serve({"/echo/feed.xml": echo_500, "/auth/feed.xml": unauthorized})
    data = tmp_path / "data"
    config = tmp_path / "config.yaml"
    config.write_text(config_text(data, bot_api, site.base), encoding="utf-8")

    code, first = await run_bot(tmp_path, config, 8)  # token accepted: remembered as having worked
    assert code == 0, first
    assert site.hits["/echo/feed.xml"] and site.hits["/auth/feed.xml"], first
    assert "连接失败" in first and "HTTP 502" in first and "HTTP 401" in first  # the failures did happen
    assert "***" in first  # ... and named their URLs, masked

    bot_api.token = "1:someone-else"  # our token is revoked: every Bot API call is 401
    code, second = await run_bot(tmp_path, config, 8)
    assert code == 0, second  # the bot kept running
    assert "运行状态" in first, first
    assert "运行状态" in second, second  # the console answered /status
    rejected = [line for line in second.splitlines() if "令牌被 Telegram 拒绝" in line]
    assert len(rejected) == 1 and "Traceback" not in second, second

    assert leaks(first + second, data) == []


async def test_never_valid_token_exits_2_with_one_line(tmp_path, serve: Serve):
    api = FakeBotApi(token="1:someone-else")
    await api.start()
    try:
        site = await serve({"/echo/feed.xml": echo_500})
        config = tmp_path / "config.yaml"
        config.write_text(config_text(tmp_path / "data", api, site.base), encoding="utf-8")
        code, out = await run_bot(tmp_path, config, 8, stdin="")
    finally:
        await api.stop()
    assert code == 2, out
    last = out.strip().splitlines()[-1]
    assert last.startswith("配置错误: Telegram 渠道：令牌被 Telegram 拒绝") and "Traceback" not in out, out
    assert leaks(out, tmp_path / "data") == []


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
async def test_redis_auth_failure_never_prints_the_password(tmp_path, bot_api: FakeBotApi):
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--requirepass", "the-right-one", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        store = f"  backend: redis\n  url: redis://:${{REDIS_PASSWORD}}@127.0.0.1:{port}/0\n  prefix: 'leak:'"
        config = tmp_path / "config.yaml"
        config.write_text(config_text(tmp_path / "data", bot_api, "http://127.0.0.1:9", store), encoding="utf-8")
        _code, out = await run_bot(tmp_path, config, 5, stdin="")
    finally:
        redis.terminate()
        redis.wait(10)
    assert "Redis 认证失败" in out and "store.url" in out, out  # the failure was reported, saying what to check ...
    assert "redis://:***@127.0.0.1" in out, out  # ... naming the server, password masked
    assert leaks(out, tmp_path / "data") == []
