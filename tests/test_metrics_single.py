"""/metrics and /healthz also serve the single-process (TinyDB) bot."""

from __future__ import annotations

import asyncio
import errno
import io
import os

import httpx
import pytest

from bot import app as wiring
from bot.demo.server import start_demo_server
from bot.metrics import bound_port
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import make_config


async def test_single_process_metrics_count_polls_incidents_and_sends(tmp_path):
    demo = await start_demo_server("127.0.0.1", 0)
    port = demo.addresses[0][1]
    config = make_config(
        sources=[
            {
                "id": "city-news",
                "url": f"http://127.0.0.1:{port}/rss/city-news.xml",
                "every": "1h",
                "allow_private": True,
            }
        ],
        ops={"metrics_port": 0},
        # no scheduled briefing: within its grace after 08:00 the start-up catch-up sends one to the console,
        # which the wait below would take for the poll's alert
        briefing={"times": []},
    )
    store = TinyDBStore(tmp_path / "d.json")
    await store.open()
    app = await wiring.build_app(config, store, console_out=io.StringIO())
    await wiring.start(app, read_console=False)
    runner = await wiring.start_metrics(app)
    try:
        base = f"http://127.0.0.1:{bound_port(runner)}"
        async with httpx.AsyncClient() as client:
            for _ in range(100):  # the first poll runs at start; wait for its alerts to go out
                text = (await client.get(f"{base}/metrics")).text
                if 'yuqing_notifications_sent_total{channel="console"}' in text:
                    break
                await asyncio.sleep(0.1)
            assert 'yuqing_polls_total{result="ok"} 1.0' in text
            assert 'yuqing_incidents_total{tier="I"} 1.0' in text
            assert 'yuqing_notifications_sent_total{channel="console"}' in text
            assert "yuqing_outbox_pending" in text
            health = await client.get(f"{base}/healthz")
            assert health.status_code == 200 and health.json()["store"] == "tinydb"

            real_write = os.write  # now the disk fills up: commits fail, and /healthz says so

            def disk_full(fd: int, data: bytes) -> int:
                if fd == store._storage._journal:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return real_write(fd, data)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(os, "write", disk_full)
                with pytest.raises(OSError):
                    await store.set_meta("probe", 1)
                sick = await client.get(f"{base}/healthz")
                (status,) = await app.channels["console"].handle_line("/status", app.dispatcher.handle)
            assert sick.status_code == 503 and "No space left" in sick.json()["store_error"]
            assert "❗ 存储异常：数据文件写入失败" in status  # the monitors see it in chat too
            await store.set_meta("probe", 2)  # room again
            assert (await client.get(f"{base}/healthz")).status_code == 200
    finally:
        await runner.cleanup()
        await wiring.stop(app)
        await store.close()
        await demo.cleanup()
