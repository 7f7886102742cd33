"""What each chart of a funder report shows: its bars, title, caption and alt text.

`charts.py` draws the pictures from these slots; the alt text describes every bar
in words, so a reader who cannot see the chart misses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from stc_reporting.contract.tabs import (
    CORE_COMPONENTS,
    INDICATOR_STATUSES,
    SECTORS,
    SOURCE_TYPES,
    STRATEGIES,
)
from stc_reporting.figures.document import CollaborativeFigures, PeriodFigures, Rollups
from stc_reporting.reports.context_models import ChartSlot
from stc_reporting.reports.formatting import period_name
from stc_reporting.reports.people_counts import PROGRAM
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.sections import ReadMap, status_words
from stc_reporting.reports.texts import WITHHELD_NAME, CollaborativeTexts

CHART_VALUE_FORMATS: dict[str, Callable[[float], str]] = {
    "count": lambda value: f"{value:,.0f}",
    "dollars": lambda value: f"${value:,.0f}",
    "percent": lambda value: f"{value:.0f}%",
}
"""How a chart's values read in its alt text, by unit."""


def _grouped(
    scope: Scope, read: ReadMap, categories: Sequence[str], drop_zeros: bool
) -> tuple[list[str], dict[str, list[float]]]:
    series: dict[str, list[float]] = {}
    for label in scope.labels.years:
        figures = scope.figures(label)
        if figures is not None:
            series[period_name(label)] = [float(read(figures)[c]) for c in categories]
    keep = [
        i
        for i, _ in enumerate(categories)
        if not drop_zeros or any(values[i] for values in series.values())
    ]
    return [categories[i] for i in keep], {n: [v[i] for i in keep] for n, v in series.items()}


def _describe(
    title: str, categories: list[str], series: dict[str, list[float]], fmt: Callable[[float], str]
) -> str:
    if not categories:
        return f"{title}: nothing to show yet."
    parts = []
    for index, category in enumerate(categories):
        values = ", ".join(f"{fmt(v[index])} in {name}" for name, v in series.items())
        parts.append(f"{category}: {values}")
    return f"Bar chart. {title}. " + "; ".join(parts) + "."


def _slot(
    title: str,
    caption: str,
    categories: list[str],
    series: dict[str, list[float]],
    style: Literal["grouped", "single", "stacked", "progress"],
    unit: Literal["count", "dollars", "percent"] = "count",
) -> ChartSlot:
    return ChartSlot(
        title=title,
        caption=caption,
        categories=categories,
        series=series,
        style=style,
        unit=unit,
        alt=_describe(title, categories, series, CHART_VALUE_FORMATS[unit]),
    )


def chart_slots(
    scope: Scope, rollups: Rollups, texts: CollaborativeTexts | None
) -> dict[str, ChartSlot]:
    """Every chart of a report, by the key templates use (docs/template-variables.md)."""
    where = "across the program" if scope.key == PROGRAM else "by this collaborative"
    charts = {}
    categories, series = _grouped(
        scope, lambda f: f.activities_by_component, CORE_COMPONENTS, False
    )
    charts["components"] = _slot(
        "Completed activities by core component",
        f"Figure: completed activities {where}, by core component and year.",
        categories,
        series,
        "grouped",
    )
    categories, series = _grouped(scope, lambda f: f.activities_by_strategy, STRATEGIES, True)
    charts["strategies"] = _slot(
        "Completed activities by strategy",
        f"Figure: completed activities {where}, by "
        "strategy and year (strategies with no activity are left out).",
        categories,
        series,
        "grouped",
    )
    combined = scope.figures(scope.labels.combined)
    by_sector = combined.partners_active_by_sector if combined else {}
    sectors = [s for s in SECTORS if by_sector.get(s)]
    charts["sectors"] = _slot(
        "Active partners by sector",
        f"Figure: active partners by sector, {period_name(scope.labels.combined)}.",
        sectors,
        {"Active partners": [float(by_sector[s]) for s in sectors]},
        "single",
    )
    categories, series = _grouped(
        scope, lambda f: f.funding_secured_by_source_type, SOURCE_TYPES, True
    )
    charts["funding"] = _slot(
        "Funding secured by source type (US dollars)",
        "Figure: funding secured by source type and year (source types with no funding "
        "secured are left out; the table lists all six).",
        categories,
        series,
        "grouped",
        "dollars",
    )
    if scope.key == PROGRAM:
        charts["statuses"] = _status_chart(rollups, scope.labels)
    else:
        charts["indicators"] = _progress_chart(combined, texts, scope.labels)
    return charts


def _status_chart(rollups: Rollups, labels: PeriodLabels) -> ChartSlot:
    combined = [
        (entry.name, figures)
        for entry in rollups.reporting.values()
        if (figures := entry.periods.get(labels.combined)) is not None
    ]
    series = {
        status_words(status): [
            float(figures.indicator_status_counts[status]) for _, figures in combined
        ]
        for status in INDICATOR_STATUSES
    }
    return _slot(
        "Indicator status by collaborative",
        "Figure: how many of each "
        f"collaborative's indicators are on track, {period_name(labels.combined)}.",
        [name for name, _ in combined],
        series,
        "stacked",
    )


def _progress_chart(
    combined: PeriodFigures | None, texts: CollaborativeTexts | None, labels: PeriodLabels
) -> ChartSlot:
    names: list[str] = []
    values: list[float] = []
    indicators = combined.indicators if isinstance(combined, CollaborativeFigures) else {}
    for indicator_id, entry in indicators.items():
        if entry.pct_of_target is not None:
            name = texts.indicator_names.get(indicator_id, WITHHELD_NAME) if texts else indicator_id
            names.append(name)
            values.append(100 * entry.pct_of_target)
    return _slot(
        "Indicator progress: value as a percent of target",
        "Figure: each indicator's "
        f"value as a percent of its target, {period_name(labels.combined)}; the line "
        "marks 100%.",
        names,
        {"% of target": values},
        "progress",
        "percent",
    )
