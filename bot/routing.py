"""Which chats receive what, from the chats config: the one place that lists the chat platforms.

The two-way platforms' group chats come from `ChatsConfig.group_chats`; routing by
tier and the leaders' and monitors' chats follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import ChatsConfig
from bot.models import Target, Tier

CONSOLE_CHAT = "console"


@dataclass(frozen=True)
class ConfiguredChat:
    target: Target
    role: str  # leaders | monitors | all
    tiers: tuple[Tier, ...]
    name: str = ""


def configured_chats(chats: ChatsConfig) -> list[ConfiguredChat]:
    """Every chat of every enabled channel, in the order alerts go out (console, apps, robots)."""
    out: list[ConfiguredChat] = []
    if chats.console.enabled:
        out.append(ConfiguredChat(Target("console", CONSOLE_CHAT), "all", tuple(chats.console.tiers)))
    out += [ConfiguredChat(Target(channel, c.id), c.role, tuple(c.tiers), c.name) for channel, c in chats.group_chats()]
    out += [ConfiguredChat(Target(r.kind, r.name), r.role, tuple(r.tiers), r.name) for r in chats.robots]
    return out


def targets_for(chats: ChatsConfig, tier: Tier) -> list[Target]:
    return [c.target for c in configured_chats(chats) if tier in c.tiers]


def all_targets(chats: ChatsConfig) -> list[Target]:
    """Every configured chat (for briefings and source notices)."""
    return [c.target for c in configured_chats(chats)]


def leader_targets(chats: ChatsConfig) -> list[Target]:
    """The leaders' group chats: the next group an escalation reaches."""
    return [c.target for c in configured_chats(chats) if c.role == "leaders"]


def monitor_targets(chats: ChatsConfig) -> list[Target]:
    """Chats the monitors read (role monitors or all, and the console); every chat if none is marked so."""
    every = configured_chats(chats)
    return [c.target for c in every if c.role != "leaders"] or [c.target for c in every]


def is_known_chat(chats: ChatsConfig, target: Target) -> bool:
    return target in all_targets(chats)
