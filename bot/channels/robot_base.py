"""What the three group robots share: webhook POSTs, pacing, the JSON error code, splitting.

A group robot (企业微信群机器人, 钉钉自定义机器人, 飞书自定义机器人) can only post:
no commands come back and nothing can be edited, so an update is a short new
message. Each robot is one chat: the target `wecom:<name>` is the robot named
<name> in `chats.robots`. The platform answers HTTP 200 with an error code in
the JSON body, so that code decides, never the status alone.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from abc import abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.channels.base import Channel, DeliveryError
from bot.channels.wechat_text import numbered_parts
from bot.clock import Clock
from bot.config import RobotConfig
from bot.models import Incident
from bot.redact import redact
from bot.render import incident_text, update_line

log = logging.getLogger(__name__)

# Characters a scraped title could use to forge markup (a link, an @mention, a heading): shown full-width.
_MARKUP = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "#": "＃", "`": "｀", "_": "＿"})
BAD_CONFIG_WAIT = 300.0  # a robot that refuses our key or signature: the alert waits in the outbox for the fix


def plain(text: str) -> str:
    """Scraped text made inert inside a markdown message."""
    return text.translate(_MARKUP)


class Pacer:
    """Sliding-window pacing per robot: at most n messages in any `span` seconds, for each (n, span).

    Each send books its slot before sleeping, so concurrent senders keep their order.
    A throttled robot (the platform's own count) is held by the outbox, with the error's retry_after.
    """

    def __init__(
        self,
        windows: Sequence[tuple[int, float]],
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.windows = tuple(windows)
        self._now = monotonic
        self._sleep = sleep
        self._booked: dict[str, deque[float]] = {}

    def reserve(self, robot: str) -> float:
        """Book the next allowed send time for this robot; return the delay until it."""
        now = self._now()
        booked = self._booked.setdefault(robot, deque())
        longest = max((span for _, span in self.windows), default=0.0)
        while booked and booked[0] <= now - longest:
            booked.popleft()
        at = max(now, booked[-1] if booked else 0.0)
        for _ in range(len(self.windows) + 1):  # a move for one window can push another: settle
            moved = False
            for n, span in self.windows:
                inside = [t for t in booked if t > at - span]
                if len(inside) >= n:
                    at, moved = inside[-n] + span, True
            if not moved:
                break
        booked.append(at)
        return at - now

    async def wait(self, robot: str) -> None:
        delay = self.reserve(robot)
        if delay > 0:
            await self._sleep(delay)


class RobotChannel(Channel):
    """One platform's robots. Subclasses build the JSON body, sign the request and read the error code."""

    windows: tuple[tuple[int, float], ...] = ((20, 60.0),)
    max_bytes: int = 4096  # of one alert's text
    text_max_bytes: int = 4096  # of one text message
    throttle_codes: frozenset[int] = frozenset()
    throttle_wait: float = 60.0
    bad_config_codes: frozenset[int] = frozenset()  # wrong key, signature or timestamp: a config problem
    label: str = ""  # the platform in Chinese, for error texts

    def __init__(
        self,
        robots: Sequence[RobotConfig],
        clock: Clock,
        zone: ZoneInfo,
        source_names: dict[str, str] | None = None,
        client: httpx.AsyncClient | None = None,
        pacer: Pacer | None = None,
        timeout: float = 10.0,
        proxies: dict[str, str] | None = None,
    ) -> None:
        """`proxies`: robot name → proxy URL (`ChatsConfig.robot_proxy`); robots not named go direct."""
        self.robots = {r.name: r for r in robots if r.kind == self.name}
        self.clock = clock
        self.zone = zone
        self.source_names = source_names or {}
        # trust_env=False: only the configured proxy is used, never an HTTP(S)_PROXY of the environment
        self.client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
        self.proxies = {name: url for name, url in (proxies or {}).items() if url and name in self.robots}
        self._proxied = {  # one client per proxy URL; the URL (it may hold a password) is never logged
            url: httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False, proxy=url)
            for url in set(self.proxies.values())
        }
        self.pacer = pacer or Pacer(self.windows)
        self._ids = itertools.count(1)

    def client_for(self, robot: RobotConfig) -> httpx.AsyncClient:
        url = self.proxies.get(robot.name)
        return self._proxied[url] if url else self.client

    async def stop(self) -> None:
        await self.client.aclose()
        for client in self._proxied.values():
            await client.aclose()

    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        name = self.source_names.get(incident.source_id, "")
        text = plain(incident_text(incident, self.clock.now(), self.zone, name))
        title = plain(f"{incident.tier.emoji}【{incident.tier.roman} {incident.tier.label}】{incident.number}")
        return await self._send(
            chat_id, [self.alert_body(title, part, incident) for part in self.parts(text, self.max_bytes)]
        )

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """Robots cannot edit: the change goes as a short new message."""
        await self.send_text(chat_id, plain(update_line(incident, self.clock.now(), self.zone)))
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        parts = self.parts(text, self.text_max_bytes)
        return await self._send(chat_id, [self.text_body(p, mentions if i == 0 else ()) for i, p in enumerate(parts)])

    @staticmethod
    def parts(text: str, limit: int) -> list[str]:
        """The text in messages of at most `limit` bytes (cut at line ends; 4 bytes a character is the worst case)."""
        room = limit - 128  # for the markup and @mentions around it
        if len(text.encode()) <= room:
            return [text]
        return numbered_parts(text, room // 4)

    @abstractmethod
    def alert_body(self, title: str, text: str, incident: Incident) -> dict[str, Any]:
        """The JSON for an alert (markdown or card)."""

    @abstractmethod
    def text_body(self, text: str, mentions: tuple[str, ...]) -> dict[str, Any]:
        """The JSON for a text message that @mentions these ids or mobiles."""

    def signed(self, robot: RobotConfig, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(URL, body) to POST; robots with 加签 add the timestamp and signature here."""
        return robot.webhook.get_secret_value(), body

    @staticmethod
    def error_code(data: dict[str, Any]) -> tuple[int, str]:
        return int(data.get("errcode", -1)), str(data.get("errmsg", ""))

    async def _send(self, chat_id: str, bodies: list[dict[str, Any]]) -> str:
        robot = self.robots.get(chat_id)
        if robot is None:
            raise DeliveryError(f"未配置{self.label}机器人 {chat_id}", retry=False)
        for body in bodies:
            await self.pacer.wait(chat_id)
            self.check_gate()
            await self._post(robot, body)
        return f"{chat_id}-{next(self._ids)}"

    async def _post(self, robot: RobotConfig, body: dict[str, Any]) -> None:
        url, body = self.signed(robot, body)
        # UTF-8 as is, not \uXXXX escapes: the byte limits count what is sent
        payload = json.dumps(body, ensure_ascii=False).encode()
        await self._request(robot, url, content=payload, headers={"Content-Type": "application/json"})

    async def _request(self, robot: RobotConfig, url: str, **request: Any) -> dict[str, Any]:
        """POST to the platform through the robot's client; the JSON answer when its code is 0, else DeliveryError."""
        try:
            response = await self.client_for(robot).post(url, **request)
        except httpx.TimeoutException as exc:
            raise DeliveryError(f"{self.label}机器人 {robot.name} 无应答", maybe_sent=True) from exc
        except httpx.ProxyError as exc:  # CONNECT (https) refused: 407 credentials, or the platform unreachable
            wait = BAD_CONFIG_WAIT if "407" in str(exc) else None
            raise DeliveryError(
                redact(f"{self.label}机器人 {robot.name} 经代理发送失败：{exc}"), retry_after=wait
            ) from exc
        except httpx.HTTPError as exc:
            via = "（经代理）" if robot.name in self.proxies else ""
            raise DeliveryError(redact(f"{self.label}机器人 {robot.name} 连接失败{via}：{exc}")) from exc
        if response.status_code == 407:  # an HTTP proxy refused our (missing or wrong) credentials
            log.error("%s robot %s: the proxy refused our credentials (407)", self.name, robot.name)
            raise DeliveryError(
                f"{self.label}机器人 {robot.name} 的代理要求认证（407），请检查 proxy 中的用户名与密码",
                retry_after=BAD_CONFIG_WAIT,
            )
        try:
            data = response.json()
            code, message = self.error_code(data)
        except (ValueError, TypeError, AttributeError):
            raise DeliveryError(f"{self.label}机器人 {robot.name} 返回 HTTP {response.status_code}，无法解析") from None
        if code == 0:
            return data
        if code in self.throttle_codes:
            raise DeliveryError(
                f"{self.label}机器人 {robot.name} 发送过快（{code}），{self.throttle_wait:g} 秒后重试",
                retry_after=self.throttle_wait,
            )
        if code in self.bad_config_codes:
            log.error("%s robot %s refused our key or signature (%s %s)", self.name, robot.name, code, message)
            raise DeliveryError(
                redact(f"{self.label}机器人 {robot.name} 拒绝：{code} {message}（请检查 webhook 与 secret）"),
                retry_after=BAD_CONFIG_WAIT,
            )
        raise DeliveryError(
            redact(f"{self.label}机器人 {robot.name} 发送失败：{code} {message}"),
            retry=response.status_code >= 500 or response.status_code == 429,
        )
