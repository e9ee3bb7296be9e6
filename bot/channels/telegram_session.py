"""Connecting the Telegram Application and keeping it connected.

Telegram being unreachable at start must not stop the duty bot: the other
channels keep working, alerts wait in the outbox, and the connection is
retried in the background. A wrong token is a configuration error and is
raised at once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import BotCommand
from telegram.error import InvalidToken, NetworkError, TelegramError

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)

UPDATES = ["message", "callback_query", "my_chat_member"]
MAX_RECONNECT = 300.0


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
        return None
    except InvalidToken:
        raise
    except NetworkError as exc:
        log.warning("Telegram unreachable at start (%s); retrying in the background", exc)
        return asyncio.create_task(_retry(channel), name="telegram-connect")


async def _retry(channel: TelegramChannel) -> None:
    delay = channel.reconnect_delay
    while True:
        await asyncio.sleep(delay)
        try:
            await connect(channel)
            log.info("Telegram connected")
            return
        except NetworkError as exc:
            delay = min(MAX_RECONNECT, delay * 2)
            log.warning("Telegram still unreachable (%s); next try in %.0f s", exc, delay)


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
