"""The 传播分析 part of the 舆情专报: 首发, key relays, source categories, volume per hour, chart."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from bot.analysis.propagation import Dated, Propagation
from bot.briefing.chart import ChartError
from bot.briefing.document import Block, Bullets, Figure, Para
from bot.briefing.timeline_chart import render_timeline
from bot.render import local_time

log = logging.getLogger(__name__)
MAX_RELAYS = 12  # a report lists this many key relays; the evidence list has every item
MAX_HOURS = 24  # hours spelt out in the text; the chart shows them all
CHART_CAPTION = "图1 每小时信息量与热榜排名"


def _when(post: Dated, zone: ZoneInfo) -> str:
    return local_time(post.at, zone) + ("（按发现时间）" if post.inferred else "")


def first_line(p: Propagation, zone: ZoneInfo) -> str:
    if p.first is None:
        return "首发：—（相关信息已过保留期）"
    item = p.first.item
    return f"首发：{p.first_source} {_when(p.first, zone)}《{item.title}》" + (f" {item.url}" if item.url else "")


def hours_line(p: Propagation) -> str:
    """The hours that had items (empty hours are in the chart, not spelt out), the last MAX_HOURS of them."""
    busy = [(h, n) for h, n in p.per_hour if n]
    text = " · ".join(f"{h:%d日%H时} {n}" for h, n in busy[-MAX_HOURS:])
    more = f"（前 {len(busy) - MAX_HOURS} 个小时略）" if len(busy) > MAX_HOURS else ""
    jumps = "；放量：" + "、".join(f"{h:%d日%H时}" for h in p.jumps) if p.jumps else ""
    return f"每小时信息量：{more}{text}{jumps}（共 {len(p.per_hour)} 小时）"


def propagation_blocks(p: Propagation, zone: ZoneInfo, chart: bytes | None = None) -> list[Block]:
    """Paragraphs and a bullet list of relays; the chart as a figure when drawn."""
    blocks: list[Block] = [Para(first_line(p, zone))]
    outline = f"共 {p.items} 条相关信息（{p.reposts} 条转载/相似），{p.outlets} 个发布方"
    if p.inferred:
        outline += f"；其中 {p.inferred} 条来源未给发布时间，按发现时间计"
    blocks.append(Para(outline + "。"))
    if p.by_category:
        blocks.append(Para("来源类别：" + " · ".join(f"{c} {n}" for c, n in p.by_category)))
    if p.hot:
        blocks.append(Para("热榜：" + "；".join(f"{r.board} 最高第 {r.rank}" for r in p.hot)))
    relays = [
        f"{_when(r.post, zone)} {r.source}{('·' + r.post.item.author) if r.post.item.author else ''}"
        f"（{'、'.join(r.reasons)}）《{r.post.item.title}》"
        for r in p.relays[:MAX_RELAYS]
    ]
    if len(p.relays) > MAX_RELAYS:
        relays.append(f"另有 {len(p.relays) - MAX_RELAYS} 个节点未列出")
    blocks += [
        Para("关键传播节点："),
        Bullets(tuple(relays) or ("无（没有官方媒体、高影响力账号、热榜或放量前的信息）",)),
    ]
    if p.per_hour:
        blocks.append(Para(hours_line(p)))
    if chart is not None:
        blocks.append(Figure(chart, CHART_CAPTION, "timeline.png"))
    return blocks


async def timeline_png(p: Propagation, heading: str, zone: ZoneInfo) -> bytes | None:
    """The timeline chart drawn off the event loop; None (logged) when there is nothing or it cannot be drawn."""
    if not p.per_hour and not p.rank_points:
        return None
    try:
        return await asyncio.to_thread(render_timeline, p.per_hour, p.rank_points, heading, zone)
    except ChartError as exc:
        log.warning("timeline chart skipped: %s", exc)
    except Exception:  # the report must stand alone
        log.exception("timeline chart failed")
    return None
