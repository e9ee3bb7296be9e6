"""A `Report` as one chat message: headings in 【】, tables as short lines.

Used for the 舆情专报 and the evaluation in chat; the morning briefing has
its own phone layout (bot.briefing.text).
"""

from __future__ import annotations

from bot.briefing.document import Bullets, Figure, Heading, Para, Report, Table
from bot.briefing.text import MAX_CHARS

EMPTY = ("", "—", "0")  # left out of labelled chat lines: shorter on a phone


def _table_lines(block: Table) -> list[str]:
    if not block.rows:
        return ["  （无）"]
    if block.headers[:1] == ("项目",):
        return [f"  {k}：{v}" for k, v in block.rows]
    lines = []
    for row in block.rows:
        if block.labelled:
            rest = "，".join(f"{h} {v}" for h, v in zip(block.headers[1:], row[1:], strict=True) if v not in EMPTY)
            lines.append(f"  {row[0]}：{rest}")
        else:
            lines.append("  " + "｜".join(c for c in row if c))
    return lines


def report_text(report: Report, icon: str = "📑") -> str:
    lines = [f"{icon} {report.title}"]
    if report.subtitle:
        lines.append(report.subtitle)
    for block in report.blocks:
        if isinstance(block, Heading):
            lines += ["", f"【{block.text}】"]
        elif isinstance(block, Para):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines += [f"  • {item}" for item in block.items]
        elif isinstance(block, Table):
            lines += _table_lines(block)
        elif isinstance(block, Figure):
            lines.append(f"（{block.caption}，见附图）")
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 40].rsplit("\n", 1)[0] + "\n…（已截断，完整内容请用 /brief … 文档）"
    return text
