"""The DingTalk alert card (StandardCard JSON): the incident as markdown, 确认 / 指派 / 办结 buttons
(and 🔗 并入 when the incident names a related one).

Each button is a "request" action whose id and params carry the press string of
`bot.channels.buttons`; a press comes back on the stream's card callback topic with
that id in `cardPrivateData.actionIds` and the params in `cardPrivateData.params`.
Scraped text is made inert (`plain`) before it goes into markdown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels import buttons
from bot.channels.buttons import Assignable, Press
from bot.channels.robot_base import plain
from bot.models import Incident, Status
from bot.render import incident_text

MAX_PEOPLE_BUTTONS = 30


def alert_card(
    incident: Incident, now: datetime, zone: ZoneInfo, source_name: str = "", people: list[Assignable] | None = None
) -> dict[str, Any]:
    """The card for an incident: its text, then the alert buttons (or, while picking, the people)."""
    text = plain(incident_text(incident, now, zone, source_name))
    head, _, rest = text.partition("\n")
    body = "  \n".join(rest.splitlines())
    title = plain(f"{incident.tier.emoji}{incident.tier.roman} {incident.number} · {incident.status.label}")
    contents: list[dict[str, Any]] = [{"type": "markdown", "text": f"**{head}**  \n{body}", "id": "incident"}]
    if people is None:
        actions = [
            _button(buttons.encode(kind, incident.number, extra), label, "normal" if kind == "m" else "primary")
            for kind, label, extra in buttons.alert_buttons(incident.number, incident.status, incident.related)
        ]
    else:
        actions = people_buttons(incident.number, incident.status, people)
    if actions:
        contents.append({"type": "action", "actions": actions, "id": "actions"})
    return {
        "config": {"autoLayout": True, "enableForward": True},
        "header": {"title": {"type": "text", "text": title}},
        "contents": contents,
    }


def people_buttons(number: str, status: Status, people: list[Assignable]) -> list[dict[str, Any]]:
    """One button per assignable person, then 返回 (back to the alert buttons)."""
    picks = [_button(buttons.encode("s", number, str(p.index)), p.label) for p in people[:MAX_PEOPLE_BUTTONS]]
    back = buttons.encode("x", number, buttons.status_letter(status))
    return [*picks, _button(back, "↩️ 返回", status="normal")]


def _button(press: str, label: str, status: str = "primary") -> dict[str, Any]:
    return {
        "type": "button",
        "label": {"type": "text", "text": label},
        "actionType": "request",
        "status": status,
        "id": press,
        "params": {"press": press},
    }


def press_of(content: dict[str, Any]) -> Press | None:
    """The press a card callback's content carries (params first, then the action id)."""
    private = content.get("cardPrivateData") or {}
    params = private.get("params") or {}
    if isinstance(params, dict) and isinstance(params.get("press"), str):
        return buttons.decode(params["press"])
    ids = private.get("actionIds") or []
    return buttons.decode(ids[0]) if ids and isinstance(ids[0], str) else None
