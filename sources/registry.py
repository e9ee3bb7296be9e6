"""Build Source objects from config, by kind."""

from __future__ import annotations

from bot.config import SourceConfig
from sources.base import Source
from sources.rss import RssSource

_KINDS: dict[str, type[Source]] = {"rss": RssSource}


def build_source(config: SourceConfig) -> Source:
    try:
        kind = _KINDS[config.kind]
    except KeyError:
        raise ValueError(f"sources.{config.id}: kind {config.kind!r} is not built yet") from None
    return kind(config)
