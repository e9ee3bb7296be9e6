"""The demo's own little web: bundled Chinese sample feeds served on 127.0.0.1.

It lets `make run` exercise the real source code (HTTP, encodings, a broken
feed, an HTML list page with detail pages, a hot list whose matched entry climbs)
with no internet and no servers.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from aiohttp import web

from bot.listen import start_site

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


# The hot list's matched story climbs into the top 10 over the first polls: (rank, heat) per request,
# the last one held from then on. Its place in the sample file is where it ends.
CLIMBER = "江城公交集团公交车追尾事故"
CLIMB = ((16, "9万"), (12, "16万"), (7, "29万"))


class HotList:
    """The fake newsnow list: each request serves the climber one step further up."""

    def __init__(self) -> None:
        self.requests = 0

    def document(self) -> dict[str, Any]:
        doc = json.loads((SAMPLES / ROUTES["/api/s"][0]).read_text(encoding="utf-8"))
        rank, heat = CLIMB[min(self.requests, len(CLIMB) - 1)]
        self.requests += 1
        items = doc["items"]
        (climber,) = [i for i in items if i["id"] == CLIMBER]
        items.remove(climber)
        items.insert(rank - 1, dict(climber, extra={"info": heat}))
        return doc

    async def serve(self, request: web.Request) -> web.Response:
        return web.json_response(self.document(), dumps=lambda d: json.dumps(d, ensure_ascii=False))


async def _serve(request: web.Request) -> web.Response:
    name, content_type = ROUTES[request.path]
    body = (SAMPLES / name).read_bytes()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def start_demo_server(host: str, port: int) -> web.AppRunner:
    app = web.Application()
    hot = HotList()
    for path in ROUTES:
        app.router.add_get(path, hot.serve if path == "/api/s" else _serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await start_site(runner, host, port, "demo.port")
    return runner
