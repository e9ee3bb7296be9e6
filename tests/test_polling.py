"""Polling on the real web: backoff, health, one down / one recovered notice, no overlap, no blocking."""

from __future__ import annotations

import asyncio
import io
import random
from datetime import timedelta

import pytest
from aiohttp import web

from bot.app import build_app
from bot.clock import FakeClock
from bot.models import NoticeKind
from bot.polling import Poller
from bot.scheduler import build_scheduler, schedule_polls
from bot.source_health import backoff_delay, parse_when
from bot.store.tinydb_store import TinyDBStore
from sources.base import SourceContext
from sources.registry import build_source
from tests.conftest import make_config
from tests.local_web import (
    Serve,
    conditional,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>江城新闻一则</title><link>http://news.example/1</link></item></channel></rss>"""


class Flaky:
    """A feed that answers `status` while failing, the feed otherwise."""

    def __init__(self, status: int = 503, retry_after: str = "") -> None:
        self.failing, self.status, self.retry_after = True, status, retry_after

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.failing:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return web.Response(status=self.status, text="busy", headers=headers)
        return web.Response(text=FEED, content_type="application/rss+xml")


async def make_poller(tmp_path, clock: FakeClock, sources: list[dict], **config):
    config = make_config(sources=sources, **config)
    store = TinyDBStore(tmp_path / "store.json")
    await store.open()
    app = await build_app(config, store, clock, console_out=io.StringIO())
    context = SourceContext(clock, config.zone)
    poller = Poller(app.services, app.http, app.judge, [build_source(s, context) for s in config.sources])
    return app, poller


async def close(app) -> None:
    await app.http.aclose()
    await app.services.store.close()


async def health_of(app, source_id: str) -> dict:
    return (await app.services.store.get_source_state(source_id)).get("health", {})


async def texts(app, clock: FakeClock) -> list[str]:
    pending = await app.services.store.pending_notifications(clock.now() + timedelta(days=30), limit=100)
    return [n.text for n in pending if n.kind is NoticeKind.TEXT]


def test_backoff_grows_is_jittered_capped_and_honours_retry_after():
    rng = random.Random(7)
    every, cap = timedelta(minutes=1), timedelta(minutes=30)
    delays = [backoff_delay(n, every, cap, rng=rng) for n in range(1, 12)]
    for n, delay in enumerate(delays[:5], start=1):
        raw = every * 2 ** (n - 1)
        assert max(every, raw * 0.75) <= delay <= raw * 1.25
    assert all(d <= cap for d in delays) and delays[-1] >= cap * 0.75
    assert len({d.total_seconds() for d in delays[:5]}) == 5
    assert backoff_delay(1, every, cap, retry_after=600, rng=rng) == timedelta(seconds=600)


async def test_failing_source_backs_off_raises_one_notice_and_recovers(serve: Serve, tmp_path, clock: FakeClock):
    flaky = Flaky()
    site = await serve({"/feed": flaky.handle})
    src = {"id": "news", "name": "江城新闻网", "url": site.base + "/feed", "every": "1m", "allow_private": True}
    app, poller = await make_poller(tmp_path, clock, [{**src, "backoff_max": "8m"}])
    start = clock.now()
    report = await poller.poll("news")
    assert report is not None and "HTTP 503" in report.error
    health = await health_of(app, "news")
    assert health["failures"] == 1 and "503" in health["last_error"]
    assert timedelta(minutes=1) <= parse_when(health["retry_at"]) - start <= timedelta(minutes=1.25)

    assert await poller.poll("news") is None  # backing off: not even a request
    assert site.hits["/feed"] == 1

    waits = []
    for _ in range(5):
        retry_at = parse_when((await health_of(app, "news"))["retry_at"])
        waits.append(retry_at - clock.now())
        clock.advance(retry_at - clock.now())
        await poller.poll("news")
    assert waits[2] > waits[0] and max(waits) <= timedelta(minutes=8)
    health = await health_of(app, "news")
    assert health["failures"] == 6 and health["down"] is True
    notices = await texts(app, clock)
    assert len(notices) == 1 and "来源异常：江城新闻网" in notices[0] and "HTTP 503" in notices[0]

    flaky.failing = False
    clock.advance(parse_when(health["retry_at"]) - clock.now())
    report = await poller.poll("news")
    assert report is not None and not report.error and report.new == 1
    health = await health_of(app, "news")
    assert health["failures"] == 0 and health["down"] is False and "retry_at" not in health
    notices = await texts(app, clock)
    assert len(notices) == 2 and "来源恢复：江城新闻网" in notices[1]
    clock.advance(timedelta(minutes=1))
    await poller.poll("news")
    assert len(await texts(app, clock)) == 2
    await close(app)


async def test_retry_after_from_a_429_is_respected(serve: Serve, tmp_path, clock: FakeClock):
    site = await serve({"/feed": Flaky(429, "600").handle})
    app, poller = await make_poller(tmp_path, clock, [{"id": "a", "url": site.base + "/feed", "allow_private": True}])
    await poller.poll("a")
    health = await health_of(app, "a")
    assert parse_when(health["retry_at"]) - clock.now() >= timedelta(seconds=600)
    await close(app)


async def test_silent_source_raises_one_notice(serve: Serve, tmp_path, clock: FakeClock):
    site = await serve({"/feed": conditional(FEED.encode(), "application/rss+xml", etag='"1"')})
    src = {"id": "quiet", "url": site.base + "/feed", "every": "5m", "expect_every": "30m", "allow_private": True}
    app, poller = await make_poller(tmp_path, clock, [src])
    assert (await poller.poll("quiet")).new == 1
    for _ in range(8):  # 40 minutes of 304s
        clock.advance(timedelta(minutes=5))
        report = await poller.poll("quiet")
        assert report.not_modified and not report.error
    notices = await texts(app, clock)
    assert len(notices) == 1 and "没有新内容" in notices[0]
    await close(app)


async def _drip(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await resp.prepare(request)
    try:
        for _ in range(200):
            await resp.write(b" ")
            await asyncio.sleep(0.05)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp


async def test_other_sources_keep_polling_while_one_drips_and_runs_never_overlap(
    serve: Serve, tmp_path, clock: FakeClock
):
    site = await serve({"/slow": _drip, "/fast": fixed(FEED, "application/rss+xml")})
    sources = [
        {"id": "slow", "url": site.base + "/slow", "allow_private": True},
        {"id": "fast", "url": site.base + "/fast", "allow_private": True},
    ]
    app, poller = await make_poller(tmp_path, clock, sources, http={"total_timeout": "1.5s"})
    slow = asyncio.create_task(poller.poll("slow"))
    await asyncio.sleep(0.05)
    assert await poller.poll("slow") is None  # the same source is already running: skipped
    for _ in range(3):
        report = await poller.poll("fast")
        assert report is not None and not report.error
        clock.advance(timedelta(minutes=5))
    assert not slow.done(), "fast polls finished while the slow one was still dripping"
    report = await slow
    assert "超过总时限" in report.error
    assert (await health_of(app, "fast"))["failures"] == 0
    assert (await health_of(app, "slow"))["failures"] == 1
    await close(app)


async def test_scheduler_has_one_job_per_source_and_a_watch_job(clock: FakeClock):
    config = make_config(
        sources=[
            {"id": "a", "url": "http://a.example/f", "every": "10m", "jitter": "30s"},
            {"id": "b", "url": "http://b.example/f", "every": "5m", "watch": True, "watch_every": "30s"},
            {"id": "off", "url": "http://c.example/f", "enabled": False},
        ]
    )
    scheduler = build_scheduler(config)
    calls = []

    async def poll(source_id: str, watch: bool) -> None:
        calls.append((source_id, watch))

    schedule_polls(scheduler, config.sources, poll)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"poll:a", "poll:b", "watch:b"}
        assert jobs["poll:a"].trigger.interval == timedelta(minutes=10) and jobs["poll:a"].trigger.jitter == 30
        assert jobs["watch:b"].trigger.interval == timedelta(seconds=30)
        assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
        await jobs["watch:b"].func()
        assert calls == [("b", True)]
    finally:
        scheduler.shutdown(wait=False)


@pytest.mark.parametrize("body", ["not a feed at all", ""])
async def test_parse_failures_count_as_failures(serve: Serve, tmp_path, clock: FakeClock, body):
    site = await serve({"/x": fixed(body, "text/html")})
    app, poller = await make_poller(tmp_path, clock, [{"id": "x", "url": site.base + "/x", "allow_private": True}])
    report = await poller.poll("x")
    assert report.error and (await health_of(app, "x"))["failures"] == 1
    await close(app)


async def test_status_shows_health_and_keeps_short_with_many_sources(serve: Serve, tmp_path, clock: FakeClock):
    site = await serve({"/bad": Flaky(502).handle, "/ok": fixed(FEED, "application/rss+xml")})
    sources = [{"id": "bad", "name": "坏源", "url": site.base + "/bad", "allow_private": True}]
    sources += [{"id": "ok", "name": "好源", "url": site.base + "/ok", "allow_private": True}]
    sources += [{"id": f"s{i}", "url": f"http://s{i}.example/feed"} for i in range(38)]
    app, poller = await make_poller(tmp_path, clock, sources)
    await poller.poll("bad")
    await poller.poll("ok")
    (status,) = await app.channels["console"].handle_line("/status", app.dispatcher.handle)
    assert "来源（40 个）" in status and "❌ 坏源" in status and "HTTP 502" in status and "下次重试" in status
    assert "好源" not in status and "其余 39 个来源正常" in status
    await close(app)


def test_down_notices_go_to_the_monitors_chats():
    from bot.config import ChatsConfig
    from bot.models import Target
    from bot.polling import monitor_targets

    chats = ChatsConfig.model_validate(
        {
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "token": "x",
                "chats": [{"id": "-1", "role": "leaders"}, {"id": "-2", "role": "monitors"}, {"id": "-3"}],
            },
            "wechat": {
                "enabled": True,
                "endpoint": "127.0.0.1:1",
                "token": "t",
                "rooms": [{"id": "r1", "role": "leaders"}],
            },
        }
    )
    assert monitor_targets(chats) == [Target("telegram", "-2"), Target("telegram", "-3")]
    leaders_only = ChatsConfig.model_validate(
        {
            "console": {"enabled": False},
            "wechat": {"enabled": True, "endpoint": "h:1", "token": "t", "rooms": [{"id": "r1", "role": "leaders"}]},
        }
    )
    assert monitor_targets(leaders_only) == [Target("wechat", "r1")]  # nobody marked: every chat
