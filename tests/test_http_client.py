"""The shared HTTP layer against real local servers: encodings, 304, errors, limits, deadlines."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta

import pytest
from aiohttp import web
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import HttpConfig
from sources.http import HttpClient, HttpError, decode_body
from tests.local_web import (
    Serve,
    conditional,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

TEXT = "江城化工集团董事长张喆回应网友投诉"  # 喆 is in GBK but not in GB2312
GBK = TEXT.encode("gbk")


def page(charset_meta: str = "") -> bytes:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{TEXT}</p></body></html>".encode(
        "gbk" if charset_meta.lower() != "utf-8" else "utf-8"
    )


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig(total_timeout=timedelta(seconds=5)))
    yield c
    await c.aclose()


async def test_gbk_page_declared_as_gb2312_decodes_gbk_only_characters(serve: Serve, client):
    web_ = await serve({"/p": fixed(page("gb2312"), "text/html")})
    resp = await client.get(web_.base + "/p", allow_private=True)
    assert TEXT in resp.text and resp.encoding == "gb18030"


async def test_gbk_page_without_any_charset_is_detected(serve: Serve, client):
    web_ = await serve({"/p": fixed(page(), "text/html")})
    resp = await client.get(web_.base + "/p", allow_private=True)
    assert TEXT in resp.text


async def test_header_says_utf8_but_page_is_gbk_meta_wins(serve: Serve, client):
    web_ = await serve({"/p": fixed(page("gbk"), "text/html; charset=utf-8")})
    resp = await client.get(web_.base + "/p", allow_private=True)
    assert TEXT in resp.text


async def test_header_says_gbk_but_page_is_utf8_clean_utf8_wins(serve: Serve, client):
    web_ = await serve({"/p": fixed(page("utf-8"), "text/html; charset=gbk")})
    resp = await client.get(web_.base + "/p", allow_private=True)
    assert TEXT in resp.text and resp.encoding == "utf-8"


async def test_iso_8859_1_server_default_is_ignored_for_a_gbk_page(serve: Serve, client):
    web_ = await serve({"/p": fixed(page(), "text/html; charset=ISO-8859-1")})
    resp = await client.get(web_.base + "/p", allow_private=True)
    assert TEXT in resp.text


def test_bom_and_truncated_multibyte_character():
    text, enc = decode_body(b"\xef\xbb\xbf" + TEXT.encode(), "text/html; charset=gbk")
    assert text == TEXT and enc == "utf-8"
    cut = page("gbk")[:-1] + "喆".encode("gbk")[:1]  # last character cut in half
    text, enc = decode_body(cut)
    assert TEXT in text and enc == "gb18030"


def test_source_encoding_override_wins():
    text, enc = decode_body(GBK, "text/html; charset=utf-8", override="gbk")
    assert text == TEXT and enc == "gb18030"


async def test_conditional_get_304_with_etag_and_last_modified(serve: Serve, client):
    lm = "Wed, 25 Nov 2026 08:00:00 GMT"
    web_ = await serve(
        {"/e": conditional(b"<rss/>", "application/xml", etag='"v1"'), "/m": conditional(b"x", "text/plain", "", lm)}
    )
    first = await client.get(web_.base + "/e", allow_private=True)
    assert first.status == 200 and first.etag == '"v1"'
    again = await client.get(web_.base + "/e", allow_private=True, etag=first.etag)
    assert again.not_modified and again.body == b""
    first = await client.get(web_.base + "/m", allow_private=True)
    again = await client.get(web_.base + "/m", allow_private=True, last_modified=first.last_modified)
    assert again.not_modified


async def test_errors_say_whether_to_retry_and_honour_retry_after(serve: Serve, client):
    web_ = await serve(
        {
            "/429": fixed("slow down", status=429, **{"Retry-After": "120"}),
            "/503": fixed("down", status=503),
            "/404": fixed("gone", status=404),
        }
    )
    with pytest.raises(HttpError) as e429:
        await client.get(web_.base + "/429", allow_private=True)
    assert e429.value.retry and e429.value.status == 429 and e429.value.retry_after == 120
    with pytest.raises(HttpError) as e503:
        await client.get(web_.base + "/503", allow_private=True)
    assert e503.value.retry and "HTTP 503" in str(e503.value)
    with pytest.raises(HttpError) as e404:
        await client.get(web_.base + "/404", allow_private=True)
    assert not e404.value.retry


async def test_connection_refused_is_a_retryable_error(client):
    with pytest.raises(HttpError) as exc:
        await client.get("http://127.0.0.1:9/", allow_private=True)  # discard port: nothing listens
    assert exc.value.retry and "连接失败" in str(exc.value)


async def _drip(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/plain"})
    await resp.prepare(request)
    try:
        for _ in range(600):
            await resp.write(b"x")
            await asyncio.sleep(0.05)  # each byte well inside the read timeout
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp


async def test_slow_drip_is_cut_by_the_total_deadline(serve: Serve):
    web_ = await serve({"/drip": _drip})
    client = HttpClient(HttpConfig(read_timeout=timedelta(seconds=5), total_timeout=timedelta(seconds=0.6)))
    started = time.monotonic()
    with pytest.raises(HttpError, match="超过总时限"):
        await client.get(web_.base + "/drip", allow_private=True)
    assert time.monotonic() - started < 3
    await client.aclose()


async def test_read_timeout(serve: Serve):
    async def stall(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(3)
        return web.Response(text="late")

    web_ = await serve({"/stall": stall})
    client = HttpClient(HttpConfig(read_timeout=timedelta(seconds=0.3), total_timeout=timedelta(seconds=5)))
    with pytest.raises(HttpError, match="超时"):
        await client.get(web_.base + "/stall", allow_private=True)
    await client.aclose()


async def _huge(request: web.Request) -> web.StreamResponse:
    declared = request.query.get("declared") == "1"
    chunk = b"0" * (1 << 20)
    headers = {"Content-Type": "text/plain"}
    if declared:
        headers["Content-Length"] = str(50 * len(chunk))
    resp = web.StreamResponse(headers=headers)
    await resp.prepare(request)
    try:
        for _ in range(50):  # 50 MB
            await resp.write(chunk)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp


async def test_fifty_megabyte_body_is_refused_by_the_cap(serve: Serve):
    web_ = await serve({"/huge": _huge})
    client = HttpClient(HttpConfig(max_bytes=2_000_000))
    started = time.monotonic()
    with pytest.raises(HttpError, match="响应过大") as declared:
        await client.get(web_.base + "/huge?declared=1", allow_private=True)
    assert not declared.value.retry
    with pytest.raises(HttpError, match="超过上限"):
        await client.get(web_.base + "/huge", allow_private=True)
    assert time.monotonic() - started < 5
    await client.aclose()


async def test_per_host_concurrency_limit(serve: Serve):
    in_flight, peak = 0, 0

    async def slow(request: web.Request) -> web.StreamResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.1)
        in_flight -= 1
        return web.Response(text="ok")

    web_ = await serve({"/s": slow})
    client = HttpClient(HttpConfig(per_host_concurrency=2))
    await asyncio.gather(*(client.get(f"{web_.base}/s?n={i}", allow_private=True) for i in range(6)))
    assert peak == 2
    await client.aclose()


async def test_politeness_delay_spaces_requests_to_one_host(serve: Serve):
    web_ = await serve({"/p": fixed("ok")})
    client = HttpClient(HttpConfig(per_host_concurrency=4, per_host_delay=timedelta(seconds=0.15)))
    await asyncio.gather(*(client.get(f"{web_.base}/p?n={i}", allow_private=True) for i in range(3)))
    times = sorted(t for _, _, t in web_.log)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.13
    await client.aclose()


async def test_user_agent_and_gzip(serve: Serve):
    async def gz(request: web.Request) -> web.StreamResponse:
        resp = web.Response(text=TEXT * 100, content_type="text/plain", charset="utf-8")
        resp.enable_compression()
        return resp

    web_ = await serve({"/gz": gz})
    client = HttpClient(HttpConfig(user_agent="yuqing-test/9.9 (+duty)"))
    resp = await client.get(web_.base + "/gz", allow_private=True)
    assert resp.text == TEXT * 100
    headers = web_.log[-1][1]
    assert headers["User-Agent"] == "yuqing-test/9.9 (+duty)" and "gzip" in headers["Accept-Encoding"]
    await client.aclose()


CJK = st.text(
    alphabet=st.sampled_from(list("江城化工集团投诉欠薪喆镕瑢昇玥市民反映，。：“”（）abc 123")),
    min_size=1,
    max_size=200,
)


@given(CJK, st.sampled_from(["gbk", "gb2312", "gb18030", "utf-8"]), st.booleans())
@example("投投投薪", "gbk", False)  # these 8 GBK bytes are also valid UTF-8 (Greek and Cyrillic)
def test_chinese_pages_round_trip_with_or_without_a_label(text, label, labelled):
    meta = f'<meta charset="{label}">' if labelled else ""
    enc = "utf-8" if label == "utf-8" else "gb18030"
    body = f"<html><head>{meta}</head><body><p>{text}</p></body></html>".encode(enc)
    decoded, _ = decode_body(body, "text/html")
    assert text in decoded or (not labelled and len(text.encode(enc)) < 8)  # a few bytes cannot be told apart


@given(st.binary(max_size=300), st.sampled_from(["", "text/html; charset=gbk", "text/xml; charset=bogus-7"]))
def test_decode_never_raises(body, content_type):
    text, encoding = decode_body(body, content_type)
    assert isinstance(text, str) and encoding
