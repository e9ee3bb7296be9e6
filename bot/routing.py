"""Which chats receive an incident of a given tier, from the chats config."""

from __future__ import annotations

from bot.config import ChatsConfig
from bot.models import Target, Tier

CONSOLE_CHAT = "console"


def targets_for(chats: ChatsConfig, tier: Tier) -> list[Target]:
    out: list[Target] = []
    if chats.console.enabled and tier in chats.console.tiers:
        out.append(Target("console", CONSOLE_CHAT))
    out += [Target(channel, c.id) for channel, c in chats.group_chats() if tier in c.tiers]
    out += [Target(r.kind, r.name) for r in chats.robots if tier in r.tiers]
    return out


def all_targets(chats: ChatsConfig) -> list[Target]:
    """Every configured chat (for briefings and source notices)."""
    out: list[Target] = []
    if chats.console.enabled:
        out.append(Target("console", CONSOLE_CHAT))
    out += [Target(channel, c.id) for channel, c in chats.group_chats()]
    out += [Target(r.kind, r.name) for r in chats.robots]
    return out


def is_known_chat(chats: ChatsConfig, target: Target) -> bool:
    return target in all_targets(chats)
