"""Publish times as Chinese sites write them become aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.times import parse_time

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026年11月26日 08:30", datetime(2026, 11, 26, 8, 30, tzinfo=SH)),
        ("2026年11月26日08时30分", datetime(2026, 11, 26, 8, 30, tzinfo=SH)),
        ("2026-11-26", datetime(2026, 11, 26, tzinfo=SH)),
        ("2026/11/25 9:05:07", datetime(2026, 11, 25, 9, 5, 7, tzinfo=SH)),
        ("发布时间：2026-11-25 21:40", datetime(2026, 11, 25, 21, 40, tzinfo=SH)),
        ("11-25 21:40", datetime(2026, 11, 25, 21, 40, tzinfo=SH)),
        ("11月25日 下午3:20", datetime(2026, 11, 25, 15, 20, tzinfo=SH)),
        ("3分钟前", NOW - timedelta(minutes=3)),
        ("2小时前", NOW - timedelta(hours=2)),
        ("5 天前", NOW - timedelta(days=5)),
        ("刚刚", NOW),
        ("昨天 14:20", datetime(2026, 11, 25, 14, 20, tzinfo=SH)),
        ("前天", datetime(2026, 11, 24, tzinfo=SH)),
        ("今天 07:00", datetime(2026, 11, 26, 7, 0, tzinfo=SH)),
        ("2026-11-26T08:30:00+08:00", datetime(2026, 11, 26, 8, 30, tzinfo=SH)),
        ("2026-11-26T00:30:00Z", NOW),
        ("2026-11-26T08:30:00", datetime(2026, 11, 26, 8, 30, tzinfo=SH)),
        ("Thu, 26 Nov 2026 07:20:00 +0800", datetime(2026, 11, 26, 7, 20, tzinfo=SH)),
    ],
)
def test_forms(text, expected):
    got = parse_time(text, NOW, SH)
    assert got is not None and got.tzinfo is not None
    assert got == expected


def test_year_less_date_in_the_future_means_last_year():
    jan = datetime(2027, 1, 1, 1, 0, tzinfo=SH)
    assert parse_time("12-31 23:00", jan, SH) == datetime(2026, 12, 31, 23, 0, tzinfo=SH)


@pytest.mark.parametrize("text", ["", "置顶", "2026年13月40日", "abc 99"])
def test_no_time_is_none(text):
    assert parse_time(text, NOW, SH) is None


@given(st.text(max_size=40))
def test_never_raises_and_always_aware(text):
    got = parse_time(text, NOW, SH)
    assert got is None or got.tzinfo is not None
