"""A local fake of 钉钉 for the app channel: the OpenAPI over HTTP and the Stream gateway's websocket.

Serves, on 127.0.0.1, what the dingtalk-stream SDK and our OpenAPI client call:
  POST /v1.0/oauth2/accessToken               {appKey, appSecret} → {accessToken, expireIn}
  POST /v1.0/gateway/connections/open         {clientId, clientSecret, subscriptions, …} → {endpoint, ticket}
  GET  /connect?ticket=…                      the stream websocket (one use per ticket)
  POST /v1.0/im/v1.0/robot/interactiveCards/send   a StandardCard into a group
  PUT  /v1.0/im/robots/interactiveCards       update every copy of a card (by cardBizId)
  POST /v1.0/robot/groupMessages/send         a group message (sampleMarkdown / sampleText)
Errors come as DingTalk's v1.0 APIs send them: {"requestid", "code", "message"} (a bad credential:
HTTP 401 authFailed 鉴权失败; a bad token: 401 InvalidAuthentication). Frames pushed down the
websocket use the service's envelope (specVersion, type, headers, data as a JSON string), and
every ack coming back is checked field by field against the service's ack format.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.local_web import serve_app

CLIENT_ID = "dingtestappkey0001"
CLIENT_SECRET = "test-client-secret-not-real-0001"
BOT_USER = "$:LWCP_v1:$robot0001"
CORP = "dingcorp0001"
MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
ACK_KEYS = {"code", "headers", "message", "data"}


@dataclass
class Card:
    biz_id: str
    chat: str
    data: dict[str, Any]
    updates: int = 0

    @property
    def text(self) -> str:
        return "\n".join(c.get("text", "") for c in self.data.get("contents", []) if c.get("type") == "markdown")

    @property
    def presses(self) -> list[str]:
        actions = [c for c in self.data.get("contents", []) if c.get("type") == "action"]
        return [a["params"]["press"] for block in actions for a in block["actions"]]


@dataclass
class Sent:
    chat: str
    msg_key: str
    param: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.param.get("text") or self.param.get("content") or "")


@dataclass
class FakeDingtalk:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    groups: set[str] = field(default_factory=set)  # openConversationIds the robot is in
    port: int = 0
    cards: dict[str, Card] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)  # messageId → the ack frame received
    bad_acks: list[str] = field(default_factory=list)
    opened: list[dict[str, Any]] = field(default_factory=list)  # bodies of connections/open
    fail_next: list[tuple[int, str]] = field(default_factory=list)  # (HTTP status, code) for the next OpenAPI calls
    requests: list[str] = field(default_factory=list)
    slow_sends: float = 0.0  # seconds groupMessages/send takes to answer (a slow platform)
    _runner: web.AppRunner | None = None
    _tokens: set[str] = field(default_factory=set)
    _tickets: set[str] = field(default_factory=set)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- server --------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/connect", self._connect)
        app.router.add_post("/v1.0/im/v1.0/robot/interactiveCards/send", self._card_send)
        app.router.add_put("/v1.0/im/robots/interactiveCards", self._card_update)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        self._runner, self.port = await serve_app(app, self.port)

    async def stop(self) -> None:
        """The platform goes down: sockets closed, the port refuses connections (start() again on it)."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _note(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait(self, predicate: Any, within: float = 5.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)

    @staticmethod
    def error(status: int, code: str, message: str) -> web.Response:
        body = {"requestid": uuid.uuid4().hex.upper(), "code": code, "message": message}
        return web.json_response(body, status=status)

    # -- credentials and the stream --------------------------------------------------
    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append("accessToken")
        await self._note()
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return self.error(400, "invalidClientSecret", "无效的 clientSecret")
        token = uuid.uuid4().hex
        self._tokens.add(token)
        return web.json_response({"accessToken": token, "expireIn": 7200})

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append("connections/open")
        await self._note()
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return self.error(401, "authFailed", "鉴权失败")
        self.opened.append(body)
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return web.json_response({"endpoint": f"ws://127.0.0.1:{self.port}/connect", "ticket": ticket})

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return self.error(401, "invalidTicket", "ticket 无效")
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await self._note()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._ack(json.loads(msg.data))
        finally:
            self._sockets.remove(ws)
            await self._note()
        return ws

    async def _ack(self, frame: dict[str, Any]) -> None:
        """The service's ack format: code, headers {contentType, messageId}, message, data (a JSON string)."""
        headers = frame.get("headers") or {}
        mid = str(headers.get("messageId", ""))
        ok = (
            set(frame) == ACK_KEYS
            and isinstance(frame["code"], int)
            and headers.get("contentType") == "application/json"
            and isinstance(frame["data"], str)
        )
        if not ok:
            self.bad_acks.append(json.dumps(frame, ensure_ascii=False))
        json.loads(frame.get("data") or "null")  # must be JSON text
        self.acks[mid] = frame
        await self._note()

    @property
    def connections(self) -> int:
        return len(self._sockets)

    async def wait_connected(self, count: int = 1, within: float = 5.0) -> None:
        await self.wait(lambda: len(self._sockets) >= count, within)

    async def push(self, kind: str, topic: str, data: dict[str, Any]) -> str:
        """Send one frame to every open stream connection; return its messageId."""
        mid = f"{uuid.uuid4().hex[:8]}-{next(self._ids)}"
        frame = {
            "specVersion": "1.0",
            "type": kind,
            "headers": {
                "appId": "app-0001",
                "connectionId": "conn-0001",
                "contentType": "application/json",
                "messageId": mid,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame, ensure_ascii=False))
        return mid

    async def wait_ack(self, mid: str, within: float = 5.0) -> dict[str, Any]:
        await self.wait(lambda: mid in self.acks, within)
        return self.acks[mid]

    async def message(
        self,
        chat: str,
        user: str,
        text: str,
        at: tuple[str, ...] = (),
        replied: dict[str, Any] | None = None,
        conversation_type: str = "2",
    ) -> str:
        """A group member @mentions the robot: DingTalk strips the robot's own mention from the text."""
        content: dict[str, Any] = {"content": f" {text}"}
        if replied is not None:
            content.update(isReplyMsg=True, repliedMsg=replied)
        data = {
            "conversationId": chat,
            "atUsers": [{"dingtalkId": BOT_USER}, *({"dingtalkId": f"$:LWCP_v1:${s}", "staffId": s} for s in at)],
            "chatbotCorpId": CORP,
            "chatbotUserId": BOT_USER,
            "msgId": f"msg{uuid.uuid4().hex[:16]}",
            "senderNick": f"nick-{user}",
            "isAdmin": False,
            "senderStaffId": user,
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000,
            "createAt": int(time.time() * 1000),
            "senderCorpId": CORP,
            "conversationType": conversation_type,
            "senderId": f"$:LWCP_v1:${user}",
            "conversationTitle": f"group {chat}",
            "isInAtList": True,
            "sessionWebhook": f"{self.endpoint}/robot/sendBySession?session=x",
            "text": content,
            "robotCode": self.client_id,
            "msgtype": "text",
        }
        return await self.push("CALLBACK", MESSAGE_TOPIC, data)

    async def press(self, card_biz_id: str, user: str, press: str) -> str:
        """Someone taps a "request" button on a card: the card callback topic carries the action."""
        card = self.cards[card_biz_id]
        content = {"cardPrivateData": {"actionIds": [press], "params": {"press": press}}}
        data = {
            "extension": "{}",
            "corpId": CORP,
            "userId": user,
            "content": json.dumps(content, ensure_ascii=False),
            "outTrackId": card_biz_id,
            "type": "actionCallback",
            "spaceType": "IM_GROUP",
            "spaceId": card.chat,
        }
        return await self.push("CALLBACK", CARD_TOPIC, data)

    async def ping(self) -> str:
        return await self.push("SYSTEM", "ping", {"opaque": uuid.uuid4().hex})

    async def disconnect(self) -> str:
        """The service asks the client to reconnect (the SDK closes the socket)."""
        return await self.push("SYSTEM", "disconnect", {"reason": "server restarting"})

    # -- OpenAPI ----------------------------------------------------------------------
    async def _authorised(self, request: web.Request) -> web.Response | None:
        if self.fail_next:
            status, code = self.fail_next.pop(0)
            return self.error(status, code, "scripted failure")
        if request.headers.get("x-acs-dingtalk-access-token") not in self._tokens:
            return self.error(401, "InvalidAuthentication", "不合法的access_token")
        return None

    async def _card_send(self, request: web.Request) -> web.Response:
        self.requests.append("interactiveCards/send")
        body = await request.json()
        refused = await self._authorised(request)
        if refused is not None:
            return refused
        if body.get("robotCode") != self.client_id or body.get("cardTemplateId") != "StandardCard":
            return self.error(400, "param.invalid", "robotCode 或 cardTemplateId 无效")
        chat = body.get("openConversationId", "")
        if chat not in self.groups:
            return self.error(400, "chatbot.notInConversation", "机器人不在该群")
        self.cards[body["cardBizId"]] = Card(body["cardBizId"], chat, json.loads(body["cardData"]))
        await self._note()
        return web.json_response({"processQueryKey": uuid.uuid4().hex})

    async def _card_update(self, request: web.Request) -> web.Response:
        self.requests.append("interactiveCards/update")
        body = await request.json()
        refused = await self._authorised(request)
        if refused is not None:
            return refused
        card = self.cards.get(body.get("cardBizId", ""))
        if card is None:
            return self.error(400, "param.cardBizIdNotExist", "卡片不存在")
        card.data = json.loads(body["cardData"])
        card.updates += 1
        await self._note()
        return web.json_response({"success": True, "result": True})

    async def _group_send(self, request: web.Request) -> web.Response:
        self.requests.append("groupMessages/send")
        body = await request.json()
        await asyncio.sleep(self.slow_sends)
        refused = await self._authorised(request)
        if refused is not None:
            return refused
        chat = body.get("openConversationId", "")
        if chat not in self.groups:
            return self.error(400, "chatbot.notInConversation", "机器人不在该群")
        self.sent.append(Sent(chat, body["msgKey"], json.loads(body["msgParam"])))
        await self._note()
        return web.json_response({"processQueryKey": uuid.uuid4().hex})

    # -- views for tests ------------------------------------------------------------------
    def cards_in(self, chat: str) -> list[Card]:
        return [c for c in self.cards.values() if c.chat == chat]

    def texts_in(self, chat: str) -> list[str]:
        return [s.text for s in self.sent if s.chat == chat]

    async def wait_text(self, chat: str, count: int = 1, within: float = 5.0) -> list[str]:
        await self.wait(lambda: len(self.texts_in(chat)) >= count, within)
        return self.texts_in(chat)
