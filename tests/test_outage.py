"""Riding out a Redis outage quietly: one warning when it starts, one line when it ends, capped backoff.

The delivery loop and the poll workers run against a private redis-server
that is killed and started again; the log is read as an operator reads it.
"""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot import app as wiring
from bot.models import NoticeKind, Notification
from bot.outage import Outage
from bot.store.redis_store import RedisStore
from bot.workqueue import PollQueue, Workers
from tests.conftest import make_config


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_backoff_doubles_to_its_cap_and_concurrent_failures_count_once(caplog):
    clock = FakeMonotonic()
    outage = Outage("测试", first=0.5, cap=4.0, monotonic=clock)
    caplog.set_level(logging.INFO, logger="bot.outage")
    waits = []
    for _ in range(6):
        waits.append(outage.failed(OSError("refused")))
        assert outage.failed(OSError("refused")) == pytest.approx(waits[-1])  # a second worker, same moment
        clock.t += waits[-1]
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    clock.t += 1
    outage.ok()
    outage.ok()
    assert [r.getMessage() for r in caplog.records] == [
        "测试：存储（Redis）无法连接（refused），将退避重试（最长间隔 4 秒）",
        "测试：存储（Redis）已恢复，中断约 16.5 秒",
    ]
    assert outage.failed(OSError("again")) == 0.5  # a new outage starts from the first wait


async def test_delivery_and_workers_log_the_outage_once_and_recover(private_redis, clock, caplog):
    store = RedisStore(private_redis.url, "outage:")
    await store.open()
    config = make_config(store={"backend": "redis", "url": private_redis.url, "prefix": "outage:"})
    out = io.StringIO()
    app = await wiring.build_app(config, store, clock, out)
    polled: list[str] = []

    async def poll(source_id: str) -> None:
        polled.append(source_id)

    queue = PollQueue(store.client, store.prefix, "w1", claim_idle=5)
    workers = Workers(queue, poll, concurrency=3, max_backoff=2.0)
    caplog.set_level(logging.INFO)
    tasks = [asyncio.create_task(app.delivery.run_forever(idle=0.1)), asyncio.create_task(workers.run_forever())]
    try:
        await asyncio.sleep(0.3)
        private_redis.kill()
        await asyncio.sleep(4.0)  # several rounds of each loop against a dead Redis
        assert workers.redis_ok is False
        down = [r for r in caplog.records if "无法连接" in r.getMessage()]
        assert sorted(r.getMessage().split("：")[0] for r in down) == ["消息发送（outbox）", "采集任务（poll workers）"]
        assert not [r for r in caplog.records if r.exc_info]  # no traceback per round
        private_redis.start()
        await store.enqueue([Notification("t1", "console:console", NoticeKind.TEXT, clock.now(), text="恢复后送达")])
        await queue.enqueue("news")
        for _ in range(100):  # backoff capped at 2 s for the workers: both back within a few seconds
            if "恢复后送达" in out.getvalue() and polled and not app.delivery.outage.down and not workers.outage.down:
                break
            await asyncio.sleep(0.1)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.http.aclose()
        await store.close()
    assert "恢复后送达" in out.getvalue() and polled == ["news"]
    back = [r.getMessage().split("：")[0] for r in caplog.records if "已恢复" in r.getMessage()]
    assert sorted(back) == ["消息发送（outbox）", "采集任务（poll workers）"]
    assert not [r for r in caplog.records if r.exc_info]
