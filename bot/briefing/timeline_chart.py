"""The 专报 timeline: an incident's items per hour, and its rank on each hot list over time.

Drawn in the bundled CJK font like the briefing chart (bot.briefing.chart), under
the same lock; without a CJK font ChartError is raised and the report goes out
without the picture.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

from bot.briefing.chart import _DRAWING, chart_font

HOUR = timedelta(hours=1)
VOLUME_COLOUR = "#1f77b4"
RANK_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b")
MAX_TICKS = 12


def _position(at: datetime, start: datetime) -> float:
    return (at - start) / HOUR


def _tick_labels(hours: Sequence[datetime], zone: tzinfo) -> list[str]:
    days = {h.astimezone(zone).date() for h in hours}
    fmt = "%H时" if len(days) == 1 else "%m-%d %H时"
    return [h.astimezone(zone).strftime(fmt) for h in hours]


def build_timeline(
    per_hour: Sequence[tuple[datetime, int]],
    rank_points: Mapping[str, Sequence[tuple[datetime, int]]],
    heading: str,
    zone: tzinfo,
):
    """The matplotlib Figure (separate from rendering so tests can inspect every text drawn)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _DRAWING, rc_context({"font.family": [chart_font().family], "axes.unicode_minus": False}):
        fig = Figure(figsize=(7.2, 4.2), dpi=110, layout="constrained")
        ax = fig.subplots()
        start = per_hour[0][0] if per_hour else min(t for pts in rank_points.values() for t, _ in pts)
        xs = [i + 0.5 for i in range(len(per_hour))]
        ax.bar(xs, [c for _, c in per_hour], width=0.8, color=VOLUME_COLOUR, label="每小时信息量")
        ax.set_ylabel("信息量（条）")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max([c for _, c in per_hour] + [1]) * 1.3)
        step = max(1, -(-len(per_hour) // MAX_TICKS))
        ticks = list(range(0, len(per_hour), step))
        ax.set_xticks(
            [t + 0.5 for t in ticks], _tick_labels([per_hour[t][0] for t in ticks], zone), fontsize=8, rotation=30
        )
        handles, labels = ax.get_legend_handles_labels()
        if rank_points:
            ranks = ax.twinx()
            worst = max(r for pts in rank_points.values() for _, r in pts)
            for n, (board, pts) in enumerate(sorted(rank_points.items())):
                ranks.plot(
                    [_position(t, start) for t, _ in pts],
                    [r for _, r in pts],
                    marker="o",
                    markersize=4,
                    color=RANK_COLOURS[n % len(RANK_COLOURS)],
                    label=f"{board}排名",
                )
            ranks.set_ylim(worst + 2, 0.5)  # rank 1 at the top
            ranks.yaxis.set_major_locator(MaxNLocator(integer=True))
            ranks.set_ylabel("热榜排名（第 N 位）")
            h2, l2 = ranks.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        positions = [_position(t, start) for pts in rank_points.values() for t, _ in pts]
        ax.set_xlim(min([0.0, *positions]) - 0.2, max([len(per_hour), *positions]) + 0.2)
        ax.legend(handles, labels, fontsize=8, loc="upper left", frameon=False, ncol=3)
        ax.set_title(heading, fontsize=13, loc="left")
        fig.canvas.draw()
    return fig


def render_timeline(
    per_hour: Sequence[tuple[datetime, int]],
    rank_points: Mapping[str, Sequence[tuple[datetime, int]]],
    heading: str,
    zone: tzinfo,
) -> bytes:
    """PNG bytes of the timeline (drawing serialised with the briefing chart)."""
    from matplotlib import rc_context

    out = io.BytesIO()
    with _DRAWING:
        fig = build_timeline(per_hour, rank_points, heading, zone)
        with rc_context({"font.family": [chart_font().family], "axes.unicode_minus": False}):
            fig.savefig(out, format="png")
    return out.getvalue()
