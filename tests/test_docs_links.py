"""README is a short front door and every relative link in it and in docs/ resolves inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
# Pages other branches write (security, judgement, failover …): the README's reading list links
# them before they land, and the lead makes sure they exist at merge. Only there may one be missing.
LATER = {"docs/security.md", "docs/judgement.md", "docs/schemes.md", "docs/sentiment.md", "docs/reposts.md", "docs/failover.md"}
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(page.read_text(encoding="utf-8")) if not re.match(r"[a-z]+:|#", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves_inside_the_repository(page):
    for target in relative_links(page):
        path = (page.parent / target.split("#", 1)[0]).resolve()
        assert path.is_relative_to(REPO), f"{page.name}: {target} points outside the repository"
        where = path.relative_to(REPO).as_posix()
        later = page.name == "README.md" and where in LATER
        assert path.exists() or later, f"{page.name}: {target} does not exist"


def test_readme_is_a_short_front_door():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "make run" in text and "make test" in text and "../shared" not in text
    assert {f"docs/{n}.md" for n in ("configuration", "telegram", "wechat", "instances", "reports", "development")} <= {
        t for t in relative_links(REPO / "README.md")
    }
