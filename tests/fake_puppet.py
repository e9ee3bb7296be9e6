"""A scriptable fake of the WeChat puppet service (gRPC `/wechaty.Puppet/*`) for tests.

The real python-wechaty client connects to it over plaintext gRPC, exactly as
it would to a puppet service in production. The test scripts the far side:
contacts and rooms exist, a contact says a text in a room (a MESSAGE event),
and every `MessageSendText` / `MessageSendFile` the bot makes is recorded. It
can answer sends with WeChat's throttling error (发送消息过于频繁).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server, Stream
from wechaty_grpc.wechaty import puppet as pb

THROTTLED = "发送消息过于频繁，请稍后再试"
TEXT, IMAGE = 7, 6  # message types use the TypeScript numbering (NOTES.md)
LOGIN, LOGOUT, READY, MESSAGE = 25, 26, 23, 2


@dataclass(frozen=True)
class Sent:
    conversation_id: str
    text: str = ""
    mention_ids: tuple[str, ...] = ()
    filebox: str = ""
    message_id: str = ""


class FakePuppet:
    def __init__(self, self_id: str = "wxid_bot", self_name: str = "值守机器人") -> None:
        self.self_id = self_id
        self.contacts: dict[str, pb.ContactPayloadResponse] = {}
        self.rooms: dict[str, pb.RoomPayloadResponse] = {}
        self.messages: dict[str, pb.MessagePayloadResponse] = {}
        self.sent: list[Sent] = []
        self.send_attempts = 0  # every MessageSendText / MessageSendFile call, answered or refused
        self.throttle_sends = 0  # refuse the next N sends with the throttling error
        self.stall_sends = 0  # leave the next N sends unanswered until `unstall()` (a hung service)
        self._unstalled = asyncio.Event()
        self.answer_ids = True  # False: answer sends without a message id, as some puppets do
        self.events: asyncio.Queue[pb.EventResponse | None] = asyncio.Queue()  # None ends the stream
        self.connected = asyncio.Event()
        self._changed = asyncio.Condition()
        self._server: Server | None = None
        self._ids = itertools.count(1)
        self.port = 0
        self.add_contact(self_id, self_name)

    # -- scripting the far side ---------------------------------------------
    def add_contact(self, contact_id: str, name: str) -> None:
        self.contacts[contact_id] = pb.ContactPayloadResponse(id=contact_id, name=name, type=1, friend=True)

    def add_room(self, room_id: str, topic: str, members: list[str]) -> None:
        ids = [self.self_id, *members]
        self.rooms[room_id] = pb.RoomPayloadResponse(id=room_id, topic=topic, owner_id=members[0], member_ids=ids)

    def login(self) -> None:
        """Log the bot in and tell it the contact list is ready."""
        self.events.put_nowait(pb.EventResponse(type=LOGIN, payload=json.dumps({"contactId": self.self_id})))
        self.events.put_nowait(pb.EventResponse(type=READY, payload=json.dumps({"data": "ready"})))

    def logout(self, reason: str = "用户在手机上退出登录") -> None:
        """Log the bot out on a live connection (the event stream stays open, as the puppet's does)."""
        payload = json.dumps({"contactId": self.self_id, "data": reason})
        self.events.put_nowait(pb.EventResponse(type=LOGOUT, payload=payload))

    def say(self, room_id: str, contact_id: str, text: str, mention_ids: tuple[str, ...] = (), kind: int = TEXT) -> str:
        """A contact says `text` in a room (or sends another `kind` of message); return the message id."""
        message_id = f"msg-{uuid.uuid4().hex}"  # wechaty dedups message ids process-wide
        self.messages[message_id] = pb.MessagePayloadResponse(
            id=message_id, text=text, timestamp=1_700_000_000, type=kind, from_id=contact_id,
            room_id=room_id, mention_ids=list(mention_ids),
        )  # fmt: skip
        self.events.put_nowait(pb.EventResponse(type=MESSAGE, payload=json.dumps({"messageId": message_id})))
        return message_id

    def end_stream(self) -> None:
        """End the event stream, as a restarting puppet service does; the bot must reconnect."""
        self.connected.clear()
        self.events.put_nowait(None)

    def mention(self, contact_id: str) -> str:
        """The text WeChat puts in a message for an @mention (name + U+2005)."""
        return f"@{self.contacts[contact_id].name}\u2005"

    def unstall(self) -> None:
        """Let the stalled sends go through (each is then recorded as sent)."""
        self._unstalled.set()

    def sent_to(self, room_id: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation_id == room_id]

    async def wait_sent(self, predicate: Callable[[Sent], bool], within: float = 5.0) -> Sent:
        """Wait until the bot has sent a message matching `predicate`."""

        def found() -> Sent | None:
            return next((s for s in self.sent if predicate(s)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), within)
        result = found()
        assert result is not None
        return result

    # -- server ---------------------------------------------------------------
    async def start(self, port: int = 0) -> int:
        self._server = Server([self])
        await self._server.start("127.0.0.1", port, reuse_address=True)
        sockets = self._server._server.sockets if self._server._server else []
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            self.events.put_nowait(None)  # end the open event stream cleanly
            server.close()
            await server.wait_closed()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __mapping__(self) -> dict[str, Handler]:
        unary: dict[str, tuple[Callable[[Any], Awaitable[Any]], type, type]] = {
            "Start": (self._start, pb.StartRequest, pb.StartResponse),
            "Stop": (self._stop, pb.StopRequest, pb.StopResponse),
            "Logout": (self._stop, pb.LogoutRequest, pb.LogoutResponse),
            "Ding": (self._stop, pb.DingRequest, pb.DingResponse),
            "ContactPayload": (self._contact, pb.ContactPayloadRequest, pb.ContactPayloadResponse),
            "RoomPayload": (self._room, pb.RoomPayloadRequest, pb.RoomPayloadResponse),
            "RoomMemberList": (self._members, pb.RoomMemberListRequest, pb.RoomMemberListResponse),
            "MessagePayload": (self._message, pb.MessagePayloadRequest, pb.MessagePayloadResponse),
            "MessageSendText": (self._send_text, pb.MessageSendTextRequest, pb.MessageSendTextResponse),
            "MessageSendFile": (self._send_file, pb.MessageSendFileRequest, pb.MessageSendFileResponse),
        }
        mapping = {
            f"/wechaty.Puppet/{name}": Handler(_unary(func), Cardinality.UNARY_UNARY, req, resp)
            for name, (func, req, resp) in unary.items()
        }
        mapping["/wechaty.Puppet/Event"] = Handler(
            self._event, Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse
        )
        return mapping

    # -- handlers -------------------------------------------------------------
    async def _start(self, _request: Any) -> Any:
        return pb.StartResponse()

    async def _stop(self, _request: Any) -> Any:
        return pb.StopResponse()

    async def _contact(self, request: pb.ContactPayloadRequest) -> pb.ContactPayloadResponse:
        if request.id not in self.contacts:
            raise GRPCError(Status.NOT_FOUND, f"no contact {request.id}")
        return self.contacts[request.id]

    async def _room(self, request: pb.RoomPayloadRequest) -> pb.RoomPayloadResponse:
        if request.id not in self.rooms:
            raise GRPCError(Status.NOT_FOUND, f"no room {request.id}")
        return self.rooms[request.id]

    async def _members(self, request: pb.RoomMemberListRequest) -> pb.RoomMemberListResponse:
        return pb.RoomMemberListResponse(member_ids=list(self.rooms[request.id].member_ids))

    async def _message(self, request: pb.MessagePayloadRequest) -> pb.MessagePayloadResponse:
        if request.id not in self.messages:
            raise GRPCError(Status.NOT_FOUND, f"no message {request.id}")
        return self.messages[request.id]

    async def _send_text(self, request: pb.MessageSendTextRequest) -> pb.MessageSendTextResponse:
        message_id = await self._record(Sent(request.conversation_id, request.text, tuple(request.mentonal_ids)))
        return pb.MessageSendTextResponse(id=message_id if self.answer_ids else None)

    async def _send_file(self, request: pb.MessageSendFileRequest) -> pb.MessageSendFileResponse:
        message_id = await self._record(Sent(request.conversation_id, filebox=request.filebox))
        return pb.MessageSendFileResponse(id=message_id)

    async def _record(self, sent: Sent) -> str:
        self.send_attempts += 1
        if self.stall_sends > 0:
            self.stall_sends -= 1
            await self._unstalled.wait()
        if self.throttle_sends > 0:
            self.throttle_sends -= 1
            raise GRPCError(Status.UNKNOWN, THROTTLED)
        message_id = f"sent-{next(self._ids)}"
        async with self._changed:
            self.sent.append(Sent(sent.conversation_id, sent.text, sent.mention_ids, sent.filebox, message_id))
            self._changed.notify_all()
        return message_id

    async def _event(self, stream: Stream[pb.EventRequest, pb.EventResponse]) -> None:
        await stream.recv_message()
        self.connected.set()
        while (event := await self.events.get()) is not None:
            await stream.send_message(event)


def _unary(func: Callable[[Any], Awaitable[Any]]) -> Callable[[Stream[Any, Any]], Awaitable[None]]:
    async def handle(stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        await stream.send_message(await func(request))

    return handle


class Blackhole:
    """A TCP proxy in front of the puppet that can go silent, as a dead NAT mapping does.

    `swallow()` closes the upstream side of every open connection (the puppet
    sees the bot leave) but keeps the bot's side open and discards whatever it
    sends: the bot hears nothing, and nothing tells it so. New connections are
    forwarded normally.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: list[tuple[asyncio.StreamWriter, asyncio.StreamWriter, list[bool]]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for down, up, _ in self._links:
            down.close()
            up.close()
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def swallow(self) -> None:
        for _down, up, silent in self._links:
            silent[0] = True
            up.close()

    async def _accept(self, down_r: asyncio.StreamReader, down_w: asyncio.StreamWriter) -> None:
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        silent = [False]
        self._links.append((down_w, up_w, silent))
        for reader, writer in ((down_r, up_w), (up_r, down_w)):
            task = asyncio.create_task(self._pipe(reader, writer, silent))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, silent: list[bool]) -> None:
        try:
            while data := await reader.read(65536):
                if not silent[0]:
                    writer.write(data)
        except (ConnectionError, OSError):
            pass
