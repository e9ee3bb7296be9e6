"""Keeping the DingTalk stream open: a ticket from the gateway, the websocket, frames to the SDK's router.

The SDK (`DingTalkStreamClient`) parses every frame, calls our handlers and writes the ack frame
the service expects; this loop replaces only its `start()`, which calls `requests` on the event
loop, retries every 10 s without backoff, cannot tell a rejected Client Secret from an outage,
swallows the cancellation that stops it, and reads DINGTALK_OPENAPI_ENDPOINT once at import.

Failures: the gateway or websocket unreachable → retry with backoff (`reconnect` doubling up to
`reconnect_max`); 鉴权失败 → one clear Chinese line, then the channel alone waits `rejected_retry`
between tries while the rest of the bot keeps running. Several instances: only the leader keeps a
connection (a frame reaching a stepped-down leader is left unacked, so DingTalk delivers it again).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import httpx
import websockets
from dingtalk_stream import CallbackHandler, ChatbotMessage, Credential, DingTalkStreamClient
from dingtalk_stream.version import VERSION_STRING

from bot.channels.base import CommandHandler, NotLeader
from bot.channels.dingtalk_app_api import CredentialRejected
from bot.channels.dingtalk_app_inbound import BotMessages, CardPresses

if TYPE_CHECKING:
    from bot.channels.dingtalk_app import DingtalkAppChannel

log = logging.getLogger(__name__)

GATED_PAUSE = 1.0  # seconds between looks at the leader gate while another instance leads
UA = f"dingtalk-sdk-python/v{VERSION_STRING}-union"
REJECTED = (
    "钉钉应用渠道：Client ID / Client Secret 被钉钉拒绝（{code}），请检查 chats.dingtalk_app.client_id "
    "与环境变量中的 Client Secret 是否正确、应用是否已发布；该渠道暂停，每 {minutes:.0f} 分钟重试一次，其他渠道照常运行"
)


def build_client(channel: DingtalkAppChannel, on_command: CommandHandler) -> DingTalkStreamClient:
    """The SDK client with our two callback handlers registered (the topics we subscribe to)."""
    config = channel.config
    client = DingTalkStreamClient(
        Credential(config.client_id, config.client_secret.get_secret_value()), channel.sdk_log
    )
    client.register_callback_handler(ChatbotMessage.TOPIC, BotMessages(channel, on_command))
    client.register_callback_handler(CallbackHandler.TOPIC_CARD_CALLBACK, CardPresses(channel, on_command))
    client.pre_start()
    return client


def may_connect(channel: DingtalkAppChannel) -> bool:
    try:
        channel.check_gate()
    except NotLeader:
        return False
    return True


async def run_stream(channel: DingtalkAppChannel, on_command: CommandHandler) -> None:
    """Stay connected until cancelled (then presses still being handled are cancelled too)."""
    client = build_client(channel, on_command)
    try:
        await _stay_connected(channel, client)
    finally:
        for handler in client.callback_handler_map.values():
            if isinstance(handler, CardPresses):
                handler.cancel()


async def _stay_connected(channel: DingtalkAppChannel, client: DingTalkStreamClient) -> None:
    config = channel.config
    subscriptions = [{"type": "CALLBACK", "topic": topic} for topic in client.callback_handler_map]
    first, most = config.reconnect.total_seconds(), config.reconnect_max.total_seconds()
    wait = first
    rejected = False
    while True:
        if not may_connect(channel):
            await asyncio.sleep(GATED_PAUSE)
            continue
        try:
            connection = await channel.api.open_connection(subscriptions, UA)
        except CredentialRejected as exc:
            retry = config.rejected_retry.total_seconds()
            if rejected:
                log.info("钉钉应用渠道凭据仍被拒绝（%s），%.0f 分钟后再试", exc.code, retry / 60)
            else:
                log.error(REJECTED.format(code=f"{exc.code} {exc.message}".strip(), minutes=retry / 60))
            rejected = True
            await asyncio.sleep(retry)
            continue
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("钉钉 Stream 网关暂时无法连接（%s），%.0f 秒后重试", exc or type(exc).__name__, wait)
            await asyncio.sleep(wait)
            wait = min(most, wait * 2)
            continue
        if rejected:
            log.warning("钉钉应用渠道：凭据已被接受，恢复连接")
            rejected = False
        try:
            if await session(channel, client, connection):
                wait = first  # that connection worked: start the back-off over
            log.warning("钉钉 Stream 连接已断开，%.0f 秒后重连", wait)
        except (websockets.WebSocketException, OSError, TimeoutError, ValueError) as exc:
            log.warning("钉钉 Stream 连接失败（%s），%.0f 秒后重试", exc or type(exc).__name__, wait)
        await asyncio.sleep(wait)
        wait = min(most, wait * 2)


async def session(channel: DingtalkAppChannel, client: DingTalkStreamClient, connection: dict[str, str]) -> bool:
    """One websocket connection: hand each frame to the SDK's router; True once it was open."""
    uri = f"{connection['endpoint']}?ticket={quote_plus(connection['ticket'])}"
    pending: set[asyncio.Task[None]] = set()
    # proxy: the configured one (a CONNECT tunnel), or none; never one from the environment
    proxy = channel.proxy or None
    async with websockets.connect(uri, open_timeout=10, ping_interval=30, ping_timeout=20, proxy=proxy) as ws:
        client.websocket = ws
        channel.connected.set()
        log.info("钉钉应用渠道已连接（Stream 模式）")
        if channel.on_ready is not None:
            channel.on_ready()
        try:
            async for raw in ws:
                if not may_connect(channel):
                    log.info("钉钉 Stream：本实例已不是主节点，断开连接")
                    break
                frame = json.loads(raw)
                task = asyncio.create_task(client.background_task(frame))
                pending.add(task)
                task.add_done_callback(pending.discard)
        except asyncio.CancelledError:  # stopping: frames still in hand are not acked, DingTalk resends them
            for task in pending:
                task.cancel()
            raise
        finally:
            channel.connected.clear()
    return True
