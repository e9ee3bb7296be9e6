"""Connecting the Telegram Application and keeping it connected.

Telegram being unreachable at start must not stop the duty bot: the other
channels keep working, alerts wait in the outbox, and the connection is
retried in the background. A token Telegram rejects (401) is one clear line
naming the channel: if this token never worked (no mark in the store), it is
a configuration error and the bot exits 2 at start; if it worked before
(revoked, or a Telegram fault), the channel alone pauses and retries every
`REJECTED_RETRY` seconds while everything else keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import TYPE_CHECKING

from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config_loader import ConfigError

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)

UPDATES = ["message", "callback_query", "my_chat_member"]
MAX_RECONNECT = 300.0
REJECTED_RETRY = 600.0  # seconds between tries with a token Telegram rejected
VALID_KEY = "telegram:token-ok:"  # + a digest of the token (never the token): it has worked once
REJECTED = "Telegram 渠道：令牌被 Telegram 拒绝（401 Unauthorized），请检查环境变量 TELEGRAM_BOT_TOKEN 是否正确、是否已在 @BotFather 重置"


class TokenRejected(ConfigError):
    """The Telegram token was refused and has never worked: the bot does not start (exit 2)."""


async def connect(channel: TelegramChannel) -> None:
    """getMe, the command menu, then long polling."""
    app = channel.app
    await app.initialize()
    await register_commands(channel)
    await app.start()
    if app.updater is not None:
        await app.updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=UPDATES)


async def connect_or_retry(channel: TelegramChannel) -> asyncio.Task[None] | None:
    """Connect now, or return the background task that keeps trying."""
    try:
        await connect(channel)
        await _mark_valid(channel)
        return None
    except InvalidToken:
        if not await _was_valid(channel):
            raise TokenRejected(REJECTED) from None
        log.error("%s；该渠道暂停，每 %.0f 分钟重试一次，其他渠道与轮询照常运行", REJECTED, REJECTED_RETRY / 60)
        await _safe_shutdown(channel)
        return asyncio.create_task(_retry(channel, rejected=True), name="telegram-connect")
    except NetworkError as exc:
        log.warning("Telegram unreachable at start (%s); retrying in the background", exc)
        return asyncio.create_task(_retry(channel), name="telegram-connect")


async def _retry(channel: TelegramChannel, rejected: bool = False) -> None:
    delay = REJECTED_RETRY if rejected else channel.reconnect_delay
    while True:
        await asyncio.sleep(delay)
        try:
            await connect(channel)
            await _mark_valid(channel)
            log.warning("Telegram 渠道已连接")
            return
        except InvalidToken:
            delay = REJECTED_RETRY
            log.error("%s；%.0f 分钟后再试", REJECTED, delay / 60)
            await _safe_shutdown(channel)
        except NetworkError as exc:
            delay = min(MAX_RECONNECT, delay * 2)
            log.warning("Telegram still unreachable (%s); next try in %.0f s", exc, delay)


def _token_key(channel: TelegramChannel) -> str:
    token = channel.config.token.get_secret_value()
    return VALID_KEY + hashlib.sha256(token.encode()).hexdigest()[:16]


async def _was_valid(channel: TelegramChannel) -> bool:
    store = channel.store
    if store is None:
        return False
    try:
        return bool(await store.get_meta(_token_key(channel)))
    except Exception:  # noqa: BLE001 - the store being down must not turn a rejected token into a crash
        return False


async def _mark_valid(channel: TelegramChannel) -> None:
    if channel.store is None:
        return
    try:
        await channel.store.set_meta(_token_key(channel), True)
    except Exception as exc:  # noqa: BLE001 - the mark only decides exit-or-wait on a later 401
        log.warning("could not record that the Telegram token works: %s", exc)


async def _safe_shutdown(channel: TelegramChannel) -> None:
    """Undo a half-done initialize so the next try starts clean."""
    with contextlib.suppress(Exception):  # nothing was running
        await disconnect(channel)


async def disconnect(channel: TelegramChannel) -> None:
    app = channel.app
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


async def register_commands(channel: TelegramChannel) -> None:
    """setMyCommands; a failure is logged, the bot works without the menu."""
    if not channel.commands:
        return
    try:
        await channel.bot.set_my_commands([BotCommand(name, summary[:256]) for name, summary in channel.commands])
    except TelegramError as exc:
        log.warning("could not register Telegram commands: %s", exc)
