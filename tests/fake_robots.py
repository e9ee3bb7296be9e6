"""A local fake of the three group-robot webhooks, answering with each platform's real JSON and error codes.

企业微信 `/cgi-bin/webhook/send?key=`, 钉钉 `/robot/send?access_token=&timestamp=&sign=`,
飞书 `/open-apis/bot/v2/hook/<token>` (timestamp and sign in the body). The fake checks
keys and signatures itself, as the platforms do, and can throttle the next sends or go down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.local_web import serve_app


@dataclass
class Received:
    platform: str
    robot: str
    body: dict[str, Any]


@dataclass
class FakeRobots:
    wecom_keys: set[str] = field(default_factory=set)
    dingtalk: dict[str, str] = field(default_factory=dict)  # access_token → secret ("" = no signing)
    feishu: dict[str, str] = field(default_factory=dict)  # hook token → secret
    received: list[Received] = field(default_factory=list)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # WeCom media_id → (file name, bytes)
    attempts: int = 0
    throttle_next: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=8 * 1024 * 1024)  # a 2 MB picture is 2.7 MB in base64
        app.router.add_post("/cgi-bin/webhook/send", self._wecom)
        app.router.add_post("/cgi-bin/webhook/upload_media", self._wecom_upload)
        app.router.add_post("/robot/send", self._dingtalk)
        app.router.add_post("/open-apis/bot/v2/hook/{token}", self._feishu)
        self._runner, self.port = await serve_app(app, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def of(self, platform: str) -> list[Received]:
        return [r for r in self.received if r.platform == platform]

    def _throttled(self) -> bool:
        self.attempts += 1
        if self.throttle_next:
            self.throttle_next -= 1
            return True
        return False

    async def _wecom(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        if key not in self.wecom_keys:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url, hint: [x], from ip: 127.0.0.1"})
        body = await request.json()
        if self._throttled():
            return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"})
        kind = body.get("msgtype")
        if kind == "image":
            return self._wecom_image(key, body)
        if kind == "file":
            if body.get("file", {}).get("media_id") not in self.uploads:
                return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
            self.received.append(Received("wecom", key, body))
            return web.json_response({"errcode": 0, "errmsg": "ok"})
        limit = {"markdown": 4096, "text": 2048}.get(kind)
        if limit is None:
            return web.json_response({"errcode": 40008, "errmsg": "invalid message type"})
        if len(body[kind]["content"].encode()) > limit:
            return web.json_response({"errcode": 40058, "errmsg": f"{kind}.content exceed max length {limit}"})
        self.received.append(Received("wecom", key, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _wecom_upload(self, request: web.Request) -> web.Response:
        """upload_media?key=…&type=file, multipart field `media`, 5 B to 20 MB: a media_id for a file message."""
        key = request.query.get("key", "")
        if key not in self.wecom_keys:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        if self._throttled():
            return web.json_response({"errcode": 45009, "errmsg": "api freq out of limit"})
        form = await request.post()
        media = form.get("media")
        if request.query.get("type") != "file" or not isinstance(media, web.FileField):
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        data = media.file.read()
        if not 5 <= len(data) <= 20 * 1024 * 1024:
            return web.json_response({"errcode": 40006, "errmsg": "invalid media size"})
        media_id = f"media-{len(self.uploads) + 1}"
        self.uploads[media_id] = (media.filename, data)
        created = str(int(time.time()))
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "type": "file", "media_id": media_id, "created_at": created}
        )

    def _wecom_image(self, key: str, body: dict[str, Any]) -> web.Response:
        """JPG/PNG, at most 2 MB before base64, with the md5 of those bytes (40009 size, 301019 md5)."""
        try:
            data = base64.b64decode(body["image"]["base64"], validate=True)
        except (KeyError, TypeError, ValueError):
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        if len(data) > 2 * 1024 * 1024:
            return web.json_response({"errcode": 40009, "errmsg": "invalid image size"})
        if hashlib.md5(data, usedforsecurity=False).hexdigest() != body["image"].get("md5"):
            return web.json_response({"errcode": 301019, "errmsg": "media md5 not match"})
        self.received.append(Received("wecom", key, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _dingtalk(self, request: web.Request) -> web.Response:
        token = request.query.get("access_token", "")
        if token not in self.dingtalk:
            return web.json_response({"errcode": 300001, "errmsg": "token is not exist"})
        secret = self.dingtalk[token]
        if secret:
            stamp = request.query.get("timestamp", "")
            if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3600_000:
                return web.json_response({"errcode": 310000, "errmsg": "sign not match, more: [timestamp expired]"})
            want = base64.b64encode(
                hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
            ).decode()
            if request.query.get("sign", "") != want:  # aiohttp has already URL-decoded it
                return web.json_response({"errcode": 310000, "errmsg": "sign not match"})
        body = await request.json()
        if self._throttled():
            return web.json_response({"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
        if body.get("msgtype") not in ("text", "markdown", "actionCard", "link", "feedCard"):
            return web.json_response({"errcode": 40035, "errmsg": "缺少参数 msgtype"})
        self.received.append(Received("dingtalk", token, body))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _feishu(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        raw = await request.read()
        if len(raw) > 20 * 1024:
            return web.json_response({"code": 9499, "msg": "request body too large", "data": {}}, status=400)
        body = json.loads(raw)
        if token not in self.feishu:
            return web.json_response({"code": 19001, "msg": "param invalid: incoming webhook access token invalid"})
        secret = self.feishu[token]
        if secret:
            stamp = str(body.get("timestamp", ""))
            key = f"{stamp}\n{secret}".encode()
            want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            fresh = stamp.isdigit() and abs(int(stamp) - time.time()) <= 3600
            if not fresh or body.get("sign") != want:
                return web.json_response(
                    {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}
                )
        if self._throttled():
            return web.json_response({"code": 11232, "msg": "frequency limited", "data": {}})
        if body.get("msg_type") not in ("text", "post", "image", "share_chat", "interactive"):
            return web.json_response({"code": 19002, "msg": "params error, msg_type need"})
        self.received.append(Received("feishu", token, body))
        return web.json_response({"code": 0, "msg": "success", "data": {}})
