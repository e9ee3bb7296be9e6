"""The 飞书 app's messages as JSON: the alert card with 确认/指派/办结 (and 🔗 并入 when the incident
names a related one), the 指派 picker, plain texts.

Pure: no SDK, no I/O. Scraped text goes into `plain_text` elements, which 飞书
shows as is (no markdown, no <at>), so a headline cannot forge a link or an
@所有人. Texts (replies, briefings) are `text` messages, where `<at …>` is
markup: their angle brackets are made full-width. Cards carry
`update_multi: true` (共享卡片) so a PATCH shows the change to everyone in the
chat. Each button's value holds the press string of `bot.channels.buttons`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import buttons
from bot.channels.buttons import Assignable
from bot.channels.robot_feishu import TEMPLATES
from bot.models import Incident, Status
from bot.render import incident_text

PRESS_KEY = "yq"  # the key of our press string in a button's value
MAX_CARD_TEXT = 8000  # characters of the alert body (a card must stay under 30 KB)
MAX_TEXT = 4000  # characters of one text message part (飞书 allows 150 KB; long texts read better split)
MAX_PEOPLE_BUTTONS = 60
_INERT = str.maketrans({"<": "＜", ">": "＞"})


def _plain(text: str) -> dict[str, Any]:
    return {"tag": "plain_text", "content": text}


def _button(label: str, kind: str, number: str, extra: str = "", style: str = "default") -> dict[str, Any]:
    return {
        "tag": "button",
        "text": _plain(label),
        "type": style,
        "value": {PRESS_KEY: buttons.encode(kind, number, extra)},
    }


def press_of(value: object) -> buttons.Press | None:
    """The press a button's value carries, or None for a value this bot did not make."""
    return buttons.decode(value.get(PRESS_KEY)) if isinstance(value, dict) else None


def alert_card(incident: Incident, now: datetime, zone: ZoneInfo, source_name: str = "") -> dict[str, Any]:
    text = incident_text(incident, now, zone, source_name)
    head, _, body = text.partition("\n")
    if len(body) > MAX_CARD_TEXT:
        body = body[: MAX_CARD_TEXT - 1] + "…"
    template = "green" if incident.status is Status.RESOLVED else TEMPLATES.get(int(incident.tier), "grey")
    actions = [
        _button(label, kind, incident.number, extra, style="primary" if kind == "a" else "default")
        for kind, label, extra in buttons.alert_buttons(incident.number, incident.status, incident.related)
    ]
    if incident.url.startswith(("https://", "http://")):
        actions.append({"tag": "button", "text": _plain("🔗 原文"), "type": "default", "url": incident.url})
    elements: list[dict[str, Any]] = [{"tag": "div", "text": _plain(body or head)}]
    if actions:
        elements.append({"tag": "action", "actions": actions})
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": _plain(head), "template": template},
        "elements": elements,
    }


def picker_card(number: str, people: list[Assignable]) -> dict[str, Any]:
    """Who should handle it: one button per person, and 取消."""
    keys = [_button(p.label, "s", number, str(p.index)) for p in people[:MAX_PEOPLE_BUTTONS]]
    keys.append(_button("↩️ 取消", "x", number))
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": _plain(f"指派 {number}"), "template": "blue"},
        "elements": [{"tag": "div", "text": _plain("请选择负责人：")}, {"tag": "action", "actions": keys}],
    }


def notice_card(title: str, text: str) -> dict[str, Any]:
    """A card with no buttons left (the picker once someone chose, or cancelled)."""
    return {
        "config": {"wide_screen_mode": True, "update_multi": True},
        "header": {"title": _plain(title), "template": "grey"},
        "elements": [{"tag": "div", "text": _plain(text)}],
    }


def text_content(text: str, mentions: tuple[str, ...] = ()) -> str:
    """A text message's content: the @mentions by open_id first, the text made inert."""
    prefix = "".join(f'<at user_id="{m}"></at> ' for m in mentions if m.startswith("ou_"))
    return json.dumps({"text": prefix + text.translate(_INERT)}, ensure_ascii=False)


def card_content(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)
