"""The whole loop in one process: demo feeds over real HTTP → incidents → console → commands."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.app import build_app
from bot.clock import FakeClock
from bot.config_loader import load_config
from bot.demo.server import start_demo_server
from bot.models import ActionKind, Status, Tier
from bot.pipeline import run_source
from bot.store.tinydb_store import TinyDBStore
from sources.registry import build_source

REPO = Path(__file__).resolve().parents[1]


async def demo_config(port: int, tmp_path: Path):
    config = load_config(REPO / "config.yaml", env={})
    evidence = config.evidence.model_copy(update={"path": str(tmp_path / "evidence")})
    sources = [
        s.model_copy(update={"url": s.url.replace("127.0.0.1:8765", f"127.0.0.1:{port}")})
        for s in config.sources
        if s.kind == "rss"
    ]
    return config.model_copy(update={"sources": sources, "evidence": evidence})


async def poll_all(app) -> list:
    reports = []
    for source_config in app.config.sources:
        reports.append(await run_source(build_source(source_config), app.services, app.http, app.judge))
    await app.delivery.run_once()
    return reports


async def test_demo_loop_alerts_commands_and_restart(tmp_path, clock: FakeClock):
    runner = await start_demo_server("127.0.0.1", 0)
    port = runner.addresses[0][1]
    try:
        config = await demo_config(port, tmp_path)
        out = io.StringIO()
        store = TinyDBStore(tmp_path / "data.json")
        await store.open()
        app = await build_app(config, store, clock, console_out=out)
        reports = await poll_all(app)

        by_source = {r.source_id: r for r in reports}
        assert by_source["broken-feed"].error, "the broken feed must be reported as failing"
        assert by_source["forum-gbk"].fetched == 2 and not by_source["forum-gbk"].error
        incidents = await store.incidents()
        tiers = {i.tier for i in incidents}
        assert Tier.I in tiers and Tier.III in tiers
        printed = out.getvalue()
        assert "【I 特别重大】" in printed and "【III 较大】" in printed
        assert "江城水务集团" in printed  # decoded from the GBK feed
        assert "邻省" not in printed  # excluded by the scheme
        assert "utm_source" not in printed  # tracking parameters stripped

        first = next(i for i in incidents if i.tier is Tier.I)
        third = next(i for i in incidents if i.tier is Tier.III)
        manifests = list((tmp_path / "evidence").rglob(f"{first.number}/manifest.json"))
        assert len(manifests) == 1 and "/I/" in manifests[0].as_posix()
        console = app.channels["console"]
        handle = app.dispatcher.handle
        assert "已由李明确认" in (await console.handle_line(f"/ack {first.number} 收到", handle))[0]
        assert "已指派给 张三" in (await console.handle_line(f"/assign {third.number} @张三 请核实", handle))[0]
        assert "已办结" in (await console.handle_line(f"/resolve {third.number} 已澄清", handle))[0]
        listing = (await console.handle_line("/list all", handle))[0]
        assert re.search(rf"{first.number} 已确认", listing)
        assert re.search(rf"{third.number} 已办结 → 张三", listing)
        await app.delivery.run_once()
        assert f"更新 {third.number}" in out.getvalue()
        await app.http.aclose()
        await store.close()

        # Restart on the same file: everything is kept, nothing is alerted again.
        store2 = TinyDBStore(tmp_path / "data.json")
        await store2.open()
        out2 = io.StringIO()
        app2 = await build_app(config, store2, clock, console_out=out2)
        await poll_all(app2)
        assert len(await store2.incidents()) == len(incidents)
        assert "【" not in out2.getvalue()
        kept = await store2.get_incident(third.number)
        assert kept.status is Status.RESOLVED and kept.result == "已澄清" and kept.assignee == "张三"
        kinds = [a.kind for a in await store2.actions(third.number)]
        assert kinds[0] is ActionKind.CREATE
        assert [k for k in kinds if k in (ActionKind.ASSIGN, ActionKind.RESOLVE)] == [
            ActionKind.ASSIGN,
            ActionKind.RESOLVE,
        ]
        actors = {a.actor.person for a in await store2.actions(third.number) if a.kind is ActionKind.ASSIGN}
        assert actors == {"李明"}
        await app2.http.aclose()
        await store2.close()
    finally:
        await runner.cleanup()


async def test_incident_numbers_follow_configured_timezone(tmp_path, clock: FakeClock):
    runner = await start_demo_server("127.0.0.1", 0)
    port = runner.addresses[0][1]
    try:
        config = await demo_config(port, tmp_path)
        clock._now = clock._now.replace(hour=17)  # 17:00 UTC is 01:00 the next day in Shanghai
        store = TinyDBStore(tmp_path / "d.json")
        await store.open()
        app = await build_app(config, store, clock, console_out=io.StringIO())
        await poll_all(app)
        numbers = [i.number for i in await store.incidents()]
        assert numbers and all(n.startswith("YQ-20261127-") for n in numbers)
        assert sorted(numbers) == [f"YQ-20261127-{k:04d}" for k in range(1, len(numbers) + 1)]
        await app.http.aclose()
        await store.close()
    finally:
        await runner.cleanup()
