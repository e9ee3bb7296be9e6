"""One small adapter per two-way chat channel, so the same command scenarios run on every one.

Each adapter wires the app with bot.app.build_app (real dispatcher, handlers, TinyDB store,
outbox) and only its own channel, drives the channel's real client against the local fake
that channel's own tests use, and offers three things: `say` (a person types a message in
the group), `texts` (what the group shows now: every message the bot sent there, cards as
last edited) and `actor_id` (who a person is on that platform). Platforms whose alert cards
have buttons also offer `buttons` (the press strings on an incident's card as shown now),
`press` (a person taps one) and `answers` (what presses were answered with). What a platform
cannot do is listed in `cannot`, with the reason; a scenario the adapter lists is skipped
saying why.
"""

from __future__ import annotations

import asyncio
import io
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.models import Hit, Incident, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config

STRANGER = "路人甲"  # a name no one registered: the adapters give it a platform id that `people` lacks
MEMBER_DEPARTMENT = "宣传科"
PEOPLE: list[dict[str, Any]] = [
    {
        "name": "张三",
        "role": "leader",
        "telegram_id": 1,
        "wechat_id": "wxid_zhangsan",
        "wecom_userid": "zhangsan",
        "dingtalk_id": "zhangsan01",
        "feishu_open_id": "ou_leader",
    },
    {
        "name": "李明",
        "role": "monitor",
        "telegram_id": 2,
        "wechat_id": "wxid_liming",
        "wecom_userid": "liming",
        "dingtalk_id": "liming02",
        "feishu_open_id": "ou_monitor",
    },
    {
        "name": "王芳",
        "role": "member",
        "department": MEMBER_DEPARTMENT,
        "telegram_id": 3,
        "wechat_id": "wxid_wangfang",
        "wecom_userid": "wangfang",
        "dingtalk_id": "wangfang03",
        "feishu_open_id": "ou_member",
    },
]


def _ids(field: str, stranger: Any) -> dict[str, Any]:
    """Person name → that person's id on one platform (the stranger's is not in `people`)."""
    return {**{p["name"]: p[field] for p in PEOPLE}, STRANGER: stranger}


class ChatRig:
    """The contract a channel adapter meets; subclasses fill in their platform."""

    name = ""  # the channel's name in config and in audit entries ("telegram:-1001")
    group = ""  # the group every scenario happens in
    ids: ClassVar[dict[str, Any]] = {}  # person name → platform id
    cannot: ClassVar[dict[str, str]] = {}  # scenario → why this platform cannot do it

    def __init__(self, store: Store, clock: FakeClock, tmp_path: Path) -> None:
        self.store, self.clock, self.tmp_path = store, clock, tmp_path
        self.app: App | None = None
        self.section_extra: dict[str, Any] = {}  # more settings of the channel's own section (a proxy …)
        self.chats_extra: dict[str, Any] = {}  # more settings of `chats` (chats.proxy …)
        self.made = 0  # incidents made by `incident`: each from an article of its own

    # -- to fill in ---------------------------------------------------------------------
    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        """`person` types `text` in the group; `mentions` are names written as "@姓名" in the text."""
        raise NotImplementedError

    def texts(self) -> list[str]:
        """What the group shows now, oldest first."""
        raise NotImplementedError

    async def buttons(self, number: str) -> list[str]:
        """The press strings of the buttons on the group's card of incident `number`, as shown now."""
        raise NotImplementedError

    async def press(self, person: str, number: str, data: str) -> None:
        """`person` taps the button carrying press string `data` on the group's card of `number`."""
        raise NotImplementedError

    def answers(self) -> list[str]:
        """What presses were answered with: the presser's toast or callback answer, or what the
        group was told (a reply, the pressed card redrawn)."""
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------
    def actor_id(self, person: str) -> str:
        return str(self.ids[person])

    @property
    def audit_chat(self) -> str:
        return f"{self.name}:{self.group}"

    async def build(self, chat: dict[str, Any], **extra: Any) -> App:
        chats = {"console": {"enabled": False, "person": "李明"}, self.name: {**chat, **self.section_extra}}
        chats.update(self.chats_extra)
        config = make_config(people=PEOPLE, chats=chats, **extra)
        self.app = await build_app(config, self.store, self.clock, console_out=io.StringIO())
        return self.app

    def channel(self) -> Any:
        assert self.app is not None
        found = self.app.channels[self.name]
        return getattr(found, "inner", found)

    async def close_app(self) -> None:
        if self.app is not None:
            for each in self.app.channels.values():
                await each.stop()
            await self.app.http.aclose()

    async def wait_text(self, check: Callable[[str], bool], within: float = 10.0) -> str:
        """The first message the group shows for which check() holds, waiting for it to arrive."""
        return await _first(self.texts, check, within)

    async def wait_answer(self, check: Callable[[str], bool], within: float = 10.0) -> str:
        """The first answer to a press for which check() holds, waiting for it to arrive."""
        return await _first(self.answers, check, within)

    async def card_of(self, number: str) -> str:
        """The message id of the group's card of incident `number`, as the outbox recorded it."""
        assert self.app is not None
        (ref,) = [r for r in await self.app.services.store.message_refs(number) if r.target == self.audit_chat]
        return ref.message_id

    async def wait_texts(self, check: Callable[[str], bool], count: int, within: float = 10.0) -> list[str]:
        """The group's messages for which check() holds, once there are `count` of them."""
        async with asyncio.timeout(within):
            while len(found := [t for t in self.texts() if check(t)]) < count:  # noqa: ASYNC110 - six fakes, no shared event
                await asyncio.sleep(0.02)
        return found

    async def incident(self, related: str = "") -> Incident:
        """A new tier I incident (from an article of its own), waiting in the outbox for its groups;
        `related`: the open incident it may retell (its card then offers 🔗 并入)."""
        assert self.app is not None
        self.made += 1
        title = f"江城化工集团仓库爆炸 {self.clock.now():%H%M%S%f}"
        url = f"https://news.example.cn/a?id={self.made}&from=rss"
        item = Item("news", url, title, fetched_at=self.clock.now())
        hits = (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 8, 10, 5))
        judgement = Judgement(Match("国资委", hits, 5), Sentiment("negative", 0.9), Tier.I, "主体+重大事件词，负面")
        return await self.app.services.incidents.create(item, judgement, self.clock.now(), related=related)

    async def new_alert(self) -> Incident:
        """A tier I incident, delivered through the outbox; returns once the group shows it."""
        assert self.app is not None
        incident = await self.incident()
        await self.app.delivery.run_once()
        await self.wait_text(lambda t: incident.number in t and "爆炸" in t)
        return incident


def _with_at(text: str, mentions: tuple[str, ...]) -> str:
    """The text as typed: every mentioned name is already written "@姓名" by the scenario."""
    for name in mentions:
        assert f"@{name}" in text, (name, text)
    return text


class ConsoleRig(ChatRig):
    name = "console"
    group = "console"
    ids: ClassVar[dict[str, Any]] = {p["name"]: p["name"] for p in PEOPLE}
    cannot: ClassVar[dict[str, str]] = {
        "stranger": "控制台只以 chats.console.person 的身份说话，配置检查拒绝未登记的人，陌生人无从输入",
        "merge_button": "控制台没有按钮，请输入 /merge",
        "merge_button_refused_to_a_member": "控制台没有按钮，请输入 /merge",
    }

    async def start(self) -> None:
        chats = {"console": {"enabled": True, "person": "李明"}}
        config = make_config(people=PEOPLE, chats=chats)
        self.out = io.StringIO()
        self.app = await build_app(config, self.store, self.clock, console_out=self.out)

    async def stop(self) -> None:
        await self.close_app()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        """The console types as its configured person: the adapter switches the operator, as a config would."""
        assert self.app is not None
        console = self.channel()
        console.person = person
        await console.handle_line(_with_at(text, mentions), self.app.dispatcher.handle)

    def texts(self) -> list[str]:
        return [t for t in self.out.getvalue().split("\n\n") if t.strip()]

    @property
    def audit_chat(self) -> str:
        from bot.routing import CONSOLE_CHAT

        return f"console:{CONSOLE_CHAT}"


class TelegramRig(ChatRig):
    """python-telegram-bot against tests/fake_bot_api.py.

    Telegram takes Chinese commands (确认 …, 指派 …) only in reply to one of the bot's
    messages (a group's chatter is never read as a command); /English ones anywhere. So a
    Chinese line is typed as a reply to the alert, as people do there.
    """

    name = "telegram"
    group = "-1001"
    ids: ClassVar[dict[str, Any]] = _ids("telegram_id", 77)

    async def start(self) -> None:
        from bot.channels.telegram_limits import Limits
        from tests.fake_bot_api import FakeBotApi

        self.api = FakeBotApi()
        await self.api.start()
        chat = {
            "enabled": True,
            "token": self.api.token,
            "base_url": self.api.base_url,
            "base_file_url": self.api.base_file_url,
            "chats": [{"id": self.group, "name": "领导小组"}],
        }
        await self.build(chat)
        self.channel().limiter.limits = Limits.unlimited()
        assert self.app is not None
        await self.channel().start(self.app.dispatcher.handle)

    async def stop(self) -> None:
        await self.close_app()
        await self.api.stop()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        text = _with_at(text, mentions)
        entities = []
        for name in mentions:  # picked from the member list: a text_mention of the shown name
            shown = text.replace(f"@{name}", name, 1)
            offset = len(text[: text.index(f"@{name}")].encode("utf-16-le")) // 2
            entities.append({"type": "text_mention", "offset": offset, "length": len(name), "user": self._user(name)})
            text = shown
        reply_to = None
        if not text.startswith("/"):
            mine = [m for m in self.api.sent(self.group) if m.get("from", {}).get("is_bot")]
            reply_to = mine[0]["message_id"] if mine else None
        self.api.queue_update(self.api.user_message(self.group, int(self.ids[person]), text, reply_to, entities))

    def _user(self, name: str) -> dict[str, Any]:
        return self.api.user(int(self.ids[name]), name)

    async def buttons(self, number: str) -> list[str]:
        markup = self.api.message(self.group, await self.card_of(number)).get("reply_markup") or {}
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]

    async def press(self, person: str, number: str, data: str) -> None:
        card = await self.card_of(number)
        self.api.queue_update(self.api.press(self.group, int(self.ids[person]), card, data))

    def answers(self) -> list[str]:
        return [str(c.params.get("text") or "") for c in self.api.requests("answerCallbackQuery")]

    def texts(self) -> list[str]:
        from tests.telegram_html import html_to_text

        mine = [m for m in self.api.sent(self.group) if m.get("from", {}).get("is_bot")]
        return [html_to_text(m.get("text") or m.get("caption") or "") for m in mine]


class WechatRig(ChatRig):
    """wechaty against tests/fake_puppet.py (skipped when the [wechat] extra is not installed)."""

    name = "wechat"
    group = "leaders@chatroom"
    ids: ClassVar[dict[str, Any]] = _ids("wechat_id", "wxid_stranger")
    cannot: ClassVar[dict[str, str]] = {
        "merge_button": "微信消息没有按钮，请输入 /merge",
        "merge_button_refused_to_a_member": "微信消息没有按钮，请输入 /merge",
    }

    async def start(self) -> None:
        from tests.wechat_rig import require_wechaty, wechat_chat

        require_wechaty()
        from tests.fake_puppet import FakePuppet

        self.puppet = FakePuppet()
        for name, contact in self.ids.items():
            self.puppet.add_contact(contact, name)
        self.puppet.add_room(self.group, "舆情领导小组", list(self.ids.values()))
        await self.puppet.start()
        chat = wechat_chat(self.puppet.endpoint, self.tmp_path, [{"id": self.group, "name": "舆情领导小组"}])
        app = await self.build(chat)
        await self.channel().start(app.dispatcher.handle)
        self.puppet.login()
        await asyncio.wait_for(self.channel().logged_in.wait(), 10)

    async def stop(self) -> None:
        await self.close_app()
        await self.puppet.stop()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        text = _with_at(text, mentions)
        for name in mentions:  # a real WeChat @: the member's room alias and the contact id alongside
            text = text.replace(f"@{name}", self.puppet.mention(self.ids[name]), 1)
        self.puppet.say(self.group, self.ids[person], text, tuple(self.ids[n] for n in mentions))

    def texts(self) -> list[str]:
        return [s.text for s in self.puppet.sent_to(self.group)]


class WecomAppRig(ChatRig):
    """Our 企业微信智能机器人 websocket client against tests/fake_wecom_app.py."""

    name = "wecom_app"
    group = "wrkSFfCgAALeaders"
    ids: ClassVar[dict[str, Any]] = _ids("wecom_userid", "outsider01")
    tls: ssl.SSLContext | None = None  # set: the fake serves wss:// (as the real service does)

    async def start(self) -> None:
        from tests.fake_wecom_app import FakeWecomApp
        from tests.wecom_app_rig import BOT_ID, SECRET, wecom_config

        self.fake = FakeWecomApp(bots={BOT_ID: SECRET}, groups={self.group}, tls=self.tls)
        await self.fake.start()
        self.asked: dict[str, str] = {}  # callback req_id → the group it came from
        self.pressed: list[str] = []  # the req_ids of presses, oldest first
        chat = {**wecom_config(self.fake), "chats": [{"id": self.group, "name": "领导群"}]}
        app = await self.build(chat, allow_literal_secrets=True)
        await self.channel().start(app.dispatcher.handle)
        await asyncio.wait_for(self.channel().connected.wait(), 5)

    async def stop(self) -> None:
        await self.close_app()
        await self.fake.stop()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        """In a group the robot hears only messages that @mention it; user @s stay in the text."""
        req = await self.fake.say(self.group, self.ids[person], f"@值守机器人 {_with_at(text, mentions)}")
        self.asked[req] = self.group

    def texts(self) -> list[str]:
        shown = []
        for sent in self.fake.sent:
            if sent.chat != self.group and self.asked.get(sent.req_id) != self.group:
                continue
            if sent.card:  # the card as it looks now (a press redraws it in place)
                shown.append(_wecom_card_text(self.fake.cards.get(sent.card.get("task_id", ""), sent.card)))
            elif sent.text:
                shown.append(sent.text)
        return shown

    async def buttons(self, number: str) -> list[str]:
        return [b["key"] for b in self.fake.cards[await self.card_of(number)].get("button_list", [])]

    async def press(self, person: str, number: str, data: str) -> None:
        self.pressed.append(await self.fake.press(self.group, self.ids[person], await self.card_of(number), data))

    def answers(self) -> list[str]:
        """The pressed card as redrawn in answer, then what the presser was told (an @ line in the group)."""
        redrawn = [_wecom_card_text(s.card) for req in self.pressed for s in self.fake.answers_to(req) if s.card]
        told = [s.text for s in self.fake.of("aibot_send_msg", self.group) if s.text.startswith("<@")]
        return redrawn + told


def _wecom_card_text(card: dict[str, Any]) -> str:
    rows = [f"{r.get('keyname', '')} {r.get('value', '')}" for r in card.get("horizontal_content_list", [])]
    head = [card.get("main_title", {}).get("title", ""), card.get("main_title", {}).get("desc", "")]
    return "\n".join([*head, card.get("sub_title_text", ""), *rows])


class DingtalkAppRig(ChatRig):
    """dingtalk-stream and our OpenAPI client against tests/fake_dingtalk_app.py."""

    name = "dingtalk_app"
    group = "cidGroupA+abc/1=="
    ids: ClassVar[dict[str, Any]] = _ids("dingtalk_id", "stranger99")

    async def start(self) -> None:
        from tests.fake_dingtalk_app import FakeDingtalk

        self.fake = FakeDingtalk(groups={self.group})
        await self.fake.start()
        chat = {
            "enabled": True,
            "client_id": self.fake.client_id,
            "client_secret": self.fake.client_secret,
            "endpoint": self.fake.endpoint,
            "chats": [{"id": self.group, "name": "领导小组"}],
            "reconnect": 0.05,
            "reconnect_max": 0.2,
        }
        app = await self.build(chat)
        await self.channel().start(app.dispatcher.handle)
        await self.fake.wait_connected()

    async def stop(self) -> None:
        await self.close_app()
        await self.fake.stop()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        """DingTalk strips the robot's own @ and lists the other @ed members by staff id."""
        at = tuple(self.ids[n] for n in mentions)
        await self.fake.message(self.group, self.ids[person], _with_at(text, mentions), at=at)

    def texts(self) -> list[str]:
        return [c.text for c in self.fake.cards_in(self.group)] + self.fake.texts_in(self.group)

    async def buttons(self, number: str) -> list[str]:
        return self.fake.cards[await self.card_of(number)].presses

    async def press(self, person: str, number: str, data: str) -> None:
        await self.fake.wait_ack(await self.fake.press(await self.card_of(number), self.ids[person], data))

    def answers(self) -> list[str]:
        """A press is answered in the group (its cards are not texts there)."""
        return self.fake.texts_in(self.group)


class FeishuAppRig(ChatRig):
    """lark-oapi (long connection and OpenAPI) against tests/fake_feishu_app.py."""

    name = "feishu_app"
    group = "oc_leaders"
    ids: ClassVar[dict[str, Any]] = _ids("feishu_open_id", "ou_stranger")

    async def start(self) -> None:
        from tests.fake_feishu_app import APP_ID, APP_SECRET, FakeFeishu

        self.fake = FakeFeishu()
        await self.fake.start()
        self.toasts: list[str] = []
        chat = {
            "enabled": True,
            "app_id": APP_ID,
            "app_secret": APP_SECRET,
            "domain": self.fake.domain,
            "chats": [{"id": self.group, "name": "领导小组"}],
            "reconnect": "0.2s",
            "reconnect_max": "1s",
        }
        app = await self.build(chat)
        await self.channel().start(app.dispatcher.handle)
        await self.fake.wait_connected()

    async def stop(self) -> None:
        if self.app is not None:  # lark-oapi caches the token per app id, process-wide: not for the next fake
            self.channel()._forget_token()
        await self.close_app()
        await self.fake.stop()

    async def say(self, person: str, text: str, mentions: tuple[str, ...] = ()) -> None:
        """飞书 writes each @ as an @_user_n key with the member's open_id; the bot is @ed first."""
        at = [("ou_bot", "值守机器人"), *((self.ids[n], n) for n in mentions)]
        typed = f"@值守机器人 {_with_at(text, mentions)}"
        await self.fake.push(self.fake.user_message(self.group, self.ids[person], typed, at))

    def texts(self) -> list[str]:
        return [m.text for m in self.fake.sent(self.group) if not m.msg_type.startswith("user:")]

    async def buttons(self, number: str) -> list[str]:
        return self.fake.messages[await self.card_of(number)].presses()

    async def press(self, person: str, number: str, data: str) -> None:
        answer = await self.fake.push(self.fake.press(self.group, self.ids[person], await self.card_of(number), data))
        self.toasts.append(str(((answer.get("data") or {}).get("toast") or {}).get("content", "")))

    def answers(self) -> list[str]:
        """The toasts presses were answered with."""
        return list(self.toasts)


RIGS: dict[str, type[ChatRig]] = {
    rig.name: rig for rig in (ConsoleRig, TelegramRig, WechatRig, WecomAppRig, DingtalkAppRig, FeishuAppRig)
}


async def _first(read: Callable[[], list[str]], check: Callable[[str], bool], within: float) -> str:
    """The first of read()'s texts for which check() holds, polling until it arrives."""
    async with asyncio.timeout(within):
        while True:
            for text in read():
                if check(text):
                    return text
            await asyncio.sleep(0.02)
