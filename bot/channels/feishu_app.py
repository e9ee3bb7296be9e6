"""The 飞书 (Feishu/Lark) app channel: alert cards with 确认/指派/办结, edited in place; typed commands.

The only module (with `feishu_app_ws`) that imports lark-oapi, and only when the
channel starts or first sends (the SDK takes ~3.5 s to import: done off the loop).
Outbound: im.v1 message create / patch / reply through the SDK's async client at
`chats.feishu_app.domain`. The SDK fetches tenant_access_token with blocking
`requests`, so we ask its TokenManager in a worker thread and hand the token in
(`enable_set_token`); the bot's loop never blocks on 飞书. Every answer's `code`
decides, not the HTTP status: throttling and outages are retried by the outbox,
a chat that removed the bot is disabled, a recalled or expired card is posted afresh.

Inbound: events arrive on the long connection's own thread (`feishu_app_ws`) and
hop onto the bot's loop. `im.message.receive_v1`: a command typed in a group
(Chinese or /English; a reply to an alert stands for its number; a reply to the
办结 prompt is the result). `card.action.trigger`: a button, answered within 3 s
with a toast (and, for the 指派 picker, its new card); the alert card itself is
updated in every chat by the outbox (`update_incident`), like every other edit.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.channels.base import CommandHandler, DeliveryError, NotLeader
from bot.channels.buttons import Press
from bot.channels.feishu_app_cards import (
    MAX_TEXT,
    alert_card,
    card_content,
    notice_card,
    picker_card,
    press_of,
    text_content,
)
from bot.channels.feishu_app_proxy import route_through
from bot.channels.feishu_app_ws import LongConnection, Refusal, load_sdk
from bot.channels.group import GroupChannel
from bot.channels.robot_base import Pacer
from bot.channels.wechat_text import numbered_parts
from bot.clock import Clock
from bot.commands import parse_command
from bot.config import FeishuAppConfig, PersonConfig
from bot.disabled_chats import enable
from bot.models import Command, Incident
from bot.redact import redact
from bot.store.base import Store

log = logging.getLogger(__name__)

PROMPT_KEY = "feishu_app:prompt:"  # + "<chat>:<prompt message id>" → the incident number it asks about
PRESS_ANSWER_WITHIN = 2.5  # seconds: 飞书 shows a press as failed after 3 s without an answer
THROTTLED_WAIT = 10.0
CHAT_WINDOWS = ((4, 1.0),)  # per group: under 飞书's 5 a second, which the group's other bots share
CONFIG_WAIT = 300.0  # a missing scope or bot ability: the alert waits in the outbox for the fix
MAX_TOAST = 200
FILE_TYPES = {"doc": "doc", "docx": "doc", "xls": "xls", "xlsx": "xls", "pdf": "pdf", "ppt": "ppt", "pptx": "ppt"}

REFUSED_CODES = frozenset({10003, 10014, 10015})  # tenant_access_token: no such app id, wrong app secret
TOKEN_CODES = frozenset({99991661, 99991663, 99991664, 99991665})  # token missing, invalid or expired
THROTTLE_CODES = frozenset({230020, 99991400, 11232})  # per-chat / per-app frequency limits
DISABLED_CODES = frozenset({230002, 230045})  # the bot is not in that group; the group is gone
GONE_CODES = frozenset({230011, 230031, 230030})  # recalled; older than 14 days (no more edits); unknown id
CONFIG_CODES = frozenset({230006, 230027, 99991672, 99991401})  # bot ability off, scope missing, IP not allowed


class SettingRefused(DeliveryError):
    """飞书 refused a call for the app's settings (a scope, the bot ability): retried after CONFIG_WAIT."""


class FeishuAppChannel(GroupChannel[FeishuAppConfig]):
    name = "feishu_app"
    section = "feishu_app"
    proxied = True

    def __init__(
        self,
        config: FeishuAppConfig,
        clock: Clock,
        zone: ZoneInfo,
        people: Sequence[PersonConfig] = (),
        source_names: dict[str, str] | None = None,
        store: Store | None = None,
        check: CommandHandler | None = None,
        proxy: str = "",
    ) -> None:
        super().__init__(config, clock, zone, people, source_names, store, check)
        self.proxy = proxy  # every lark-oapi connection: OpenAPI, token, long connection (feishu_app_proxy)
        self.by_open_id = {p.feishu_open_id: p for p in self.people if p.feishu_open_id}
        self.refusal = Refusal()
        self.pacer = Pacer(CHAT_WINDOWS)  # 飞书 allows 5 messages a second per group, shared by its bots
        self.prompts: dict[tuple[str, str], str] = {}  # (chat, prompt message id) → number, when no store
        self.loop: asyncio.AbstractEventLoop | None = None
        self.on_command: CommandHandler | None = None
        self.connection: LongConnection | None = None
        self._api: Any = None
        self._sdk_lock = asyncio.Lock()
        self._tasks: set[asyncio.Future[Any]] = set()

    # -- lifecycle ------------------------------------------------------------------
    async def start(self, on_command: CommandHandler) -> None:
        self.loop = asyncio.get_running_loop()
        self.on_command = on_command
        await self._sdk()
        c = self.config
        self.connection = LongConnection(
            c.app_id,
            c.app_secret.get_secret_value(),
            c.domain,
            self._event_handler,
            first_wait=c.reconnect.total_seconds(),
            max_wait=c.reconnect_max.total_seconds(),
            refused_wait=c.refused_wait.total_seconds(),
            on_connected=self._connected,
            refusal=self.refusal,
        )
        await asyncio.to_thread(self.connection.start)

    async def stop(self) -> None:
        if self.connection is not None:
            await self.connection.stop()
            self.connection = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _connected(self) -> None:
        """(ws thread) Connected again: what waited in the outbox for 飞书 goes now."""
        if self.on_ready is not None and self.loop is not None:
            self.loop.call_soon_threadsafe(self.on_ready)

    async def _sdk(self) -> Any:
        """The SDK's OpenAPI client, imported and built off the loop on first use."""
        async with self._sdk_lock:
            if self._api is None:
                self._api = await asyncio.to_thread(self._build_api)
        return self._api

    def _build_api(self) -> Any:
        load_sdk()  # first: a missing extra is explained, not an ImportError
        import lark_oapi as lark

        route_through(self.proxy)

        c = self.config
        return (
            lark.Client.builder()
            .app_id(c.app_id)
            .app_secret(c.app_secret.get_secret_value())
            .domain(c.domain)
            .timeout(c.timeout.total_seconds())
            .enable_set_token(True)
            .log_level(lark.LogLevel.WARNING)
            .build()
        )

    # -- the one way out ------------------------------------------------------------------
    async def _token(self) -> str:
        api = await self._sdk()  # first: importing lark_oapi here, on the loop, would race the worker's import
        from lark_oapi.core.exception import ObtainAccessTokenException
        from lark_oapi.core.token.manager import TokenManager

        try:
            token = await asyncio.to_thread(TokenManager.get_self_tenant_token, api._config)
        except ObtainAccessTokenException as exc:
            if exc.code in REFUSED_CODES:
                self.refusal.report(exc)
                wait = self.config.refused_wait.total_seconds()
                raise DeliveryError(f"飞书拒绝应用凭证（{exc.code}）", retry_after=wait) from None
            raise DeliveryError(redact(f"飞书取令牌失败：{exc}")) from None
        except Exception as exc:  # noqa: BLE001 - requests' network errors, a body that is not JSON
            raise DeliveryError(redact(f"飞书取令牌失败：{type(exc).__name__}")) from None
        return str(token)

    def _forget_token(self) -> None:
        from lark_oapi.core.token.manager import TokenManager

        TokenManager.cache.set(f"self_tenant_token:{self.config.app_id}", "", 0)

    async def call(self, send: Callable[[Any], Awaitable[Any]], what: str) -> Any:
        """One OpenAPI call with a fresh tenant token; a non-zero `code` becomes a DeliveryError."""
        await self._sdk()
        import httpx
        from lark_oapi.core.model import RequestOption

        for attempt in range(2):
            option = RequestOption.builder().tenant_access_token(await self._token()).build()
            self.check_gate()  # a leader past its term sends nothing
            try:
                response = await send(option)
            except httpx.TimeoutException as exc:
                raise DeliveryError(f"飞书{what}超时", maybe_sent=True) from exc
            except httpx.HTTPError as exc:
                raise DeliveryError(redact(f"飞书{what}连接失败：{exc}")) from exc
            except Exception as exc:  # an answer that is not JSON (a proxy's 502 page)
                raise DeliveryError(f"飞书{what}应答无法解析：{type(exc).__name__}") from exc
            if response.success():
                return response
            code, message = int(response.code or -1), str(response.msg or "")
            if code in TOKEN_CODES and attempt == 0:
                self._forget_token()
                continue
            raise self._error(code, message, what, getattr(response.raw, "status_code", 0))
        raise DeliveryError(f"飞书{what}：令牌无效")

    def _error(self, code: int, message: str, what: str, status: int) -> DeliveryError:
        text = redact(f"飞书{what}失败：{code} {message}")
        if code in THROTTLE_CODES:
            return DeliveryError(f"{text}（限流，稍后重试）", retry_after=THROTTLED_WAIT)
        if code in DISABLED_CODES:
            return DeliveryError(text, retry=False, disabled=True)
        if code in GONE_CODES:
            return DeliveryError(text, retry=False, gone=True)
        if code in CONFIG_CODES:
            log.error(
                "feishu_app refused the call for a setting (%s %s): check the app's scopes and bot ability",
                code,
                message,
            )
            return SettingRefused(f"{text}（请检查应用权限与机器人能力）", retry_after=CONFIG_WAIT)
        return DeliveryError(text, retry=status >= 500 or status == 429)

    async def _create(self, chat_id: str, msg_type: str, content: str) -> str:
        await self.pacer.wait(chat_id)
        api = await self._sdk()
        from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

        body = CreateMessageRequestBody.builder().receive_id(chat_id).msg_type(msg_type).content(content).build()
        request = CreateMessageRequest.builder().receive_id_type("chat_id").request_body(body).build()
        response = await self.call(lambda option: api.im.v1.message.acreate(request, option), "发送消息")
        return str(response.data.message_id)

    async def _reply(self, chat_id: str, message_id: str, msg_type: str, content: str) -> str:
        await self.pacer.wait(chat_id)
        api = await self._sdk()
        from lark_oapi.api.im.v1 import ReplyMessageRequest, ReplyMessageRequestBody

        body = ReplyMessageRequestBody.builder().msg_type(msg_type).content(content).build()
        request = ReplyMessageRequest.builder().message_id(message_id).request_body(body).build()
        response = await self.call(lambda option: api.im.v1.message.areply(request, option), "回复消息")
        return str(response.data.message_id)

    async def _patch(self, chat_id: str, message_id: str, content: str) -> None:
        await self.pacer.wait(chat_id)
        api = await self._sdk()
        from lark_oapi.api.im.v1 import PatchMessageRequest, PatchMessageRequestBody

        body = PatchMessageRequestBody.builder().content(content).build()
        request = PatchMessageRequest.builder().message_id(message_id).request_body(body).build()
        await self.call(lambda option: api.im.v1.message.apatch(request, option), "更新卡片")

    def _card(self, incident: Incident) -> str:
        name = self.source_names.get(incident.source_id, "")
        return card_content(alert_card(incident, self.clock.now(), self.zone, name))

    # -- Channel seam ------------------------------------------------------------------
    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        return await self._create(chat_id, "interactive", self._card(incident))

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """PATCH the shared card: every member of the chat sees the new status and buttons."""
        await self._patch(chat_id, message_id, self._card(incident))
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        first = ""
        for i, part in enumerate(numbered_parts(text, MAX_TEXT)):
            message_id = await self._create(chat_id, "text", text_content(part, mentions if i == 0 else ()))
            first = first or message_id
        return first

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """Upload first (nothing shows in the chat if that fails), then the caption, then the picture or file.

        Uploads need the im:resource scope: without it the caption goes alone, with a note, and a log line.
        A failure after the caption went resends the caption too (the outbox retries the whole entry).
        """
        try:
            key = await self._upload(data, filename, kind)
        except SettingRefused as exc:
            log.error("飞书 refused the upload of %s (%s): grant the app im:resource", filename, exc)
            return await super().send_file(chat_id, data, filename, caption, kind)
        if caption:
            await self.send_text(chat_id, caption)
        if kind == "photo":
            return await self._create(chat_id, "image", json.dumps({"image_key": key}))
        return await self._create(chat_id, "file", json.dumps({"file_key": key}))

    async def _upload(self, data: bytes, filename: str, kind: str) -> str:
        api = await self._sdk()
        from lark_oapi.api.im.v1 import (
            CreateFileRequest,
            CreateFileRequestBody,
            CreateImageRequest,
            CreateImageRequestBody,
        )

        # A fresh request (and stream) per attempt: a retry after a stale token must not send a read-out file.
        if kind == "photo":

            def image(option: Any) -> Awaitable[Any]:
                body = CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(data)).build()
                return api.im.v1.image.acreate(CreateImageRequest.builder().request_body(body).build(), option)

            return str((await self.call(image, "上传图片")).data.image_key)
        file_type = FILE_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "stream")

        def file(option: Any) -> Awaitable[Any]:
            body = (
                CreateFileRequestBody.builder().file_type(file_type).file_name(filename).file(io.BytesIO(data)).build()
            )
            return api.im.v1.file.acreate(CreateFileRequest.builder().request_body(body).build(), option)

        return str((await self.call(file, "上传文件")).data.file_key)

    # -- inbound (the ws thread hands events over here) ---------------------------------------
    def _event_handler(self) -> Any:
        import lark_oapi as lark

        return (
            lark.EventDispatcherHandler.builder("", "")
            .register_p2_im_message_receive_v1(self._message_event)
            .register_p2_card_action_trigger(self._card_event)
            .register_p2_im_chat_member_bot_added_v1(self._bot_added_event)
            .build()
        )

    def _hop(self, work: Awaitable[Any]) -> concurrent.futures.Future[Any]:
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(self._guarded(work), self.loop)

    async def _guarded(self, work: Awaitable[Any]) -> Any:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        try:
            return await task
        except NotLeader:
            log.info("飞书 event left to the new leader")
        except Exception:
            log.exception("飞书 event could not be handled")
        finally:
            self._tasks.discard(task)
        return None

    def _message_event(self, data: Any) -> None:
        self._hop(self.on_message(data))

    def _bot_added_event(self, data: Any) -> None:
        chat = getattr(data.event, "chat_id", "") or ""
        if self.store is not None and chat in self.chat_ids:
            self._hop(enable(self.store, f"{self.name}:{chat}"))

    def _card_event(self, data: Any) -> Any:
        from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

        future = self._hop(self.on_press(data))
        try:
            answer = future.result(timeout=PRESS_ANSWER_WITHIN)
        except concurrent.futures.TimeoutError:  # still working: the outbox updates the card when done
            answer = toast("已收到，正在处理…")
        return P2CardActionTriggerResponse(answer or {})

    # -- typed messages --------------------------------------------------------------------
    async def on_message(self, data: Any) -> None:
        event = data.event
        msg, sender = event.message, event.sender
        if msg is None or sender is None or sender.sender_type != "user":
            return  # our own and other bots' messages
        if msg.chat_type != "group" or not self.serves(msg.chat_id):  # private chats, groups not in the config
            return
        if msg.message_type != "text" or self.on_command is None:
            return
        lane = self.lane(msg.chat_id)
        async with lane:  # one chat's commands in order; other chats are not held up
            cmd = await self.command_from(msg, sender.sender_id.open_id or "")
            if cmd is None:
                return
            self.check_gate()
            replies = await self.on_command(cmd)
            if not replies:
                return
            text = "\n\n".join(replies)
            try:
                for part in numbered_parts(text, MAX_TEXT):
                    await self._reply(msg.chat_id, msg.message_id, "text", text_content(part))
            except DeliveryError as exc:
                await self.reply_undelivered(cmd, text, (cmd.user_id,), exc)

    async def command_from(self, msg: Any, user: str) -> Command | None:
        """The command in a group message, or the result typed in reply to a 办结 prompt."""
        try:
            text = str(json.loads(msg.content or "{}").get("text", ""))
        except (ValueError, AttributeError):
            return None
        text, mentions = self._mentions(text, msg.mentions or [])
        base: dict[str, Any] = {
            "platform": self.name,
            "user_id": user,
            "chat_id": msg.chat_id,
            "text": text,
            "message_id": msg.message_id or "",
        }
        parent = msg.parent_id or ""
        parsed = parse_command(text)
        if parsed is None and parent:
            number = await self._prompt_number(msg.chat_id, parent)
            if number and text:
                return Command(name="resolve", args=(number, *text.split()), reply_to=parent, **base)
        if parsed is None:
            return None
        return Command(name=parsed[0], args=tuple(parsed[1]), reply_to=parent, mentions=mentions, **base)

    def _mentions(self, text: str, mentions: list[Any]) -> tuple[str, tuple[str, ...]]:
        """Text with "@_user_n" keys replaced: a registered person as "@姓名", a leading @bot dropped."""
        people: list[str] = []
        for m in sorted(mentions, key=lambda m: len(m.key or ""), reverse=True):  # @_user_10 before @_user_1
            key, open_id = m.key or "", (m.id.open_id if m.id else "") or ""
            person = self.by_open_id.get(open_id)
            if person is not None:
                text = text.replace(key, f"@{person.name}")
                people.append(open_id)
            elif text.lstrip().startswith(key) or getattr(m, "mentioned_type", "") == "bot":
                text = text.replace(key, "", 1)  # "@值守机器人 确认 …": addressed to us
            else:
                text = text.replace(key, f"@{m.name or open_id}")
        return text.strip(), tuple(dict.fromkeys(people))

    # -- button presses --------------------------------------------------------------------
    async def on_press(self, data: Any) -> dict[str, Any]:
        event = data.event
        press = press_of(event.action.value if event.action else None)
        chat = event.context.open_chat_id if event.context else ""
        if press is None or chat not in self.chat_ids or self.on_command is None:
            return {}
        self.check_gate()
        base: dict[str, Any] = {
            "platform": self.name,
            "user_id": (event.operator.open_id if event.operator else "") or "",
            "chat_id": chat,
            "message_id": f"cb{data.header.event_id if data.header else ''}",
            "reply_to": event.context.open_message_id or "",
        }
        handler: Callable[[Press, dict[str, Any]], Awaitable[dict[str, Any]]] = getattr(self, f"_press_{press.kind}")
        return await handler(press, base)

    async def _press_a(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        return await self._act(Command(name="ack", args=(press.number,), text="[按钮] 确认", **base))

    async def _press_m(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        """🔗 并入: the same command as typed /merge <this number> <the related number>."""
        args = (press.number, press.extra)
        return await self._act(Command(name="merge", args=args, text=f"[按钮] 并入 {press.extra}", **base))

    async def _act(self, cmd: Command) -> dict[str, Any]:
        """Run a press's command; its reply is the toast."""
        assert self.on_command is not None
        refusal = await self._refused(cmd)  # asked first, so a refusal shows as an error toast (audited once)
        if refusal:
            return toast(refusal, "error")
        return toast(await self.on_command(cmd))

    async def _press_g(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        refusal = await self._refused(Command(name="assign", args=(press.number,), **base))
        if refusal:
            return toast(refusal, "error")
        card = card_content(picker_card(press.number, self.assignable))
        self._later(self._reply(base["chat_id"], base["reply_to"], "interactive", card), "the 指派 picker")
        return toast("请在下方选择负责人")

    async def _press_s(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        assert self.on_command is not None
        index = int(press.extra) if press.extra.isdigit() else -1
        if not 0 <= index < len(self.assignable):
            return toast("该人员已不在名单中，请重新选择", "error")
        name = self.assignable[index].name
        cmd = Command(name="assign", args=(press.number, f"@{name}"), text=f"[按钮] 指派 {name}", **base)
        replies = await self.on_command(cmd)
        return {
            **toast(replies),
            "card": {"type": "raw", "data": notice_card(f"指派 {press.number}", "\n".join(replies))},
        }

    async def _press_x(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        return {"card": {"type": "raw", "data": notice_card(f"指派 {press.number}", "已取消")}}

    async def _press_r(self, press: Press, base: dict[str, Any]) -> dict[str, Any]:
        refusal = await self._refused(Command(name="resolve", args=(press.number,), **base))
        if refusal:
            return toast(refusal, "error")
        prompt = f"请回复本消息，填写 {press.number} 的处置结果（例如：已核实并澄清）"
        content = text_content(prompt, (base["user_id"],))
        self._later(self._prompt(base["chat_id"], base["reply_to"], press.number, content), "the 办结 prompt")
        return toast("请回复提示消息，填写处置结果")

    async def _prompt(self, chat: str, alert_id: str, number: str, content: str) -> None:
        prompt_id = await self._reply(chat, alert_id, "text", content)
        if self.store is None:
            self.prompts[(chat, prompt_id)] = number
            return
        await self.store.set_meta(f"{PROMPT_KEY}{chat}:{prompt_id}", number)

    async def _prompt_number(self, chat: str, message_id: str) -> str:
        number = self.prompts.get((chat, message_id))
        if number is None and self.store is not None:
            number = await self.store.get_meta(f"{PROMPT_KEY}{chat}:{message_id}")
        return str(number or "")

    async def _refused(self, cmd: Command) -> list[str]:
        return await self.check(cmd) if self.check is not None else []

    def _later(self, work: Awaitable[Any], what: str) -> None:
        """Send after the press is answered (the answer must come within 3 s)."""

        async def run() -> None:
            try:
                await work
            except DeliveryError as exc:
                log.warning("飞书: %s not sent: %s", what, exc)

        task = asyncio.ensure_future(self._guarded(run()))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def toast(replies: list[str] | str, kind: str = "info") -> dict[str, Any]:
    text = replies if isinstance(replies, str) else "\n".join(replies)
    if len(text) > MAX_TOAST:
        text = text[: MAX_TOAST - 1] + "…"
    return {"toast": {"type": kind, "content": text or "已处理"}}
