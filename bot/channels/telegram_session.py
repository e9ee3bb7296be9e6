"""Connecting the Telegram Application and keeping it connected.

Telegram being unreachable at start must not stop the duty bot: the other
channels keep working, alerts wait in the outbox, and the connection is
retried in the background. A token Telegram rejects (401) is one clear line
naming the channel: if this token never worked (no mark in the store), it is
a configuration error and the bot exits 2 at start; if it worked before
(revoked, or a Telegram fault), the channel alone pauses and retries every
`REJECTED_RETRY` seconds while everything else keeps running.

Long polling is gated like sending (several instances): a leader past its
term makes no more getUpdates calls (`GatedUpdatesRequest` answers "no
updates" locally), so it neither fetches updates it could not handle nor
confirms the offset of ones it fetched; the new leader gets them. Telegram
answers a second concurrent poller with 409 Conflict: a poller that is no
longer leader stops at once, the new leader retries quietly until the old
one's last request has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram import BotCommand
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.config_loader import ConfigError

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)

UPDATES = ["message", "callback_query", "my_chat_member"]
MAX_RECONNECT = 300.0
NO_UPDATES = b'{"ok":true,"result":[]}'
GATED_PAUSE = 0.5  # seconds a gated poll waits before answering "no updates" (no busy loop)


class GatedUpdatesRequest(HTTPXRequest):
    """The getUpdates transport: while `may_poll()` is False nothing reaches Telegram."""

    def __init__(self, may_poll: Callable[[], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.may_poll = may_poll

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if not self.may_poll():
            await asyncio.sleep(GATED_PAUSE)
            return 200, NO_UPDATES
        return await super().do_request(url, method, *args, **kwargs)


def polling_error(channel: TelegramChannel, exc: TelegramError) -> None:
    """PTB's polling loop failed once (it retries with its own backoff): one line, no traceback."""
    if not isinstance(exc, Conflict):
        log.warning("拉取 Telegram 更新失败（将自动重试）：%s", exc)
        return
    if channel.may_poll():  # we lead; the other poller is one stepping down: its last request ends soon
        log.info("Telegram 409：另一实例仍在拉取更新（正在交接），稍后重试")
        return
    log.warning("Telegram 409：本实例已不是主节点，立即停止拉取更新")
    updater = channel.app.updater
    if updater is not None and updater.running:
        channel.stopping = asyncio.get_running_loop().create_task(updater.stop(), name="telegram-stop-polling")


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
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=10,
            allowed_updates=UPDATES,
            error_callback=lambda exc: polling_error(channel, exc),
        )


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
    if channel.stopping is not None:  # polling stopped after a 409
        await asyncio.gather(channel.stopping, return_exceptions=True)
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
