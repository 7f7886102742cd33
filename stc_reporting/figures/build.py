"""Assembling the rollups document of a run from its checked trackers."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from stc_reporting.config import CollaborativeConfig, Config
from stc_reporting.contract.tabs import TAB_ORDER
from stc_reporting.figures.document import (
    CollaborativeEntry,
    FailedCollaborative,
    ProgramTotals,
    ReportingCollaborative,
    Rollups,
)
from stc_reporting.figures.lineage import (
    IN_ERROR,
    CollaborativeLineage,
    Exclusion,
    Ledger,
    Lineage,
    Locator,
    PeriodLineage,
)
from stc_reporting.figures.periods import reporting_periods
from stc_reporting.figures.rollups import CollaborativePeriod, program_totals, traced_figures
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import build_records
from stc_reporting.issues import (
    Issue,
    cell_reference,
    data_quality_counts,
    rows_in_error,
    sheet_link,
)


@dataclass(frozen=True)
class RunSelection:
    """What a run covers: the collaboratives (config order) and the as-of date."""

    collaboratives: tuple[CollaborativeConfig, ...]
    as_of: date


def build_rollups(
    config: Config,
    selection: RunSelection,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> Rollups:
    """Assemble the rollups document (docs/figures.md) from checked trackers.

    Args:
        config: The program config.
        selection: The collaboratives and as-of date of this run.
        trackers: The trackers as read, one per selected collaborative.
        issues: Every issue found.

    Returns:
        The rollups document, as `rollups.json` is written from it.
    """
    return build_traced_rollups(config, selection, trackers, issues).rollups


@dataclass(frozen=True)
class TracedRollups:
    """The rollups document and, from the same computation, where each figure came from."""

    rollups: Rollups
    lineage: Lineage


def build_traced_rollups(
    config: Config,
    selection: RunSelection,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> TracedRollups:
    """Assemble the rollups document and the lineage of every figure in it.

    Args:
        config: The program config.
        selection: The collaboratives and as-of date of this run.
        trackers: The trackers as read, one per selected collaborative.
        issues: Every issue found.

    Returns:
        The document and its lineage (what `audit.xlsx` shows).
    """
    with cycle_collector_paused():
        return _traced_rollups(config, selection, trackers, issues)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the figures and their lineage are built.

    The lineage is hundreds of thousands of small objects and no reference cycles; each
    pass of the collector walks every one, which was half of the roll-up's time at 500
    collaboratives (12 s against 6). Reference counting frees them all the same, and the
    collector is back on when the figures are built.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _traced_rollups(
    config: Config,
    selection: RunSelection,
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> TracedRollups:
    program = config.program
    periods = reporting_periods(program.start, program.years, selection.as_of)
    by_collaborative: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_collaborative[issue.collaborative].append(issue)
    tracker_of = {tracker.collaborative: tracker for tracker in trackers}
    entries: dict[str, CollaborativeEntry] = {}
    traces: dict[str, CollaborativeLineage] = {}
    parts: dict[str, list[CollaborativePeriod]] = {period.label: [] for period in periods}
    for collaborative in selection.collaboratives:
        tracker = tracker_of[collaborative.id]
        own_issues = by_collaborative[collaborative.id]
        quality = data_quality_counts(own_issues)
        if tracker.failure is not None:
            entries[collaborative.id] = FailedCollaborative(
                name=collaborative.name,
                city=collaborative.city,
                reason=tracker.failure.reason,
                reason_kind=tracker.failure.kind,
                reason_tabs=list(tracker.failure.tabs),
                data_quality=quality,
            )
            continue
        records = build_records(tracker, own_issues)
        locate = row_locator(tracker)
        traced = {
            period.label: traced_figures(records, period, Ledger(locate)) for period in periods
        }
        figures = {label: figures for label, (figures, _) in traced.items()}
        entries[collaborative.id] = ReportingCollaborative(
            name=collaborative.name, city=collaborative.city, data_quality=quality, periods=figures
        )
        traces[collaborative.id] = CollaborativeLineage(
            rows_in_error=rows_in_error_of(tracker, own_issues, locate),
            periods={label: lineage for label, (_, lineage) in traced.items()},
        )
        has_tab = "Submissions" in records.tabs_present
        for label, period_figures in figures.items():
            if period_figures is not None:
                parts[label].append(CollaborativePeriod(period_figures, has_tab))
    totals: dict[str, ProgramTotals | None] = {}
    program_traces: dict[str, PeriodLineage | None] = {}
    for period in periods:
        ledger = Ledger()
        totals[period.label] = (
            program_totals(parts[period.label], ledger) if period.started else None
        )
        program_traces[period.label] = ledger.lineage() if period.started else None
    rollups = Rollups(
        program=program.name,
        funder=program.funder,
        as_of=selection.as_of,
        periods={p.label: (p.start, p.end) for p in periods},
        collaboratives=entries,
        program_totals=totals,
        collaboratives_failed=[
            identifier
            for identifier, entry in entries.items()
            if isinstance(entry, FailedCollaborative)
        ],
    )
    return TracedRollups(rollups, Lineage(collaboratives=traces, program=program_traces))


def row_locator(tracker: ParsedTracker) -> Locator:
    """Links to a tracker's rows: the row's ID cell in its Google Sheet ('' for .xlsx)."""

    def locate(tab: str, row: int) -> str:
        data = tracker.tabs.get(tab)
        if data is None or not tracker.spreadsheet_id:
            return ""
        id_field = data.tab.id_field or next(iter(data.positions), None)
        column = data.positions.get(id_field) if id_field else None
        return sheet_link(tracker.spreadsheet_id, data.gid, cell_reference(column or 0, row))

    return locate


def rows_in_error_of(
    tracker: ParsedTracker, issues: Sequence[Issue], locate: Locator
) -> list[Exclusion]:
    """The rows an error keeps out of every figure (`build_records` leaves them out), and why."""
    rules: dict[tuple[str, int], set[str]] = defaultdict(set)
    for issue in issues:
        if issue.excludes_row and issue.row is not None:
            rules[(issue.tab, issue.row)].add(issue.rule)
    excluded = rows_in_error(issues)
    ids: dict[tuple[str, int], str] = {}
    for tab, data in tracker.tabs.items():
        field = data.tab.id_field
        for row in data.rows:
            number = row["row"]
            if not isinstance(number, int):
                continue
            place = (tab, number)
            if (tracker.collaborative, *place) in excluded and field:
                value = row.get(field)
                ids[place] = value if isinstance(value, str) else ""
    return [
        Exclusion(
            tab=tab,
            row=row,
            record=ids.get((tab, row), ""),
            reason=IN_ERROR.format(rules=", ".join(sorted(found))),
            link=locate(tab, row),
        )
        for (tab, row), found in sorted(rules.items(), key=lambda item: _tab_row(*item[0]))
    ]


def _tab_row(tab: str, row: int) -> tuple[int, int]:
    return TAB_ORDER.get(tab, len(TAB_ORDER)), row
