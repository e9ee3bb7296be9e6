"""The 钉钉 app channel: alert cards with 确认/指派/办结 buttons in groups, updated in place; typed commands.

Stream mode (no public IP): the official dingtalk-stream SDK routes the frames (robot messages on
/v1.0/im/bot/messages/get, card button presses on /v1.0/card/instances/callback) to our handlers
and writes the ack frames; the connection loop is ours (`dingtalk_app_stream`). Cards and texts go
out through the OpenAPI (`dingtalk_app_api`). Each card has its own cardBizId per group, remembered
with the group it went to, so a press on it is known to come from that group and an update edits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.channels.base import CommandHandler, DeliveryError
from bot.channels.buttons import Assignable
from bot.channels.dingtalk_app_api import OpenApi
from bot.channels.dingtalk_app_cards import alert_card
from bot.channels.group import GroupChannel
from bot.channels.robot_base import plain
from bot.channels.wechat_text import numbered_parts
from bot.clock import Clock
from bot.config import DingtalkAppConfig, PersonConfig
from bot.config_loader import ConfigError
from bot.models import Command, Incident
from bot.store.base import Store

log = logging.getLogger(__name__)

CARD_KEY = "dingtalk_app:card:"  # + cardBizId → the group it was sent to
MISSING_SDK = (
    "钉钉应用渠道需要附加依赖 dingtalk-stream：pip install -c constraints.txt -e '.[chats]'（make install 已包含）"
)
MAX_TEXT = 3000  # characters of one group message; longer texts go in numbered parts


class DingtalkAppChannel(GroupChannel[DingtalkAppConfig]):
    name = "dingtalk_app"
    section = "dingtalk_app"
    proxied = True

    def __init__(
        self,
        config: DingtalkAppConfig,
        clock: Clock,
        zone: ZoneInfo,
        people: Sequence[PersonConfig] = (),
        source_names: dict[str, str] | None = None,
        store: Store | None = None,
        check: CommandHandler | None = None,
        api: OpenApi | None = None,
        proxy: str = "",
    ) -> None:
        super().__init__(config, clock, zone, people, source_names, store, check)
        self.proxy = proxy  # the OpenAPI calls and the stream websocket (a CONNECT tunnel); "": direct
        self.api = api or OpenApi(config, proxy=proxy)
        self.cards: dict[str, str] = {}  # cardBizId → group, when there is no store
        self.sdk_log = logging.getLogger(f"{__name__}.sdk")
        self.sdk_log.setLevel(logging.ERROR)  # the SDK warns on every keep-alive ping
        self.stream: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    # -- lifecycle ------------------------------------------------------------------
    async def start(self, on_command: CommandHandler) -> None:
        try:
            from bot.channels.dingtalk_app_stream import run_stream
        except ImportError as exc:  # the [chats] extra is not installed
            raise ConfigError(f"{MISSING_SDK}（{exc}）") from None
        self.stream = asyncio.create_task(run_stream(self, on_command), name="dingtalk-app-stream")

    async def stop(self) -> None:
        if self.stream is not None:
            self.stream.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.stream
            self.stream = None
        await self.api.aclose()

    # -- cards ------------------------------------------------------------------------
    def _card(self, incident: Incident, people: list[Assignable] | None = None) -> dict[str, object]:
        name = self.source_names.get(incident.source_id, "")
        return alert_card(incident, self.clock.now(), self.zone, name, people)

    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        # One id per incident and group: a resend after a timeout reuses it (DingTalk treats cardBizId as
        # the card's idempotency key), and an update reaches only this group's copy.
        card_id = f"yq-{incident.number}-{hashlib.sha256(chat_id.encode()).hexdigest()[:12]}"
        await self._remember_card(card_id, chat_id)  # first: a press can come back before the send returns
        self.check_gate()
        await self.api.send_card(chat_id, card_id, self._card(incident))
        return card_id

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """Update the card in place (its buttons follow the status; none once resolved)."""
        self.check_gate()
        await self.api.update_card(message_id, self._card(incident))
        return message_id

    async def show_people(self, card_id: str, number: str) -> None:
        """The 指派 menu: the same card, with one button per person and 返回."""
        await self._redraw(card_id, number, self.assignable)

    async def show_alert(self, card_id: str, number: str) -> None:
        await self._redraw(card_id, number, None)

    async def _redraw(self, card_id: str, number: str, people: list[Assignable] | None) -> None:
        incident = await self.store.get_incident(number) if self.store is not None else None
        if incident is None:
            return
        try:
            self.check_gate()
            await self.api.update_card(card_id, self._card(incident, people))
        except DeliveryError as exc:
            log.info("could not change the buttons of card %s: %s", card_id, exc)

    async def _remember_card(self, card_id: str, chat_id: str) -> None:
        if self.store is None:
            self.cards[card_id] = chat_id
            return
        await self.store.set_meta(CARD_KEY + card_id, chat_id)

    async def chat_of_card(self, card_id: str) -> str | None:
        if not card_id:
            return None
        chat = self.cards.get(card_id)
        if chat is None and self.store is not None:
            chat = await self.store.get_meta(CARD_KEY + card_id)
        return str(chat) if chat else None

    # -- texts ------------------------------------------------------------------------
    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        """Markdown group messages; the OpenAPI cannot @notify, so mentions are written as @姓名."""
        names = {p.dingtalk_id: p.name for p in self.people if p.dingtalk_id}
        prefix = "".join(f"@{names.get(m, m)} " for m in mentions)
        body = plain(text)
        parts = numbered_parts(body, MAX_TEXT, prefix)
        title = body.split("\n", 1)[0][:30] or "舆情值守"
        for part in parts:
            self.check_gate()
            await self.api.send_markdown(chat_id, title, "  \n".join(part.splitlines()))
        return f"text-{uuid.uuid4().hex[:12]}"

    async def reply(self, cmd: Command, text: str) -> None:
        """A command's or press's reply in its group; one DingTalk refuses for now waits in the outbox."""
        try:
            await self.send_text(cmd.chat_id, text, (cmd.user_id,))
        except DeliveryError as exc:
            await self.reply_undelivered(cmd, text, (cmd.user_id,), exc)
