"""Build Source objects from config, by kind."""

from __future__ import annotations

from bot.config import SourceConfig
from sources.base import Source, SourceContext
from sources.hotlist import HotlistSource
from sources.html import HtmlSource
from sources.jsonfeed import JsonFeedSource
from sources.rss import RssSource
from sources.rsshub import RsshubSource

KINDS: dict[str, type[Source]] = {
    "rss": RssSource,
    "jsonfeed": JsonFeedSource,
    "rsshub": RsshubSource,
    "html": HtmlSource,
    "hotlist": HotlistSource,
}


def build_source(config: SourceConfig, context: SourceContext | None = None) -> Source:
    try:
        kind = KINDS[config.kind]
    except KeyError:
        raise ValueError(f"sources.{config.id}: kind {config.kind!r} is not built yet") from None
    return kind(config, context)
