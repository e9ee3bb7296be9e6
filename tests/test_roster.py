"""The 值班表: rotation, fixed entries from config and CSV, validation, swaps and covers, across midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.roster.loading import RosterError, load_roster
from bot.roster.model import Override, duties_between, duty_at, gaps
from tests.conftest import BASE_CONFIG, make_config

PEOPLE = [
    *BASE_CONFIG["people"],
    {"name": "赵磊", "role": "monitor", "telegram_id": 4},
]
ROSTER = {"rotation": ["李明", "赵磊", "王芳"], "leaders": ["张三"], "start": "2026-11-23"}


def local(day: int, hh: int, mm: int = 0) -> datetime:
    """A Beijing wall-clock time on 2026-11-<day>, as UTC."""
    return datetime(2026, 11, day, hh, mm, tzinfo=UTC) - timedelta(hours=8)


def roster(**changes):
    return load_roster(make_config(people=PEOPLE, roster={**ROSTER, **changes}))


def who(r, at: datetime, overrides=()) -> tuple[str, str, str, str]:
    d = duty_at(r, list(overrides), at)
    return d.slot.shift, d.duty, d.backup, d.leader


def test_daily_rotation_across_a_day_and_midnight():
    r = roster()
    # 2026-11-26 is day 3 from the start: rotation index 0 again (李明), 备班 the next (赵磊)
    assert who(r, local(26, 8, 30)) == ("白班", "李明", "赵磊", "张三")
    assert who(r, local(26, 17, 29)) == ("白班", "李明", "赵磊", "张三")
    assert who(r, local(26, 17, 30)) == ("夜班", "李明", "赵磊", "张三")
    assert who(r, local(27, 0, 10)) == ("夜班", "李明", "赵磊", "张三")  # after midnight: still the 26th's night
    assert who(r, local(27, 8, 29)) == ("夜班", "李明", "赵磊", "张三")
    assert who(r, local(27, 8, 30)) == ("白班", "赵磊", "王芳", "张三")
    assert who(r, local(28, 9)) == ("白班", "王芳", "李明", "张三")


def test_shift_hand_on_moves_every_shift_and_weekly_every_seven_days():
    r = roster(hand_on="shift")
    assert (
        who(r, local(23, 9))[1] == "李明" and who(r, local(23, 20))[1] == "赵磊" and who(r, local(24, 9))[1] == "王芳"
    )
    w = roster(hand_on="weekly")
    assert who(w, local(23, 9))[1] == who(w, local(29, 23))[1] == "李明"
    assert who(w, local(30, 9))[1] == "赵磊"


def test_fixed_entries_from_config_override_the_rotation_for_that_shift_only():
    r = roster(overrides=[{"date": "2026-11-26", "shift": "夜班", "duty": "王芳", "backup": "", "leader": "张三"}])
    assert who(r, local(26, 9))[1] == "李明"
    assert who(r, local(26, 23)) == ("夜班", "王芳", "", "张三")


def test_csv_rows_utf8_or_gbk_and_gaps_named_with_the_date(tmp_path):
    path = tmp_path / "值班表.csv"
    path.write_bytes(
        "日期,班次,值班员,备班,带班领导\n2026-11-28,白班,王芳,李明,张三\n2026-11-28,夜班,,,\n".encode("gbk")
    )
    r = load_roster(make_config(people=PEOPLE, roster={"csv": str(path)}))
    assert who(r, local(28, 9)) == ("白班", "王芳", "李明", "张三")
    found = gaps(duties_between(r, [], local(28, 8, 30), local(29, 8, 30)), {p["name"] for p in PEOPLE})
    assert [(d.slot.key, why) for d, why in found] == [("2026-11-28:夜班", "无人值班")]


def test_bad_roster_names_every_problem_with_its_date(tmp_path):
    path = tmp_path / "duty.csv"
    path.write_text("日期,班次,值班员,备班,带班领导\n2026-11-28,早班,王五,李明,张三\n11月29日,白班,李明,,\n", "utf-8")
    with pytest.raises(RosterError) as err:
        load_roster(
            make_config(
                people=PEOPLE,
                roster={
                    "csv": str(path),
                    "rotation": ["李明", "钱七"],
                    "shifts": [
                        {"name": "白班", "start": "08:00", "end": "18:00"},
                        {"name": "夜班", "start": "17:00", "end": "07:00"},
                    ],
                },
            )
        )
    text = str(err.value)
    assert "每天 07:00–08:00 无班次覆盖" in text and "每天 17:00–18:00 有两个班次重叠" in text
    assert "2026-11-28 班次「早班」未在 roster.shifts 中定义" in text
    assert "2026-11-28 早班 值班员「王五」不在 people 中" in text
    assert "第 3 行：日期「11月29日」" in text
    assert "roster.rotation：「钱七」不在 people 中" in text


def test_swap_changes_one_shift_and_cover_takes_over_for_a_while_mid_shift():
    r = roster()
    swap = Override("s1", "swap", "王芳", "李明", local(26, 7), slot="2026-11-26:夜班")
    assert who(r, local(26, 23), [swap])[1] == "王芳"
    assert who(r, local(26, 12), [swap])[1] == "李明"  # the day shift is untouched
    cover = Override("c1", "cover", "赵磊", "李明", local(26, 10), start=local(26, 10), end=local(26, 12))
    assert who(r, local(26, 11), [swap, cover])[1] == "赵磊"
    assert duty_at(r, [cover], local(26, 11)).covering == cover
    assert who(r, local(26, 12), [swap, cover])[1] == "李明"  # the cover ended


def test_no_roster_configured_is_none_and_a_person_removed_is_a_gap():
    assert load_roster(make_config()) is None
    r = roster()
    found = gaps(duties_between(r, [], local(26, 8, 30), local(26, 17, 30)), {"张三", "赵磊"})
    assert [why for _, why in found] == ["值班员 李明 不在人员名单中"]
    assert date(2026, 11, 26) == found[0][0].slot.day


def test_cli_roster_prints_the_plan_and_check_warns_of_gaps(tmp_path, capsys):
    import yaml

    from bot.cli import main

    path = tmp_path / "config.yaml"
    hole = {"date": "2026-11-28", "shift": "夜班", "backup": "李明", "leader": "张三"}  # nobody on duty that night
    data = {**BASE_CONFIG, "people": PEOPLE, "roster": {**ROSTER, "overrides": [hole]}}
    data["sources"] = [{"id": "news", "url": "https://news.example/rss.xml"}]  # check refuses a config with none
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert main(["roster", "-c", str(path), "--from", "2026-11-27", "--to", "2026-11-28"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "11-27（周五）白班 08:30–17:30：值班员 赵磊，备班 王芳，带班领导 张三"
    assert out[4] == "11-28（周六）夜班 17:30–次日08:30：值班员 ⚠️无人值班，备班 李明，带班领导 张三"
    assert main(["check", "-c", str(path)]) == 0
    assert "未来 7 天每个班次都有人值班" in capsys.readouterr().out  # check looks ahead from today, real clock
    soon = (datetime.now(UTC) + timedelta(days=2)).astimezone(make_config().zone).date()
    data["roster"]["overrides"] = [{**hole, "date": soon.isoformat()}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert main(["check", "-c", str(path)]) == 0
    assert f"⚠️ 值班缺口：{soon:%m-%d}" in capsys.readouterr().out
    assert main(["roster", "-c", str(path), "--from", "2026-11-28", "--to", "2026-11-27"]) == 2
    assert "--to 不能早于 --from" in capsys.readouterr().err
