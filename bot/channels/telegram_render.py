"""Telegram HTML views of incidents: escaped, highlighted, split at 4096 characters.

Pure functions (no `telegram` import), so the rendering is property-tested on
its own. A message is a list of runs (text, tags); every piece of scraped
text is escaped when a run becomes HTML, never before, so splitting can cut
text anywhere without breaking an entity or leaving a tag open.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.models import Incident, Status
from bot.render import deadline_line, local_time, related_line, spread_line

MAX_MESSAGE = 4096
Run = tuple[str, tuple[str, ...]]  # visible text, opening tags outermost first ("b", 'a href="…"')
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_INDENT = re.compile(r"[ \t\u3000]{9,}")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)


def utf16_len(text: str) -> int:
    """Telegram counts characters in UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean(text: str, one_line: bool = True) -> str:
    """Scraped text made safe to show: no control characters or lone surrogates (they break the request)."""
    kept = []
    for ch in text or "":
        cat = unicodedata.category(ch)
        if ch in "\n\t" or cat not in ("Cc", "Cs"):
            kept.append(ch)
    out = "".join(kept)
    if one_line:
        return _SPACES.sub(" ", out).strip()
    return _INDENT.sub(" " * 8, _BLANK_LINES.sub("\n\n", out)).strip()


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def link_tag(url: str) -> str | None:
    """An <a> opening tag for a safe http(s) URL, else None (the URL is shown as text)."""
    url = clean(url)
    tag = f'a href="{html.escape(url, quote=True)}"'
    return tag if _URL.match(url) and len(tag) <= 1024 else None


def mention_tag(user_id: str) -> str | None:
    return f'a href="tg://user?id={int(user_id)}"' if str(user_id).lstrip("-").isdigit() else None


def _tag_name(tag: str) -> str:
    return tag.split(" ", 1)[0]


def run_html(run: Run) -> str:
    text, tags = run
    opening = "".join(f"<{t}>" for t in tags)
    closing = "".join(f"</{_tag_name(t)}>" for t in reversed(tags))
    return f"{opening}{escape(text)}{closing}"


def to_html(runs: list[Run]) -> str:
    return "".join(run_html(r) for r in runs if r[0])


def highlight(text: str, words: list[str], base: tuple[str, ...] = ()) -> list[Run]:
    """Runs of `text` with each matched word underlined (longest word first at each place)."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return [(text, base)]
    pattern = re.compile("|".join(re.escape(w) for w in words))
    runs: list[Run] = []
    pos = 0
    for m in pattern.finditer(text):
        runs.append((text[pos : m.start()], base))
        runs.append((m.group(0), (*base, "u")))
        pos = m.end()
    runs.append((text[pos:], base))
    return [r for r in runs if r[0]]


def _state_lines(incident: Incident, now: datetime, zone: ZoneInfo) -> list[Run]:
    runs: list[Run] = []
    if incident.assignee:
        runs.append((f"\n👤 负责人：{clean(incident.assignee)}", ()))
    if incident.acked_by:
        runs.append((f"\n✅ 确认：{clean(incident.acked_by)} {local_time(incident.acked_at, zone)}", ()))
    if incident.status is Status.RESOLVED:
        runs.append((f"\n🏁 办结：{local_time(incident.resolved_at, zone)} {clean(incident.result)}", ()))
    deadline = deadline_line(incident, now)
    if deadline:
        runs.append(("\n" + deadline, ("b",) if "超时" in deadline else ()))
    return runs


def _detail_lines(incident: Incident, zone: ZoneInfo, source_name: str) -> list[Run]:
    words = [clean(w) for w in incident.match.words()[:8]] if incident.match else []
    runs: list[Run] = [("\n\n", ())]
    runs += highlight(clean(incident.title) or "（无标题）", words, ("b",))
    runs.append(
        (
            f"\n来源：{clean(source_name or incident.source_id)}"
            f"\n发布：{local_time(incident.published_at, zone)}  发现：{local_time(incident.discovered_at, zone)}",
            (),
        )
    )
    spread = spread_line(incident, zone, source_name)
    if spread:
        label, _, rest = spread.partition("：")
        runs += [(f"\n{label}：", ()), (clean(rest), ("b",))]
    if words:
        runs.append(("\n命中：", ()))
        for i, word in enumerate(words):
            runs += [("、", ())] if i else []
            runs.append((word, ("code",)))
        if incident.scheme:
            runs.append((f"（方案「{clean(incident.scheme)}」）", ()))
    if incident.reason:
        runs.append((f"\n研判：{clean(incident.reason)}", ()))
    if incident.progress:
        runs.append((f"\n进展：{clean(incident.progress)}", ()))
    related = related_line(incident)
    if related:
        runs.append((f"\n{related}", ()))
    if incident.url:
        tag = link_tag(incident.url)
        runs += [("\n", ()), ("查看原文", (tag,))] if tag else [(f"\n原文：{clean(incident.url)}", ())]
    return runs


def incident_runs(incident: Incident, now: datetime, zone: ZoneInfo, source_name: str = "") -> list[Run]:
    """The alert as runs; what changes (status, people, deadline) comes first, so it is in part one."""
    tier = incident.tier
    runs: list[Run] = [
        (f"{tier.emoji} ", ()),
        (f"【{tier.roman}级 {tier.label}】舆情告警", ("b",)),
        ("\n", ()),
        (incident.number, ("code",)),
        (f" · {incident.status.label}", ("b",)),
    ]
    runs += _state_lines(incident, now, zone)
    runs += _detail_lines(incident, zone, source_name)
    return runs


def incident_parts(incident: Incident, now: datetime, zone: ZoneInfo, source_name: str = "") -> list[str]:
    return split_runs(incident_runs(incident, now, zone, source_name))


def text_runs(text: str, mentions: list[tuple[str, str]] = ()) -> list[Run]:  # type: ignore[assignment]
    """Plain text (replies, briefings) with optional (user id, label) mentions in front."""
    runs: list[Run] = []
    for user_id, label in mentions:
        tag = mention_tag(user_id)
        runs += [(f"@{clean(label)}", (tag,) if tag else ()), (" ", ())]
    runs.append((clean(text, one_line=False) or "（空）", ()))
    return runs


# -- splitting -------------------------------------------------------------


def _run_cost(run: Run) -> int:
    return utf16_len(run_html(run))


def _cut(run: Run, room: int) -> tuple[Run, Run]:
    """Cut a run so its HTML fits `room` units; prefer the last newline."""
    text, tags = run
    overhead = _run_cost(("", tags))
    used, end = overhead, 0
    for i, ch in enumerate(text):
        used += utf16_len(escape(ch))
        if used > room:
            break
        end = i + 1
    newline = text.rfind("\n", 0, end)
    if newline > 0 and newline + 1 >= end // 2:
        end = newline + 1
    return (text[:end], tags), (text[end:], tags)


def split_runs(runs: list[Run], limit: int = MAX_MESSAGE) -> list[str]:
    """HTML parts each within `limit` UTF-16 units whose visible texts rejoin to the whole.

    Parts break after a newline where one is near; a part never ends on
    whitespace alone, since Telegram refuses an empty message.
    """
    parts: list[list[Run]] = [[]]
    used = 0
    queue = [r for r in runs if r[0]]
    while queue:
        run = queue.pop(0)
        cost = _run_cost(run)
        if used + cost <= limit:
            parts[-1].append(run)
            used += cost
            continue
        room = limit - used
        head, tail = _cut(run, room) if room > _run_cost(("", run[1])) + 8 else (("", run[1]), run)
        if not head[0] and not parts[-1]:  # the tags alone nearly fill a part: cut anyway
            head, tail = (run[0][:1], run[1]), (run[0][1:], run[1])
        if head[0]:
            parts[-1].append(head)
        if parts[-1]:
            parts.append([])
        used = 0
        queue.insert(0, tail)
    return _merge_blank([to_html(p) for p in parts if p], limit)


def _is_blank(part: str) -> bool:
    return not html.unescape(re.sub(r"<[^>]*>", "", part)).strip()


def _merge_blank(parts: list[str], limit: int) -> list[str]:
    """Fold whitespace-only parts into a neighbour: Telegram refuses them, and the text must rejoin."""
    out: list[str] = []
    carry = ""
    for part in parts:
        part = carry + part
        carry = ""
        if _is_blank(part) and out and utf16_len(out[-1] + part) <= limit:
            out[-1] += part
        elif _is_blank(part):
            carry = part
        else:
            out.append(part)
    if carry:
        out.append(carry)
    return out
