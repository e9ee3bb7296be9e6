"""The 企业微信智能机器人's template cards and markdown, built from an incident (pure: no I/O).

An alert is a `button_interaction` card: tier and status in the title, the number,
the scraped title as plain card text (cards do not render markup), source, times,
people and deadline as key/value rows, the link as the card's click action, and
the buttons 确认 / 指派 / 办结, with 🔗 并入 when the incident names a related one
(bot.channels.buttons says what a press means; the press string is the button's
`key`). The card's `task_id` is its message id: a press names it, and an update
must carry it again.
Field lengths follow the platform's limits; longer values are cut with "…".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import buttons
from bot.channels.buttons import Assignable
from bot.models import Incident, Status, Tier
from bot.render import deadline_line, local_time, related_line

MAX_TITLE = 26
MAX_DESC = 30
MAX_SUB_TITLE = 110
MAX_KEYNAME = 5
MAX_VALUE = 26
MAX_ROWS = 6
MAX_BUTTONS = 6
MAX_QUOTE = 200
MAX_BUTTON_TEXT = 10
SOURCE_DESC = "舆情值守"

_URL = re.compile(r"https?://\S+")
# Markdown a scraped title could use to forge a link, an @mention or emphasis: shown full-width.
_MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "#": "＃", "`": "｀", "_": "＿"})
_URL_MARKUP = str.maketrans({"<": "%3C", ">": "%3E", "[": "%5B", "]": "%5D", "`": "%60", "(": "%28", ")": "%29"})


def clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def alert_card(incident: Incident, now: datetime, zone: ZoneInfo, source_name: str, task_id: str) -> dict[str, Any]:
    """The alert with its buttons (none left but a marker once resolved)."""
    actions = buttons.alert_buttons(incident.number, incident.status, incident.related)
    keys = [
        _button(_short(kind, label, extra), buttons.encode(kind, incident.number, extra), primary=kind == "a")
        for kind, label, extra in actions
    ]
    if not keys:  # a button card needs a button: a resolved one shows a mark that only redraws the card
        keys = [_button("🏁 已办结", buttons.encode("x", incident.number, "r"), primary=False)]
    return _card(incident, now, zone, source_name, task_id, keys)


def people_card(
    incident: Incident,
    now: datetime,
    zone: ZoneInfo,
    source_name: str,
    task_id: str,
    people: list[Assignable],
) -> dict[str, Any]:
    """The 指派 menu: one button per person (as many as the card holds) and 返回."""
    shown = people[: MAX_BUTTONS - 1]
    keys = [_button(p.label, buttons.encode("s", incident.number, str(p.index)), primary=False) for p in shown]
    keys.append(_button("↩️ 返回", buttons.encode("x", incident.number, buttons.status_letter(incident.status)), False))
    card = _card(incident, now, zone, source_name, task_id, keys)
    hint = "请选择负责人"
    if len(people) > len(shown):
        hint += f"；其他人员请输入：指派 {incident.number} @姓名"
    card["sub_title_text"] = clip(f"{hint}\n{incident.title}", MAX_SUB_TITLE)
    return card


def _card(
    incident: Incident,
    now: datetime,
    zone: ZoneInfo,
    source_name: str,
    task_id: str,
    keys: list[dict[str, Any]],
) -> dict[str, Any]:
    tier = incident.tier
    card: dict[str, Any] = {
        "card_type": "button_interaction",
        "source": {"desc": SOURCE_DESC, "desc_color": 2 if tier in (Tier.I, Tier.II) else 0},
        "main_title": {
            "title": clip(f"{tier.emoji}【{tier.roman} {tier.label}】{incident.status.label}", MAX_TITLE),
            "desc": clip(incident.number, MAX_DESC),
        },
        "sub_title_text": clip(incident.title, MAX_SUB_TITLE),
        "horizontal_content_list": _rows(incident, now, zone, source_name),
        "task_id": task_id,
        "button_list": keys[:MAX_BUTTONS],
    }
    quote = _quote(incident)
    if quote:
        card["quote_area"] = {"type": 0, "quote_text": quote}
    if incident.url.startswith(("https://", "http://")):
        card["card_action"] = {"type": 1, "url": incident.url}
    return card


def _rows(incident: Incident, now: datetime, zone: ZoneInfo, source_name: str) -> list[dict[str, str]]:
    rows = [("来源", source_name or incident.source_id), ("发现", local_time(incident.discovered_at, zone))]
    if incident.acked_by:
        rows.append(("确认", f"{incident.acked_by} {local_time(incident.acked_at, zone)}"))
    if incident.assignee:
        rows.append(("负责人", incident.assignee))
    if incident.status is Status.RESOLVED:
        rows.append(("办结", f"{local_time(incident.resolved_at, zone)} {incident.result}"))
    deadline = deadline_line(incident, now)
    if deadline:
        rows.append(("时限", deadline))
    return [{"keyname": clip(k, MAX_KEYNAME), "value": clip(v, MAX_VALUE)} for k, v in rows[:MAX_ROWS]]


def _quote(incident: Incident) -> str:
    lines = []
    if incident.match is not None:
        lines.append(f"命中：{'、'.join(incident.match.words()[:6])}")
    if incident.reason:
        lines.append(f"研判：{incident.reason}")
    if incident.spread > 1:
        lines.append(f"传播：{incident.spread} 条相似/转载")
    if incident.progress:
        lines.append(f"进展：{incident.progress}")
    related = related_line(incident)
    if related:
        lines.append(related)
    text = "\n".join(lines)
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


def _short(kind: str, label: str, extra: str) -> str:
    """A label within MAX_BUTTON_TEXT: 🔗 并入 names the number by its sequence only (the quote area
    above the buttons names it in full: 疑似同一事件：YQ-…)."""
    if kind == "m" and len(label) > MAX_BUTTON_TEXT:
        return buttons.MERGE_LABEL + extra.rsplit("-", 1)[-1]
    return label


def _button(label: str, key: str, primary: bool) -> dict[str, Any]:
    return {"text": clip(label, MAX_BUTTON_TEXT), "style": 1 if primary else 2, "key": key}


def markdown(text: str, mentions: tuple[str, ...] = ()) -> str:
    """Text made inert as markdown (links kept, but unable to forge markup), @mentions by userid first."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(text[last : match.start()].translate(_MARKUP))
        out.append(match.group(0).translate(_URL_MARKUP))
        last = match.end()
    out.append(text[last:].translate(_MARKUP))
    head = "".join(f"<@{m}> " for m in mentions if m)
    return head + "".join(out)
