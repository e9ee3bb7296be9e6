"""Chats that refuse the bot (kicked, blocked): stop sending there, tell the monitors elsewhere.

The mark lives in the store (so every process sees it) until the bot is
added back (the Telegram channel clears it on its my_chat_member update) or
an operator deletes the meta key.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.config import ChatsConfig
from bot.models import NoticeKind, Notification, Target
from bot.routing import all_targets
from bot.store.base import Store

log = logging.getLogger(__name__)

DISABLED_KEY = "chat_disabled:"


async def is_disabled(store: Store, target_key: str) -> bool:
    return bool(await store.get_meta(DISABLED_KEY + target_key))


async def enable(store: Store, target_key: str) -> None:
    if await is_disabled(store, target_key):
        log.info("chat %s accepts the bot again", target_key)
        await store.set_meta(DISABLED_KEY + target_key, None)


def chat_label(chats: ChatsConfig, target: Target) -> str:
    configured = [c for _, c in chats.group_chats(enabled_only=False)]
    name = next((c.name for c in configured if c.id == target.chat_id and c.name), "")
    return f"「{name}」（{target.key}）" if name else target.key


async def disable(store: Store, chats: ChatsConfig, target_key: str, reason: str, now: datetime) -> bool:
    """Mark the chat disabled; the first time, queue a notice to the monitors' other chats."""
    if await is_disabled(store, target_key):  # (only the leader delivers, so no race to guard)
        return False
    await store.set_meta(DISABLED_KEY + target_key, {"at": now.isoformat(), "reason": reason})
    target = Target.from_key(target_key)
    log.warning("chat %s refuses the bot (%s): sending there stops", target_key, reason)
    text = (
        f"⚠️ 机器人已无法在 {chat_label(chats, target)} 发送消息（{reason}），该群暂停推送告警。"
        "请管理员将机器人重新加入该群，恢复后将自动继续推送。"
    )
    notes = [
        Notification(
            f"disabled:{target_key}:{t.key}:{now.isoformat()}", t.key, NoticeKind.TEXT, now, text=text, priority=1
        )
        for t in _monitor_chats(chats)
        if t.key != target_key and not await is_disabled(store, t.key)
    ]
    await store.enqueue(notes)
    return True


def _monitor_chats(chats: ChatsConfig) -> list[Target]:
    """Chats the monitors read (role monitors or all); every chat if none is marked so."""
    roles = {(channel, c.id): c.role for channel, c in chats.group_chats(enabled_only=False)}
    roles.update({(r.kind, r.name): r.role for r in chats.robots})
    targets = all_targets(chats)
    for_monitors = [t for t in targets if roles.get((t.channel, t.chat_id), "all") != "leaders"]
    return for_monitors or targets
