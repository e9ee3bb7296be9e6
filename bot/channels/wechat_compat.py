"""Import wechaty 0.10.7 on Python 3.11/3.12: the patches it needs, in one place.

Measured facts (../shared/NOTES.md): its dataclass `WechatyOptions` has a
`PuppetOptions()` default, which Python 3.11 rejects as a mutable default
unless `PuppetOptions` is hashable; `wechaty.plugin` creates `$CACHE_DIR`
(default `./.wechaty`) at import time; `PuppetService` logs the service
token at WARNING. Only the WeChat adapter imports this module.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bot.config_loader import ConfigError

# wechaty's loggers do not propagate and print to stderr; these two say more than they should:
# PuppetService logs "endpoint<…> and token<…>", wechaty.plugin warns at every login.
_LOUD = ("PuppetService", "wechaty.plugin")


class WechatUnavailable(ConfigError):
    """WeChat is enabled but wechaty cannot be imported here: a set-up problem, reported like a config error."""


def load_wechaty(cache_dir: str = "data/wechaty", log_level: str = "warn") -> ModuleType:
    """Patch and import wechaty; return the module. Safe to call more than once."""
    os.environ.setdefault("CACHE_DIR", cache_dir)  # read at import time by wechaty.plugin
    os.environ.setdefault("WECHATY_LOG", log_level)
    before = set(logging.Logger.manager.loggerDict)
    try:
        from wechaty_puppet.schemas import puppet as puppet_schema

        if puppet_schema.PuppetOptions.__hash__ is None:
            puppet_schema.PuppetOptions.__hash__ = object.__hash__  # type: ignore[method-assign]
        import wechaty
        import wechaty_puppet_service  # noqa: F401 - imported lazily by wechaty; its logger must exist before quieting
    except ImportError as exc:  # telnetlib is gone in 3.13; pyee>=9 / urllib3>=2 break it too
        raise WechatUnavailable(
            f"已启用微信渠道，但无法导入 wechaty（{exc}）。请安装：pip install -c constraints.txt -e '.[wechat]'"
            "（需要 Python 3.11 或 3.12）"
        ) from exc
    _quiet_loggers(set(logging.Logger.manager.loggerDict) - before)
    return wechaty


def _quiet_loggers(names: set[str]) -> None:
    """Its own loggers at WARNING at most (message texts are logged at INFO), the loud ones at ERROR."""
    for name in names | set(_LOUD):
        logger = logging.getLogger(name)
        if logger.propagate and name not in _LOUD:
            continue  # grpclib, apscheduler …: the application's logging config decides
        floor = logging.ERROR if name in _LOUD else logging.WARNING
        if logger.level < floor:
            logger.setLevel(floor)


def fresh_pools(bot: Any) -> None:
    """Give a new Wechaty instance its own Contact/Room caches.

    wechaty keeps `_pool` on the base classes, shared by every instance in the
    process: after a reconnect the cache would hand out objects bound to the
    old, closed puppet.
    """
    for cls in (bot.Contact, bot.ContactSelf, bot.Room, bot.Tag):
        cls._pool = {}


def use_keepalive(puppet: Any, every: float, timeout: float) -> None:
    """Ping the puppet service (HTTP/2 PING) so a connection that died silently is noticed.

    python-wechaty builds its grpclib Channel inside `puppet.start()` with no
    keepalive: behind a NAT or after a service crash the event stream can hang
    forever while the bot looks connected. The connection opens on the first
    call, so setting the channel's configuration right after it is built is enough.
    """
    from grpclib.config import Configuration

    build = puppet._init_puppet

    def init() -> None:
        build()
        puppet.channel._config = Configuration(
            _keepalive_time=every,
            _keepalive_timeout=timeout,
            _keepalive_permit_without_calls=True,
            _http2_max_pings_without_data=0,  # an idle bot sends no data: keep pinging anyway
            _http2_min_sent_ping_interval_without_data=every,
        ).__for_client__()

    puppet._init_puppet = init


def follow_logins(puppet: Any, on_login: Callable[[str], None], on_logout: Callable[[str], None]) -> None:
    """Hear every login and logout of the account, from the puppet itself.

    Wechaty 0.10.7 passes only the first `login` event of an instance on to its
    listeners (`once_event` in `init_puppet_event_bridge`): after a logout and a
    new login on the same connection the bot would never learn it may send
    again. The puppet emits each one; the callbacks get the account's contact id.
    """
    puppet.on("login", lambda payload: on_login(str(getattr(payload, "contact_id", "") or "")))
    puppet.on("logout", lambda payload: on_logout(str(getattr(payload, "contact_id", "") or "")))
