"""The briefing picture: incidents by tier per day (7 and 30 days) and the negative share.

Chinese labels need a CJK font; the project's install brings one
(`noto-cjk-sans-otc`, Noto Sans CJK, SIL OFL 1.1). Without any CJK font the
chart is not drawn (ChartError) rather than drawn with tofu boxes, and the
text briefing goes out alone.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import cache

from bot.briefing.stats import PUSHED_TIERS, DayCount
from bot.models import Tier

TIER_COLOURS = {Tier.I: "#d62728", Tier.II: "#ff7f0e", Tier.III: "#e6b800", Tier.IV: "#1f77b4"}
NEGATIVE_COLOUR = "#444444"
PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei")


# rcParams (the font) are process-global and matplotlib is not thread-safe: one chart at a time.
_DRAWING = threading.RLock()


class ChartError(Exception):
    """The chart cannot be drawn (no CJK font, no matplotlib); send the text alone."""


@dataclass(frozen=True)
class ChartFont:
    family: str
    path: str
    index: int  # face inside a .ttc collection


@cache
def chart_font() -> ChartFont:
    """Register the bundled CJK font with matplotlib and say which face to use."""
    try:
        from matplotlib import font_manager
    except ImportError as exc:  # pragma: no cover - matplotlib is a dependency
        raise ChartError("未安装 matplotlib") from exc
    try:
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    except (ImportError, OSError, RuntimeError):
        pass  # fall back to a CJK font the system may have
    entries = {f.name: f for f in font_manager.fontManager.ttflist}
    for family in PREFERRED_FAMILIES:
        entry = entries.get(family)
        if entry is not None:
            return ChartFont(family, entry.fname, getattr(entry, "index", 0))
    raise ChartError("找不到中文字体（应随安装附带 noto-cjk-sans-otc）")


def _tier_label(tier: Tier) -> str:
    return f"{tier.label}（{tier.roman}）"


def _draw_panel(ax, days: list[DayCount], title: str, step: int) -> None:
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    xs = list(range(len(days)))
    bottom = [0] * len(days)
    for tier in PUSHED_TIERS:
        values = [d.by_tier.get(tier, 0) for d in days]
        ax.bar(xs, values, bottom=bottom, color=TIER_COLOURS[tier], label=_tier_label(tier), width=0.75)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title, fontsize=13, loc="left")
    ax.set_ylabel("事件数")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ticks = xs[::-1][::step][::-1]  # count back from today, so today is always labelled
    ax.set_xticks(ticks, [f"{days[x].day:%m-%d}" for x in ticks], fontsize=9)
    share = ax.twinx()
    shares = [d.negative_share if d.total else float("nan") for d in days]  # no incidents: a gap, not 0%
    share.plot(xs, shares, color=NEGATIVE_COLOUR, marker="o", markersize=3, label="负面占比")
    share.set_ylim(0, 1.35)
    share.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    share.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    share.set_ylabel("负面占比")
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = share.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, fontsize=8, ncol=5, loc="upper left", frameon=False)
    ax.set_ylim(0, max([*bottom, 1]) * 1.35)
    if not any(bottom):
        ax.text(0.5, 0.45, "无新增事件", transform=ax.transAxes, ha="center", fontsize=14, color="#888888")


def build_figure(week: list[DayCount], month: list[DayCount], heading: str):
    """The matplotlib Figure (kept separate so tests can inspect every text drawn)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with _DRAWING, rc_context({"font.family": [chart_font().family], "axes.unicode_minus": False}):
        fig = Figure(figsize=(7.2, 8.0), dpi=110, layout="constrained")
        top, bottom = fig.subplots(2, 1)
        _draw_panel(top, week, "近7日 各等级新增事件", 1)
        _draw_panel(bottom, month, "近30日 各等级新增事件", 5)
        fig.suptitle(heading, fontsize=15)
        fig.canvas.draw()  # lay out now, under this font
    return fig


def render_chart(week: list[DayCount], month: list[DayCount], heading: str) -> bytes:
    """PNG bytes of the briefing chart (safe to call from several threads: drawing is serialised)."""
    from matplotlib import rc_context

    out = io.BytesIO()
    with _DRAWING:
        fig = build_figure(week, month, heading)
        with rc_context({"font.family": [chart_font().family], "axes.unicode_minus": False}):
            fig.savefig(out, format="png")
    return out.getvalue()
