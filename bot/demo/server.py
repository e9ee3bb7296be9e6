"""The demo's own little web: bundled Chinese sample feeds served on 127.0.0.1.

It lets `make run` exercise the real source code (HTTP, encodings, a broken
feed, an HTML list page with detail pages) with no internet and no servers.
"""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

SAMPLES = files("bot.demo") / "samples"

ROUTES = {
    "/rss/city-news.xml": ("city-news.xml", "application/rss+xml; charset=utf-8"),
    "/rss/forum-gbk.xml": ("forum-gbk.xml", "application/xml"),  # GBK, charset only in the XML declaration
    "/rss/broken.xml": ("broken.xml", "application/rss+xml; charset=utf-8"),
    # An HTML list page and its threads in GBK, charset only in <meta> (labelled gb2312, holding GBK-only 喆).
    "/forum/list.html": ("forum-list-gbk.html", "text/html"),
    "/forum/thread-2001.html": ("forum-thread-2001.html", "text/html"),
    "/forum/thread-2002.html": ("forum-thread-2002.html", "text/html"),
    # A fake newsnow aggregator with one list (微博热搜): `kind: hotlist` reads /api/s?id=weibo&latest.
    "/api/s": ("hotlist-weibo.json", "application/json; charset=utf-8"),
}


async def _serve(request: web.Request) -> web.Response:
    name, content_type = ROUTES[request.path]
    body = (SAMPLES / name).read_bytes()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def start_demo_server(host: str, port: int) -> web.AppRunner:
    app = web.Application()
    for path in ROUTES:
        app.router.add_get(path, _serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
