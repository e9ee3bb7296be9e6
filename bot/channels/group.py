"""What every two-way group platform channel (Telegram and the 企业微信/钉钉/飞书 apps) holds alike.

Each of them answers typed commands and button presses in configured groups: it
needs the people (for permissions and the 指派 menu), the source names (for the
alert text), the store (cards, prompts, moved chats) and `check` (may this person
do that, asked before showing a menu). The constructor and `from_config` are the
same everywhere; an adapter adds only what is its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar
from zoneinfo import ZoneInfo

from bot.channels.base import Channel, CommandHandler
from bot.channels.buttons import Assignable
from bot.clock import Clock
from bot.config import ChatConfig, Config, PersonConfig
from bot.naming import PLATFORM_NAMES
from bot.store.base import Store

log = logging.getLogger(__name__)


class GroupSection(Protocol):
    """A `chats.<platform>` section: the groups the bot serves there."""

    @property
    def chats(self) -> list[ChatConfig]: ...


S = TypeVar("S", bound=GroupSection)


class GroupChannel(Channel, Generic[S]):
    section: ClassVar[str] = ""  # its attribute of `chats` in the config ("telegram", "dingtalk_app" …)
    proxied: ClassVar[bool] = False  # takes `proxy=`: its section's proxy, else chats.proxy (ChatsConfig.app_proxy)

    def __init__(
        self,
        config: S,
        clock: Clock,
        zone: ZoneInfo,
        people: Sequence[PersonConfig] = (),
        source_names: dict[str, str] | None = None,
        store: Store | None = None,
        check: CommandHandler | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.zone = zone
        self.people = list(people)
        everyone = [Assignable(i, p.name, p.department) for i, p in enumerate(self.people)]
        # the 指派 menu: those the platform can reach; everyone when nobody has an id there yet
        self.assignable = [a for a in everyone if self.reachable(self.people[a.index])] or everyone
        self.source_names = source_names or {}
        self.store = store
        self.check = check  # may this person do that? (指派 and 办结 ask before showing a menu or prompt)
        self.chat_ids = {c.id for c in config.chats}
        self._unknown_chats: set[str] = set()
        self._lanes: dict[str, asyncio.Lock] = {}

    def serves(self, chat: str, title: str = "") -> bool:
        """Is `chat` a configured group? Another group is named once in the log: that is how whoever sets
        the bot up learns its id (nothing said there is answered)."""
        if chat in self.chat_ids:
            return True
        if chat and chat not in self._unknown_chats:
            self._unknown_chats.add(chat)
            where = f"「{title}」（{chat}）" if title else f" {chat} "
            platform = PLATFORM_NAMES.get(self.name, self.name)
            log.warning("%s群%s未在 chats.%s.chats 中配置，其中的消息不予处理", platform, where, self.section)
        return False

    def lane(self, chat: str) -> asyncio.Lock:
        """One group's typed commands run in order; other groups are not held up."""
        return self._lanes.setdefault(chat, asyncio.Lock())

    def reachable(self, person: PersonConfig) -> bool:
        """May this person be offered on the 指派 menu here (a platform without ids for people: all)."""
        return True

    @classmethod
    def from_config(
        cls,
        config: Config,
        clock: Clock,
        source_names: dict[str, str],
        store: Store | None = None,
        check: CommandHandler | None = None,
    ) -> Self:
        """The channel as the app runs it: its config section, every configured person."""
        section = getattr(config.chats, cls.section)
        extra = cls.config_extras(config)
        if cls.proxied:
            extra["proxy"] = config.chats.app_proxy(cls.section)
        return cls(section, clock, config.zone, config.people, source_names, store=store, check=check, **extra)

    @classmethod
    def config_extras(cls, config: Config) -> dict[str, Any]:
        """Further constructor arguments an adapter takes from the config (none by default)."""
        return {}
