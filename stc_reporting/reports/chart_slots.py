"""What each chart of a funder report shows: its bars, title, caption and alt text.

`charts.py` draws the pictures from these slots; the alt text describes every bar
in words, so a reader who cannot see the chart misses nothing. Titles, captions,
axis words and the pieces of the alt text come from the report's labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Literal

from stc_reporting.contract.tabs import INDICATOR_STATUSES, SECTORS
from stc_reporting.figures.document import CollaborativeFigures, PeriodFigures, Rollups
from stc_reporting.reports.context_models import ChartNumbers, ChartSlot
from stc_reporting.reports.formatting import NumberFormat, period_name, whole
from stc_reporting.reports.labels import AltTextWords, ChartText, ReportLabels
from stc_reporting.reports.outcomes import outcome_groups
from stc_reporting.reports.people_counts import PROGRAM
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.sections import ReadMap
from stc_reporting.reports.texts import CollaborativeTexts


def chart_value_format(unit: str, numbers: NumberFormat) -> Callable[[float], str]:
    """How a chart's values read in its alt text: whole counts, dollars or percents."""
    if unit == "dollars":
        return numbers.money
    if unit == "percent":
        return lambda value: numbers.percent(whole(value))
    return numbers.count


Style = Literal["grouped", "single", "stacked", "progress"]
Unit = Literal["count", "dollars", "percent"]


def _grouped(
    scope: Scope, read: ReadMap, choices: Mapping[str, str], drop_zeros: bool
) -> tuple[list[str], dict[str, list[float]]]:
    """Bars by year for each choice (keys as the figures hold them, labels as printed)."""
    keys, labels = list(choices), list(choices.values())
    series: dict[str, list[float]] = {}
    for label in scope.labels.years:
        figures = scope.figures(label)
        if figures is not None:
            name = period_name(label, scope.wording.periods)
            series[name] = [float(read(figures)[key]) for key in keys]
    keep = [i for i, _ in enumerate(keys) if not drop_zeros or any(v[i] for v in series.values())]
    return [labels[i] for i in keep], {n: [v[i] for i in keep] for n, v in series.items()}


def _describe(
    title: str,
    categories: list[str],
    series: dict[str, list[float]],
    fmt: Callable[[float], str],
    words: AltTextWords,
) -> str:
    if not categories:
        return words.empty.format(title=title)
    bars = []
    for index, category in enumerate(categories):
        values = words.value_separator.join(
            words.value.format(value=fmt(v[index]), series=name) for name, v in series.items()
        )
        bars.append(words.bar.format(category=category, values=values))
    return words.chart.format(title=title, bars=words.bar_separator.join(bars))


def _slot(
    text: ChartText,
    wording: ReportLabels,
    captions: Mapping[str, str],
    categories: list[str],
    series: dict[str, list[float]],
    style: Style,
    unit: Unit = "count",
) -> ChartSlot:
    words = wording.charts
    axis = {"progress": words.indicators_axis, "stacked": words.statuses_axis}
    numbers = NumberFormat(wording.locale)
    return ChartSlot(
        title=text.title,
        caption=text.caption.format(**captions),
        categories=categories,
        series=series,
        style=style,
        unit=unit,
        axis_label=axis.get(style, ""),
        empty_note=words.empty,
        alt=_describe(
            text.title, categories, series, chart_value_format(unit, numbers), wording.alt_text
        ),
        numbers=ChartNumbers(
            locale=wording.locale,
            thousands_of_dollars=words.thousands_of_dollars,
            millions_of_dollars=words.millions_of_dollars,
        ),
    )


def chart_slots(
    scope: Scope, rollups: Rollups, texts: CollaborativeTexts | None
) -> dict[str, ChartSlot]:
    """Every chart of a report, by the key templates use (docs/template-variables.md)."""
    wording = scope.wording
    words = wording.charts
    # Any caption may say where the figures are from and over which period.
    captions = {
        "where": words.across_program if scope.key == PROGRAM else words.by_collaborative,
        "period": period_name(scope.labels.combined, wording.periods),
    }
    charts = {}
    choices = wording.choices
    categories, series = _grouped(
        scope, lambda f: f.activities_by_component, choices.core_components, False
    )
    charts["components"] = _slot(words.components, wording, captions, categories, series, "grouped")
    categories, series = _grouped(
        scope, lambda f: f.activities_by_strategy, choices.strategies, True
    )
    charts["strategies"] = _slot(words.strategies, wording, captions, categories, series, "grouped")
    combined = scope.figures(scope.labels.combined)
    by_sector = combined.partners_active_by_sector if combined else {}
    sectors = [s for s in SECTORS if by_sector.get(s)]
    charts["sectors"] = _slot(
        words.sectors,
        wording,
        captions,
        [choices.sectors[s] for s in sectors],
        {words.sectors_series: [float(by_sector[s]) for s in sectors]},
        "single",
    )
    categories, series = _grouped(
        scope, lambda f: f.funding_secured_by_source_type, choices.source_types, True
    )
    charts["funding"] = _slot(
        words.funding, wording, captions, categories, series, "grouped", "dollars"
    )
    if scope.key == PROGRAM:
        charts["statuses"] = _status_chart(rollups, scope.labels, wording, captions)
    else:
        charts["indicators"] = _progress_chart(combined, texts, wording, captions)
    return charts


def _status_chart(
    rollups: Rollups, labels: PeriodLabels, wording: ReportLabels, captions: Mapping[str, str]
) -> ChartSlot:
    combined = [
        (entry.name, figures)
        for entry in rollups.reporting.values()
        if (figures := entry.periods.get(labels.combined)) is not None
    ]
    counts = {
        status: [float(figures.indicator_status_counts[status]) for _, figures in combined]
        for status in INDICATOR_STATUSES
    }
    # Only the statuses some indicator has: a legend entry with no bar says nothing.
    series = {wording.statuses.of(status): n for status, n in counts.items() if any(n)}
    return _slot(
        wording.charts.statuses,
        wording,
        captions,
        [name for name, _ in combined],
        series,
        "stacked",
    )


def _progress_chart(
    combined: PeriodFigures | None,
    texts: CollaborativeTexts | None,
    wording: ReportLabels,
    captions: Mapping[str, str],
) -> ChartSlot:
    names: list[str] = []
    values: list[float] = []
    withheld = wording.report.indicator_withheld
    indicators = combined.indicators if isinstance(combined, CollaborativeFigures) else {}
    in_outcome_order = [iid for _, ids in outcome_groups(indicators) for iid in ids]
    for indicator_id in in_outcome_order:  # as the table lists them
        entry = indicators[indicator_id]
        if entry.pct_of_target is not None:
            name = (texts.indicator_names.get(indicator_id) or withheld) if texts else indicator_id
            names.append(name)
            # Scaled in decimal, so 0.285 is 28.5 (not 28.499…) and rounds as the table does.
            values.append(float(Decimal(str(entry.pct_of_target)).scaleb(2)))
    return _slot(
        wording.charts.indicators,
        wording,
        captions,
        names,
        {wording.charts.indicators_series: values},
        "progress",
        "percent",
    )
