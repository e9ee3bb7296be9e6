"""The 企业微信智能机器人 long connection, spoken directly over aiohttp's websocket client.

The protocol is the one the official `wecom-aibot-python-sdk` 1.0.2 speaks (we do
not use the SDK: it needs pyee>=11, wechaty pins pyee<9; see docs/wecom_app.md).
Every frame is JSON `{"cmd", "headers": {"req_id"}, "body"}`:
  → aibot_subscribe {bot_id, secret}        ← {headers.req_id, errcode, errmsg}: 0 = authenticated
  → ping (every `heartbeat`)                ← {headers.req_id, errcode}; two unanswered: connection dead
  ← aibot_msg_callback / aibot_event_callback (a message @ the robot, a card button pressed)
  → aibot_respond_msg / aibot_respond_update_msg with the callback's req_id; aibot_send_msg with our own
  ← the answer to each: a frame with the same req_id and an errcode (checked, never assumed)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

SUBSCRIBE = "aibot_subscribe"
PING = "ping"
RESPOND = "aibot_respond_msg"
RESPOND_UPDATE = "aibot_respond_update_msg"
SEND = "aibot_send_msg"
MESSAGE = "aibot_msg_callback"
EVENT = "aibot_event_callback"
MAX_MISSED_PINGS = 2

Frame = dict[str, Any]
FrameHandler = Callable[[Frame], Awaitable[None]]


def new_req_id(prefix: str) -> str:
    """`<prefix>_<ms>_<random>`, as the SDK makes them (the service answers with the same id)."""
    return f"{prefix}_{int(time.time() * 1000)}_{os.urandom(4).hex()}"


class AuthRejected(Exception):
    """The service refused the bot id or secret."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"errcode={code} {message}")
        self.code = code
        self.message = message


class NotConnected(Exception):
    """No authenticated connection right now."""


class ConnectionLost(Exception):
    """The connection ended while a frame awaited its answer (the service may have acted on it)."""


class AckTimeout(Exception):
    """The service did not answer a frame in time (it may have acted on it)."""


class ServiceError(Exception):
    """The service answered a frame with a non-zero errcode."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"errcode={code} {message}")
        self.code = code
        self.message = message


class WecomSocket:
    """One connection at a time: subscribe, keep it alive, match answers to requests by req_id.

    `run` returns (or raises) when the connection ends; the channel decides when to call it again.
    Callback frames go to `on_frame`, each in its own task, so a slow handler never holds up the
    answers it is itself waiting for.
    """

    def __init__(
        self,
        url: str,
        bot_id: str,
        secret: str,
        on_frame: FrameHandler,
        heartbeat: float = 30.0,
        ack_timeout: float = 5.0,
        proxy: str = "",
    ) -> None:
        self.url = url
        self.proxy = proxy  # an HTTP proxy: wss:// goes through it as a CONNECT tunnel; "": direct
        self.bot_id = bot_id
        self._secret = secret
        self.on_frame = on_frame
        self.heartbeat = heartbeat
        self.ack_timeout = ack_timeout
        self.authenticated = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[str, asyncio.Future[Frame]] = {}
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # req_id → (lock, [users])
        self._tasks: set[asyncio.Task[None]] = set()
        self._missed = 0

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed and self.authenticated.is_set()

    async def run(self, on_authenticated: Callable[[], None]) -> None:
        """Connect, subscribe, then read until the connection ends. Raises AuthRejected on a refused secret."""
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=10)
        async with (
            aiohttp.ClientSession(timeout=timeout, trust_env=False) as session,
            session.ws_connect(
                self.url, heartbeat=None, autoping=True, max_msg_size=4 * 2**20, proxy=self.proxy or None
            ) as ws,
        ):
            self._ws = ws
            self._missed = 0
            try:
                await self._subscribe(ws)
                on_authenticated()
                pinger = asyncio.create_task(self._ping_loop(ws), name="wecom-app-ping")
                try:
                    await self._read(ws)
                finally:
                    pinger.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await pinger
            finally:
                self._ws = None
                self.authenticated.clear()
                self._fail_pending(ConnectionLost("应答前连接已断开"))

    async def close(self) -> None:
        ws = self._ws
        if ws is not None:
            await ws.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _subscribe(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        req_id = new_req_id(SUBSCRIBE)
        await ws.send_str(json.dumps({"cmd": SUBSCRIBE, "headers": {"req_id": req_id}, "body": self._credentials()}))
        async with asyncio.timeout(self.ack_timeout * 2):
            while True:
                msg = await ws.receive()
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"认证应答前连接关闭（{msg.type.name}）")
                frame = _parse(msg.data)
                if frame is None or frame.get("headers", {}).get("req_id") != req_id:
                    continue  # nothing else is sent before the answer; ignore it if something is
                code = _code(frame)
                if code != 0:
                    raise AuthRejected(code, str(frame.get("errmsg", "")))
                self.authenticated.set()
                return

    def _credentials(self) -> dict[str, str]:
        return {"bot_id": self.bot_id, "secret": self._secret}

    async def _ping_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while not ws.closed:
            await asyncio.sleep(self.heartbeat)
            if self._missed >= MAX_MISSED_PINGS:
                log.warning("企业微信智能机器人连续 %d 次心跳无应答，重新连接", self._missed)
                await ws.close()
                return
            self._missed += 1
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(json.dumps({"cmd": PING, "headers": {"req_id": new_req_id(PING)}}))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            frame = _parse(msg.data)
            if frame is None:
                log.warning("企业微信智能机器人发来无法解析的数据帧，已忽略")
                continue
            self._route(frame)

    def _route(self, frame: Frame) -> None:
        cmd = frame.get("cmd")
        req_id = str(frame.get("headers", {}).get("req_id", ""))
        if cmd in (MESSAGE, EVENT):
            task = asyncio.create_task(self.on_frame(frame), name=f"wecom-app-{req_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        if req_id in self._pending:
            future = self._pending.pop(req_id)
            if not future.done():
                future.set_result(frame)
            return
        if req_id.startswith(PING):
            self._missed = 0
            return
        log.debug("unmatched frame from the service: %s", str(frame)[:200])

    async def request(self, cmd: str, body: dict[str, Any], req_id: str = "") -> Frame:
        """Send one frame and wait for its answer; raise ServiceError on a non-zero errcode.

        Frames sharing a req_id (several replies to one callback) go one after another,
        each after the previous one's answer, as the service expects.
        """
        req_id = req_id or new_req_id(cmd)
        lock, users = self._locks.setdefault(req_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                return await self._request_once(cmd, body, req_id)
        finally:
            users[0] -= 1
            if not users[0]:
                self._locks.pop(req_id, None)

    async def _request_once(self, cmd: str, body: dict[str, Any], req_id: str) -> Frame:
        ws = self._ws
        if ws is None or ws.closed or not self.authenticated.is_set():
            raise NotConnected("未连接")
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            await ws.send_str(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}, "body": body}, ensure_ascii=False))
        except (ConnectionError, RuntimeError) as exc:
            self._pending.pop(req_id, None)
            raise NotConnected(str(exc)) from exc
        try:
            async with asyncio.timeout(self.ack_timeout):
                answer = await future
        except TimeoutError:
            raise AckTimeout(f"{self.ack_timeout:g} 秒内无应答") from None
        finally:
            self._pending.pop(req_id, None)
        code = _code(answer)
        if code != 0:
            raise ServiceError(code, str(answer.get("errmsg", "")))
        return answer

    def _fail_pending(self, exc: Exception) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(exc)
        self._pending.clear()


def _parse(data: str) -> Frame | None:
    try:
        frame = json.loads(data)
    except ValueError:
        return None
    return frame if isinstance(frame, dict) else None


def _code(frame: Frame) -> int:
    try:
        return int(frame.get("errcode", -1))
    except (TypeError, ValueError):
        return -1
