"""Reports as Markdown; figures become PNG files referenced beside the text.

Scraped text (titles, results) is escaped so it cannot break a table or
inject links and HTML into whatever renders the Markdown.
"""

from __future__ import annotations

import re

from bot.briefing.document import Bullets, Figure, Heading, Para, Report, Table

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown/HTML specials and fold newlines, for one line of text."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _table(block: Table) -> list[str]:
    lines = [
        "| " + " | ".join(md_escape(h) for h in block.headers) + " |",
        "|" + "|".join("---" for _ in block.headers) + "|",
    ]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in block.rows]
    return lines


def to_markdown(report: Report, image_prefix: str = "") -> tuple[str, dict[str, bytes]]:
    """The Markdown text and the image files it refers to ({file name: PNG bytes})."""
    lines = [f"# {md_escape(report.title)}", ""]
    if report.subtitle:
        lines += [md_escape(report.subtitle), ""]
    images: dict[str, bytes] = {}
    for block in report.blocks:
        if isinstance(block, Heading):
            lines += ["#" * (block.level + 1) + " " + md_escape(block.text), ""]
        elif isinstance(block, Para):
            lines += [md_escape(block.text), ""]
        elif isinstance(block, Bullets):
            lines += [f"- {md_escape(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            lines += [*_table(block), ""]
        elif isinstance(block, Figure):
            name = f"{image_prefix}{block.name}"
            images[name] = block.png
            lines += [f"![{md_escape(block.caption)}]({name})", "", f"*{md_escape(block.caption)}*", ""]
    return "\n".join(lines).rstrip() + "\n", images
