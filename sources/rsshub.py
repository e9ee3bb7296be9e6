"""An RSSHub route (`/weibo/search/hot`, `/tieba/forum/<name>`, `/people/liuyan/<id>`).

The instance comes from `rsshub.base_url` (or the source's own `url:`), so a
self-hosted RSSHub on the intranet works. RSSHub answers RSS 2.0 by default
and JSON Feed with `?format=json`; both are parsed.
"""

from __future__ import annotations

from typing import Any

from sources.base import FetchResult, Source, remember
from sources.http import HttpClient
from sources.rss import parse_response


class RsshubSource(Source):
    @property
    def url(self) -> str:
        base = (self.config.url or self.context.rsshub_base).rstrip("/")
        route = self.config.route.strip()
        return f"{base}/{route.lstrip('/')}"

    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await self.get_if_changed(client, state)
        if resp is None:
            return FetchResult([], state, not_modified=True)
        return await parse_response(self, resp, remember(state, resp))
