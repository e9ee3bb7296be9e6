"""The Makefile keeps data/ on `make clean`, checks the interpreter first and leaves no half-made venv."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *args], cwd=folder, capture_output=True, text=True, timeout=60)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "data" / "evidence").mkdir(parents=True)
    (tmp_path / "data" / "yuqing.json").write_text("{}", encoding="utf-8")
    return tmp_path


def fake_python(folder: Path, body: str) -> Path:
    path = folder / "fakepython"
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
    return path


def test_clean_keeps_data_and_clean_data_says_what_it_deletes(clone):
    (clone / ".venv").mkdir()
    done = make(clone, "clean")
    assert done.returncode == 0 and not (clone / ".venv").exists()
    assert (clone / "data" / "yuqing.json").exists() and "make clean-data" in done.stdout
    gone = make(clone, "clean-data")
    assert gone.returncode == 0 and not (clone / "data").exists()
    assert "将删除 data/" in gone.stdout and "yuqing.json" in gone.stdout


def test_wrong_python_is_refused_before_any_venv(clone):
    wrong = fake_python(clone, 'if [ "$1" = "--version" ]; then echo "Python 3.13.0"; exit 0; fi\nexit 1\n')
    done = make(clone, "install", f"PY={wrong}")
    assert done.returncode != 0 and "3.11 或 3.12" in done.stderr and "Python 3.13.0" in done.stderr
    assert not (clone / ".venv").exists()


def test_a_venv_that_fails_half_way_is_removed(clone):
    # passes the version check, then `-m venv .venv` dies after creating the folder
    half = fake_python(clone, 'if [ "$1" = "-m" ]; then mkdir -p "$3/bin"; exit 1; fi\nexit 0\n')
    done = make(clone, "install", f"PY={half}")
    assert done.returncode != 0 and "已删除未完成的 .venv" in done.stderr
    assert not (clone / ".venv").exists()
