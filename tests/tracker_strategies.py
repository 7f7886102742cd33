"""Random trackers (hypothesis) as a person could fill them, read as a run reads them.

Shared by the audit workbook's and the whole-tracker property tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from stc_reporting.config import Config
from stc_reporting.contract.tabs import (
    CORE_COMPONENTS,
    FUNDING,
    FUNDING_STATUSES,
    INDICATORS,
    LESSON_KINDS,
    LESSONS,
    MEASUREMENTS,
    MILESTONE_STATUSES,
    MILESTONE_TYPES,
    MILESTONES,
    OUTCOMES,
    SECTORS,
    SOURCE_TYPES,
    STRATEGIES,
    SUBMISSIONS,
    UNITS,
)
from stc_reporting.figures.build import RunSelection, TracedRollups, build_traced_rollups
from stc_reporting.figures.document import rollups_json
from stc_reporting.ingest.reading import ParsedTracker, read_tracker
from stc_reporting.issues import Issue
from stc_reporting.sources import RawTracker
from tests.builders import Grid, activity, minimal_tabs, partner, raw_tracker

START = date(2018, 11, 1)
WINDOW_END = date(2021, 10, 31)
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Modest: each example reads, rolls up and writes a workbook (the suite is long already)."""


class MemorySource:
    """A tracker source that hands back cells held in memory (a Google Sheet if given an id)."""

    def __init__(self, tabs: Mapping[str, Grid], spreadsheet_id: str | None = None) -> None:
        self.tabs = tabs
        self.spreadsheet_id = spreadsheet_id

    def read(self) -> RawTracker:
        """The tracker's cells; a Google Sheet's tabs have ids (gid) 100, 101, ..."""
        tracker = raw_tracker(self.tabs, self.spreadsheet_id)
        if self.spreadsheet_id is None:
            return tracker
        tabs = tuple(replace(tab, gid=100 + n) for n, tab in enumerate(tracker.tabs))
        return replace(tracker, tabs=tabs)


def config_for(identifiers: list[str]) -> Config:
    """A program config naming these collaboratives (the first is a Google Sheet)."""
    collaboratives: list[dict[str, Any]] = [
        {"id": identifier, "name": identifier.title(), "city": "Fresno"}
        | (
            {"sheet_id": f"sheet-{identifier}"}
            if index == 0
            else {"workbook": f"{identifier}.xlsx"}
        )
        for index, identifier in enumerate(identifiers)
    ]
    return Config.model_validate(
        {
            "program": {
                "name": "Safety Through Connection",
                "funder": "Test Funder",
                "start": START,
                "end": WINDOW_END,
                "years": [2, 3],
            },
            "collaboratives": collaboratives,
        }
    )


def roll_up(
    trackers: Mapping[str, Mapping[str, Grid]],
    as_of: date,
    check: Callable[[Config, list[ParsedTracker]], list[Issue]] | None = None,
) -> tuple[TracedRollups, list[Issue]]:
    """Read the trackers as a run does and roll them up with lineage.

    Args:
        trackers: Each collaborative's tabs (the first is read as a Google Sheet).
        as_of: The run's as-of date.
        check: Finds the issues (a run's rules); default the reading issues only.
    """
    config = config_for(list(trackers))
    parsed = [
        read_tracker(MemorySource(tabs, f"sheet-{identifier}" if index == 0 else None), identifier)
        for index, (identifier, tabs) in enumerate(trackers.items())
    ]
    if check is None:
        issues = [issue for tracker in parsed for issue in tracker.issues]
    else:
        issues = check(config, parsed)
    selection = RunSelection(tuple(config.collaboratives), as_of)
    return build_traced_rollups(config, selection, parsed, issues), issues


def as_json(traced: TracedRollups) -> dict[str, Any]:
    """`rollups.json` as a program reading it sees it."""
    document: dict[str, Any] = json.loads(rollups_json(traced.rollups))
    return document


# --- Random valid trackers -------------------------------------------------------------

days = st.dates(min_value=START, max_value=WINDOW_END)


@st.composite
def trackers(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    """One valid tracker: every tab, rows dated anywhere in the program window."""
    partner_ids = [f"P{n}" for n in range(draw(st.integers(0, 6)))]
    partners = []
    for identifier in partner_ids:
        joined = draw(days)
        left = draw(st.none() | st.dates(min_value=joined, max_value=WINDOW_END))
        commitment = draw(st.none() | st.dates(min_value=joined, max_value=WINDOW_END))
        partners.append(
            partner(
                identifier,
                sector=draw(st.sampled_from(SECTORS)),
                joined=joined,
                left=left,
                prior_ipv=draw(st.sampled_from(["Yes", "No"])),
                commitment=commitment,
            )
        )
    activities = []
    for number in range(draw(st.integers(0, 12))):
        participants = draw(st.integers(0, 300))
        named = draw(st.lists(st.sampled_from(partner_ids), max_size=3)) if partner_ids else []
        activities.append(
            activity(
                f"A{number}",
                day=draw(days),
                component=draw(st.sampled_from(CORE_COMPONENTS)),
                strategy=draw(st.none() | st.sampled_from(STRATEGIES)),
                status=draw(st.sampled_from(["Completed", "Planned", "Cancelled"])),
                participants=participants,
                lived=draw(st.none() | st.integers(0, participants)),
                partners="; ".join(named) or None,
            )
        )
    tabs = minimal_tabs(activities, partners)
    tabs[MILESTONES.name] += [
        [f"M{n}", draw(days), draw(st.sampled_from(MILESTONE_TYPES)), None,
         draw(st.sampled_from(MILESTONE_STATUSES)), "A milestone"]
        for n in range(draw(st.integers(0, 5)))
    ]  # fmt: skip
    amounts = st.integers(1, 10_000_000).map(lambda cents: cents / 100)
    tabs[FUNDING.name] += [
        [f"F{n}", "A funder", draw(st.sampled_from(SOURCE_TYPES)),
         draw(st.sampled_from(FUNDING_STATUSES)), draw(amounts), draw(days), None]
        for n in range(draw(st.integers(0, 5)))
    ]  # fmt: skip
    tabs[LESSONS.name] += [
        [f"L{n}", draw(days), draw(st.sampled_from(LESSON_KINDS)), None, "A lesson",
         draw(st.sampled_from(["Yes", "No"]))]
        for n in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    _indicators(draw, tabs)
    months = draw(st.sets(st.integers(0, 35), max_size=24))
    tabs[SUBMISSIONS.name] += [
        [_month(number), _month(number + 1) + timedelta(days=draw(st.integers(0, 40)))]
        for number in sorted(months)
        if _month(number + 1) <= WINDOW_END
    ]
    return tabs


def _month(number: int) -> date:
    """The first day of the `number`-th month of the program (0: November 2018)."""
    year, month = divmod(START.month - 1 + number, 12)
    return date(START.year + year, month + 1, 1)


def _indicators(draw: st.DrawFn, tabs: dict[str, list[list[Any]]]) -> None:
    values = st.integers(0, 10_000).map(lambda tenths: tenths / 10)
    targets = st.none() | values
    for number in range(draw(st.integers(0, 3))):
        identifier = f"I{number}"
        aggregation = draw(st.sampled_from(["Sum", "Latest", "Mean", "Max"]))
        tabs[INDICATORS.name].append(
            [identifier, "An indicator", draw(st.sampled_from(OUTCOMES)),
             draw(st.sampled_from(UNITS[:1] + UNITS[2:])), aggregation,
             draw(st.sampled_from(["Increase", "Decrease"])), None, draw(targets), draw(targets)]
        )  # fmt: skip
        tabs[MEASUREMENTS.name] += [
            [identifier, draw(days), draw(values), None] for _ in range(draw(st.integers(0, 5)))
        ]


as_of_dates = st.dates(min_value=date(2020, 1, 31), max_value=WINDOW_END)


# --- Formula injection ---------------------------------------------------------------

PAYLOADS = (
    '=HYPERLINK("#evil","click")',
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
    "+1",
    "-1+1",
    "@SUM(1)",
)


def planted_tracker() -> dict[str, list[list[Any]]]:
    """The payloads as ids (valid rows, so they reach the audit) and as choices (issues)."""
    activities = [activity(payload, day=date(2020, 2, 1)) for payload in PAYLOADS]
    activities += [activity(f"B{n}", status=payload) for n, payload in enumerate(PAYLOADS)]
    return minimal_tabs(activities, [partner(payload) for payload in PAYLOADS])
