"""A stop asked for while `run` is still starting up, before the event loop owns the signals.

Raising KeyboardInterrupt from a signal handler lands wherever the main thread happens to be;
during start-up that is often an import running `exec` (dataclasses build their methods so), and
CPython 3.11 then marks the interrupt as unhandled even though `main` catches it: the process
killed itself with SIGINT at exit (-2, nothing on stderr). So until `bot.app.stop_signal` takes
over, Ctrl+C and SIGTERM only note the request, and the loop stops as soon as it starts.
"""

from __future__ import annotations

import signal

_requested = False


def _note(signum: int, frame: object) -> None:
    global _requested
    _requested = True


def catch() -> None:
    """From now on SIGINT/SIGTERM only note a stop (call on the main thread, before start-up work)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _note)


def requested() -> bool:
    return _requested
