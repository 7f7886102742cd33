"""Hostile cells under a run's rules: junk never raises, formula-like text stays inert.

The rules of a run (reading and the Great Expectations suites) find what is wrong; a row
with an error counts toward no figure, is listed as excluded in `audit.xlsx`, and the
workbook still reconciles with `rollups.json`. Formula-like text typed where a choice
goes reaches `issues.csv` escaped.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.config import Config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.outputs.audit import audit_workbook
from stc_reporting.outputs.spreadsheet_safety import is_formula_like
from stc_reporting.outputs.writer import issues_csv_bytes
from stc_reporting.pipeline import check_trackers
from tests.audit_reading import read_audit, reconcile
from tests.tracker_strategies import (
    PAYLOADS,
    PROPERTY,
    as_json,
    as_of_dates,
    planted_tracker,
    roll_up,
    trackers,
)

pytestmark = pytest.mark.contract

RUN_DATE = date(2021, 11, 20)


def run_rules(config: Config, parsed: list[ParsedTracker]) -> list[Issue]:
    """Every issue a run finds: reading, the GX rules, outliers."""
    return check_trackers(config, parsed, RUN_DATE)


junk = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["=1+1", "#REF!", "\u202e", "🙂", "N/A", "-", "1e5", "3/15/2020", " "]),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
"""Anything a cell can hold (numbers bounded: numbers beyond any plausible value are
refused at reading by their own rule)."""


@PROPERTY
@given(
    tabs=trackers(),
    cells=st.lists(
        st.tuples(st.sampled_from(["Activities", "Partners", "Funding", "Measurements"]),
                  st.integers(1, 12), st.integers(0, 10), junk),
        min_size=1, max_size=8,
    ),
    as_of=as_of_dates,
)  # fmt: skip
def test_junk_in_any_cell_becomes_an_issue_never_an_exception(
    tabs: dict[str, list[list[Any]]], cells: list[tuple[str, int, int, Any]], as_of: date
) -> None:
    """Rows in error count toward nothing and are listed as excluded; every output is made."""
    for tab, row, column, value in cells:
        grid = tabs[tab]
        while len(grid) <= row:
            grid.append([None] * len(grid[0]))
        if column < len(grid[row]):
            grid[row][column] = value
    traced, issues = roll_up({"alpha": tabs}, as_of, run_rules)
    issues_csv_bytes(issues)
    content = audit_workbook(traced, ["alpha"])
    audit = read_audit(content)
    assert reconcile(content, as_json(traced)) == []
    in_error = {(i.tab, i.row) for i in issues if i.excludes_row}
    counted = {(r["Tab"], r["Sheet row"]) for r in audit.rows}
    assert not in_error & counted
    listed = {(r["Tab"], r["Sheet row"]) for r in audit.excluded if r["Period"] == "(every period)"}
    assert listed == in_error


def test_formula_like_values_are_escaped_in_issues_csv() -> None:
    """Each payload typed where a choice goes reaches issues.csv with a leading apostrophe."""
    _, issues = roll_up({"alpha": planted_tracker()}, date(2021, 10, 31), run_rules)
    rows = list(csv.reader(io.StringIO(issues_csv_bytes(issues).decode())))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if is_formula_like(cell)]
    values = {row[4] for row in rows[1:]}
    for payload in PAYLOADS:
        assert "'" + " ".join(payload.split()) in values or "'" + payload in values, payload
