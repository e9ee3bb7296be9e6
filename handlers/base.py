"""What a handler is: a name, a usage line, and an async function of a Request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.config import PersonConfig
from bot.models import ActionKind, Actor, Command, Incident
from bot.services import Services

REPEATED = "{number} 此前已处理，未重复操作"
MAX_TEXT = 2000  # characters of a note or result kept (a chat message, not a document)
MAX_ECHO = 40  # characters of an argument repeated back in a reply


def clip(text: str, limit: int = MAX_ECHO) -> str:
    """An argument as a reply repeats it: cut with … when longer than `limit`."""
    return text if len(text) <= limit else text[:limit] + "…"


def free_text(args: tuple[str, ...]) -> tuple[str, str]:
    """(the note or result to keep, a remark for the reply if it had to be shortened)."""
    text = " ".join(args).strip()
    if len(text) <= MAX_TEXT:
        return text, ""
    return text[:MAX_TEXT], f"（内容过长，已截取前 {MAX_TEXT} 字保存）"


class UsageError(Exception):
    """The command was malformed; the dispatcher answers with the usage line."""


@dataclass(frozen=True)
class Request:
    command: Command
    person: PersonConfig
    incident: Incident | None  # resolved from the number or the replied-to alert
    args: tuple[str, ...]  # arguments after the incident number

    @property
    def actor(self) -> Actor:
        return Actor(self.command.platform, self.command.user_id, self.person.name)

    @property
    def action_id(self) -> str:
        """Stable per delivered message, so a re-delivered command is applied once."""
        c = self.command
        return f"{c.platform}:{c.chat_id}:{c.message_id}" if c.message_id else ""


@dataclass(frozen=True)
class Handler:
    name: str
    usage: str
    summary: str
    run: Callable[[Request, Services], Awaitable[list[str]]]
    needs_incident: bool = False


async def act(
    req: Request, services: Services, kind: ActionKind, note: str = "", assignee: str = ""
) -> Incident | None:
    """Apply one lifecycle action for this request; None if the same message was applied before."""
    assert req.incident is not None, "the dispatcher resolves the incident for needs_incident handlers"
    incident, event = await services.incidents.act(
        req.incident.number,
        kind,
        req.actor,
        services.clock.now(),
        note=note,
        assignee=assignee,
        chat=req.command.target.key,
        action_id=req.action_id,
    )
    services.wake_delivery()
    return incident if event is not None else None
