"""Only the channel adapters may import `telegram`, `wechaty` or `lark_oapi`: the core and handlers stay platform-neutral."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBS = {
    "telegram",
    "wechaty",
    "wechaty_puppet",
    "wechaty_grpc",
    "wechaty_puppet_service",
    "dingtalk_stream",
    "lark_oapi",
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def is_adapter(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return rel.parts[:2] == ("bot", "channels") and rel.name.startswith(
        ("telegram", "wechat", "dingtalk_app", "feishu_app")
    )


def offenders() -> list[str]:
    found = []
    for folder in ("bot", "handlers", "sources"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            bad = imported_roots(path) & PLATFORM_LIBS
            if bad and not is_adapter(path):
                found.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    return found


def test_only_channel_adapters_import_platform_libraries() -> None:
    assert offenders() == []


def test_the_check_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import telegram.ext\nfrom wechaty import Wechaty\nfrom . import telegram\n", encoding="utf-8")
    assert imported_roots(sample) & PLATFORM_LIBS == {"telegram", "wechaty"}
    assert is_adapter(ROOT / "bot" / "channels" / "telegram_render.py")
    assert not is_adapter(ROOT / "bot" / "dispatch.py")
    assert any("telegram" in imported_roots(p) for p in (ROOT / "bot" / "channels").glob("telegram*.py"))
