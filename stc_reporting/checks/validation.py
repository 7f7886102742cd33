"""Checking tracker rows against the Great Expectations suites in `expectations/`.

Each tab is validated once for all collaboratives together (GX costs about 0.2 s
per validation, whatever the size), with a fresh ephemeral context per call
(a context shared across threads validates the wrong frame: GX issue 12209).
Every failing cell becomes an `Issue`; GX severities map to the contract's:
critical -> error, warning -> warning.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from stc_reporting.checks.suggestions import near_choices
from stc_reporting.contract.suites import INDICATOR_KEY, SUITES_DIR, UNKNOWN_PARTNER_IDS, suite_path
from stc_reporting.contract.tabs import (
    ACTIVITIES,
    INDICATORS,
    MEASUREMENTS,
    PARTNERS,
    TABS,
    Column,
    Kind,
    Tab,
)
from stc_reporting.ingest.reading import ParsedTracker, Row, TabData, located_issue
from stc_reporting.issues import Issue, Severity
from stc_reporting.privacy import is_withheld_id, mask_if_personal

_SEVERITIES = {"critical": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.WARNING}
_KEY_SEPARATOR = "\x1f"
# Plain float64 and datetime64[ns] columns, not pandas' nullable Float64 or datetime64[s]:
# GX checks "between" on them in one vectorised step; on the others, one cell at a time.
_DTYPES: dict[Kind, Any] = {
    Kind.WHOLE: "Int64",
    Kind.MONEY: "float64",
    Kind.NUMBER: "float64",
    Kind.YES_NO: "boolean",
}
_NANOSECOND_DATES = (pd.Timestamp.min, pd.Timestamp.max)


class SuiteError(RuntimeError):
    """A suite file does not load completely, or a rule crashed: a bug, never bad data."""


@dataclass(frozen=True)
class CheckWindow:
    """The dates rules compare against.

    Attributes:
        start: First day of the program.
        end: Last day of the program.
        run_date: The calendar day of the run (never `as_of`).
    """

    start: date
    end: date
    run_date: date

    def parameters(self) -> dict[str, str]:
        """Return the suites' `$PARAMETER` values (midnight datetimes, as GX needs)."""
        first_month = self.start.replace(day=1)
        return {
            "window_start": f"{self.start.isoformat()}T00:00:00",
            "window_first_month": f"{first_month.isoformat()}T00:00:00",
            "window_end": f"{self.end.isoformat()}T00:00:00",
            "run_date": f"{self.run_date.isoformat()}T00:00:00",
        }


@dataclass(frozen=True)
class _Located:
    tracker: ParsedTracker
    data: TabData
    row: Row


def load_suite_json(tab: Tab, directory: Path = SUITES_DIR) -> dict[str, Any]:
    """Read a tab's suite file as JSON."""
    loaded: dict[str, Any] = json.loads(suite_path(tab, directory).read_text(encoding="utf-8"))
    return loaded


def import_great_expectations() -> None:
    """Import Great Expectations now (2-3 s), for a caller with time to spare before checks."""
    import great_expectations  # noqa: F401


def validate_trackers(
    trackers: Sequence[ParsedTracker], window: CheckWindow, suites_dir: Path = SUITES_DIR
) -> list[Issue]:
    """Run every tab's suite over every tracker's rows.

    Args:
        trackers: Trackers as read; tabs that could not be read are skipped.
        window: Program window and run date for the date rules.
        suites_dir: Where the suite JSON files are.

    Returns:
        One issue per failing cell, except cells that already failed to read.

    Raises:
        SuiteError: A suite lost rules on loading, or a rule crashed.
    """
    import great_expectations as gx  # deferred: 2-3 s to import
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas("trackers").add_dataframe_asset("tab")
    whole_frame = batch.add_batch_definition_whole_dataframe("whole")
    parameters: dict[str, Any] = {
        **window.parameters(),
        "indicator_keys": _indicator_keys(trackers),
    }
    issues: list[Issue] = []
    for tab in TABS:
        located = [
            _Located(tracker, tracker.tabs[tab.name], row)
            for tracker in trackers
            if tab.name in tracker.tabs
            for row in tracker.tabs[tab.name].rows
        ]
        if not located:
            continue
        suite_json = load_suite_json(tab, suites_dir)
        suite = ExpectationSuite(**suite_json)
        _check_complete(tab, suite_json, len(suite.expectations))
        # Validating the batch directly, not through a ValidationDefinition, skips
        # serialising every result into the context's store: a third of GX's time.
        tab_batch = whole_frame.get_batch(batch_parameters={"dataframe": _frame(tab, located)})
        result = tab_batch.validate(
            suite,
            expectation_parameters=parameters,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_id"]},
        )
        issues.extend(_issues_from(tab, result.results, located, window))
    return issues


def _check_complete(tab: Tab, suite_json: dict[str, Any], loaded: int) -> None:
    # GX logs and drops a rule it cannot build (unknown type, bad severity).
    expected = len(suite_json["expectations"])
    if loaded != expected:
        raise SuiteError(
            f"expectations/{tab.slug}.json has {expected} rules but only {loaded} loaded: "
            "a rule has an unknown type or a bad severity"
        )


def _indicator_keys(trackers: Sequence[ParsedTracker]) -> list[str]:
    return sorted(
        _key(tracker.collaborative, row["indicator_id"])
        for tracker in trackers
        if INDICATORS.name in tracker.tabs
        for row in tracker.tabs[INDICATORS.name].rows
        if row["indicator_id"] is not None
    )


def _key(collaborative: str, identifier: object) -> str:
    return f"{collaborative}{_KEY_SEPARATOR}{identifier}"


def _frame(tab: Tab, located: list[_Located]) -> pd.DataFrame:
    records = [
        {"_id": index, "collaborative": item.tracker.collaborative, **item.row}
        for index, item in enumerate(located)
    ]
    frame = pd.DataFrame.from_records(records)
    for column in tab.columns:
        if column.field not in frame:
            continue
        if column.kind in (Kind.DATE, Kind.MONTH):
            frame[column.field] = _dates(frame[column.field])
        elif column.kind in _DTYPES:
            frame[column.field] = frame[column.field].astype(_DTYPES[column.kind])
        elif column.kind is Kind.LIST:
            frame[column.field] = frame[column.field].map("; ".join)
    if tab.name == ACTIVITIES.name:
        known = {id(item.tracker): _partner_ids(item.tracker) for item in located}
        frame[UNKNOWN_PARTNER_IDS] = [
            ", ".join(_unknown_partner_ids(item, known[id(item.tracker)])) or None
            for item in located
        ]
    if tab.name == MEASUREMENTS.name:
        frame[INDICATOR_KEY] = [
            None
            if item.row["indicator_id"] is None
            else _key(item.tracker.collaborative, item.row["indicator_id"])
            for item in located
        ]
    return frame


def _dates(cells: pd.Series[Any]) -> pd.Series[Any]:
    """The column as datetimes, in nanoseconds when every date fits (years 1678 to 2261)."""
    dates = pd.to_datetime(cells.astype(object))
    earliest, latest = _NANOSECOND_DATES
    if dates.isna().all() or (dates.min() >= earliest and dates.max() <= latest):
        return dates.astype("datetime64[ns]")
    return dates


def _partner_ids(tracker: ParsedTracker) -> set[object]:
    partners = tracker.tabs.get(PARTNERS.name)
    return {row["partner_id"] for row in partners.rows} if partners else set()


def _unknown_partner_ids(item: _Located, known: set[object]) -> tuple[str, ...]:
    if PARTNERS.name not in item.tracker.tabs:
        return ()  # no Partners tab is already a structural issue; every ID would be noise
    listed = item.row["partner_ids"]
    assert isinstance(listed, tuple)
    # A withheld ID (personal data) is already a privacy issue on this cell; its
    # stand-in token would mean nothing to the person fixing the sheet.
    return tuple(
        identifier
        for identifier in listed
        if identifier not in known and not is_withheld_id(str(identifier))
    )


def _issues_from(
    tab: Tab, results: list[Any], located: list[_Located], window: CheckWindow
) -> list[Issue]:
    issues = []
    for result in results:
        config = result.expectation_config
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise SuiteError(
                f"rule {config.meta.get('rule')} in expectations/{tab.slug}.json crashed: "
                f"{result.exception_info.get('exception_message')}"
            )
        if result.success:
            continue
        severity = _SEVERITIES[str(config.severity.value)]
        for entry in result.result.get("unexpected_index_list") or []:
            item = located[int(entry["_id"])]
            issue = _issue(tab, item, config.meta, severity, window)
            if issue is not None:
                issues.append(issue)
    return issues


def _issue(
    tab: Tab,
    item: _Located,
    meta: dict[str, Any],
    severity: Severity,
    window: CheckWindow,
) -> Issue | None:
    field_name = str(meta["field"])
    column = tab.column(field_name)
    row_number = int(str(item.row["row"]))
    if (tab.name, row_number, field_name) in item.tracker.unparsed_cells:
        return None  # already reported, more precisely, while reading
    raw_value = item.row.get(field_name)
    if meta["rule"] == "duplicate-id" and raw_value is None:
        return None  # a blank ID is reported once, as required, not as a duplicate
    if meta["rule"] == "unknown-partner":
        raw_value = _unknown_partner_ids(item, _partner_ids(item.tracker))
    if column.kind is Kind.MONTH and isinstance(raw_value, date):
        raw_value = f"{raw_value:%Y-%m}"  # months print as they are written, 2020-03
    value = mask_if_personal(display_value(raw_value))
    message = (
        _fix_for(meta, column, value)
        .replace("{start}", window.start.isoformat())
        .replace("{end}", window.end.isoformat())
        .replace("{run_date}", window.run_date.isoformat())
        .replace("{value}", value)
    )
    position = item.data.positions.get(field_name)
    if position is None:
        message += (
            f" The tab has no '{column.header}' column: add it back (see the tracker template)."
        )
    return located_issue(
        item.tracker,
        item.data,
        row=row_number,
        header=column.header,
        position=position,
        value=value,
        severity=severity,
        rule=str(meta["rule"]),
        message=message,
    )


def _fix_for(meta: dict[str, Any], column: Column, value: str) -> str:
    """The rule's fix: for a near miss of a choice list, the choice it likely meant."""
    near = near_choices(value, column.choices) if "near_message" in meta else []
    if not near:
        return str(meta["message"])
    named = " or ".join(f"'{choice}'" for choice in near)
    return str(meta["near_message"]).replace("{near}", named)


def display_value(value: object) -> str:
    """Return a typed value as a person would read it in an issue."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
