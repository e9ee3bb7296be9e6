"""企业微信群机器人: markdown alerts (≤ 4096 bytes), text with @mentions by userid or mobile, pictures.

The webhook is `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`; no signing.
errcode 45009 means the robot sent more than 20 messages in a minute: wait.
A picture (the briefing chart) goes as `msgtype: image`: base64 of a JPG or PNG of at
most 2 MB before encoding, with the md5 of those bytes. A document (a report's .docx) is
uploaded first (`/cgi-bin/webhook/upload_media?key=…&type=file`, 5 B to 20 MB, form field
`media`), then sent as `msgtype: file` with the media_id it got (valid 3 days, so never kept).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from bot.channels.base import DeliveryError
from bot.channels.robot_base import RobotChannel
from bot.config import RobotConfig
from bot.models import Incident

MOBILE_DIGITS = 11
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MIN_FILE_BYTES, MAX_FILE_BYTES = 5, 20 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG: the two formats the robot takes


def is_mobile(value: str) -> bool:
    """A mainland mobile number (what `people[].mobile` holds), as opposed to a platform user id."""
    return value.lstrip("+").isdigit() and len(value.lstrip("+")) >= MOBILE_DIGITS


class WecomRobotChannel(RobotChannel):
    name = "wecom"
    label = "企业微信"
    windows = ((20, 60.0),)
    max_bytes = 4096  # markdown
    text_max_bytes = 2048
    throttle_codes = frozenset({45009})
    bad_config_codes = frozenset({93000, 40001, 40014})  # invalid webhook key / credential

    def alert_body(self, title: str, text: str, incident: Incident) -> dict[str, Any]:
        head, _, rest = text.partition("\n")
        colour = "warning" if incident.tier.value <= 2 else "info"
        return {"msgtype": "markdown", "markdown": {"content": f'<font color="{colour}">**{head}**</font>\n{rest}'}}

    def text_body(self, text: str, mentions: tuple[str, ...]) -> dict[str, Any]:
        body: dict[str, Any] = {"content": text}
        if mentions:
            body["mentioned_list"] = [m for m in mentions if not is_mobile(m)]
            body["mentioned_mobile_list"] = [m for m in mentions if is_mobile(m)]
        return {"msgtype": "text", "text": body}

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """A PNG/JPG within 2 MB as an image, any other file within 20 MB as a file; otherwise a note why not."""
        if kind == "photo" and data.startswith(_IMAGE_MAGIC):
            if len(data) > MAX_IMAGE_BYTES:
                return await self._too_big(chat_id, data, filename, caption, "图片", "2 MB")
            image = {
                "base64": base64.b64encode(data).decode(),
                "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            }
            return await self._send(chat_id, [{"msgtype": "image", "image": image}])
        if len(data) > MAX_FILE_BYTES:
            return await self._too_big(chat_id, data, filename, caption, "文件", "20 MB")
        if len(data) < MIN_FILE_BYTES:  # the platform refuses it; nothing worth sending
            return await super().send_file(chat_id, data, filename, caption, kind)
        robot = self.robots.get(chat_id)
        if robot is None:
            raise DeliveryError(f"未配置{self.label}机器人 {chat_id}", retry=False)
        await self.pacer.wait(chat_id)  # the upload counts against the robot's 20 a minute too
        self.check_gate()
        answer = await self._request(robot, upload_url(robot), files={"media": (filename, data)})
        media_id = str(answer.get("media_id", ""))
        if not media_id:
            raise DeliveryError(f"{self.label}机器人 {robot.name} 上传文件未返回 media_id")
        return await self._send(chat_id, [{"msgtype": "file", "file": {"media_id": media_id}}])

    async def _too_big(self, chat_id: str, data: bytes, filename: str, caption: str, what: str, limit: str) -> str:
        size = f"{len(data) / 1024 / 1024:.1f} MB"
        note = f"（{what} {filename} 为 {size}，超过企业微信群机器人 {limit} 上限，未发送）"
        return await self.send_text(chat_id, f"{caption}\n{note}".strip())


def upload_url(robot: RobotConfig) -> str:
    """The robot's upload address: its webhook with /send → /upload_media, and type=file."""
    parts = urlsplit(robot.webhook.get_secret_value())
    path = parts.path.removesuffix("/send") + "/upload_media"
    return urlunsplit(parts._replace(path=path, query=f"{parts.query}&type=file" if parts.query else "type=file"))
