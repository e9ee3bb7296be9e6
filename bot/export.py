"""`yuqing-bot export`: the audit trail of a period as CSV (stdlib) or XLSX (openpyxl).

The format follows the output file's extension (.csv or .xlsx); a --format
that says otherwise is refused rather than writing CSV into an .xlsx name.
CSV is written with a BOM so Excel opens the Chinese correctly; the action
log goes beside it as `<name>-actions.csv`. XLSX holds both as two sheets,
durations as numbers, and a third sheet stating how durations are measured.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.audit import ACTION_COLUMNS, INCIDENT_COLUMNS, Cell, audit_tables
from bot.config import Config
from bot.response_times import DEFINITION_NOTE, DEFINITIONS
from bot.store import read_store
from bot.store.journal_storage import has_data

Columns = list[tuple[str, str]]
FORMATS = ("csv", "xlsx")


class ExportError(Exception):
    """Bad export arguments; the message is shown to the operator as is."""


def period(start: str, end: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """--from/--to as local dates (YYYY-MM-DD), both days included."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise ExportError(f"日期格式应为 YYYY-MM-DD，收到 {start!r} / {end!r}") from None
    if last < first:
        raise ExportError("--to 不能早于 --from")
    return datetime.combine(first, time(), zone), datetime.combine(last + timedelta(days=1), time(), zone)


def choose_format(fmt: str | None, out: str | None) -> str:
    """The file's extension decides; --format only when there is no file name, and never against it."""
    if fmt is not None and fmt not in FORMATS:
        raise ExportError(f"不支持的格式 {fmt!r}，可用 csv 或 xlsx")
    if out is None:
        return fmt or "xlsx"
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportError(f"输出文件须以 .csv 或 .xlsx 结尾：{out}")
    if fmt is not None and fmt != suffix:
        raise ExportError(f"--format {fmt} 与输出文件 {out} 的扩展名不一致（格式由扩展名决定，可省略 --format）")
    return suffix


async def export(config: Config, start: str, end: str, fmt: str | None, out: str | None) -> list[Path]:
    """Write the period's audit trail; return the files written."""
    fmt = choose_format(fmt, out)
    begin, finish = period(start, end, config.zone)
    if config.store.backend == "tinydb" and not has_data(Path(config.store.path)):
        raise ExportError(f"数据文件 {config.store.path} 不存在（请检查 -c 指定的配置中的 store.path）")
    async with read_store(config.store) as store:
        rows, log = await audit_tables(store, config, begin, finish)
    path = Path(out or f"yuqing-audit-{start}-{end}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        notes: list[dict[str, Cell]] = [{"note": line} for line in DEFINITIONS]
        sheets = [("事件台账", INCIDENT_COLUMNS, rows), ("操作记录", ACTION_COLUMNS, log)]
        write_xlsx(path, [*sheets, ("用时口径", [("note", "说明")], notes)])
        return [path]
    actions_path = path.with_name(f"{path.stem}-actions{path.suffix or '.csv'}")
    write_csv(path, INCIDENT_COLUMNS, rows)
    write_csv(actions_path, ACTION_COLUMNS, log)
    return [path, actions_path]


def write_csv(path: Path, columns: Columns, rows: list[dict[str, Cell]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([title for _, title in columns])
        for row in rows:
            writer.writerow([_text(row.get(key, "")) for key, _ in columns])


def write_xlsx(path: Path, sheets: list[tuple[str, Columns, list[dict[str, Cell]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([name for _, name in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row.get(key, "")) for key, _ in columns])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B2"
    book.save(path)


def _cell(value: Cell) -> Cell:
    """Numbers stay numbers; text has spreadsheet formulas neutralised (CSV/formula injection)."""
    if isinstance(value, float | int):
        return value
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _text(value: Cell) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(_cell(value))


def export_main(config: Config, start: str, end: str, fmt: str | None, out: str | None) -> int:
    """The CLI command: print what was written; a bad argument is one line and exit 2."""
    import asyncio
    import sys

    try:
        paths = asyncio.run(export(config, start, end, fmt, out))
    except ExportError as exc:
        print(f"导出错误: {exc}", file=sys.stderr)
        return 2
    for path in paths:
        print(f"已导出：{path}")
    print(DEFINITION_NOTE)
    return 0
