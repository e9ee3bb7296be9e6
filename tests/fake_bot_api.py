"""A fake Telegram Bot API server speaking real HTTP on 127.0.0.1, for tests.

The real python-telegram-bot client talks to it through `base_url`. It keeps
the chats' messages (so tests see edits), records every request, queues user
updates for getUpdates, enforces the limits Telegram enforces (HTML parse
mode, 4096 characters, 64-byte callback_data) and answers scripted errors
(429 retry_after, 400, 403, migrate_to_chat_id).

In-process use::

    api = FakeBotApi()
    await api.start()
    ApplicationBuilder().token(api.token).base_url(api.base_url)...
    api.queue_update(api.user_message(chat_id=-100, user_id=1, text="/list"))
    await api.wait_for("sendMessage")

As a subprocess (for multi-process tests)::

    python -m tests.fake_bot_api --port 0      # prints "PORT 12345", then serves

and script it over HTTP: POST /_control/updates (an update or a list),
POST /_control/fail ({"method", "error", "times", "chat_id", ...}),
GET /_control/requests, GET /_control/messages, POST /_control/reset.

Several instances of one bot: with `any_secret=True` (`--any-secret`) every
token `<bot id>:<secret>` is the same bot, and each call records its secret
as `instance`, so a test gives each instance its own secret and counts what
each one sent. With `lease_redis`/`lease_key` (`--lease-redis URL --lease-key K`)
every chat-visible call (send, edit, answer) also records who held the
leader lease in Redis when it arrived (`holder`; "?" if Redis did not answer).
With `any_secret`, as Telegram does, a getUpdates arriving while another
instance's one is still waiting is answered 409 Conflict (`conflicts` counts them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.local_web import serve_app

try:
    from tests.telegram_html import HtmlError, html_to_text, utf16_len
except ImportError:  # run as a plain script from tests/
    from telegram_html import HtmlError, html_to_text, utf16_len  # type: ignore[no-redef]

TOKEN = "123456:TEST-token-not-real"
BOT_ID = 123456
BOT_USERNAME = "yuqing_test_bot"


@dataclass
class Call:
    """One request the client made: the method and its decoded parameters."""

    method: str
    params: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)  # when the request arrived (time.monotonic)
    instance: str = ""  # the token's secret (with any_secret): which instance made the call
    holder: str = ""  # the lease holder's instance when a chat-visible call arrived (with lease_redis)

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


@dataclass
class Failure:
    """A scripted error answer for `method` (and optionally one chat)."""

    method: str
    status: int
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    times: int = 1
    chat_id: str = ""
    after: int = 0  # let this many matching calls succeed first

    def matches(self, call: Call) -> bool:
        if not (self.times > 0 and self.method in (call.method, "*") and self.chat_id in ("", call.chat_id)):
            return False
        if self.after > 0:
            self.after -= 1
            return False
        return True


def _decode(value: str) -> Any:
    """PTB form-encodes every value as a string; nested objects are JSON."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class BotApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters or {}


# Calls a chat member would see: the ones only the lease holder may make.
VISIBLE = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto", "sendDocument", "answerCallbackQuery"}
)
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


class FakeBotApi:
    def __init__(
        self,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        username: str = BOT_USERNAME,
        poll_hold: float = 0.2,
        any_secret: bool = False,
        lease_redis: str = "",
        lease_key: str = "",
    ) -> None:
        self.token = token
        self.any_secret = any_secret
        self.lease_redis = lease_redis
        self.lease_key = lease_key
        self._lease_client: Any = None
        self._polling: Counter[str] = Counter()  # getUpdates requests waiting now, per instance
        self.conflicts = 0
        self.poll_hold = poll_hold  # longest a getUpdates waits for news (short: fast shutdowns in tests)
        self.bot_id = bot_id
        self.username = username
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}
        self.forums: set[str] = set()
        self.topics: dict[str, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/bot{token}/{method}", self._api)
        app.router.add_route("*", "/_control/{what}", self._control)
        self._runner, self.port = await serve_app(app, port, host=host)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._lease_client is not None:
            await self._lease_client.aclose()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- scripting ----------------------------------------------------------
    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def fail(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        after: int = 0,
        chat_id: str | int = "",
        retry_after: int = 3,
        new_chat_id: int = 0,
        description: str = "",
    ) -> None:
        """Script `times` calls of `method` (to `chat_id`, if given) to fail, after `after` successes.

        error: "retry_after" (429), "bad_request" (400), "forbidden" (403),
        "migrate" (400 with migrate_to_chat_id), "server" (500).
        """
        kinds = {
            "retry_after": (429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}),
            "bad_request": (400, "Bad Request: " + (description or "chat not found"), {}),
            "forbidden": (403, "Forbidden: " + (description or "bot was kicked from the group chat"), {}),
            "migrate": (
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": new_chat_id},
            ),
            "server": (500, "Internal Server Error", {}),
        }
        status, desc, params = kinds[error]
        self.failures.append(Failure(method, status, desc, params, times, str(chat_id), after))

    def reset(self) -> None:
        self.calls.clear()
        self.failures.clear()
        self.messages.clear()
        self._updates.clear()

    def requests(self, method: str | None = None) -> list[Call]:
        """Successful and failed calls, in order (optionally of one method)."""
        return [c for c in self.calls if method is None or c.method == method]

    def sent(self, chat_id: str | int | None = None) -> list[dict[str, Any]]:
        """Messages the bot posted (optionally in one chat), oldest first."""
        return [m for (c, _), m in self.messages.items() if chat_id is None or c == str(chat_id)]

    def message(self, chat_id: str | int, message_id: int | str) -> dict[str, Any]:
        return self.messages[(str(chat_id), int(message_id))]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0, **match: Any) -> list[Call]:
        """Wait until `count` successful calls of `method` (with matching params) were made."""

        def done() -> list[Call] | None:
            found = [
                c
                for c in self.calls
                if c.method == method
                and c.status == 200
                and all(str(c.params.get(k)) == str(v) for k, v in match.items())
            ]
            return found if len(found) >= count else None

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(done), within)
        return done() or []

    # -- building updates -----------------------------------------------------
    def user(self, user_id: int, name: str = "") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name or f"user{user_id}"}

    def chat(self, chat_id: int | str) -> dict[str, Any]:
        cid = int(chat_id)
        return {"id": cid, "type": "supergroup" if cid < 0 else "private", "title": f"chat {cid}"}

    def user_message(
        self,
        chat_id: int | str,
        user_id: int,
        text: str,
        reply_to: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """An update carrying a user's text message (a bot_command entity if it starts with '/')."""
        message_id = next(self._message_ids)
        msg: dict[str, Any] = {
            "message_id": message_id,
            "date": 1_764_000_000,
            "chat": self.chat(chat_id),
            "from": self.user(user_id),
            "text": text,
        }
        ents = list(entities or [])
        if text.startswith("/"):
            ents.insert(0, {"type": "bot_command", "offset": 0, "length": utf16_len(text.split()[0])})
        if ents:
            msg["entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = dict(self.message(chat_id, reply_to))
        self.messages[(str(chat_id), message_id)] = msg
        return {"message": msg}

    def press(self, chat_id: int | str, user_id: int, message_id: int | str, data: str) -> dict[str, Any]:
        """An update for a press of an inline button under a bot message."""
        return {
            "callback_query": {
                "id": str(next(self._callback_ids)),
                "from": self.user(user_id),
                "chat_instance": f"ci{chat_id}",
                "message": dict(self.message(chat_id, message_id)),
                "data": data,
            }
        }

    # -- HTTP -----------------------------------------------------------------
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _known(self, token: str) -> bool:
        if self.any_secret:
            return token.split(":", 1)[0] == str(self.bot_id)
        return token == self.token

    async def _lease_holder(self) -> str:
        """Who holds the lease now, by Redis (the instance part of its token); "-" if none, "?" if unknown."""
        import redis.asyncio as aioredis

        if self._lease_client is None:
            self._lease_client = aioredis.Redis.from_url(
                self.lease_redis, decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5
            )
        try:
            token = await self._lease_client.get(self.lease_key)
        except Exception:  # noqa: BLE001 - Redis down or restarting: the holder cannot be known
            return "?"
        return token.split(":", 1)[1] if token else "-"

    async def _api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not self._known(token):
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        form = await request.post() if request.method == "POST" else request.query
        params = {k: _decode(v) if isinstance(v, str) else v for k, v in form.items()}
        call = Call(request.match_info["method"], params, instance=token.split(":", 1)[1] if self.any_secret else "")
        if self.lease_redis and call.method in VISIBLE:
            call.holder = await self._lease_holder()
        self.calls.append(call)
        try:
            if call.method == "getUpdates" and set(self._polling) - {call.instance}:  # another poller waits: 409
                self.conflicts += 1
                raise BotApiError(409, CONFLICT)
            failure = next((f for f in self.failures if f.matches(call)), None)
            if failure is not None:
                failure.times -= 1
                raise BotApiError(failure.status, failure.description, failure.parameters)
            result = await self._answer(call)
        except BotApiError as exc:
            call.status = exc.status
            await self._notify()
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return web.json_response(body, status=exc.status)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _answer(self, call: Call) -> Any:
        p = call.params
        simple = {"deleteWebhook": True, "setMyCommands": True, "answerCallbackQuery": True, "close": True}
        if call.method in simple:
            return simple[call.method]
        if call.method == "getMe":
            return {"id": self.bot_id, "is_bot": True, "first_name": "舆情值守", "username": self.username}
        if call.method == "getUpdates":
            return await self._get_updates(int(p.get("offset") or 0), float(p.get("timeout") or 0), call.instance)
        handler = getattr(self, "_m_" + call.method, None)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        return handler(p)

    async def _get_updates(self, offset: int, hold: float, instance: str = "") -> list[dict[str, Any]]:
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and hold > 0:
            self._polling[instance] += 1
            try:
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._changed.wait_for(lambda: bool(self._updates)), min(hold, self.poll_hold)
                        )
            finally:
                self._polling[instance] -= 1
                self._polling += Counter()  # drop zero counts
        return list(self._updates)

    def _check_text(self, text: str, parse_mode: str) -> None:
        try:
            visible = html_to_text(text) if parse_mode == "HTML" else text
        except HtmlError as exc:
            raise BotApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if not visible.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if utf16_len(visible) > 4096:
            raise BotApiError(400, "Bad Request: message is too long")

    def _check_markup(self, markup: Any) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _new_message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = str(p["chat_id"])
        message_id = next(self._message_ids)
        msg = {
            "message_id": message_id,
            "date": 1_764_000_000,
            "chat": self.chat(chat_id),
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "舆情值守", "username": self.username},
            **content,
        }
        if isinstance(p.get("reply_markup"), dict) and "inline_keyboard" in p["reply_markup"]:
            msg["reply_markup"] = p["reply_markup"]  # Telegram echoes inline keyboards only
        if p.get("message_thread_id"):
            msg["message_thread_id"] = int(p["message_thread_id"])
            msg["is_topic_message"] = True
        if p.get("reply_parameters"):
            replied = self.messages.get((chat_id, int(p["reply_parameters"]["message_id"])))
            if replied:
                msg["reply_to_message"] = dict(replied)
        self.messages[(chat_id, message_id)] = msg
        return msg

    def _m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        self._check_text(str(p.get("text", "")), str(p.get("parse_mode", "")))
        self._check_markup(p.get("reply_markup"))
        return self._new_message(p, text=p["text"], parse_mode=p.get("parse_mode", ""))

    def _m_editMessageText(self, p: dict[str, Any]) -> dict[str, Any]:
        key = (str(p["chat_id"]), int(p["message_id"]))
        if key not in self.messages:
            raise BotApiError(400, "Bad Request: message to edit not found")
        self._check_text(str(p.get("text", "")), str(p.get("parse_mode", "")))
        self._check_markup(p.get("reply_markup"))
        msg = self.messages[key]
        if msg.get("text") == p["text"] and msg.get("reply_markup") == p.get("reply_markup"):
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same",
            )
        msg.update(text=p["text"], parse_mode=p.get("parse_mode", ""), edit_date=1_764_000_001)
        msg["reply_markup"] = p.get("reply_markup")
        msg["edits"] = msg.get("edits", 0) + 1
        return msg

    def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> dict[str, Any]:
        key = (str(p["chat_id"]), int(p["message_id"]))
        if key not in self.messages:
            raise BotApiError(400, "Bad Request: message to edit not found")
        self._check_markup(p.get("reply_markup"))
        self.messages[key]["reply_markup"] = p.get("reply_markup")
        return self.messages[key]

    def _m_sendPhoto(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._new_message(
            p, photo=[{"file_id": "p1", "file_unique_id": "p1", "width": 1, "height": 1}], caption=p.get("caption", "")
        )

    def _m_sendDocument(self, p: dict[str, Any]) -> dict[str, Any]:
        name = getattr(p.get("document"), "filename", "file")
        return self._new_message(
            p, document={"file_id": "d1", "file_unique_id": "d1", "file_name": name}, caption=p.get("caption", "")
        )

    def _m_createForumTopic(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = str(p["chat_id"])
        if chat_id not in self.forums:
            raise BotApiError(400, "Bad Request: the chat is not a forum")
        thread = next(self._message_ids)
        self.topics[str(p["name"])] = thread
        return {"message_thread_id": thread, "name": p["name"], "icon_color": 7322096}

    # -- control endpoints (for subprocess use) ------------------------------
    async def _control(self, request: web.Request) -> web.Response:
        what = request.match_info["what"]
        if what == "requests":
            return web.json_response(
                [
                    {
                        "method": c.method,
                        "params": _jsonable(c.params),
                        "status": c.status,
                        "instance": c.instance,
                        "holder": c.holder,
                    }
                    for c in self.calls
                ]
            )
        if what == "messages":
            return web.json_response(
                [{"chat_id": c, "message_id": m, **_jsonable(v)} for (c, m), v in self.messages.items()]
            )
        if what == "reset":
            self.reset()
            return web.json_response({"ok": True})
        body = await request.json()
        if what == "updates":
            for update in body if isinstance(body, list) else [body]:
                self.queue_update(update)
            return web.json_response({"ok": True})
        if what == "fail":
            self.fail(body.pop("method"), body.pop("error"), **body)
            return web.json_response({"ok": True})
        return web.json_response({"ok": False}, status=404)


def _jsonable(value: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(value, default=str))


async def _serve(port: int, any_secret: bool = False, lease_redis: str = "", lease_key: str = "") -> None:
    api = FakeBotApi(any_secret=any_secret, lease_redis=lease_redis, lease_key=lease_key)
    await api.start(port=port)
    print(f"PORT {api.port}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for tests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--any-secret", action="store_true", help="every <bot id>:<secret> token; secret = instance")
    parser.add_argument("--lease-redis", default="", help="Redis URL to read the lease holder from at each send")
    parser.add_argument("--lease-key", default="", help="the lease key in that Redis")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args.port, args.any_secret, args.lease_redis, args.lease_key))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
