"""`yuqing-bot sources test <id>`: fetch one source once, print what was parsed and what the schemes would do.

An office adding a source sees at once whether its selectors, encoding and words
work. Nothing is stored (no store is opened) and nothing is sent; the source's
fetch state starts empty, so every entry counts as new. With the demo enabled
the bundled sample sites are served for the length of the test, unless the
running bot already serves them.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import AsyncExitStack

from bot.analysis.judge import Judge
from bot.analysis.normalize import normalize, variants
from bot.clock import Clock, SystemClock
from bot.config import Config, SchemeConfig, SourceConfig
from bot.durations import format_duration
from bot.models import Item
from bot.redact import redact
from bot.render import local_time
from sources.base import Source, SourceContext, SourceError
from sources.http import HttpClient, HttpError
from sources.registry import build_source

EXIT_USAGE = 2
EXIT_FAILED = 1
GROUP_NAMES = {"subject": "主体词", "leader": "领导", "region": "地域词", "event": "事件词"}


def _present(words: list[str], text: str) -> list[str]:
    return [w for w in words if any(v in text for v in variants(w))]


def why_not(scheme: SchemeConfig, item: Item) -> str:
    """Why a scheme did not match an item, as far as plain word presence tells (the matcher also checks
    word boundaries and the scope of exclusions); empty when none of its words appear at all."""
    text = normalize(f"{item.title}\n{item.text}")
    found = {g: _present(list(scheme.words(g)), text) for g in GROUP_NAMES}
    excluded = _present(list(scheme.exclude), text)
    if not any(found.values()) and not excluded:
        return ""
    seen = "，".join(f"{GROUP_NAMES[g]} {'、'.join(ws)}" for g, ws in found.items() if ws)
    if scheme.expression.strip():
        return f"方案「{scheme.name}」：不满足表达式 {scheme.expression.strip()}（出现 {seen or '无'}）"
    missing = []
    who = [g for g in ("subject", "leader") if scheme.words(g)]  # the default rule: (主体 | 领导) & 事件 & !排除
    if who and not any(found[g] for g in who):
        missing.append("主体词" if who == ["subject"] else "主体词/领导")
    elif not who and scheme.regions and not found["region"]:
        missing.append("地域词")
    if scheme.events and not found["event"]:
        missing.append("事件词")
    if excluded:
        reason = f"含排除词 {'、'.join(excluded)}"
    elif missing:
        reason = f"缺少{'、'.join(missing)}"
    else:
        reason = "词出现在更长的词里，或排除词在同一句（边界检查未通过）"
    return f"方案「{scheme.name}」：{reason}（出现 {seen or '无'}）"


def verdict(judge: Judge, config: Config, item: Item) -> list[str]:
    """What the pipeline would decide for a new item: the tier and why, or why no scheme matched."""
    judgement = judge.judge(item)
    if judgement is not None:
        words = "、".join(judgement.match.words()[:8])
        tier = judgement.tier
        head = "告警" if tier.pushed else "只记录（不推送）"
        return [
            f"→ {head}：方案「{judgement.match.scheme}」命中 {words}，{tier.roman} {tier.label}；{judgement.reason}"
        ]
    reasons = [r for r in (why_not(s, item) for s in config.schemes) if r]
    if not reasons:
        return ["→ 不告警：未出现任何监测方案的词"]
    return ["→ 不告警：" + reasons[0], *(f"  　　　　{r}" for r in reasons[1:])]


def _item_lines(n: int, item: Item, config: Config) -> list[str]:
    zone = config.zone
    when = (
        local_time(item.published_at, zone)
        if item.published_at
        else f"未给出（按发现时间 {local_time(item.fetched_at, zone)}）"
    )
    lines = [f"{n}. {item.title or '（无标题）'}", f"   时间：{when}", f"   链接：{item.url or '（无）'}"]
    if item.author:
        lines.append(f"   作者：{item.author}")
    if item.hot is not None:
        heat = f" · 热度 {item.hot.heat}" if item.hot.heat else ""
        lines.append(f"   热榜：{item.hot.board}第 {item.hot.rank}{heat}")
    return lines


def _heading(source: SourceConfig, built: Source) -> str:
    name = f"{source.name}，" if source.name else ""
    state = "" if source.enabled else "，已停用"
    return (
        f"来源 {source.id}（{name}{source.kind}，类别 {source.source_category}，每{format_duration(source.every)}{state}）"
        f"：{redact(built.url)}"
    )


async def _demo_server(config: Config, stack: AsyncExitStack) -> None:
    """Serve the demo's sample sites while testing, unless something (the running bot) already listens."""
    if not config.demo.enabled:
        return
    from bot.demo.server import start_demo_server

    try:
        runner = await start_demo_server(config.demo.host, config.demo.port)
    except OSError:
        return  # the port is taken: the running bot's demo server answers
    stack.push_async_callback(runner.cleanup)


async def run_test(config: Config, source_id: str, clock: Clock) -> tuple[int, str]:
    """(exit code, text): fetch once, judge every item, store and send nothing."""
    source = next((s for s in config.sources if s.id == source_id), None)
    if source is None:
        known = "、".join(s.id for s in config.sources) or "无"
        return EXIT_USAGE, f"没有 id 为 {source_id!r} 的来源；已配置：{known}"
    built = build_source(source, SourceContext(clock, config.zone, config.rsshub.base_url))
    lines = [_heading(source, built)]
    async with AsyncExitStack() as stack:
        await _demo_server(config, stack)
        client = HttpClient(config.http)
        stack.push_async_callback(client.aclose)
        try:
            result = await built.fetch(client, {})
        except (SourceError, HttpError) as exc:
            return EXIT_FAILED, "\n".join([*lines, f"抓取失败：{redact(exc)}"])
    dropped = f"，另有 {result.dropped} 条超出 max_items 未读" if result.dropped else ""
    lines.append(f"解析出 {len(result.items)} 条{dropped}（只试抓一次：不存储、不发送）")
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    alerts = recorded = 0
    for n, item in enumerate(result.items, 1):
        outcome = verdict(judge, config, item)
        alerts += outcome[0].startswith("→ 告警")
        recorded += outcome[0].startswith("→ 只记录")
        lines += ["", *_item_lines(n, item, config), *(f"   {line}" for line in outcome)]
    missed = len(result.items) - alerts - recorded
    lines += ["", f"合计：告警 {alerts} 条，只记录 {recorded} 条，不告警 {missed} 条。"]
    if not result.items:
        lines.append("没有解析出任何条目：请检查 url、selectors（html 来源）或 format/list（hotlist 来源）。")
    return 0, "\n".join(lines)


def sources_test_main(config: Config, source_id: str, clock: Clock | None = None) -> int:
    code, text = asyncio.run(run_test(config, source_id, clock or SystemClock()))
    print(text, file=sys.stderr if code == EXIT_USAGE else sys.stdout)
    return code
