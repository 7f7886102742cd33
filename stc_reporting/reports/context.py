"""The report context: everything a funder report template may print, already formatted.

Built from `rollups.json` and the shareable texts (`report_texts.py`); templates see
nothing else. Every people count goes through the run-wide suppression pattern
(`suppression.py`) here, once, so no template can print an unsafe number.
Every variable is documented in docs/template-variables.md, generated from these
models (`python -m stc_reporting.reports.context`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from stc_reporting.contract.tabs import (
    CORE_COMPONENTS,
    INDICATOR_STATUSES,
    LESSON_KINDS,
    MILESTONE_TYPES,
    SECTORS,
    SOURCE_TYPES,
    STRATEGIES,
)
from stc_reporting.locations import DOCS_DIR
from stc_reporting.reports.suppression import (
    SMALL_DENOMINATOR,
    SUPPRESSED,
    Cell,
    Line,
    format_count,
    format_share,
    recoverable_cells,
    suppression_pattern,
)
from stc_reporting.reports.texts import WITHHELD_NAME, CollaborativeTexts

PEOPLE = ("participants", "lived_experience_participants")
PROGRAM = "program"
NOT_AVAILABLE = "—"

Figures = Mapping[str, Any]


# --- The context models (documented for template authors) --------------------


class PeriodInfo(BaseModel):
    """One reporting period as the cover lists it."""

    label: str = Field(description="Short label: Y2, Y3 or Y2-Y3.")
    name: str = Field(description="Label in words: Year 2, Year 3, Years 2–3.")
    dates: str = Field(description="Calendar dates, e.g. 1 Nov 2019 – 31 Oct 2020.")
    note: str = Field(description="'', 'data to 15 Dec 2020' or 'not yet started'.")


class Headers(BaseModel):
    """Column headings of the period tables."""

    first: str = Field(description="The first reported year, e.g. Year 2.")
    last: str = Field(description="The last reported year, e.g. Year 3.")
    combined: str = Field(description="The combined period, e.g. Years 2–3.")
    change: str = Field(description="The change column, e.g. Change Y2 to Y3.")


class FigureRow(BaseModel):
    """One figure across the periods, formatted and suppressed."""

    label: str = Field(description="What the row counts.")
    first: str = Field(description="Value in the first year.")
    last: str = Field(description="Value in the last year.")
    combined: str = Field(description="Value over the combined period.")
    change: str = Field(description="Last year minus first year, signed; — when unknown.")


class GlanceRow(BaseModel):
    """One collaborative (or the program total) in the program report's overview."""

    name: str = Field(description="Collaborative name, or Program total.")
    city: str = Field(description="City, or '' for the total.")
    status: str = Field(description="Reporting, or Data unavailable.")
    note: str = Field(description="Why data is unavailable, in plain words; else ''.")
    activities: str = Field(description="Completed activities, combined period.")
    participants: str = Field(description="Participants, combined period (suppressed).")
    partners: str = Field(description="Active partners, combined period.")
    sectors: str = Field(description="Sectors engaged, combined period.")
    funding: str = Field(description="Funding secured, combined period.")
    milestones: str = Field(description="Milestones achieved, combined period.")
    completeness: str = Field(description="Reporting completeness, combined period.")


class IndicatorRow(BaseModel):
    """One indicator over the combined period (collaborative report)."""

    name: str = Field(description="What is measured, in the tracker's words.")
    outcome: str = Field(description="The program outcome it serves.")
    unit: str = Field(description="Count, Percent, Dollars or Score.")
    baseline: str = Field(description="Baseline, formatted in its unit.")
    target: str = Field(description="Target for the period.")
    value: str = Field(description="Value for the period.")
    pct_of_target: str = Field(description="Value as a percent of target.")
    status: str = Field(description="On track, Behind, No target or No data.")


class IndicatorYearRow(BaseModel):
    """One indicator, year by year (collaborative report)."""

    name: str = Field(description="What is measured.")
    first_value: str = Field(description="Value in the first year.")
    first_target: str = Field(description="Target in the first year.")
    first_status: str = Field(description="Status in the first year.")
    last_value: str = Field(description="Value in the last year.")
    last_target: str = Field(description="Target in the last year.")
    last_status: str = Field(description="Status in the last year.")


class StatusCountRow(BaseModel):
    """Indicator statuses of one collaborative, combined period (program report)."""

    name: str = Field(description="Collaborative name, or Program total.")
    on_track: str = Field(description="Indicators on track.")
    behind: str = Field(description="Indicators behind.")
    no_target: str = Field(description="Indicators with no target.")
    no_data: str = Field(description="Indicators with no data.")


class LessonItem(BaseModel):
    """One shared lesson, attributed to its collaborative (never a person)."""

    text: str = Field(description="The lesson, exactly as the tracker has it.")
    source: str = Field(
        description="Collaborative and month, e.g. Oakland collaborative, May 2021."
    )


class LessonGroup(BaseModel):
    """Shared lessons of one kind."""

    kind: str = Field(description="Success, Challenge, Course correction or Insight.")
    lessons: list[LessonItem] = Field(description="The lessons, oldest first.")


class MilestoneItem(BaseModel):
    """One achieved milestone (collaborative report)."""

    date: str = Field(description="Month achieved, e.g. May 2021.")
    type: str = Field(description="Milestone type.")
    level: str = Field(description="Organizational, Local, County, State, or ''.")
    description: str = Field(description="The tracker's description.")


class QualityRow(BaseModel):
    """Data-quality counts of one collaborative (counts only, never cell contents)."""

    name: str = Field(description="Collaborative name.")
    errors: str = Field(description="Issues that kept a row out of the figures.")
    warnings: str = Field(description="Issues worth a look; rows still counted.")
    privacy: str = Field(description="Cells withheld because they looked like personal data.")
    rows_excluded: str = Field(description="Rows left out of the figures.")
    months: str = Field(description="Months submitted of months expected, combined period.")
    on_time: str = Field(description="Months submitted on time, combined period.")


class ChartSlot(BaseModel):
    """A chart. In templates `image` is the picture itself; `caption` goes below it."""

    caption: str = Field(description="Caption under the chart.")
    alt: str = Field(description="Alt text set on the picture.")
    title: str = Field(description="Chart title, drawn in the image.")
    categories: list[str] = Field(description="Bar labels (not for templates).")
    series: dict[str, list[float]] = Field(description="Bar values by series (not for templates).")
    style: Literal["grouped", "single", "stacked", "progress"] = Field(
        description="How the chart is drawn (not for templates)."
    )
    unit: Literal["count", "dollars", "percent"] = Field(
        default="count", description="What the values are, for labels (not for templates)."
    )


class ReportContext(BaseModel):
    """Everything a funder report template may use."""

    kind: Literal["program", "collaborative"] = Field(description="Which report this is.")
    report_title: str = Field(description="Title on the cover.")
    program: str = Field(description="Program name.")
    funder: str = Field(description="Funder name.")
    scope_name: str = Field(description="The collaborative's name, or All collaboratives.")
    city: str = Field(description="The collaborative's city, or ''.")
    periods: list[PeriodInfo] = Field(description="The reporting periods, for the cover.")
    headers: Headers = Field(description="Period column headings.")
    data_as_of: str = Field(description="Data as of, e.g. 31 October 2021.")
    made_on: str = Field(description="The day the report was made.")
    is_draft: bool = Field(
        description="A draft for review (the cover and footer say so) or the final version."
    )
    summary: list[FigureRow] = Field(description="Headline figures.")
    glance: list[GlanceRow] = Field(description="Collaboratives at a glance (program report).")
    components: list[FigureRow] = Field(description="Completed activities by core component.")
    strategies: list[FigureRow] = Field(description="Completed activities by strategy.")
    people: list[FigureRow] = Field(description="Participants and lived experience.")
    partnerships: list[FigureRow] = Field(description="Partner figures.")
    sectors_engaged: str = Field(description="Sectors of active partners, combined period.")
    funding: list[FigureRow] = Field(description="Funding secured by source type, and totals.")
    milestones: list[FigureRow] = Field(description="Milestones achieved by type.")
    milestone_list: list[MilestoneItem] = Field(description="Achieved milestones (collaborative).")
    indicators: list[IndicatorRow] = Field(description="Indicators, combined period.")
    indicator_years: list[IndicatorYearRow] = Field(description="Indicators, year by year.")
    status_counts: list[StatusCountRow] = Field(description="Indicator statuses by collaborative.")
    lessons: list[LessonGroup] = Field(description="Shared lessons by kind.")
    has_lessons: bool = Field(description="Whether any lesson was shared.")
    reporting: list[FigureRow] = Field(description="Reporting completeness and timeliness.")
    quality: list[QualityRow] = Field(description="Data-quality counts by collaborative.")
    suppression_legend: list[str] = Field(description="What <11, n<30 and — mean.")
    charts: dict[str, ChartSlot] = Field(description="Charts by key; see the template guide.")


# --- Formatting ------------------------------------------------------------------

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """`31 October 2021`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """`31 Oct 2021`."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def month_year(day: date) -> str:
    """`October 2021`."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def fmt_count(value: float | None) -> str:
    """A count of things (not people): `1,234`."""
    return NOT_AVAILABLE if value is None else f"{round(value):,}"


def fmt_money(value: float | None) -> str:
    """Dollars, rounded to the dollar: `$12,346`."""
    return NOT_AVAILABLE if value is None else f"${value:,.0f}"


def fmt_rate(value: float | None) -> str:
    """A share that is not of people (months): `92%`."""
    return NOT_AVAILABLE if value is None else f"{value:.0%}"


def fmt_number(value: float | None, unit: str) -> str:
    """An indicator value in its unit."""
    if value is None:
        return NOT_AVAILABLE
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "Percent":
        return f"{text}%"
    if unit == "Dollars":
        return f"${value:,.0f}"
    return text


def _signed(delta: float, formatter: Callable[[float], str]) -> str:
    if delta == 0:
        return "no change"
    sign = "+" if delta > 0 else "−"
    return sign + formatter(abs(delta))


# --- Suppression over the whole run ----------------------------------------------


@dataclass(frozen=True)
class PeriodLabels:
    """The run's period labels: each year, the first and last, and the combined one."""

    years: tuple[str, ...]
    combined: str

    @property
    def first(self) -> str:
        """The first reported year."""
        return self.years[0]

    @property
    def last(self) -> str:
        """The last reported year."""
        return self.years[-1]

    @property
    def consecutive(self) -> bool:
        """Whether the years follow each other, so that they add up to the combined period."""
        numbers = [int(label[1:]) for label in self.years]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def period_labels(rollups: Mapping[str, Any]) -> PeriodLabels:
    """Read the period labels from `rollups.json` (years first, combined last)."""
    labels = list(rollups["periods"])
    return PeriodLabels(tuple(labels[:-1]), labels[-1])


def ok_collaboratives(rollups: Mapping[str, Any]) -> dict[str, Figures]:
    """The collaboratives that report, by id."""
    return {k: v for k, v in rollups["collaboratives"].items() if v["status"] == "ok"}


def people_cells(rollups: Mapping[str, Any]) -> tuple[dict[Cell, int], list[Line]]:
    """Every people count the reports print, and the lines that add up to totals."""
    labels = period_labels(rollups)
    scopes: dict[str, Mapping[str, Figures | None]] = {
        cid: entry["periods"] for cid, entry in ok_collaboratives(rollups).items()
    }
    scopes[PROGRAM] = rollups["program_totals"]
    values: dict[Cell, int] = {}
    lines: list[Line] = []
    for figure in PEOPLE:
        for scope, periods in scopes.items():
            for label, figures in periods.items():
                if figures is not None:
                    values[Cell(scope, label, figure)] = int(figures[figure])
            years = tuple(Cell(scope, y, figure) for y in labels.years if periods.get(y))
            # The years add up to the combined period only when no year is skipped.
            if periods.get(labels.combined) and labels.consecutive:
                lines.append(Line(years, Cell(scope, labels.combined, figure)))
        for label in (*labels.years, labels.combined):
            if rollups["program_totals"].get(label) is None:
                continue
            parts = tuple(Cell(s, label, figure) for s in scopes if s != PROGRAM)
            lines.append(Line(parts, Cell(PROGRAM, label, figure)))
    return values, lines


def people_suppression(rollups: Mapping[str, Any]) -> frozenset[Cell]:
    """Decide the run's suppression pattern and check that it hides what it must.

    Raises:
        AssertionError: A suppressed count could still be worked out (a bug).
    """
    values, lines = people_cells(rollups)
    pattern = suppression_pattern(values, lines)
    exposed = recoverable_cells(values, lines, pattern)
    if exposed:
        raise AssertionError(f"suppression would expose {sorted(exposed)}")
    return pattern


# --- Building the context ----------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """Whose figures a report prints: a collaborative's, or the program's."""

    key: str
    periods: Mapping[str, Figures | None]
    labels: PeriodLabels
    hidden: frozenset[Cell]

    def figures(self, label: str) -> Figures | None:
        return self.periods.get(label)

    def row(
        self,
        label: str,
        value: Callable[[Figures, str], str],
        change: Callable[[Figures, Figures, str], str] | None = None,
    ) -> FigureRow:
        """A row across the periods; `value` formats one period's figure."""
        cells = {}
        for period in (self.labels.first, self.labels.last, self.labels.combined):
            figures = self.figures(period)
            cells[period] = "not started" if figures is None else value(figures, period)
        first, last = self.figures(self.labels.first), self.figures(self.labels.last)
        delta = NOT_AVAILABLE
        if change is not None and first is not None and last is not None:
            delta = change(first, last, self.labels.last)
        return FigureRow(
            label=label,
            first=cells[self.labels.first],
            last=cells[self.labels.last],
            combined=cells[self.labels.combined],
            change=delta,
        )

    def count_row(
        self,
        label: str,
        read: Callable[[Figures], float],
        fmt: Callable[[float | None], str] = fmt_count,
    ) -> FigureRow:
        """A row of counts of things or dollars (never suppressed)."""
        return self.row(
            label,
            lambda f, _p: fmt(read(f)),
            lambda a, b, _p: _signed(read(b) - read(a), lambda d: fmt(d)),
        )

    def people_row(self, label: str, figure: str) -> FigureRow:
        """A row of people counts, suppressed by the run's pattern."""

        def hidden(period: str) -> bool:
            return Cell(self.key, period, figure) in self.hidden

        def change(a: Figures, b: Figures, _p: str) -> str:
            if hidden(self.labels.first) or hidden(self.labels.last):
                return NOT_AVAILABLE
            return _signed(b[figure] - a[figure], lambda d: f"{round(d):,}")

        return self.row(label, lambda f, p: format_count(f[figure], hidden(p)), change)

    def share_row(self) -> FigureRow:
        """Lived-experience share: n<30 for small denominators, hidden with its count."""

        def value(f: Figures, period: str) -> str:
            return format_share(
                f["lived_experience_participants"],
                f["participants"],
                Cell(self.key, period, "lived_experience_participants") in self.hidden,
                Cell(self.key, period, "participants") in self.hidden,
            )

        def change(a: Figures, b: Figures, _p: str) -> str:
            before, after = value(a, self.labels.first), value(b, self.labels.last)
            if not before.endswith("%") or not after.endswith("%"):
                return NOT_AVAILABLE
            points = round(100 * (b["lived_experience_share"] - a["lived_experience_share"]))
            return "no change" if points == 0 else f"{points:+d} pts".replace("-", "−")

        return self.row("Share with lived experience", value, change)

    def rate_row(self, label: str, key: str) -> FigureRow:
        """Completeness or timeliness (months, not people)."""

        def change(a: Figures, b: Figures, _p: str) -> str:
            if a[key] is None or b[key] is None:
                return NOT_AVAILABLE
            points = round(100 * (b[key] - a[key]))
            return "no change" if points == 0 else f"{points:+d} pts".replace("-", "−")

        return self.row(label, lambda f, _p: fmt_rate(f[key]), change)


def _period_name(label: str) -> str:
    if "-" in label:
        first, last = label.split("-")
        return f"Years {first[1:]}–{last[1:]}"
    return f"Year {label[1:]}"


def _period_infos(rollups: Mapping[str, Any]) -> list[PeriodInfo]:
    as_of = date.fromisoformat(rollups["as_of"])
    infos = []
    for label, (start, end) in rollups["periods"].items():
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        note = ""
        if first > as_of:
            note = "not yet started"
        elif last > as_of:
            note = f"data to {short_date(as_of)}"
        infos.append(
            PeriodInfo(
                label=label,
                name=_period_name(label),
                dates=f"{short_date(first)} – {short_date(last)}",
                note=note,
            )
        )
    return infos


def _headers(labels: PeriodLabels) -> Headers:
    return Headers(
        first=_period_name(labels.first),
        last=_period_name(labels.last),
        combined=_period_name(labels.combined),
        change=f"Change {labels.first} to {labels.last}",
    )


def _summary(scope: _Scope) -> list[FigureRow]:
    return [
        scope.count_row("Activities completed", lambda f: f["activities_completed"]),
        scope.people_row("Participants", "participants"),
        scope.people_row("Participants with lived experience", "lived_experience_participants"),
        scope.share_row(),
        scope.count_row("Partners active", lambda f: f["partners_active"]),
        scope.count_row("Sectors engaged", lambda f: f["sector_count"]),
        scope.count_row("Cross-sector activities", lambda f: f["cross_sector_activities"]),
        scope.count_row("Funding secured", lambda f: f["funding_secured_usd"], fmt_money),
        scope.count_row("Milestones achieved", lambda f: f["milestones_achieved"]),
        scope.count_row("Lessons shared", lambda f: f["lessons_shared"]),
        scope.rate_row("Reporting completeness", "reporting_completeness"),
    ]


def _by_key(
    scope: _Scope, key: str, labels: tuple[str, ...], fmt: Callable[[float | None], str] = fmt_count
) -> list[FigureRow]:
    def reader(label: str) -> Callable[[Figures], float]:
        return lambda figures: float(figures[key][label])

    return [scope.count_row(label, reader(label), fmt) for label in labels]


def _partnerships(scope: _Scope) -> list[FigureRow]:
    return [
        scope.count_row("Partners active", lambda f: f["partners_active"]),
        scope.count_row("New partners", lambda f: f["partners_new"]),
        scope.count_row("Partners new to IPV prevention", lambda f: f["partners_new_to_ipv"]),
        scope.count_row("Partners with a formal commitment", lambda f: f["formal_commitments"]),
        scope.count_row("Sectors engaged", lambda f: f["sector_count"]),
        scope.count_row("Cross-sector activities", lambda f: f["cross_sector_activities"]),
    ]


def _funding(scope: _Scope) -> list[FigureRow]:
    rows = _by_key(scope, "funding_secured_by_source_type", SOURCE_TYPES, fmt_money)
    rows.append(scope.count_row("Total secured", lambda f: f["funding_secured_usd"], fmt_money))
    rows.append(
        scope.count_row("Requested or pending", lambda f: f["funding_requested_usd"], fmt_money)
    )
    return rows


def _reporting(scope: _Scope) -> list[FigureRow]:
    return [
        scope.count_row("Months expected", lambda f: f["months_expected"]),
        scope.count_row("Months submitted", lambda f: f["months_submitted"]),
        scope.count_row("Months submitted on time", lambda f: f["months_on_time"]),
        scope.rate_row("Reporting completeness", "reporting_completeness"),
        scope.rate_row("Reporting timeliness", "reporting_timeliness"),
    ]


def plain_reason(reason: str) -> str:
    """Say why a collaborative has no data, in words for a funder (no paths, no jargon)."""
    if reason.startswith("tab '") and "' is missing" in reason:
        tab = reason.split("'")[1]
        return f"Its tracker has no {tab} tab this month."
    if reason.startswith("tab '") and "has no column" in reason:
        return "Its tracker is missing required columns this month."
    return "Its tracker could not be read this month."


def _glance(
    rollups: Mapping[str, Any], hidden: frozenset[Cell], labels: PeriodLabels
) -> list[GlanceRow]:
    rows = []
    combined = labels.combined
    for cid, entry in rollups["collaboratives"].items():
        figures = (
            entry["periods"][combined] if entry["status"] == "ok" and entry["periods"] else None
        )
        if entry["status"] != "ok" or figures is None:
            unavailable = entry["status"] != "ok"
            rows.append(
                GlanceRow(
                    name=entry["name"],
                    city=entry.get("city", ""),
                    status="Data unavailable" if unavailable else "Not started",
                    note=plain_reason(entry.get("reason") or "") if unavailable else "",
                    activities=NOT_AVAILABLE,
                    participants=NOT_AVAILABLE,
                    partners=NOT_AVAILABLE,
                    sectors=NOT_AVAILABLE,
                    funding=NOT_AVAILABLE,
                    milestones=NOT_AVAILABLE,
                    completeness=NOT_AVAILABLE,
                )
            )
            continue
        rows.append(
            _glance_row(entry["name"], entry.get("city", ""), cid, figures, hidden, combined)
        )
    totals = rollups["program_totals"].get(combined)
    if totals is not None:
        rows.append(_glance_row("Program total", "", PROGRAM, totals, hidden, combined))
    return rows


def _glance_row(
    name: str, city: str, scope: str, figures: Figures, hidden: frozenset[Cell], period: str
) -> GlanceRow:
    return GlanceRow(
        name=name,
        city=city,
        status="Reporting",
        note="",
        activities=fmt_count(figures["activities_completed"]),
        participants=format_count(
            figures["participants"], Cell(scope, period, "participants") in hidden
        ),
        partners=fmt_count(figures["partners_active"]),
        sectors=fmt_count(figures["sector_count"]),
        funding=fmt_money(figures["funding_secured_usd"]),
        milestones=fmt_count(figures["milestones_achieved"]),
        completeness=fmt_rate(figures["reporting_completeness"]),
    )


def _status(text: str) -> str:
    return text[:1].upper() + text[1:]


def _indicators(
    periods: Mapping[str, Figures | None], labels: PeriodLabels, texts: CollaborativeTexts
) -> tuple[list[IndicatorRow], list[IndicatorYearRow]]:
    combined = periods.get(labels.combined)
    if combined is None:
        return [], []
    rows, years = [], []
    for indicator_id, entry in combined["indicators"].items():
        name = texts.indicator_names.get(indicator_id, WITHHELD_NAME)
        unit = entry["unit"]
        rows.append(
            IndicatorRow(
                name=name,
                outcome=entry["outcome"],
                unit=unit,
                baseline=fmt_number(entry["baseline"], unit),
                target=fmt_number(entry["target"], unit),
                value=fmt_number(entry["value"], unit),
                pct_of_target=fmt_rate(entry["pct_of_target"]),
                status=_status(entry["status"]),
            )
        )
        first = (periods.get(labels.first) or {}).get("indicators", {}).get(indicator_id)
        last = (periods.get(labels.last) or {}).get("indicators", {}).get(indicator_id)
        years.append(
            IndicatorYearRow(
                name=name,
                first_value=fmt_number(first["value"], unit) if first else NOT_AVAILABLE,
                first_target=fmt_number(first["target"], unit) if first else NOT_AVAILABLE,
                first_status=_status(first["status"]) if first else NOT_AVAILABLE,
                last_value=fmt_number(last["value"], unit) if last else NOT_AVAILABLE,
                last_target=fmt_number(last["target"], unit) if last else NOT_AVAILABLE,
                last_status=_status(last["status"]) if last else "Not started",
            )
        )
    return rows, years


def _status_counts(rollups: Mapping[str, Any], labels: PeriodLabels) -> list[StatusCountRow]:
    rows = []
    combined = labels.combined
    sources = [(e["name"], e["periods"][combined]) for e in ok_collaboratives(rollups).values()]
    sources.append(("Program total", rollups["program_totals"].get(combined)))
    for name, figures in sources:
        if figures is None:
            continue
        counts = figures["indicator_status_counts"]
        rows.append(
            StatusCountRow(
                name=name,
                on_track=fmt_count(counts["on track"]),
                behind=fmt_count(counts["behind"]),
                no_target=fmt_count(counts["no target"]),
                no_data=fmt_count(counts["no data"]),
            )
        )
    return rows


def _reported_window(rollups: Mapping[str, Any], labels: PeriodLabels) -> tuple[date, date]:
    """The combined period's first day and its effective end (clipped at as_of)."""
    start, end = rollups["periods"][labels.combined]
    return date.fromisoformat(start), min(
        date.fromisoformat(end), date.fromisoformat(rollups["as_of"])
    )


def _lessons(
    texts: list[CollaborativeTexts], rollups: Mapping[str, Any], labels: PeriodLabels
) -> list[LessonGroup]:
    start, end = _reported_window(rollups, labels)
    groups = []
    for kind in LESSON_KINDS:
        items = sorted(
            (
                lesson
                for t in texts
                for lesson in t.lessons
                if lesson.kind == kind and start <= lesson.date <= end
            ),
            key=lambda lesson: (lesson.date, lesson.collaborative),
        )
        if items:
            groups.append(
                LessonGroup(
                    kind=kind,
                    lessons=[
                        LessonItem(text=i.text, source=f"{i.collaborative}, {month_year(i.date)}")
                        for i in items
                    ],
                )
            )
    return groups


def _quality(
    rollups: Mapping[str, Any], labels: PeriodLabels, only: str | None
) -> list[QualityRow]:
    rows = []
    for cid, entry in rollups["collaboratives"].items():
        if only is not None and cid != only:
            continue
        quality = entry["data_quality"]
        figures = (entry["periods"] or {}).get(labels.combined)
        months = on_time = NOT_AVAILABLE
        if figures is not None and figures["reporting_completeness"] is not None:
            months = f"{figures['months_submitted']} of {figures['months_expected']}"
            on_time = f"{figures['months_on_time']} of {figures['months_expected']}"
        rows.append(
            QualityRow(
                name=entry["name"],
                errors=str(quality["errors"]),
                warnings=str(quality["warnings"]),
                privacy=str(quality["privacy"]),
                rows_excluded=str(quality["rows_excluded"]),
                months=months,
                on_time=on_time,
            )
        )
    return rows


LEGEND = [
    f"{SUPPRESSED}: between 1 and 10 people. Counts this small are never printed.",
    f"{NOT_AVAILABLE}: withheld so that a small count cannot be worked out from a total or "
    "a share; or not available.",
    f"{SMALL_DENOMINATOR}: fewer than 30 people behind this share, too few to print it.",
    "Dollar amounts are rounded to the nearest dollar.",
]


def _grouped(
    scope: _Scope, key: str, categories: tuple[str, ...], drop_zeros: bool
) -> tuple[list[str], dict[str, list[float]]]:
    series: dict[str, list[float]] = {}
    for label in scope.labels.years:
        figures = scope.figures(label)
        if figures is not None:
            series[_period_name(label)] = [float(figures[key][c]) for c in categories]
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


CHART_VALUE_FORMATS: dict[str, Callable[[float], str]] = {
    "count": lambda value: f"{value:,.0f}",
    "dollars": lambda value: f"${value:,.0f}",
    "percent": lambda value: f"{value:.0f}%",
}
"""How a chart's values read in its alt text, by unit."""


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


def _charts(
    scope: _Scope, rollups: Mapping[str, Any], texts: CollaborativeTexts | None
) -> dict[str, ChartSlot]:
    where = "across the program" if scope.key == PROGRAM else "by this collaborative"
    charts = {}
    categories, series = _grouped(scope, "activities_by_component", CORE_COMPONENTS, False)
    charts["components"] = _slot(
        "Completed activities by core component",
        f"Figure: completed activities {where}, by core component and year.",
        categories,
        series,
        "grouped",
    )
    categories, series = _grouped(scope, "activities_by_strategy", STRATEGIES, True)
    charts["strategies"] = _slot(
        "Completed activities by strategy",
        f"Figure: completed activities {where}, by "
        "strategy and year (strategies with no activity are left out).",
        categories,
        series,
        "grouped",
    )
    combined = scope.figures(scope.labels.combined)
    by_sector = combined["partners_active_by_sector"] if combined else {}
    sectors = [s for s in SECTORS if by_sector.get(s)]
    charts["sectors"] = _slot(
        "Active partners by sector",
        f"Figure: active partners by sector, {_period_name(scope.labels.combined)}.",
        sectors,
        {"Active partners": [float(by_sector[s]) for s in sectors]},
        "single",
    )
    categories, series = _grouped(scope, "funding_secured_by_source_type", SOURCE_TYPES, True)
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


def _status_chart(rollups: Mapping[str, Any], labels: PeriodLabels) -> ChartSlot:
    entries = [
        e
        for e in ok_collaboratives(rollups).values()
        if e["periods"].get(labels.combined) is not None
    ]
    names = [e["name"] for e in entries]
    series = {
        _status(status): [
            float(e["periods"][labels.combined]["indicator_status_counts"][status]) for e in entries
        ]
        for status in INDICATOR_STATUSES
    }
    return _slot(
        "Indicator status by collaborative",
        "Figure: how many of each "
        f"collaborative's indicators are on track, {_period_name(labels.combined)}.",
        names,
        series,
        "stacked",
    )


def _progress_chart(
    combined: Figures | None, texts: CollaborativeTexts | None, labels: PeriodLabels
) -> ChartSlot:
    names: list[str] = []
    values: list[float] = []
    indicators = combined["indicators"] if combined else {}
    for indicator_id, entry in indicators.items():
        if entry["pct_of_target"] is not None:
            name = texts.indicator_names.get(indicator_id, WITHHELD_NAME) if texts else indicator_id
            names.append(name)
            values.append(100 * entry["pct_of_target"])
    return _slot(
        "Indicator progress: value as a percent of target",
        "Figure: each indicator's "
        f"value as a percent of its target, {_period_name(labels.combined)}; the line "
        "marks 100%.",
        names,
        {"% of target": values},
        "progress",
        "percent",
    )


def build_report_context(
    rollups: Mapping[str, Any],
    texts: Mapping[str, CollaborativeTexts],
    collaborative: str | None,
    made_on: date,
    hidden: frozenset[Cell] | None = None,
    is_draft: bool = True,
) -> ReportContext:
    """Build the context of the program report (collaborative None) or one collaborative's.

    Args:
        rollups: The run's `rollups.json` document.
        texts: Shareable texts by collaborative id.
        collaborative: The collaborative's id, or None for the program report.
        made_on: The day the report is made.
        hidden: The run's suppression pattern (computed here when not given).
        is_draft: A draft for review (draft marks) or the final version (none).

    Returns:
        The context, every figure formatted and every people count suppressed.
    """
    hidden = people_suppression(rollups) if hidden is None else hidden
    labels = period_labels(rollups)
    program, is_program = rollups["program"], collaborative is None
    if is_program:
        periods, entry = rollups["program_totals"], {"name": "All collaboratives", "city": ""}
        scope_texts = [texts[c] for c in ok_collaboratives(rollups) if c in texts]
    else:
        entry = rollups["collaboratives"][collaborative]
        periods, scope_texts = entry["periods"], [texts[str(collaborative)]]
    scope = _Scope(PROGRAM if is_program else str(collaborative), periods, labels, hidden)
    indicators, indicator_years = (
        ([], []) if is_program else _indicators(periods, labels, texts[str(collaborative)])
    )
    combined = periods.get(labels.combined)
    lessons = _lessons(scope_texts, rollups, labels)
    window = _reported_window(rollups, labels)
    years_words = " and ".join(label[1:] for label in labels.years)
    return ReportContext(
        kind="program" if is_program else "collaborative",
        report_title=f"Report on program years {years_words}",
        program=program,
        funder=rollups.get("funder", ""),
        scope_name=entry["name"],
        city=entry.get("city", ""),
        periods=_period_infos(rollups),
        headers=_headers(labels),
        data_as_of=long_date(date.fromisoformat(rollups["as_of"])),
        made_on=long_date(made_on),
        is_draft=is_draft,
        summary=_summary(scope),
        glance=_glance(rollups, hidden, labels) if is_program else [],
        components=_by_key(scope, "activities_by_component", CORE_COMPONENTS),
        strategies=_by_key(scope, "activities_by_strategy", STRATEGIES),
        people=[
            scope.people_row("Participants", "participants"),
            scope.people_row("Participants with lived experience", "lived_experience_participants"),
            scope.share_row(),
        ],
        partnerships=_partnerships(scope),
        sectors_engaged=", ".join(combined["sectors_engaged"]) if combined else NOT_AVAILABLE,
        funding=_funding(scope),
        milestones=_by_key(scope, "milestones_by_type", MILESTONE_TYPES),
        milestone_list=[]
        if is_program
        else [
            MilestoneItem(
                date=month_year(m.date), type=m.type, level=m.level or "", description=m.description
            )
            for m in texts[str(collaborative)].milestones
            if window[0] <= m.date <= window[1]
        ],
        indicators=indicators,
        indicator_years=indicator_years,
        status_counts=_status_counts(rollups, labels) if is_program else [],
        lessons=lessons,
        has_lessons=bool(lessons),
        reporting=_reporting(scope),
        quality=_quality(rollups, labels, None if is_program else collaborative),
        suppression_legend=LEGEND,
        charts=_charts(scope, rollups, None if is_program else texts[str(collaborative)]),
    )


# --- The variables page ------------------------------------------------------------

_DOC_PATH = DOCS_DIR / "template-variables.md"
_MODELS: tuple[type[BaseModel], ...] = (
    ReportContext,
    PeriodInfo,
    Headers,
    FigureRow,
    GlanceRow,
    IndicatorRow,
    IndicatorYearRow,
    StatusCountRow,
    LessonGroup,
    LessonItem,
    MilestoneItem,
    QualityRow,
    ChartSlot,
)


def template_variables_markdown() -> str:
    """Return docs/template-variables.md, generated from the models above."""
    lines = [
        "# Template variables",
        "",
        "Generated from `stc_reporting/reports/context.py` by "
        "`python -m stc_reporting.reports.context`; do not edit by hand.",
        "",
        "The funder report templates in `templates/` are Word documents with Jinja tags "
        "(docxtpl). They may use these variables and nothing else. Every figure is already "
        "formatted and every count of people already suppressed: print values as they are, "
        "e.g. `{{ scope_name }}`, `{%tr for row in summary %}` … `{{ row.first }}` … "
        "`{%tr endfor %}`, `{{ charts.components.image }}` and "
        "`{{ charts.components.caption }}`. Charts: `components`, `strategies`, `sectors`, "
        "`funding`, and `indicators` (collaborative report) or `statuses` (program report).",
        "",
    ]
    for model in _MODELS:
        lines += [
            f"## `{model.__name__}`",
            "",
            (model.__doc__ or "").strip(),
            "",
            "| variable | meaning |",
            "|---|---|",
        ]
        for name, field in model.model_fields.items():
            lines.append(f"| `{name}` | {field.description} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    _DOC_PATH.write_text(template_variables_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {_DOC_PATH}\n")
