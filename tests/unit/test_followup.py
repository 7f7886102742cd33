"""Issues are followed from month to month by keys that survive rows moving."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.checks.followup import (
    Acknowledgement,
    History,
    follow_up,
    followup_json,
    issue_keys,
    load_acknowledgements,
)
from stc_reporting.ingest.reading import parse_tracker
from tests.builders import activity, minimal_tabs, partner, raw_tracker

pytestmark = pytest.mark.unit

OCTOBER, NOVEMBER = date(2021, 10, 31), date(2021, 11, 30)


def read(rows: list[list[Any]]):  # type: ignore[no-untyped-def]
    tracker = parse_tracker(raw_tracker(minimal_tabs(rows, [partner()])), "x")
    return tracker, tracker.issues


def test_keys_survive_rows_inserted_above() -> None:
    """The bad date of activity A7 keeps its key when two rows are added on top."""
    tracker, issues = read([activity("A1"), activity("A7", day="TBD")])
    moved, moved_issues = read(
        [activity("A0"), activity("B0"), activity("A1"), activity("A7", day="TBD")]
    )
    assert issues[0].row == 3 and moved_issues[0].row == 5
    assert issue_keys(issues, [tracker]) == issue_keys(moved_issues, [moved])
    assert issue_keys(issues, [tracker]) == ["x / Activities / id A7 / Date / bad-date"]


def test_rows_sharing_an_id_get_numbered_keys() -> None:
    """Two copies of one bad row are two issues, two keys."""
    tracker, issues = read([activity("A1", day="TBD"), activity("A1", day="TBD")])
    keys = issue_keys(issues, [tracker])
    assert keys[1] == keys[0] + " #2"


def test_new_then_still_open_then_fixed() -> None:
    """October: new. November, unchanged: open since October. December, gone: fixed."""
    tracker, issues = read([activity("A7", day="TBD")])
    october = follow_up(issues, [tracker], OCTOBER, previous=None)
    assert [(t.status, t.since) for t in october.tracked] == [("new", "2021-10")]
    november = follow_up(
        issues, [tracker], NOVEMBER, previous=History.from_document(followup_json(october))
    )
    assert [(t.status, t.since) for t in november.tracked] == [("open", "2021-10")]
    clean, _ = read([activity("A7")])
    december = follow_up(
        [], [clean], date(2021, 12, 31), previous=History.from_document(followup_json(november))
    )
    assert [f.key for f in december.fixed] == ["x / Activities / id A7 / Date / bad-date"]
    assert followup_json(december)["counts"] == {"new": 0, "open": 0, "acknowledged": 0, "fixed": 1}


def test_a_warning_can_be_acknowledged_but_an_error_cannot() -> None:
    """Acknowledged warnings stop counting as open; errors and unknown keys are reported."""
    tracker, issues = read([activity("A1", partners="P9"), activity("A7", day="TBD")])
    from stc_reporting.checks.validation import CheckWindow, validate_trackers

    issues = [
        *issues,
        *validate_trackers(
            [tracker], CheckWindow(date(2018, 11, 1), date(2021, 10, 31), date(2022, 1, 1))
        ),
    ]
    keys = issue_keys(issues, [tracker])
    warning = next(k for k in keys if k.endswith("unknown-partner"))
    error = next(k for k in keys if k.endswith("bad-date"))
    acks = [
        Acknowledgement(key=k, reason="known", date=date(2021, 11, 2))
        for k in (warning, error, "x / Activities / id A99 / Date / bad-date")
    ]
    result = follow_up(issues, [tracker], OCTOBER, None, acks)
    status = {t.key: t.status for t in result.tracked}
    assert status[warning] == "acknowledged" and status[error] == "new"
    assert len(result.acknowledgement_problems) == 2
    assert any("cannot be acknowledged" in p for p in result.acknowledgement_problems)
    assert any("matches no current issue" in p for p in result.acknowledgement_problems)


def test_a_broken_acknowledgements_file_is_reported_not_ignored(tmp_path: Path) -> None:
    """An entry without a reason is a problem the run states."""
    path = tmp_path / "acknowledgements.yaml"
    path.write_text("- {key: 'x / a', date: 2021-11-02}\n")
    acknowledgements, problems = load_acknowledgements(path)
    assert acknowledgements == [] and "reason" in problems[0]
