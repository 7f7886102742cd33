"""Drawing report charts as PNG images with matplotlib (no pyplot, no display).

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
series also has its own hatching, so charts still read when printed in grey.
Legends sit outside the bars (above them, or below a stacked chart), so they
never hide a value. Output is deterministic: the same data gives the same bytes
(fixed font, no timestamps or software tag in the PNG). Every word drawn comes
from the slot (title, bar labels, legend, axis words), so from the labels file.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import MaxNLocator

from stc_reporting.reports.context_models import ChartNumbers, ChartSlot
from stc_reporting.reports.formatting import NumberFormat, round_half_up, whole

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
DPI = 200
WIDTH_INCHES = 6.3
MAX_HEIGHT_INCHES = 7.0
TEXT = "#262626"
MUTED = "#595959"
TITLE = "#1F3864"
FAINT = "#8C8C8C"
_STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "text.color": TEXT,
    "axes.labelcolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#8C8C8C",
    "xtick.color": "#8C8C8C",
    "xtick.labelcolor": MUTED,
    "ytick.color": "#8C8C8C",
    "ytick.labelcolor": TEXT,
    "hatch.linewidth": 0.6,
    "legend.fontsize": 8,
    "svg.hashsalt": "stc-reporting",
}


def render_chart(slot: ChartSlot) -> bytes:
    """Draw one chart and return its PNG bytes."""
    with matplotlib.rc_context(_STYLE):
        figure = draw_chart(slot)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None}, facecolor="white")
        return buffer.getvalue()


def legend_entries(figure: Figure) -> list[str]:
    """The names a drawn chart's legend lists, left to right ([] without a legend)."""
    legend = figure.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend else []


def draw_chart(slot: ChartSlot) -> Figure:
    """Draw one chart as a matplotlib figure (`render_chart` makes the PNG of it)."""
    with matplotlib.rc_context(_STYLE):
        layout = ConstrainedLayoutEngine(h_pad=0.06, w_pad=0.06)
        figure = Figure(figsize=(WIDTH_INCHES, _height(slot)), dpi=DPI, layout=layout)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        # Title, then the legend (if any) on its own line, then the bars.
        pad = 20 if _has_legend(slot) and slot.categories else 8
        axes.set_title(
            slot.title, loc="left", pad=pad, fontweight="bold", color=TITLE, fontsize=9.5
        )
        if not slot.categories or not any(any(v) for v in slot.series.values()):
            _empty(axes, slot.empty_note)
        elif slot.style == "stacked":
            _stacked(figure, axes, slot)
        else:
            _bars(axes, slot)
        return figure


def _height(slot: ChartSlot) -> float:
    """Figure height in inches: enough for each bar, no more (the page has other things)."""
    if not slot.categories or not any(any(v) for v in slot.series.values()):
        return 1.3
    rows = len(slot.categories)
    if slot.style == "grouped":
        per_row = 0.14 * max(len(slot.series), 1) + 0.12
    elif slot.style == "stacked":
        per_row = 0.3
    else:
        per_row = 0.24
    wrapped = 0.12 * (_lines(slot.categories) - rows)  # extra lines of wrapped labels
    legend = 0.2 if _has_legend(slot) else 0.0
    return min(MAX_HEIGHT_INCHES, 0.95 + legend + rows * per_row + wrapped)


def _has_legend(slot: ChartSlot) -> bool:
    """A stacked chart always names its series; another only when it has several."""
    return slot.style == "stacked" or len(slot.series) > 1


def _shows_something(values: Sequence[float], unit: str) -> bool:
    """Whether a series draws a bar or a value label: if not, it gets no legend entry.

    Every zero bar is labelled "0" except a dollar bar (`bar_label`: no "$0").
    """
    return any(value or unit != "dollars" for value in values)


def _labels(categories: Sequence[str]) -> list[str]:
    return [textwrap.fill(c, 30) for c in categories]


def _lines(categories: Sequence[str]) -> int:
    return sum(label.count("\n") + 1 for label in _labels(categories))


def _empty(axes: Axes, note: str) -> None:
    axes.text(
        0.5,
        0.5,
        note,
        ha="center",
        va="center",
        transform=axes.transAxes,
        color=MUTED,
    )
    axes.set_axis_off()


def _bars(axes: Axes, slot: ChartSlot) -> None:
    count = len(slot.series)
    height = 0.8 / count if count > 1 else 0.6
    positions = list(range(len(slot.categories)))
    biggest = max(max(values) for values in slot.series.values())
    shown: list[tuple[Any, str]] = []
    if slot.style == "progress":
        # The target line goes behind the bars, so it never crosses a value label.
        axes.axvline(100, color="#333333", linestyle="--", linewidth=0.9, zorder=0.5)
    for index, (name, values) in enumerate(slot.series.items()):
        offsets = [p + (index - (count - 1) / 2) * height for p in positions]
        bars = axes.barh(
            offsets,
            values,
            height=height * 0.9,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.4,
            zorder=2,
        )
        if _shows_something(values, slot.unit):
            shown.append((bars, name))
        labels = axes.bar_label(
            bars,
            labels=[bar_label(v, slot.unit, slot.numbers) for v in values],
            padding=3,
            fontsize=7.5,
            color=TEXT,
            zorder=3,
        )
        for label, value in zip(labels, values, strict=True):
            if not value:
                label.set_color(FAINT)
            label.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85})
    axes.set_yticks(positions, _labels(slot.categories))
    axes.tick_params(axis="y", length=0, pad=4)
    axes.invert_yaxis()
    axes.set_ylim(len(positions) - 0.5, -0.5)
    axes.set_xlim(0, biggest * 1.15 if biggest else 1)
    axes.grid(axis="x", color="#E6E6E6", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    if slot.unit == "count":
        axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    if slot.style == "progress":
        axes.set_xlim(0, max(biggest * 1.15, 118))
        axes.set_xlabel(slot.axis_label)
        percent = NumberFormat(slot.numbers.locale).percent
        axes.xaxis.set_major_formatter(lambda value, _: percent(whole(value)))
    elif slot.unit == "dollars":
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5))
        axes.xaxis.set_major_formatter(lambda value, _: _dollars(value, slot.numbers))
    if count > 1:
        _legend(axes, shown)


def _legend(axes: Axes, shown: Sequence[tuple[Any, str]]) -> None:
    """One row between the title and the plot, so it never covers a bar.

    Lists only the series that draw something (`shown`: each one's bars and name): an
    entry whose colour appears nowhere in the chart would only puzzle the reader.
    """
    if not shown:
        return
    axes.legend(
        [bars for bars, _ in shown],
        [name for _, name in shown],
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=len(shown),
        handlelength=1.6,
        columnspacing=1.6,
        borderaxespad=0.2,
    )


def _dollars(value: float, numbers: ChartNumbers) -> str:
    """Compact dollars for an axis: $0, $500, $25k, $1.2M (in the labels' words)."""
    write = NumberFormat(numbers.locale)
    if abs(value) >= 1_000_000:
        millions = round_half_up(value / 1_000_000, 1)
        if millions == millions.to_integral_value():
            millions = millions.quantize(Decimal(1))
        return numbers.millions_of_dollars.format(amount=write.decimal(millions))
    if abs(value) >= 1000:
        return numbers.thousands_of_dollars.format(amount=write.integer(whole(value / 1000)))
    return write.money(value)


def bar_label(value: float, unit: str, numbers: ChartNumbers) -> str:
    """A bar's label, rounded half-up like the tables; an empty dollar bar gets none, not `$0`."""
    write = NumberFormat(numbers.locale)
    if unit == "percent":
        return write.percent(whole(value))
    if unit == "dollars":
        return _dollars(value, numbers) if value else ""
    return write.count(value)


def _stacked(figure: Figure, axes: Axes, slot: ChartSlot) -> None:
    positions = list(range(len(slot.categories)))
    left = [0.0] * len(positions)
    shown: list[tuple[Any, str]] = []
    for index, (name, values) in enumerate(slot.series.items()):
        bars = axes.barh(
            positions,
            values,
            left=left,
            height=0.6,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.4,
            zorder=2,
        )
        if any(values):
            shown.append((bars, name))
        # The count inside each segment wide enough to hold it.
        axes.bar_label(
            bars,
            labels=[NumberFormat(slot.numbers.locale).count(v) if v else "" for v in values],
            label_type="center",
            fontsize=7.5,
            color=TEXT,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none"},
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, _labels(slot.categories))
    axes.tick_params(axis="y", length=0, pad=4)
    axes.invert_yaxis()
    axes.set_xlabel(slot.axis_label)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#E6E6E6", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    _legend(axes, shown)
