"""`yuqing-bot report daily|weekly|incident YQ-…|evaluation --out FILE`: write a report file.

The format follows the file name: .docx (Word) or .md (Markdown, with the
chart written beside it). Without --out the Markdown goes to stdout.
"""

from __future__ import annotations

from pathlib import Path

from bot.briefing.build import report_document
from bot.briefing.document import Figure, Report
from bot.briefing.markdown import to_markdown
from bot.briefing.word import to_docx
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.incidents import IncidentService
from bot.people import People
from bot.services import Services
from bot.store import read_store

KINDS = ("daily", "weekly", "incident", "evaluation")


class ReportError(Exception):
    """The report cannot be written; the message is for the user (one line)."""


def check_request(kind: str, number: str, out: str | None) -> None:
    if kind == "incident" and not number:
        raise ReportError("report incident 需要事件编号，例如 report incident YQ-20261126-0001")
    if out and Path(out).suffix.lower() not in (".docx", ".md"):
        raise ReportError(f"--out 文件须以 .docx 或 .md 结尾：{out}")


def write_files(report: Report, out: str | None) -> str:
    """Write the report; return what to print (the Markdown, or where the files went)."""
    if out is None:  # stdout cannot carry the chart: leave the figure out rather than point at no file
        text, _ = to_markdown(
            Report(report.title, report.subtitle, [b for b in report.blocks if not isinstance(b, Figure)])
        )
        return text
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".docx":
        path.write_bytes(to_docx(report))
        return f"已写入 {path}"
    text, images = to_markdown(report, image_prefix=f"{path.stem}-")
    path.write_text(text, encoding="utf-8")
    for name, data in images.items():
        (path.parent / name).write_bytes(data)
    extra = f"（图片 {', '.join(images)}）" if images else ""
    return f"已写入 {path}{extra}"


async def export_report(
    config: Config, kind: str, number: str = "", out: str | None = None, clock: Clock | None = None
) -> str:
    check_request(kind, number, out)
    async with read_store(config.store) as store:  # works while the bot runs
        services = Services(
            config, store, clock or SystemClock(), People(config.people), IncidentService(config, store)
        )
        report = await report_document(services, kind, number.upper())
    if report is None:
        raise ReportError(f"没有编号为 {number.upper()} 的事件")
    return write_files(report, out)
