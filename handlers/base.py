"""What a handler is: a name, a usage line, and an async function of a Request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.config import PersonConfig
from bot.models import Actor, Command, Incident
from bot.services import Services


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
