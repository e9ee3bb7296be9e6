"""A fake 飞书 open platform on 127.0.0.1 for the app channel's tests: real HTTP and a real websocket.

It speaks what lark-oapi 1.7.5 speaks, so the real SDK runs against it:
  POST /open-apis/auth/v3/tenant_access_token/internal   → tenant_access_token (10014 for a wrong secret)
  POST /callback/ws/endpoint                              → the websocket URL (1000040345 for a wrong secret)
  GET  /ws                                                → protobuf frames (the SDK's own pbbp2 Frame):
       events pushed as DATA frames (optionally in fragments), the client's answer frame read back,
       PING control frames answered with PONG
  POST /open-apis/im/v1/messages?receive_id_type=chat_id  → a message in a chat (interactive/text)
  POST /open-apis/im/v1/messages/:id/reply                → a reply (parent_id set)
  PATCH /open-apis/im/v1/messages/:id                     → a card updated (must be update_multi)
Errors come as HTTP 400 with a JSON `code`, as 飞书 does; `down` answers 503 and drops the websocket.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from lark_oapi.ws.pb.pbbp2_pb2 import Frame

from tests.local_web import serve_app

APP_ID = "cli_test_app"
APP_SECRET = "test-app-secret-not-real"
BOT_OPEN_ID = "ou_bot"


@dataclass
class Request:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Message:
    message_id: str
    chat_id: str
    msg_type: str
    content: dict[str, Any]
    parent_id: str = ""
    patches: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """What the message shows as text (a card's header and plain_text blocks, or a text's text)."""
        if self.msg_type == "text":
            return str(self.content.get("text", ""))
        parts = [self.content.get("header", {}).get("title", {}).get("content", "")]
        for element in self.content.get("elements", []):
            if element.get("tag") == "div":
                parts.append(element["text"]["content"])
        return "\n".join(parts)

    def presses(self) -> list[str]:
        """The press strings of a card's buttons, in order."""
        return [
            b["value"]["yq"]
            for element in self.content.get("elements", [])
            if element.get("tag") == "action"
            for b in element["actions"]
            if "value" in b
        ]


class FakeFeishu:
    def __init__(self, app_id: str = APP_ID, app_secret: str = APP_SECRET) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.port = 0
        self.requests: list[Request] = []
        self.messages: dict[str, Message] = {}
        self.down = False
        self.failures: list[dict[str, Any]] = []  # scripted: {"path": "messages", "code": 230020, "times": 1}
        self.sockets: list[web.WebSocketResponse] = []
        self.connects = 0
        self.fragment = 1  # split each pushed event into this many frames
        self._ids = itertools.count(1)
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self.connected = asyncio.Event()
        self.tokens: set[str] = set()
        self.uploads: dict[str, dict[str, Any]] = {}  # image_key / file_key → the multipart form (bytes as is)

    @property
    def domain(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._ws)
        app.router.add_post("/open-apis/im/v1/messages", self._create)
        app.router.add_post("/open-apis/im/v1/messages/{id}/reply", self._reply)
        app.router.add_patch("/open-apis/im/v1/messages/{id}", self._patch)
        app.router.add_post("/open-apis/im/v1/images", self._upload)
        app.router.add_post("/open-apis/im/v1/files", self._upload)
        self._runner, self.port = await serve_app(app, self.port)

    async def stop(self) -> None:
        await self.drop_connections()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- scripting ------------------------------------------------------------------------
    def fail(self, path: str, code: int, times: int = 1, status: int = 400, msg: str = "scripted") -> None:
        self.failures.append({"path": path, "code": code, "times": times, "status": status, "msg": msg})

    async def go_down(self) -> None:
        self.down = True
        await self.drop_connections()

    def come_back(self) -> None:
        self.down = False

    async def drop_connections(self) -> None:
        self.connected.clear()
        for ws in list(self.sockets):
            with contextlib.suppress(Exception):
                await ws.close()

    async def wait_connected(self, within: float = 15) -> None:
        async with asyncio.timeout(within):
            await self.connected.wait()

    def sent(self, chat_id: str, msg_type: str | None = None) -> list[Message]:
        return [m for m in self.messages.values() if m.chat_id == chat_id and msg_type in (None, m.msg_type)]

    def alerts(self, chat_id: str) -> list[Message]:
        """Cards posted to the chat itself (the 指派 picker is a reply to one)."""
        return [m for m in self.sent(chat_id, "interactive") if not m.parent_id]

    def calls(self, path_part: str, method: str | None = None) -> list[Request]:
        return [r for r in self.requests if path_part in r.path and method in (None, r.method)]

    async def wait_for(self, check: Any, within: float = 10) -> Any:
        """Poll until check() is truthy (the bot answers from its own loop and thread)."""
        async with asyncio.timeout(within):
            while not (result := check()):  # noqa: ASYNC110 - the state changes in another thread
                await asyncio.sleep(0.02)
        return result

    # -- events into the bot --------------------------------------------------------------------
    def _event(self, event_type: str, event: dict[str, Any]) -> dict[str, Any]:
        header = {
            "event_id": f"ev_{next(self._ids)}",
            "event_type": event_type,
            "create_time": str(int(time.time() * 1000)),
            "token": "",
            "app_id": self.app_id,
            "tenant_key": "tenant",
        }
        return {"schema": "2.0", "header": header, "event": event}

    def user_message(
        self,
        chat_id: str,
        open_id: str,
        text: str,
        mentions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        parent_id: str = "",
        message_type: str = "text",
    ) -> dict[str, Any]:
        """A group message; `mentions` are (open_id, name), written into the text as @_user_n keys."""
        keys = []
        for i, (mid, name) in enumerate(mentions, start=1):
            keys.append({"key": f"@_user_{i}", "id": {"open_id": mid}, "name": name, "tenant_key": "tenant"})
            text = text.replace(f"@{name}", f"@_user_{i}", 1)
        message_id = f"om_user_{next(self._ids)}"
        message = {
            "message_id": message_id,
            "root_id": parent_id,
            "parent_id": parent_id,
            "create_time": str(int(time.time() * 1000)),
            "chat_id": chat_id,
            "chat_type": "group",
            "message_type": message_type,
            "content": json.dumps({"text": text}, ensure_ascii=False),
            "mentions": keys,
        }
        self.messages[message_id] = Message(message_id, chat_id, "user:" + message_type, {"text": text}, parent_id)
        sender = {"sender_id": {"open_id": open_id}, "sender_type": "user", "tenant_key": "tenant"}
        return self._event("im.message.receive_v1", {"sender": sender, "message": message})

    def press(self, chat_id: str, open_id: str, message_id: str, value: str) -> dict[str, Any]:
        event = {
            "operator": {"open_id": open_id, "tenant_key": "tenant"},
            "token": f"c-{next(self._ids)}",
            "action": {"value": {"yq": value}, "tag": "button"},
            "host": "im_message",
            "context": {"open_message_id": message_id, "open_chat_id": chat_id},
        }
        return self._event("card.action.trigger", event)

    def bot_added(self, chat_id: str, by: str) -> dict[str, Any]:
        """The bot was added (back) to a group."""
        event = {"chat_id": chat_id, "operator_id": {"open_id": by}, "external": False, "name": "群"}
        return self._event("im.chat.member.bot.added_v1", event)

    async def push(self, payload: dict[str, Any], within: float = 5) -> dict[str, Any]:
        """Send an event down the websocket; return the client's answer (its decoded `data`, or {})."""
        await self.wait_connected()
        ws = self.sockets[-1]
        frame_id = f"msg_{next(self._ids)}"
        data = json.dumps(payload, ensure_ascii=False).encode()
        size = -(-len(data) // self.fragment)
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        answer = self._answers[frame_id] = asyncio.get_running_loop().create_future()
        for seq, chunk in enumerate(chunks):
            frame = Frame(SeqID=seq, LogID=0, service=1, method=1, payload=chunk)
            for key, value in (
                ("type", "event"),
                ("message_id", frame_id),
                ("trace_id", "tr"),
                ("sum", str(len(chunks))),
                ("seq", str(seq)),
            ):
                header = frame.headers.add()
                header.key, header.value = key, value
            await ws.send_bytes(frame.SerializeToString())
        async with asyncio.timeout(within):
            return await answer

    # -- HTTP ----------------------------------------------------------------------------------
    async def _record(self, request: web.Request) -> Request:
        try:
            body = await request.json()
        except (ValueError, json.JSONDecodeError):
            body = {}
        entry = Request(request.method, request.path_qs, body, dict(request.headers))
        self.requests.append(entry)
        return entry

    def _scripted(self, path: str) -> web.Response | None:
        if self.down:
            return web.Response(status=503, text="<html>503 Service Unavailable</html>")
        for failure in self.failures:
            if failure["path"] in path and failure["times"] > 0:
                failure["times"] -= 1
                return web.json_response({"code": failure["code"], "msg": failure["msg"]}, status=failure["status"])
        return None

    def _authorized(self, entry: Request) -> web.Response | None:
        token = entry.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."}, status=400)
        return None

    async def _token(self, request: web.Request) -> web.Response:
        entry = await self._record(request)
        if (scripted := self._scripted("auth")) is not None:
            return scripted
        if entry.body.get("app_id") != self.app_id:
            return web.json_response({"code": 10003, "msg": "invalid param"})
        if entry.body.get("app_secret") != self.app_secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        token = f"t-{next(self._ids)}"
        self.tokens.add(token)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    async def _endpoint(self, request: web.Request) -> web.Response:
        entry = await self._record(request)
        if (scripted := self._scripted("endpoint")) is not None:
            return scripted
        if entry.body.get("AppID") != self.app_id or entry.body.get("AppSecret") != self.app_secret:
            return web.json_response({"code": 1000040345, "msg": "app_id or app_secret is invalid"})
        url = f"ws://127.0.0.1:{self.port}/ws?device_id=dev{next(self._ids)}&service_id=1"
        config = {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0, "PingInterval": 1}
        return web.json_response({"code": 0, "msg": "ok", "data": {"URL": url, "ClientConfig": config}})

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        if self.down:
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.connects += 1
        self.connected.set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.BINARY:
                    await self._on_frame(ws, msg.data)
        finally:
            self.sockets.remove(ws)
            if not self.sockets:
                self.connected.clear()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, data: bytes) -> None:
        frame = Frame()
        frame.ParseFromString(data)
        headers = {h.key: h.value for h in frame.headers}
        if frame.method == 0 and headers.get("type") == "ping":
            pong = Frame(SeqID=0, LogID=0, service=frame.service, method=0)
            header = pong.headers.add()
            header.key, header.value = "type", "pong"
            await ws.send_bytes(pong.SerializeToString())
            return
        answer = self._answers.pop(headers.get("message_id", ""), None)
        if answer is None or answer.done():
            return
        response = json.loads(frame.payload or b"{}")
        raw = response.get("data")
        answer.set_result(
            {"code": response.get("code"), **({"data": json.loads(base64.b64decode(raw))} if raw else {})}
        )

    async def _create(self, request: web.Request) -> web.Response:
        entry = await self._record(request)
        if (refused := self._scripted("messages") or self._authorized(entry)) is not None:
            return refused
        chat = entry.body.get("receive_id", "")
        if request.query.get("receive_id_type") != "chat_id" or not chat.startswith("oc_"):
            return web.json_response({"code": 230001, "msg": "invalid receive_id"}, status=400)
        return self._new_message(chat, entry.body)

    async def _reply(self, request: web.Request) -> web.Response:
        entry = await self._record(request)
        if (refused := self._scripted("reply") or self._authorized(entry)) is not None:
            return refused
        parent = self.messages.get(request.match_info["id"])
        if parent is None:
            return web.json_response({"code": 230011, "msg": "message not found"}, status=400)
        return self._new_message(parent.chat_id, entry.body, parent.message_id)

    def _new_message(self, chat: str, body: dict[str, Any], parent: str = "") -> web.Response:
        msg_type = body.get("msg_type", "")
        content = json.loads(body.get("content") or "{}")
        if msg_type == "interactive" and not content.get("config", {}).get("update_multi"):
            return web.json_response({"code": 230099, "msg": "card not shared (update_multi)"}, status=400)
        key = content.get("image_key") or content.get("file_key")
        if msg_type in ("image", "file") and key not in self.uploads:
            return web.json_response({"code": 230001, "msg": "unknown image_key/file_key"}, status=400)
        message_id = f"om_{next(self._ids)}"
        self.messages[message_id] = Message(message_id, chat, msg_type, content, parent)
        data = {"message_id": message_id, "chat_id": chat, "msg_type": msg_type, "parent_id": parent}
        return web.json_response({"code": 0, "msg": "success", "data": data})

    async def _upload(self, request: web.Request) -> web.Response:
        """im/v1/images (image_type, image) and im/v1/files (file_type, file_name, file), multipart."""
        form = await request.post()
        entry = Request(request.method, request.path_qs, {k: str(v) for k, v in form.items()}, dict(request.headers))
        self.requests.append(entry)
        if (refused := self._scripted(request.path) or self._authorized(entry)) is not None:
            return refused
        is_image = request.path.endswith("/images")
        part = form.get("image" if is_image else "file")
        if part is None:
            return web.json_response({"code": 234001, "msg": "no file in the form"}, status=400)
        raw = part.file.read() if hasattr(part, "file") else part.encode() if isinstance(part, str) else bytes(part)
        key = f"{'img' if is_image else 'file'}_v2_{next(self._ids)}"
        fields = {k: v for k, v in form.items() if k not in ("image", "file")}
        self.uploads[key] = {**fields, "bytes": raw, "filename": getattr(part, "filename", "")}
        return web.json_response(
            {"code": 0, "msg": "success", "data": {("image_key" if is_image else "file_key"): key}}
        )

    async def _patch(self, request: web.Request) -> web.Response:
        entry = await self._record(request)
        if (refused := self._scripted("patch") or self._authorized(entry)) is not None:
            return refused
        message = self.messages.get(request.match_info["id"])
        if message is None or message.msg_type != "interactive":
            return web.json_response({"code": 230011, "msg": "The message was withdrawn."}, status=400)
        message.history.append(message.content)
        message.content = json.loads(entry.body.get("content") or "{}")
        message.patches += 1
        return web.json_response({"code": 0, "msg": "success", "data": {}})
