"""Numbers beyond any plausible value are errors naming their cells, and the run finishes.

Before the bounds, two `1e308` Values added up to infinity and `rollups.json` (written with
`allow_nan=False`) crashed the run with a traceback after the reports were written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.issues import Severity
from tests.builders import OPTIONAL_HEADERS, activity, minimal_tabs, partner
from tests.reporting import run_domain

pytestmark = pytest.mark.contract

HUGE = {
    # (tab, sheet row, column): the cell's value
    # A workbook cannot hold infinity, and openpyxl cannot write a whole number of 400
    # digits: tests/unit/test_parsing.py reads those cells as a Google Sheet gives them.
    ("Activities", 2, "Participants"): 1e308,
    ("Activities", 3, "Participants"): "9" * 5_000,
    ("Activities", 4, "Lived experience participants"): 1e308,
    ("Funding", 2, "Amount (USD)"): 1e308,
    ("Funding", 3, "Amount (USD)"): 1e308,
    ("Funding", 4, "Amount (USD)"): "$" + "9" * 400,
    ("Indicators", 2, "Baseline"): "1e999",
    ("Indicators", 2, "Target Y2"): -1e308,
    ("Measurements", 2, "Value"): 1e308,
    ("Measurements", 3, "Value"): 1e308,
    ("Measurements", 4, "Value"): "9" * 400,
}


def _tracker(huge: bool) -> dict[str, list[list[Any]]]:
    """A small tracker; with `huge`, the cells of `HUGE` hold their values."""
    tabs = minimal_tabs([activity(f"A{n}") for n in range(1, 4)], [partner()])
    tabs["Funding"] += [
        [f"F{n}", "County general fund", "Government", "Secured", 1000, date(2020, 2, 1), None]
        for n in range(1, 4)
    ]
    tabs["Indicators"].append(
        ["I1", "Youth leaders trained", "Greater capacity", "Count", "Sum", "Increase", 0, 10, 20]
    )
    tabs["Measurements"] += [["I1", date(2020, 3, 1 + n), 5, None] for n in range(3)]
    if huge:
        for (tab, row, column), value in HUGE.items():
            tabs[tab][row - 1][_headers(tab).index(column)] = value
    return tabs


def _headers(tab: str) -> list[str]:
    return minimal_tabs()[tab][0] if tab in ("Activities", "Partners") else OPTIONAL_HEADERS[tab]


def test_each_implausible_number_is_an_error_on_its_cell_and_the_figures_stay_finite(
    tmp_path: Path,
) -> None:
    """Counts, amounts, baselines, targets and values: each named; nothing is infinite."""
    run = run_domain(tmp_path, {"huge": _tracker(huge=True), "plain": _tracker(huge=False)})
    errors = {
        (issue.tab, issue.row, issue.column)
        for issue in run.issues
        if issue.collaborative == "huge" and issue.severity is Severity.ERROR
    }
    assert set(HUGE) <= errors
    # Written with allow_nan=False, so an infinite figure would have failed the run.
    rollups = json.loads((run.out / "rollups.json").read_text(), parse_constant=_refuse)
    assert rollups["collaboratives"]["plain"] == _alone(tmp_path)["collaboratives"]["plain"]


def _alone(tmp_path: Path) -> dict[str, Any]:
    """The rollups of the plain tracker run on its own."""
    run = run_domain(tmp_path / "alone", {"plain": _tracker(huge=False)})
    return json.loads((run.out / "rollups.json").read_text())  # type: ignore[no-any-return]


def _refuse(constant: str) -> None:
    raise AssertionError(f"rollups.json holds {constant}")
