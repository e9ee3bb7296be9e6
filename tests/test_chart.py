"""The briefing chart: a valid PNG, drawn in the bundled CJK font, which covers every character drawn."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from bot.briefing.chart import build_figure, chart_font, render_chart
from bot.briefing.content import period_window
from bot.briefing.stats import collect
from tests.briefing_scenario import NOW, ZONE, incidents


@pytest.fixture(scope="module")
def data():
    return collect(incidents(), period_window("week", NOW, ZONE), NOW, ZONE)


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Walk the PNG chunks, checking each CRC (a truncated or corrupt file fails here)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_png_is_valid(data):
    png = render_chart(data.daily, data.month, "舆情简报（近7日）11月26日")
    chunks = png_chunks(png)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (792, 880)  # 7.2 x 8.0 in at 110 dpi
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size == (792, 880)


def test_bundled_cjk_font_is_used():
    font = chart_font()
    assert font.family == "Noto Sans CJK SC"
    assert "noto_cjk_sans_otc" in font.path


def drawn_texts(fig) -> list[tuple[str, object]]:
    """Every (text, font properties) the Agg renderer is asked to draw, recorded at draw time."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    seen: list[tuple[str, object]] = []
    draw_text = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        seen.append((s, prop))
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record
    fig.draw(renderer)
    return [(s, prop) for s, prop in seen if s.strip()]


def test_font_covers_every_character_drawn(data):
    heading = "舆情晨报 11月26日 08:00（补发）"
    fig = build_figure(data.daily, data.month, heading)
    texts = drawn_texts(fig)
    drawn = "".join(s for s, _ in texts)
    for expected in (
        heading,
        "近7日 各等级新增事件",
        "近30日 各等级新增事件",
        "特别重大（I）",
        "负面占比",
        "事件数",
        "100%",
        "11-26",
    ):
        assert expected in drawn
    font = chart_font()
    cmap = TTFont(font.path, fontNumber=font.index, lazy=True).getBestCmap()
    missing = sorted({ch for ch in drawn if not ch.isspace() and ord(ch) not in cmap})
    assert missing == []
    # and every text is rendered with that font, not a Latin fallback
    used = {font_manager.findfont(prop) for _, prop in texts}
    assert {(str(p), getattr(p, "face_index", 0)) for p in used} == {(font.path, font.index)}


def test_font_check_would_catch_a_font_without_chinese(data):
    """The coverage check can fail: DejaVu Sans (matplotlib's default) lacks the Chinese labels."""
    fallback = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert "DejaVuSans" in str(fallback)
    cmap = TTFont(str(fallback), lazy=True).getBestCmap()
    drawn = "".join(s for s, _ in drawn_texts(build_figure(data.daily, data.month, "舆情")))
    assert {ch for ch in drawn if ord(ch) not in cmap} >= set("舆情负面占比")


def test_charts_drawn_from_several_threads_keep_the_cjk_font(data, recwarn):
    """The scheduler and /brief may draw at once (asyncio.to_thread): no glyph may fall back."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        pngs = list(pool.map(lambda n: render_chart(data.daily, data.month, f"舆情简报 第{n}份"), range(3)))
    assert all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert [str(w.message) for w in recwarn if "missing from font" in str(w.message)] == []


def test_empty_week_says_so(data):
    from bot.briefing.stats import DayCount

    empty = [DayCount(d.day, {t: 0 for t in d.by_tier}, 0) for d in data.month]
    drawn = [s for s, _ in drawn_texts(build_figure(empty[-7:], empty, "舆情简报"))]
    assert drawn.count("无新增事件") == 2
