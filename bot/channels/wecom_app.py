"""企业微信智能机器人 (two-way, long connection): alerts as template cards with 确认/指派/办结 buttons.

The robot keeps one websocket to the service (`wecom_app_ws`), so no public IP is
needed. The connection is retried with growing waits; a rejected bot id or secret is
logged once, in Chinese, and the channel waits `credential_wait` before trying again
while every other channel keeps running. Sends while down fail with a retryable
DeliveryError, so the outbox keeps them; each new connection calls `on_ready`.

The service lets a card be redrawn only in answer to a press on that card, within
5 seconds. So the card that was pressed is redrawn at once (and any update the
outbox brings for it within that window uses the same answer); every other copy
gets one short update line per change, like the chats that cannot edit, and is
redrawn the next time someone presses one of its buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.base import CommandHandler, DeliveryError
from bot.channels.group import GroupChannel
from bot.channels.robot_base import Pacer, RobotChannel
from bot.channels.wecom_app_cards import alert_card, markdown, people_card
from bot.channels.wecom_app_ws import (
    RESPOND,
    RESPOND_UPDATE,
    SEND,
    AckTimeout,
    AuthRejected,
    ConnectionLost,
    Frame,
    NotConnected,
    ServiceError,
    WecomSocket,
    new_req_id,
)
from bot.clock import Clock
from bot.config import PersonConfig, WecomAppConfig
from bot.models import Incident
from bot.render import update_line
from bot.store.base import Store

log = logging.getLogger(__name__)

NOT_CONNECTED_WAIT = 30.0  # the outbox's next try while down (a new connection wakes it sooner)
THROTTLE_WAIT = 60.0
THROTTLE_CODES = frozenset({45009, 45033})  # 接口调用超过限制 / 并发调用超过限制
BUSY_CODES = frozenset({-1})  # 系统繁忙
PRESS_WINDOW = 4.5  # seconds: a card may be redrawn only this long after its press (the service allows 5)
MAX_MARKDOWN_BYTES = 4096
MAX_TOKENS = 1000


class WecomAppChannel(GroupChannel[WecomAppConfig]):
    name = "wecom_app"
    section = "wecom_app"
    proxied = True

    def __init__(
        self,
        config: WecomAppConfig,
        clock: Clock,
        zone: ZoneInfo,
        people: Sequence[PersonConfig] = (),
        source_names: dict[str, str] | None = None,
        store: Store | None = None,
        check: CommandHandler | None = None,
        pacer: Pacer | None = None,
        proxy: str = "",
    ) -> None:
        super().__init__(config, clock, zone, people, source_names, store, check)
        self.pacer = pacer or Pacer(((20, 60.0),))
        self.socket = WecomSocket(
            config.ws_url,
            config.bot_id,
            config.secret.get_secret_value(),
            self._on_frame,
            heartbeat=config.heartbeat.total_seconds(),
            ack_timeout=config.ack_timeout.total_seconds(),
            proxy=proxy,
        )
        # (chat, task_id) → (incident version, "alert" | "people") the card shows; and the version a line announced
        self.cards: dict[tuple[str, str], tuple[int, str]] = {}
        self.announced: dict[tuple[str, str], int] = {}
        self.presses: dict[tuple[str, str], tuple[str, float]] = {}  # (chat, task_id) → (press req_id, when)
        self.connected = asyncio.Event()
        self.rejected = False  # the last attempt's credentials were refused
        self._was_up = False  # the last connection got as far as authenticated (the back-off starts over)
        self._on_command: CommandHandler | None = None
        self._runner: asyncio.Task[None] | None = None

    def reachable(self, person: PersonConfig) -> bool:
        return bool(person.wecom_userid)

    # -- lifecycle ----------------------------------------------------------
    async def start(self, on_command: CommandHandler) -> None:
        self._on_command = on_command
        self._runner = asyncio.create_task(self._run(), name="wecom_app")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner
            self._runner = None
        await self.socket.close()

    async def _run(self) -> None:
        """Stay connected: wait longer after each failure; a refused secret waits `credential_wait`."""
        first = self.config.reconnect.total_seconds()
        most = self.config.reconnect_max.total_seconds()
        wait, reported = first, False
        while True:
            try:
                await self.socket.run(self._authenticated)
                log.warning("企业微信智能机器人连接已断开，%g 秒后重连", first)
            except AuthRejected as exc:
                self._report_rejected(exc)
                await asyncio.sleep(self.config.credential_wait.total_seconds())
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - network, TLS, HTTP refusals: keep trying
                (log.info if reported else log.warning)("企业微信智能机器人无法连接（%s），%g 秒后重试", exc, wait)
                reported = True
            finally:
                self.connected.clear()
            if self._was_up:
                wait, reported, self._was_up = first, False, False
            await asyncio.sleep(wait)
            wait = min(most, wait * 2)

    def _authenticated(self) -> None:
        log.warning("企业微信智能机器人已连接（%s），恢复收发", self.config.bot_id)
        self.rejected = False
        self._was_up = True
        self.connected.set()
        if self.on_ready is not None:
            self.on_ready()  # what waited while down goes out now

    def _report_rejected(self, exc: AuthRejected) -> None:
        if not self.rejected:  # one line per refusal, not one per retry
            log.error(
                "企业微信智能机器人 %s 认证被拒绝（%s）：请检查 chats.wecom_app.bot_id 与 secret；"
                "该渠道暂停，每 %g 分钟重试一次，其他渠道照常运行",
                self.config.bot_id,
                exc,
                self.config.credential_wait.total_seconds() / 60,
            )
        self.rejected = True

    # -- the one way out ------------------------------------------------------
    async def call(self, cmd: str, body: dict[str, Any], req_id: str = "") -> Frame:
        """One frame to the service and its answer; failures become DeliveryErrors the outbox understands."""
        self.check_gate()
        try:
            return await self.socket.request(cmd, body, req_id)
        except NotConnected as exc:
            raise DeliveryError("企业微信智能机器人未连接，恢复后补发", retry_after=NOT_CONNECTED_WAIT) from exc
        except (AckTimeout, ConnectionLost) as exc:
            raise DeliveryError(f"企业微信智能机器人未应答：{exc}", maybe_sent=True) from exc
        except ServiceError as exc:
            if exc.code in THROTTLE_CODES:
                raise DeliveryError(f"企业微信智能机器人发送过快（{exc.code}）", retry_after=THROTTLE_WAIT) from exc
            if exc.code in BUSY_CODES:
                raise DeliveryError(f"企业微信系统繁忙（{exc.code}）") from exc
            raise DeliveryError(f"企业微信拒绝：{exc.code} {exc.message}", retry=False) from exc

    async def send_to_chat(self, chat_id: str, body: dict[str, Any]) -> str:
        """A message the robot starts (aibot_send_msg), paced per chat; return its id."""
        if chat_id not in self.chat_ids:
            raise DeliveryError(f"未配置企业微信群 {chat_id}", retry=False)
        await self.pacer.wait(chat_id)
        req_id = new_req_id(SEND)
        answer = await self.call(SEND, {"chatid": chat_id, **body}, req_id)
        return str((answer.get("body") or {}).get("msgid") or req_id)

    async def respond(self, req_id: str, text: str) -> None:
        """Answer a message that @mentioned the robot, as a finished stream reply to it."""
        stream = {"id": new_req_id("stream"), "finish": True, "content": markdown(text)}
        await self.call(RESPOND, {"msgtype": "stream", "stream": stream}, req_id)

    # -- cards ----------------------------------------------------------------
    def _alert(self, incident: Incident, task_id: str) -> dict[str, Any]:
        name = self.source_names.get(incident.source_id, "")
        return alert_card(incident, self.clock.now(), self.zone, name, task_id)

    def people_menu(self, incident: Incident, task_id: str) -> dict[str, Any]:
        name = self.source_names.get(incident.source_id, "")
        return people_card(incident, self.clock.now(), self.zone, name, task_id, self.assignable)

    def note_press(self, chat_id: str, task_id: str, req_id: str) -> None:
        if len(self.presses) > MAX_TOKENS:
            self.presses = {k: v for k, v in self.presses.items() if time.monotonic() - v[1] < PRESS_WINDOW}
        self.presses[(chat_id, task_id)] = (req_id, time.monotonic())

    def _press_answer(self, chat_id: str, task_id: str) -> str:
        """The req_id that may still redraw this card (a press on it within the window), or ""."""
        req_id, at = self.presses.get((chat_id, task_id), ("", 0.0))
        return req_id if req_id and time.monotonic() - at < PRESS_WINDOW else ""

    async def redraw(self, chat_id: str, task_id: str, card: dict[str, Any], shows: tuple[int, str]) -> bool:
        """Redraw a pressed card in place; False when no press allows it now (or the service refused)."""
        req_id = self._press_answer(chat_id, task_id)
        if not req_id:
            return False
        body = {"response_type": "update_template_card", "template_card": card}
        try:
            await self.call(RESPOND_UPDATE, body, req_id)
        except DeliveryError as exc:
            log.info("card %s in %s not redrawn: %s", task_id, chat_id, exc)
            return False
        self.cards[(chat_id, task_id)] = shows
        return True

    async def redraw_alert(self, chat_id: str, task_id: str, incident: Incident, force: bool = False) -> bool:
        shows = (incident.version, "alert")
        if not force and self.cards.get((chat_id, task_id)) == shows:
            return True
        return await self.redraw(chat_id, task_id, self._alert(incident, task_id), shows)

    # -- Channel seam -----------------------------------------------------------
    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        task_id = f"{incident.number}_{os.urandom(6).hex()}"  # unique per card: letters, digits, _ and -
        await self.send_to_chat(chat_id, {"msgtype": "template_card", "template_card": self._alert(incident, task_id)})
        self.cards[(chat_id, task_id)] = (incident.version, "alert")
        return task_id

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """Redraw the card if a press allows it now, else one short update line per change."""
        key = (chat_id, message_id)
        shown = self.cards.get(key, (0, ""))[0]
        if shown >= incident.version or await self.redraw_alert(chat_id, message_id, incident):
            return message_id
        if self.announced.get(key, 0) >= incident.version:
            return message_id
        await self.send_text(chat_id, update_line(incident, self.clock.now(), self.zone))
        self.announced[key] = incident.version
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        first = ""
        for i, part in enumerate(RobotChannel.parts(text, MAX_MARKDOWN_BYTES)):
            content = markdown(part, mentions if i == 0 else ())
            message_id = await self.send_to_chat(chat_id, {"msgtype": "markdown", "markdown": {"content": content}})
            first = first or message_id
        return first

    # -- inbound ----------------------------------------------------------------
    async def _on_frame(self, frame: Frame) -> None:
        from bot.channels.wecom_app_inbound import handle_frame

        if self._on_command is None:
            return
        await handle_frame(self, frame, self._on_command)
