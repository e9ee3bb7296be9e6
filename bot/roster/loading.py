"""Build a Roster from the `roster:` config and the office's CSV, and say everything wrong with it.

Errors name what to fix: the CSV line and date, the unknown name, the hours of the day
that no shift covers or that two shifts share. A roster with errors is not used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

from bot.config import Config, RosterConfig
from bot.roster.model import Entry, Roster, ShiftDef

CSV_HEADER = ("日期", "班次", "值班员", "备班", "带班领导")


class RosterError(ValueError):
    """The roster cannot be used; the message lists every problem, one per line."""


def load_roster(config: Config) -> Roster | None:
    """The configured roster, or None if none is configured; RosterError lists every problem."""
    cfg = config.roster
    if not cfg.enabled:
        return None
    problems = shift_problems(cfg)
    shifts = tuple(ShiftDef(s.name, time.fromisoformat(s.start), time.fromisoformat(s.end)) for s in cfg.shifts)
    names = {p.name for p in config.people}
    entries: dict[tuple[date, str], Entry] = {}
    if cfg.csv:
        rows, csv_problems = read_csv(Path(cfg.csv))
        problems += csv_problems
        _add(entries, rows, "CSV", problems)
    fixed = [Entry(o.date, o.shift, o.duty, o.backup, o.leader) for o in cfg.overrides]
    _add(entries, fixed, "overrides", problems, replace=True)
    shift_names = {s.name for s in shifts}
    for e in entries.values():
        if e.shift not in shift_names:
            problems.append(f"{e.day} 班次「{e.shift}」未在 roster.shifts 中定义（可用：{'、'.join(shift_names)}）")
        for role, name in (("值班员", e.duty), ("备班", e.backup), ("带班领导", e.leader)):
            if name and name not in names:
                problems.append(f"{e.day} {e.shift} {role}「{name}」不在 people 中")
    for role, listed in (("rotation", cfg.rotation), ("leaders", cfg.leaders)):
        for name in listed:
            if name not in names:
                problems.append(f"roster.{role}：「{name}」不在 people 中")
    if problems:
        raise RosterError("\n".join(problems))
    return Roster(shifts, config.zone, tuple(cfg.rotation), tuple(cfg.leaders), cfg.hand_on, cfg.start, entries)


def _add(entries: dict, rows: list[Entry], where: str, problems: list[str], replace: bool = False) -> None:
    for e in rows:
        if (e.day, e.shift) in entries and not replace:
            problems.append(f"{where}：{e.day} {e.shift} 重复出现")
        entries[(e.day, e.shift)] = e


def shift_problems(cfg: RosterConfig) -> list[str]:
    """Hours of the day no shift covers, or that two shifts both cover (every day alike)."""
    count = [0] * 1440
    for s in cfg.shifts:
        a, b = _minute(s.start), _minute(s.end)
        span = range(a, b) if b > a else [*range(a, 1440), *range(0, b)]
        for m in span:
            count[m] += 1
    out = [f"roster.shifts：每天 {r} 无班次覆盖" for r in _runs(count, lambda c: c == 0)]
    out += [f"roster.shifts：每天 {r} 有两个班次重叠" for r in _runs(count, lambda c: c > 1)]
    return out


def _minute(hhmm: str) -> int:
    t = time.fromisoformat(hhmm)
    return t.hour * 60 + t.minute


def _runs(count: list[int], bad: Callable[[int], bool]) -> list[str]:
    out, start = [], None
    for m in range(1441):
        hit = m < 1440 and bad(count[m])
        if hit and start is None:
            start = m
        elif not hit and start is not None:
            out.append(f"{start // 60:02d}:{start % 60:02d}–{m // 60:02d}:{m % 60:02d}")
            start = None
    return out


def read_csv(path: Path) -> tuple[list[Entry], list[str]]:
    """Rows of 日期,班次,值班员,备班,带班领导 (UTF-8 with or without BOM, else GBK as Excel saves it)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [], [f"值班表 CSV 无法读取：{path}（{exc.strerror or exc}）"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gbk")
        except UnicodeDecodeError:
            return [], [f"值班表 CSV {path} 既不是 UTF-8 也不是 GBK 编码"]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(c.strip() for c in rows[0][:5]) != CSV_HEADER:
        return [], [f"值班表 CSV {path} 第 1 行应为表头：{','.join(CSV_HEADER)}"]
    entries, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [c.strip() for c in row] + [""] * 5
        try:
            day = date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            problems.append(f"值班表 CSV 第 {line} 行：日期「{cells[0]}」应写作 2026-11-28")
            continue
        if not cells[1]:
            problems.append(f"值班表 CSV 第 {line} 行（{day}）：缺少班次")
            continue
        entries.append(Entry(day, cells[1], cells[2], cells[3], cells[4]))
    return entries, problems
