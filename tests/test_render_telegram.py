"""Rendering arbitrary scraped text as Telegram HTML: always parseable, within limits, nothing lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram_buttons import (
    MAX_CALLBACK,
    Assignable,
    alert_keyboard,
    back_to_alert,
    decode,
    encode,
    people_keyboard,
)
from bot.channels.telegram_render import clean, incident_parts, incident_runs, split_runs, text_runs, to_html
from bot.models import Hit, Incident, Match, Status, Tier
from tests.telegram_html import html_to_text, utf16_len

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
# Scraped text at its worst: markup characters, entities, emoji (two UTF-16 units), controls, newlines.
nasty = st.text(
    alphabet=st.one_of(st.sampled_from("<>&\"';/\n\t #爆炸欠薪&amp;&lt;<b></b>😀𝄞\x00\x1b\u200b"), st.characters()),
    max_size=300,
)
long_nasty = st.text(alphabet=st.sampled_from("<&>爆炸a😀\n "), min_size=0, max_size=9000)


def incident(title: str, reason: str = "", url: str = "", words: list[str] | None = None, **kw) -> Incident:
    hits = tuple(Hit(w, "event", "title", 0, len(w)) for w in (words or []))
    return Incident(
        number="YQ-20261126-0001",
        tier=kw.pop("tier", Tier.II),
        title=title,
        url=url,
        source_id=kw.pop("source_id", "news"),
        discovered_at=NOW - timedelta(minutes=5),
        scheme=kw.pop("scheme", "国资委"),
        match=Match("国资委", hits) if hits else None,
        reason=reason,
        ack_deadline=NOW + timedelta(minutes=25),
        resolve_deadline=NOW + timedelta(hours=24),
        **kw,
    )


def check_parts(parts: list[str], runs_text: str) -> None:
    texts = [html_to_text(p) for p in parts]  # raises where Telegram would say "can't parse entities"
    assert all(utf16_len(p) <= 4096 for p in parts)  # the HTML itself fits, so the parsed text does too
    assert all(t.strip() for t in texts)  # Telegram refuses an empty message
    assert "".join(texts) == runs_text  # the parts rejoin to the whole


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(title=nasty, reason=nasty, url=nasty, words=st.lists(nasty, max_size=4), source=nasty, result=nasty)
def test_any_scraped_text_renders_valid_html(title, reason, url, words, source, result) -> None:
    inc = incident(title, reason, url, words, status=Status.RESOLVED, result=result, assignee=source)
    runs = incident_runs(inc, NOW, ZONE, source)
    parts = incident_parts(inc, NOW, ZONE, source)
    check_parts(parts, "".join(t for t, _ in runs if t))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=long_nasty, reason=long_nasty)
def test_long_texts_split_within_limits(title, reason) -> None:
    inc = incident(title, reason, words=["爆炸"])
    runs = incident_runs(inc, NOW, ZONE, "")
    parts = split_runs(runs)
    check_parts(parts, "".join(t for t, _ in runs if t))
    assert "待确认" in html_to_text(parts[0])  # what edits change is always in the first part


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=6000), limit=st.integers(min_value=64, max_value=4096))
def test_free_text_splits_at_any_limit(text, limit) -> None:
    runs = text_runs(text)
    parts = split_runs(runs, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    assert all(html_to_text(p).strip() for p in parts)
    assert "".join(html_to_text(p) for p in parts) == "".join(t for t, _ in runs)


def test_matched_words_highlighted_and_text_escaped() -> None:
    html = to_html(
        incident_runs(incident("江城<化工>爆炸 & 爆炸", url="https://a.cn/?x=1&y=2", words=["爆炸"]), NOW, ZONE)
    )
    assert "<b>江城&lt;化工&gt;</b><b><u>爆炸</u></b><b> &amp; </b><b><u>爆炸</u></b>" in html
    assert '<a href="https://a.cn/?x=1&amp;y=2">查看原文</a>' in html
    assert "🟠" in html and "重大" in html and "25分钟内确认" in html_to_text(html)


def test_unsafe_links_are_shown_as_text_not_links() -> None:
    for url in ("javascript:alert(1)", 'https://a.cn/"onmouseover=x', "tg://user?id=1", "https://a.cn/ b"):
        html = to_html(incident_runs(incident("t", url=url), NOW, ZONE))
        assert "<a " not in html and "原文：" in html_to_text(html)


def test_clean_drops_controls_and_folds_space() -> None:
    assert clean("a\x00b\x1b  c\n\nd\u200b") == "ab c d\u200b"
    assert clean("行1\n\n\n\n行2", one_line=False) == "行1\n\n行2"


NUMBERS = st.from_regex(r"YQ-[0-9]{8}-[0-9]{4,12}", fullmatch=True)


@given(number=NUMBERS, related=NUMBERS, index=st.integers(0, 10**6))
def test_callback_data_round_trips_within_64_bytes(number: str, related: str, index: int) -> None:
    kinds = (("a", ""), ("g", ""), ("r", ""), ("s", str(index)), ("x", "n"), ("x", "k" + related), ("m", related))
    for kind, extra in kinds:
        data = encode(kind, number, extra)
        assert len(data.encode()) <= MAX_CALLBACK
        press = decode(data)
        assert press is not None and (press.kind, press.number, press.extra) == (kind, number, extra)


@given(st.text(max_size=80))
def test_foreign_callback_data_is_ignored(data: str) -> None:
    press = decode(data)
    assert press is None or (press.kind in {"a", "g", "s", "r", "x", "m", "h"} and press.number)  # h: 接班, m: 并入


def test_keyboards_follow_status() -> None:
    number = "YQ-20261126-0001"
    labels = lambda m: [b.text for row in m.inline_keyboard for b in row]  # noqa: E731
    assert labels(alert_keyboard(number, Status.NEW)) == ["✅ 确认", "👤 指派", "🏁 办结"]
    assert labels(alert_keyboard(number, Status.ASSIGNED)) == ["👤 指派", "🏁 办结"]
    assert alert_keyboard(number, Status.RESOLVED) is None
    menu = people_keyboard(number, Status.NEW, [Assignable(0, "张三", "宣传部"), Assignable(1, "李明")])
    assert labels(menu) == ["张三（宣传部）", "李明", "↩️ 返回"]


def test_the_merge_button_shows_under_an_open_alert_that_names_its_story() -> None:
    number, story = "YQ-20261126-0002", "YQ-20261126-0001"
    rows = lambda m: [[(b.text, b.callback_data) for b in row] for row in m.inline_keyboard]  # noqa: E731
    merge = [("🔗 并入 YQ-20261126-0001", f"m|{number}|{story}")]
    assert rows(alert_keyboard(number, Status.NEW, story))[1:] == [merge]  # a row of its own
    assert rows(alert_keyboard(number, Status.ASSIGNED, story)) == [
        [("👤 指派", f"g|{number}"), ("🏁 办结", f"r|{number}")],
        merge,
    ]
    assert alert_keyboard(number, Status.RESOLVED, story) is None
    assert len(rows(alert_keyboard(number, Status.NEW))) == 1  # names no story: no 并入
    # the 指派 menu's 返回 brings the 并入 button back
    menu = people_keyboard(number, Status.ACKNOWLEDGED, [Assignable(0, "张三")], story)
    back = decode(menu.inline_keyboard[-1][0].callback_data)
    assert back is not None and back.extra == f"k{story}"
    assert back_to_alert(back.extra) == (Status.ACKNOWLEDGED, story)
    assert back_to_alert("n") == (Status.NEW, "")
