"""Only the channel adapters import `telegram` or `wechaty`; the core runs without the WeChat extra loaded."""

from __future__ import annotations

import ast
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
