"""A local fake of the 企业微信智能机器人 long-connection service (wss://openws.work.weixin.qq.com).

It speaks the frames the official SDK (wecom-aibot-python-sdk 1.0.2) sends and expects:
aibot_subscribe answered with errcode 0 (or a refusal for a wrong secret), ping answered,
aibot_msg_callback / aibot_event_callback pushed to the robot, and an errcode answer to every
aibot_send_msg, aibot_respond_msg and aibot_respond_update_msg with the same req_id. Like the
service, it accepts a card update only in answer to a press on that card within 5 seconds.
Tests drive it: `say` (someone @mentions the robot), `press` (someone taps a card button),
`go_down` / `come_back`, `fail_next` (answer the next sends with an error code).
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.local_web import serve_app

AUTH_FAILED = 40001  # the fake's choice of code: the channel treats any non-zero subscribe answer as a refusal
CARD_UPDATE_WINDOW = 5.0


@dataclass
class Sent:
    """A frame the robot sent (aibot_send_msg / respond / respond_update), as received."""

    cmd: str
    req_id: str
    body: dict[str, Any]

    @property
    def chat(self) -> str:
        return str(self.body.get("chatid", ""))

    @property
    def card(self) -> dict[str, Any]:
        return self.body.get("template_card") or {}

    @property
    def text(self) -> str:
        if self.body.get("msgtype") == "markdown":
            return str(self.body["markdown"]["content"])
        if self.body.get("msgtype") == "stream":
            return str(self.body["stream"]["content"])
        return ""


@dataclass
class FakeWecomApp:
    bots: dict[str, str] = field(default_factory=dict)  # bot_id → secret
    groups: set[str] = field(default_factory=set)  # chatids the robot is a member of
    port: int = 0
    tls: ssl.SSLContext | None = None  # serve wss:// (the official SDK refuses ws:// URLs)
    answer_pings: bool = True
    sent: list[Sent] = field(default_factory=list)
    subscribes: int = 0  # subscribe frames received (accepted or not)
    pings: int = 0
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)  # task_id → the card as shown now
    card_chat: dict[str, str] = field(default_factory=dict)  # task_id → chatid
    _fail: list[tuple[int, str]] = field(default_factory=list)
    _callbacks: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # req_id → (kind, task_id, at)
    _sockets: set[web.WebSocketResponse] = field(default_factory=set)
    _down: bool = False
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._socket)
        self._runner, self.port = await serve_app(app, self.port, ssl_context=self.tls)

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- driving -----------------------------------------------------------------
    @property
    def online(self) -> int:
        """Authenticated connections now."""
        return sum(1 for ws in self._sockets if not ws.closed)

    async def go_down(self) -> None:
        """Drop every connection and refuse new ones (HTTP 502), as during an outage."""
        self._down = True
        for ws in list(self._sockets):
            await ws.close()

    def come_back(self) -> None:
        self._down = False

    def fail_next(self, code: int, message: str = "", times: int = 1) -> None:
        self._fail.extend([(code, message)] * times)

    async def say(self, chat: str, userid: str, text: str, quote: dict[str, Any] | None = None) -> str:
        """Someone @mentions the robot in a group; return the callback's req_id."""
        body: dict[str, Any] = {
            "msgid": os.urandom(8).hex(),
            "aibotid": next(iter(self.bots), ""),
            "chatid": chat,
            "chattype": "group",
            "from": {"userid": userid},
            "msgtype": "text",
            "text": {"content": text},
        }
        if quote is not None:
            body["quote"] = quote
        return await self._push("aibot_msg_callback", body, "message", "")

    async def press(self, chat: str, userid: str, task_id: str, key: str) -> str:
        """Someone taps a card button; return the event's req_id."""
        body = {
            "msgid": os.urandom(8).hex(),
            "create_time": int(time.time()),
            "aibotid": next(iter(self.bots), ""),
            "chatid": chat,
            "chattype": "group",
            "from": {"userid": userid},
            "msgtype": "event",
            "event": {
                "eventtype": "template_card_event",
                "template_card_event": {"card_type": "button_interaction", "event_key": key, "task_id": task_id},
            },
        }
        return await self._push("aibot_event_callback", body, "press", task_id)

    async def event(self, eventtype: str) -> str:
        """An event with no card in it (enter_chat, disconnected_event …); return its req_id."""
        body = {"msgid": os.urandom(8).hex(), "msgtype": "event", "event": {"eventtype": eventtype}}
        return await self._push("aibot_event_callback", body, "event", "")

    async def wait_for(self, check: Any, within: float = 5.0) -> Any:
        """Wait until check() is truthy (re-checked after each frame the robot sends); return its value."""
        async with asyncio.timeout(within):
            while True:
                value = check()
                if value:
                    return value
                self._changed.clear()
                await self._changed.wait()

    def of(self, cmd: str, chat: str = "") -> list[Sent]:
        return [s for s in self.sent if s.cmd == cmd and (not chat or s.chat == chat)]

    def answers_to(self, req_id: str) -> list[Sent]:
        return [s for s in self.sent if s.req_id == req_id]

    # -- the service -------------------------------------------------------------
    async def _push(self, cmd: str, body: dict[str, Any], kind: str, task_id: str) -> str:
        req_id = f"{cmd}_{int(time.time() * 1000)}_{os.urandom(4).hex()}"
        live = [ws for ws in self._sockets if not ws.closed]
        assert live, "no robot connected"
        self._callbacks[req_id] = (kind, task_id, time.monotonic())
        await live[-1].send_str(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}, "body": body}))
        return req_id

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        if self._down:
            return web.Response(status=502, text="bad gateway")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        authed = False
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            cmd, req_id = frame.get("cmd"), frame.get("headers", {}).get("req_id", "")
            if cmd == "aibot_subscribe":
                self.subscribes += 1
                body = frame.get("body") or {}
                if self.bots.get(body.get("bot_id", "")) != body.get("secret") or not body.get("secret"):
                    await self._answer(ws, req_id, AUTH_FAILED, "invalid bot_id or secret")
                    await ws.close()
                    break
                authed = True
                self._sockets.add(ws)
                await self._answer(ws, req_id, 0, "ok")
            elif not authed:
                await ws.close()
                break
            elif cmd == "ping":
                self.pings += 1
                if self.answer_pings:
                    await self._answer(ws, req_id, 0, "ok")
            else:
                self.sent.append(Sent(cmd, req_id, frame.get("body") or {}))
                code, message = self._judge(cmd, req_id, frame.get("body") or {})
                await self._answer(ws, req_id, code, message)
                self._changed.set()
        self._sockets.discard(ws)
        return ws

    def _judge(self, cmd: str, req_id: str, body: dict[str, Any]) -> tuple[int, str]:
        if self._fail:
            return self._fail.pop(0)
        if cmd == "aibot_send_msg":
            if body.get("chatid") not in self.groups:
                return 93006, "invalid chatid"
            if body.get("msgtype") not in ("markdown", "template_card"):
                return 40008, "invalid message type"
            if body.get("msgtype") == "markdown" and len(body["markdown"]["content"].encode()) > 20480:
                return 40058, "markdown.content exceed max length"
            card = body.get("template_card")
            if card:
                self.cards[card["task_id"]] = card
                self.card_chat[card["task_id"]] = body["chatid"]
            return 0, "ok"
        callback = self._callbacks.get(req_id)
        if callback is None:
            return 40008, "invalid req_id"
        kind, task_id, at = callback
        if cmd == "aibot_respond_msg":
            return (0, "ok") if kind == "message" else (40008, "invalid req_id")
        if cmd == "aibot_respond_update_msg":
            card = body.get("template_card") or {}
            if kind != "press" or time.monotonic() - at > CARD_UPDATE_WINDOW:
                return 40008, "invalid req_id or expired"
            if card.get("task_id") != task_id:
                return 40058, "task_id mismatch"
            self.cards[task_id] = card
            return 0, "ok"
        return 40008, "unknown cmd"

    @staticmethod
    async def _answer(ws: web.WebSocketResponse, req_id: str, code: int, message: str) -> None:
        await ws.send_str(json.dumps({"headers": {"req_id": req_id}, "errcode": code, "errmsg": message}))
