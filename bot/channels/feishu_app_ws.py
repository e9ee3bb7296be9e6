"""The 飞书 long connection (lark-oapi's websocket client) in a thread of its own.

lark_oapi.ws.client takes a module-level event loop at import and its `start()`
blocks that loop forever, reconnecting on its own schedule (120 s, from the
server) and raising out of a task when the app secret is refused. So we do not
call `start()`: a daemon thread runs its own loop, points the SDK's module-level
`loop` at it, and drives the SDK's own connect / receive / ping coroutines with
our back-off. Events reach the SDK's dispatcher in that thread; the channel hops
them onto the bot's loop (`asyncio.run_coroutine_threadsafe`).

A refused credential is one Chinese log line; the thread then waits
`refused_wait` before asking again (quietly), and says so once when it works.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.config_loader import ConfigError

log = logging.getLogger(__name__)

STABLE = 30.0  # seconds a connection must hold before a drop counts as new (reconnect at once)
JOIN_TIMEOUT = 5.0  # seconds stop() waits for the thread (a hung endpoint POST has no timeout in the SDK)


class FeishuUnavailable(ConfigError):
    """飞书 is enabled but lark-oapi cannot be imported here: a set-up problem, reported like a config error."""


def load_sdk() -> None:
    """Import lark-oapi (~3.5 s: call it off the loop) and close the idle loop its ws module made at import.

    Our thread runs its own loop (`LongConnection._main`); the one the SDK made would stay open until exit.
    """
    try:
        import lark_oapi.ws.client as ws_module
    except ImportError as exc:
        raise FeishuUnavailable(
            f"已启用飞书应用渠道，但无法导入 lark-oapi（{exc}）。请安装：pip install -c constraints.txt -e '.[chats]'"
        ) from exc

    made = ws_module.loop
    if made not in _OUR_LOOPS and not made.is_running() and not made.is_closed():
        made.close()
    quiet_sdk_logger()


_OUR_LOOPS: set[asyncio.AbstractEventLoop] = set()


def quiet_sdk_logger() -> None:
    """The SDK logs to stdout with its own handler: route it through ours (redaction) at WARNING."""
    sdk = logging.getLogger("Lark")
    for handler in list(sdk.handlers):
        sdk.removeHandler(handler)
    sdk.propagate = True
    sdk.setLevel(logging.WARNING)


def refused_line(exc: BaseException) -> str:
    return (
        f"飞书应用凭证被拒绝（{exc}）：请检查 chats.feishu_app 的 app_id / app_secret，"
        "并确认应用已发布、事件订阅方式为「使用长连接接收事件」。飞书渠道暂停，其他渠道照常运行"
    )


class Refusal:
    """Whether 飞书 refuses our credentials: logged once when it starts and once when it ends (any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reason: BaseException | None = None

    def report(self, exc: BaseException) -> None:
        with self._lock:
            first, self.reason = self.reason is None, exc
        if first:
            log.error(refused_line(exc))

    def clear(self) -> None:
        with self._lock:
            was, self.reason = self.reason, None
        if was is not None:
            log.warning("飞书应用凭证已被接受，飞书渠道恢复")


class LongConnection:
    """Keeps one websocket to 飞书 open from its own thread; `handler` is the SDK event dispatcher."""

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        domain: str,
        make_handler: Callable[[], Any],
        first_wait: float = 5.0,
        max_wait: float = 300.0,
        refused_wait: float = 600.0,
        on_connected: Callable[[], None] | None = None,
        refusal: Refusal | None = None,
    ) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.domain = domain
        self.make_handler = make_handler
        self.first_wait = first_wait
        self.max_wait = max_wait
        self.refused_wait = refused_wait
        self.on_connected = on_connected
        self.connected = threading.Event()
        self.refusal = refusal or Refusal()
        self.connects = 0  # successful connections (tests and status)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name="feishu-ws", daemon=True)
        self._thread.start()
        self._ready.wait(10)

    async def stop(self) -> None:
        thread, loop, stop = self._thread, self._loop, self._stop
        if thread is None or loop is None or stop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(stop.set)
        await asyncio.to_thread(thread.join, JOIN_TIMEOUT)
        if thread.is_alive():
            log.warning("飞书长连接线程未在 %.0f 秒内退出（连接地址请求无应答），随进程结束", JOIN_TIMEOUT)
        self._thread = None

    # -- the thread ------------------------------------------------------------------
    def _main(self) -> None:
        import lark_oapi.ws.client as ws_module

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ws_module.loop = loop  # the SDK schedules its receive and handler tasks on this module global
        _OUR_LOOPS.add(loop)
        self._loop = loop
        self._stop = asyncio.Event()
        self._ready.set()
        try:
            loop.run_until_complete(self._run())
        finally:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            _OUR_LOOPS.discard(loop)

    async def _run(self) -> None:
        from lark_oapi.ws.exception import ClientException

        assert self._stop is not None
        wait = self.first_wait
        while not self._stop.is_set():
            client = _client_class()(self.app_id, self.app_secret, self.domain, self.make_handler())
            try:
                await client._connect()
            except ClientException as exc:  # the app secret, app id or the app's settings are refused
                self.refusal.report(exc)
                await self._sleep(self.refused_wait)
                continue
            except Exception as exc:  # noqa: BLE001 - network, 5xx, handshake: try again later
                level = logging.WARNING if wait == self.first_wait else logging.INFO  # the first of a run
                log.log(level, "飞书长连接失败：%s；%g 秒后重试", exc, wait)
                await self._sleep(wait)
                wait = min(self.max_wait, wait * 2)
                continue
            self.refusal.clear()
            began = time.monotonic()
            if self.on_connected is not None:
                self.on_connected()
            self.connects += 1  # after on_connected: whoever sees the count sees its effect queued
            self.connected.set()
            await self._hold(client)
            self.connected.clear()
            if self._stop.is_set():
                break
            if time.monotonic() - began >= STABLE:  # it held: reconnect at once, back-off starts over
                wait = self.first_wait
                log.warning("飞书长连接断开（%s），重新连接", client.lost_reason or "连接关闭")
                continue
            log.warning("飞书长连接刚建立即断开（%s），%g 秒后重连", client.lost_reason or "连接关闭", wait)
            await self._sleep(wait)  # accepted, then dropped at once: do not spin on the endpoint
            wait = min(self.max_wait, wait * 2)

    async def _hold(self, client: Any) -> None:
        """Ping on the server's interval until the connection drops or we stop."""
        assert self._stop is not None
        ping = asyncio.create_task(client._ping_loop())
        stop = asyncio.create_task(self._stop.wait())
        await asyncio.wait({stop, asyncio.create_task(client.lost.wait())}, return_when=asyncio.FIRST_COMPLETED)
        for task in (ping, stop):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client._disconnect(), 3)

    async def _sleep(self, seconds: float) -> None:
        assert self._stop is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)


_CLIENT: type | None = None


def _client_class() -> type:
    """The SDK's ws client, told to report a lost connection instead of reconnecting on its own."""
    global _CLIENT
    if _CLIENT is not None:
        return _CLIENT
    from lark_oapi.core.enum import LogLevel
    from lark_oapi.ws.client import Client, _new_ping_frame

    class _Client(Client):  # type: ignore[misc]
        def __init__(self, app_id: str, app_secret: str, domain: str, handler: Any) -> None:
            super().__init__(
                app_id,
                app_secret,
                log_level=LogLevel.WARNING,
                event_handler=handler,
                domain=domain,
                auto_reconnect=False,
            )
            quiet_sdk_logger()  # the constructor set the SDK logger's level again
            self.lost = asyncio.Event()
            self.lost_reason: BaseException | None = None
            self._handling: set[asyncio.Task[None]] = set()

        async def _ping_loop(self) -> None:
            """The SDK's ping on the server's interval, ending with the connection (no warning on the way out)."""
            while not self.lost.is_set():
                try:
                    await self._write_message(_new_ping_frame(int(self._service_id)).SerializeToString())
                except Exception as exc:  # noqa: BLE001 - closing: the receive loop reports the drop
                    log.debug("飞书 ping failed: %s", exc)
                await asyncio.sleep(self._ping_interval)

        async def _receive_message_loop(self) -> None:
            try:
                while self._conn is not None:
                    message = await self._conn.recv()
                    task = asyncio.get_running_loop().create_task(self._handle_message(message))
                    self._handling.add(task)
                    task.add_done_callback(self._handling.discard)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - closed, reset: the owner reconnects
                self.lost_reason = exc
            finally:
                self.lost.set()

    _CLIENT = _Client
    return _Client
