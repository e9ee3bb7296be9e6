"""Lying servers: wrong charsets, gzip bombs, feeds far too long; real HTTP against local servers."""

from __future__ import annotations

import asyncio
import gzip
import tempfile
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.config import HttpConfig, SourceConfig
from sources.base import SourceContext
from sources.http import HttpClient, HttpError, decode_body
from sources.registry import build_source
from tests.local_web import (
    Serve,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

TITLE = "江城市化工厂爆炸致多人受伤"
BODY = "据网友爆料，江城市某化工厂今晨发生爆炸，现场浓烟滚滚，多人受伤送医。"
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def rss(titles: list[str], encoding: str = "utf-8", start: datetime = NOW) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>https://news.example.cn/a/{i}</link><guid>g{i}</guid>"
        f"<description>{BODY}</description>"
        f"<pubDate>{(start - timedelta(minutes=i)).strftime('%a, %d %b %Y %H:%M:%S')} +0000</pubDate></item>"
        for i, t in enumerate(titles)
    )
    return f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>论坛</title>{entries}</channel></rss>'


def source(url: str, **extra: object):
    config = SourceConfig(id="s", url=url, allow_private=True, **extra)
    return build_source(config, SourceContext(clock=FakeClock(NOW)))


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig())
    yield c
    await c.aclose()


# --- item 5: decoding when the header lies ---------------------------------------------------


@pytest.mark.parametrize("declared", ["utf-8", "UTF8"])
async def test_gbk_feed_served_as_utf8_keeps_its_items(serve: Serve, client, declared):
    body = rss([TITLE, "第二条：江城暴雨"], encoding=declared).encode("gbk")
    site = await serve({"/feed": fixed(body, f"application/rss+xml; charset={declared}")})
    result = await source(site.base + "/feed").fetch(client, {})
    titles = [i.title for i in result.items]
    assert TITLE in titles and "第二条：江城暴雨" in titles
    assert all("\ufffd" not in i.title + i.text for i in result.items)


async def test_gbk_atom_without_any_label_is_read(serve: Serve, client):
    atom = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>站点</title>'
        f'<entry><title>{TITLE}</title><link href="https://x.cn/1"/><id>x1</id>'
        f"<updated>2026-11-26T08:00:00Z</updated><content>{BODY}</content></entry></feed>"
    )
    site = await serve({"/atom": fixed(atom.encode("gbk"), "application/atom+xml")})
    result = await source(site.base + "/atom").fetch(client, {})
    assert [i.title for i in result.items] == [TITLE] and BODY in result.items[0].text


def test_big5_page_labelled_utf8_is_detected():
    text = "臺北市政府今日召開記者會，說明颱風過後的災情與復原進度，並呼籲民眾注意安全。"
    decoded, encoding = decode_body(f"<html><body>{text}</body></html>".encode("big5"), "text/html; charset=utf-8")
    assert text in decoded and encoding == "big5"


def test_gbk_page_labelled_utf8_is_detected():
    decoded, encoding = decode_body(f"<p>{TITLE}{BODY}</p>".encode("gbk"), "text/html; charset=utf-8")
    assert TITLE in decoded and encoding == "gb18030"


def test_slightly_broken_utf8_keeps_its_label():
    body = (TITLE + BODY).encode("utf-8") * 20 + b"\xff" + BODY.encode("utf-8")
    decoded, encoding = decode_body(body, "text/html; charset=utf-8")
    assert encoding == "utf-8" and decoded.count("\ufffd") == 1


async def test_gbk_html_list_labelled_utf8(serve: Serve, client):
    page = f'<html><head><meta charset="utf-8"></head><body><ul><li><a href="/t/1">{TITLE}</a></li></ul></body></html>'
    site = await serve({"/list": fixed(page.encode("gbk"), "text/html; charset=utf-8")})
    src = source(site.base + "/list", kind="html", selectors={"item": "li", "title": "a", "link": "a"})
    result = await src.fetch(client, {})
    assert [i.title for i in result.items] == [TITLE]


# --- item 6: bounded work per poll -----------------------------------------------------------


def gzip_bomb(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    return b"".join(comp.compress(block) for _ in range(size // len(block))) + comp.flush()


async def test_gzip_bomb_is_cut_while_it_inflates(serve: Serve):
    bomb = gzip_bomb(200_000_000)
    site = await serve({"/bomb": fixed(bomb, "application/rss+xml", **{"Content-Encoding": "gzip"})})
    cap = 2_000_000
    client = HttpClient(HttpConfig(max_bytes=cap))
    try:
        tracemalloc.start()
        tracemalloc.reset_peak()
        with pytest.raises(HttpError, match="上限"):
            await client.get(site.base + "/bomb", allow_private=True)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.aclose()
    assert peak < cap + 3_000_000 + len(bomb), peak  # the served bomb itself lives in this process too


async def test_gzip_and_deflate_bodies_still_decode(serve: Serve, client):
    text = rss([TITLE]).encode("utf-8")
    site = await serve(
        {
            "/gz": fixed(gzip.compress(text), "application/rss+xml", **{"Content-Encoding": "gzip"}),
            "/zlib": fixed(zlib.compress(text), "application/rss+xml", **{"Content-Encoding": "deflate"}),
            "/raw": fixed(zlib.compress(text, wbits=-15), "application/rss+xml", **{"Content-Encoding": "deflate"}),
        }
    )
    for path in ("/gz", "/zlib", "/raw"):
        resp = await client.get(site.base + path, allow_private=True)
        assert TITLE in resp.text, path


async def test_unknown_content_encoding_is_refused(serve: Serve, client):
    site = await serve({"/br": fixed(b"\x00\x01", "application/rss+xml", **{"Content-Encoding": "compress"})})
    with pytest.raises(HttpError, match="compress"):
        await client.get(site.base + "/br", allow_private=True)


async def test_feed_longer_than_max_items_keeps_the_newest(serve: Serve, client):
    titles = [f"{TITLE}（{i}）" for i in range(500)]
    site = await serve({"/feed": fixed(rss(titles).encode(), "application/rss+xml")})
    result = await source(site.base + "/feed", max_items=50).fetch(client, {})
    assert len(result.items) == 50 and result.dropped == 450
    assert {i.title for i in result.items} == set(titles[:50])  # entry i is i minutes old: 0..49 are newest


async def test_max_items_default_is_a_few_hundred():
    assert 100 <= SourceConfig(id="s", url="https://x.cn/").max_items <= 1000


async def test_huge_feed_does_not_hold_the_event_loop(serve: Serve, client):
    """Parsing runs in a worker thread: a ticker keeps running while 20,000 entries are read (bench/ measures)."""
    body = rss([f"条目{i}" for i in range(20_000)]).encode()
    site = await serve({"/feed": fixed(body, "application/rss+xml")})
    client.config = HttpConfig(max_bytes=50_000_000)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    try:
        result = await source(site.base + "/feed").fetch(client, {})
    finally:
        done.set()
        await tick
    assert result.items and gaps
    assert max(gaps) < 1.0, max(gaps)  # parsing the whole feed on the loop takes seconds here


async def test_big_gbk_feed_reaches_the_parser_process_through_a_temp_file_removed_after(
    serve: Serve, client, tmp_path, monkeypatch
):
    """Over PROCESS_FROM the body goes to the parsing process in a temporary file (no 28 MB pickle on the
    loop's GIL), decoded there with the HTTP layer's choice (GBK here, served as UTF-8); the file is removed."""
    from sources import offload

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spilled: list[str] = []
    real_spill = offload._spill
    monkeypatch.setattr(offload, "_spill", lambda body: spilled.append(real_spill(body)) or spilled[-1])
    body = rss([f"{TITLE}{i}" for i in range(1500)], "gbk").encode("gb18030")
    assert len(body) > offload.PROCESS_FROM
    site = await serve({"/feed": fixed(body, "application/rss+xml; charset=utf-8")})
    client.config = HttpConfig(max_bytes=50_000_000)
    result = await source(site.base + "/feed", max_items=2000).fetch(client, {})
    assert len(result.items) == 1500 and result.items[0].title == f"{TITLE}0"  # decoded right, in the process
    assert len(spilled) == 1 and spilled[0].startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []  # the spilled body is gone


async def test_dropped_entries_leave_a_log_line_and_a_health_note(serve: Serve, tinydb_store, clock, caplog):
    import io
    import logging

    from bot.app import build_app
    from bot.pipeline import run_source
    from tests.conftest import make_config

    titles = [f"{TITLE}（{i}）" for i in range(50)]
    site = await serve({"/feed": fixed(rss(titles).encode(), "application/rss+xml")})
    src = {"id": "flood", "name": "洪水源", "url": site.base + "/feed", "allow_private": True, "max_items": 10}
    app = await build_app(make_config(sources=[src]), tinydb_store, clock, console_out=io.StringIO())
    try:
        source = build_source(app.config.sources[0], SourceContext(clock=clock))
        with caplog.at_level(logging.WARNING):
            report = await run_source(source, app.services, app.http, app.judge)
        assert report.fetched == 10
        assert any("40 entries beyond max_items=10" in r.getMessage() for r in caplog.records)
        health = (await tinydb_store.get_source_state("flood"))["health"]
        assert "其余 40 条已略过" in health["note"]
        status = "\n".join(await app.channels["console"].handle_line("/status", app.dispatcher.handle))
        assert "只处理了最新 10 条，其余 40 条已略过" in status
    finally:
        await app.http.aclose()


async def test_a_lone_surrogate_in_a_json_feed_is_stored_and_the_store_still_writes(serve: Serve, tmp_path, clock):
    # JSON may carry half a surrogate pair ("\ud800"); the store writes UTF-8, so it must not reach it
    import io
    import json

    from bot.app import build_app
    from bot.pipeline import run_source
    from bot.store.tinydb_store import TinyDBStore
    from tests.conftest import make_config

    entry = {"id": "1", "url": "/t/1", "title": "江城化工集团爆炸\ud800", "content_text": "工人受伤\udc00送医"}
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [entry]})  # ASCII escapes
    site = await serve({"/feed.json": fixed(body.encode(), "application/feed+json")})
    src = {"id": "j", "name": "留言板", "kind": "jsonfeed", "url": site.base + "/feed.json", "allow_private": True}
    store = TinyDBStore(tmp_path / "store.json")
    await store.open()
    app = await build_app(make_config(sources=[src]), store, clock, console_out=io.StringIO())
    try:
        source = build_source(app.config.sources[0], SourceContext(clock=clock))
        report = await run_source(source, app.services, app.http, app.judge)
        assert report.fetched == 1
        (incident,) = await store.incidents()
        assert incident.title == "江城化工集团爆炸?"
        assert not store.write_error
    finally:
        await app.http.aclose()
        await store.close()
    reopened = TinyDBStore(tmp_path / "store.json")
    await reopened.open()
    try:
        (incident,) = await reopened.incidents()
        assert incident.title == "江城化工集团爆炸?"
    finally:
        await reopened.close()
