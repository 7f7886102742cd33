"""Drawing report charts as PNG images with matplotlib (no pyplot, no display).

Colours are the Okabe-Ito palette (safe for colour-blind readers) and every
series also has its own hatching, so charts still read when printed in grey.
Output is deterministic: the same data gives the same bytes (fixed font, no
timestamps or software tag in the PNG).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from stc_reporting.report_context import ChartSlot

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
DPI = 200
WIDTH_INCHES = 6.3
_STYLE: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.titleweight": "bold",
    "axes.titlesize": 10,
    "hatch.linewidth": 0.6,
    "svg.hashsalt": "stc-reporting",
}


def render_chart(slot: ChartSlot) -> bytes:
    """Draw one chart and return its PNG bytes."""
    with matplotlib.rc_context(_STYLE):
        rows = max(len(slot.categories), 1)
        per_row = 0.2 * max(len(slot.series), 1) + 0.16 if slot.style == "grouped" else 0.27
        figure = Figure(figsize=(WIDTH_INCHES, min(7.5, 1.2 + rows * per_row)), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.set_title(slot.title, loc="left")
        if not slot.categories or not any(any(v) for v in slot.series.values()):
            _empty(axes)
        elif slot.style == "stacked":
            _stacked(axes, slot)
        else:
            _bars(axes, slot)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None}, facecolor="white")
        return buffer.getvalue()


def _labels(categories: Sequence[str]) -> list[str]:
    return [textwrap.fill(c, 34) for c in categories]


def _empty(axes: Axes) -> None:
    axes.text(
        0.5,
        0.5,
        "Nothing to show for this period yet.",
        ha="center",
        va="center",
        transform=axes.transAxes,
        color="#555555",
    )
    axes.set_axis_off()


def _bars(axes: Axes, slot: ChartSlot) -> None:
    count = len(slot.series)
    height = 0.8 / count
    positions = list(range(len(slot.categories)))
    biggest = max(max(values) for values in slot.series.values())
    for index, (name, values) in enumerate(slot.series.items()):
        offsets = [p + (index - (count - 1) / 2) * height for p in positions]
        bars = axes.barh(
            offsets,
            values,
            height=height * 0.92,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.5,
        )
        axes.bar_label(
            bars, labels=[_value_label(v, slot) for v in values], padding=2, fontsize=7.5
        )
    axes.set_yticks(positions, _labels(slot.categories))
    axes.invert_yaxis()
    axes.set_xlim(0, biggest * 1.18 if biggest else 1)
    if slot.unit == "count":
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if slot.style == "progress":
        axes.axvline(100, color="#333333", linestyle="--", linewidth=1)
        axes.set_xlim(0, max(biggest * 1.18, 115))
        axes.set_xlabel("% of target")
    elif slot.unit == "dollars":
        axes.xaxis.set_major_formatter(lambda value, _: f"${value:,.0f}")
    if count > 1:
        axes.legend(frameon=False, loc="lower right")


def _value_label(value: float, slot: ChartSlot) -> str:
    if slot.unit == "percent":
        return f"{value:.0f}%"
    if slot.unit == "dollars":
        return f"${value / 1000:,.0f}k" if value >= 1000 else f"${value:,.0f}"
    return f"{value:,.0f}"


def _stacked(axes: Axes, slot: ChartSlot) -> None:
    positions = list(range(len(slot.categories)))
    left = [0.0] * len(positions)
    for index, (name, values) in enumerate(slot.series.items()):
        axes.barh(
            positions,
            values,
            left=left,
            height=0.6,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            hatch=HATCHES[index % len(HATCHES)],
            edgecolor="#333333",
            linewidth=0.5,
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, _labels(slot.categories))
    axes.invert_yaxis()
    axes.set_xlabel("Indicators")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(
        frameon=False, ncols=len(slot.series), loc="upper center", bbox_to_anchor=(0.5, -0.18)
    )
