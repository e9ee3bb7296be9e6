"""Where blocking parsing runs, so a huge feed never stalls the event loop.

A worker thread is not enough: lxml (under fastfeedparser) and the regular
expressions that prepare a feed hold the GIL for long stretches, so a 100,000
entry feed parsed in a thread still froze the loop for seconds (measured in
bench/bench_hostile.py). Bodies from `PROCESS_FROM` bytes up are parsed in one
worker process (spawned once, on first use); smaller ones in a thread, which
costs less than the trip to the process.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
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
