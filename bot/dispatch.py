"""Route a platform-neutral Command to its handler.

The one place that decides: is this chat ours, who is speaking, which
incident is meant (number or replied-to alert), may they do this. Handlers
never repeat these checks. Errors become Chinese replies, never tracebacks.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

from bot.cards import is_card
from bot.commands import split_number
from bot.incidents import UnknownIncident
from bot.lifecycle import IllegalTransition
from bot.models import Action, ActionKind, Actor, Command
from bot.permissions import allowed, who_may
from bot.routing import is_known_chat
from bot.services import Services
from bot.store.base import StoreUnavailable
from bot.surrogates import without_lone_surrogates
from handlers import REGISTRY
from handlers.base import Request, UsageError, clip

log = logging.getLogger(__name__)

STORE_DOWN = "⚠️ 存储（Redis）暂时无法连接，本条命令未能完成，请稍后重试。机器人仍在运行，连接恢复后自动补发积压消息。"
STORE_DOWN_STATUS = (
    "📡 运行状态：⚠️ 存储（Redis）连接中断，正在按退避间隔重试。\n"
    "已确认、已记录的事件和消息不会丢失；恢复后自动补抓来源、补发积压消息。"
)


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def check(self, cmd: Command) -> list[str]:
        """The refusal for `cmd` without running it ([] = allowed): buttons ask before showing a menu."""
        return await self.handle(cmd, check_only=True)

    async def handle(self, cmd: Command, check_only: bool = False) -> list[str]:
        # a command's words end up in its recorded action
        cmd = replace(cmd, args=tuple(map(without_lone_surrogates, cmd.args)), text=without_lone_surrogates(cmd.text))
        try:
            return await self._handle(cmd, check_only)
        except StoreUnavailable as exc:  # Redis down: say so; nothing was recorded, so nothing is lost
            log.warning("command %s not run: %s", cmd.name, exc)
            return [STORE_DOWN_STATUS if cmd.name == "status" else STORE_DOWN]

    async def _handle(self, cmd: Command, check_only: bool) -> list[str]:
        s = self.services
        if not is_known_chat(s.config.chats, cmd.target):
            log.info("ignoring command from unconfigured chat %s", cmd.target.key)
            return []
        handler = REGISTRY.get(cmd.name)
        if handler is None:
            return [f"未知命令 /{cmd.name}，发送 /help 查看可用命令"]
        person = s.people.by_platform(cmd.platform, cmd.user_id)
        if person is None:
            await self._audit_refusal(cmd, "未登记人员")
            return ["您不在值守人员名单中，无权操作。请联系管理员在配置的 people 中登记您的账号。"]
        number, rest = split_number(list(cmd.args))
        if number is None and cmd.reply_to:
            number = await s.store.incident_for_message(cmd.target.key, cmd.reply_to)
            number = None if number and is_card(number) else number  # a reply to the handover card
        incident = await s.store.get_incident(number) if number else None
        if number and incident is None:
            return [f"没有编号为 {clip(number)} 的事件（编号按发现当天的日期，发 /list 查看未办结事件的编号）"]
        if handler.needs_incident and incident is None:
            return [f"请提供事件编号，或直接回复告警消息。用法：{handler.usage}"]
        if not allowed(cmd.name, person, incident):
            await self._audit_refusal(cmd, f"{person.name} 无权执行 /{cmd.name}", person.name)
            return [f"{person.name}，您无权执行 /{cmd.name}（仅限{who_may(cmd.name)}）"]
        if check_only:
            return []
        try:
            return await handler.run(Request(cmd, person, incident, tuple(rest)), s)
        except UsageError as exc:
            return [f"{exc}。用法：{handler.usage}"]
        except (IllegalTransition, UnknownIncident) as exc:
            return [str(exc)]
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("command %s failed", cmd.name)
            return ["处理命令时出错，已记录日志，请稍后重试或联系管理员"]

    async def _audit_refusal(self, cmd: Command, why: str, person: str = "") -> None:
        s = self.services
        await s.store.append_action(
            Action(
                id=f"refused:{uuid.uuid4().hex}",
                incident="",
                kind=ActionKind.REFUSED,
                actor=Actor(cmd.platform, cmd.user_id, person),
                at=s.clock.now(),
                note=f"{why}：{clip(cmd.text or '/' + cmd.name, 200)}",
                chat=cmd.target.key,
            )
        )
