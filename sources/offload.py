"""Where blocking parsing runs, so a huge feed never stalls the event loop.

A worker thread is not enough: lxml (under fastfeedparser) and the regular
expressions that prepare a feed hold the GIL for long stretches, so a 100,000
entry feed parsed in a thread still froze the loop for seconds (measured in
bench/bench_hostile.py). Bodies from `PROCESS_FROM` bytes up are parsed in one
worker process (spawned once, on first use); smaller ones in a thread, which
costs less than the trip to the process.

A big body goes to the process through a temporary file, not as an argument:
pickling 28 MB (the executor's feeder thread does it) holds the GIL for ~60 ms,
and that alone stalled the loop; writing a file from a thread releases it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

PROCESS_FROM = (
    262_144  # bytes (as sources.http.LAZY_TEXT_FROM); parsing less than this holds the GIL for well under 100 ms
)
_pool: ProcessPoolExecutor | None = None


class ParserCrashed(Exception):
    """The parsing process died (e.g. killed for memory); the pool is rebuilt on the next call."""


async def parse_off_loop(size: int, fn: Callable[..., T], *args: Any) -> T:
    """Run fn(*args) in the worker process (big input) or a worker thread (small input)."""
    if size < PROCESS_FROM:
        return await asyncio.to_thread(fn, *args)
    global _pool
    if _pool is None:
        _pool = await asyncio.to_thread(_start_pool)
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)
    except BrokenProcessPool:
        _pool = None
        raise ParserCrashed("解析进程异常退出") from None


async def parse_body_off_loop(body: bytes | bytearray, fn: Callable[..., T], *args: Any) -> T:
    """Run fn(body, *args): in a worker thread for a small body; in the worker process for a big one,
    which reads the body from a temporary file this process writes (from a thread) and removes after."""
    if len(body) < PROCESS_FROM:
        return await asyncio.to_thread(fn, bytes(body), *args)
    path = await asyncio.to_thread(_spill, body)
    try:
        return await parse_off_loop(len(body), _from_file, fn, path, *args)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _spill(body: bytes | bytearray) -> str:
    """The body in a private temporary file (os.write releases the GIL while the kernel copies)."""
    fd, path = tempfile.mkstemp(prefix="yuqing-body-")
    try:
        view = memoryview(body)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return path


def _from_file(fn: Callable[..., T], path: str, *args: Any) -> T:
    """In the worker process: read the spilled body back and parse it."""
    with open(path, "rb") as f:
        body = f.read()
    return fn(body, *args)


def _start_pool() -> ProcessPoolExecutor:
    """A pool whose process is already running: spawning (tens of ms) happens here, in a thread."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    pool.submit(int).result()
    return pool


@atexit.register
def shutdown() -> None:
    """Stop the worker process (also at interpreter exit)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
