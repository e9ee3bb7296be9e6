"""Chat commands, one module each, platform-neutral: Command in, Chinese replies out."""

from __future__ import annotations

from handlers import (
    ack,
    assign,
    brief,
    cover,
    handover,
    help,
    merge,
    mute,
    note,
    oncall,
    reopen,
    resolve,
    silence,
    status,
    swap,
    takeover,
    unmute,
    unwatch,
    watch,
)
from handlers import list as list_
from handlers.base import Handler

REGISTRY: dict[str, Handler] = {
    h.name: h
    for h in (
        ack.HANDLER,
        assign.HANDLER,
        resolve.HANDLER,
        reopen.HANDLER,
        merge.HANDLER,
        note.HANDLER,
        brief.HANDLER,
        list_.HANDLER,
        status.HANDLER,
        watch.HANDLER,
        unwatch.HANDLER,
        mute.HANDLER,
        unmute.HANDLER,
        silence.HANDLER,
        oncall.HANDLER,
        swap.HANDLER,
        cover.HANDLER,
        handover.HANDLER,
        takeover.HANDLER,
        help.HANDLER,
        help.START,
    )
}
