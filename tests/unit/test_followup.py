"""Issues are followed from month to month by keys that survive rows moving."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.checks.followup import (
    FOLLOWUP_FILE,
    Acknowledgement,
    History,
    follow_up,
    followup_json,
    issue_keys,
    load_acknowledgements,
    read_history,
)
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker, unreadable_tracker
from stc_reporting.issues import Issue, Severity
from tests.builders import activity, minimal_tabs, partner, raw_tracker

pytestmark = pytest.mark.unit

OCTOBER, NOVEMBER = date(2021, 10, 31), date(2021, 11, 30)


def read(rows: list[list[Any]], collaborative: str = "x") -> tuple[ParsedTracker, list[Issue]]:
    tracker = parse_tracker(raw_tracker(minimal_tabs(rows, [partner()])), collaborative)
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
    # the warning the suites give for P9 (built here: the unit tier stays free of GX)
    unknown = Issue(
        "x", "Activities", 2, "Partner IDs", "P9", Severity.WARNING, "unknown-partner", "m"
    )
    issues = [*issues, unknown]
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


def two_collaboratives_in_october() -> History:
    """October's history: x and y each have one bad date, both checked completely."""
    x, x_issues = read([activity("A7", day="TBD")], "x")
    y, y_issues = read([activity("B3", day="TBD")], "y")
    october = follow_up([*x_issues, *y_issues], [x, y], OCTOBER, previous=None)
    return History.from_document(followup_json(october))


def test_a_partial_run_never_marks_another_collaboratives_issues_fixed() -> None:
    """November, only x (fixed): x's issue is fixed; y's history is carried over unchanged."""
    history = two_collaboratives_in_october()
    clean_x, _ = read([activity("A7")], "x")
    november = follow_up([], [clean_x], NOVEMBER, history)
    assert [f.collaborative for f in november.fixed] == ["x"]
    assert november.compared == {"x": "2021-10"}
    document = followup_json(november)
    assert document["checked"] == {"x": "2021-11", "y": "2021-10"}
    assert [(e["collaborative"], e["status"], e["since"]) for e in document["issues"]] == [
        ("x", "fixed", "2021-10"),
        ("y", "new", "2021-10"),
    ]


def test_a_collaborative_whose_tracker_failed_keeps_its_last_complete_check() -> None:
    """When y cannot be read in November nothing of it is fixed; December compares with October."""
    history = two_collaboratives_in_october()
    x, x_issues = read([activity("A7", day="TBD")], "x")
    failed = unreadable_tracker("y", "the file is missing")
    november = follow_up([*x_issues, *failed.issues], [x, failed], NOVEMBER, history)
    assert november.fixed == []
    assert [(t.issue.collaborative, t.status) for t in november.tracked] == [
        ("x", "open"),
        ("y", "new"),
    ]
    y, y_issues = read([activity("B3", day="TBD")], "y")
    december = follow_up(
        [*x_issues, *y_issues],
        [x, y],
        date(2021, 12, 31),
        History.from_document(followup_json(november)),
    )
    assert [(t.issue.collaborative, t.status, t.since) for t in december.tracked] == [
        ("x", "open", "2021-10"),
        ("y", "open", "2021-10"),
    ]
    assert december.compared == {"x": "2021-11", "y": "2021-10"}


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"month": "2021-10", "issues": [{"key": 3}]}'],
)
def test_a_damaged_followup_file_is_reported_never_raised(tmp_path: Path, content: bytes) -> None:
    """Broken JSON, bad bytes, the wrong shape: an empty history with a problem naming it."""
    (tmp_path / FOLLOWUP_FILE).write_bytes(content)
    history = read_history(tmp_path)
    assert history.entries == () and history.checked == {}
    assert history.problem is not None and str(tmp_path / FOLLOWUP_FILE) in history.problem
    tracker, issues = read([activity("A7", day="TBD")])
    result = follow_up(issues, [tracker], OCTOBER, history)
    assert result.history_problem == history.problem
    assert [t.status for t in result.tracked] == ["new"] and result.compared_with is None


def test_a_followup_file_from_before_per_collaborative_checks_still_counts(tmp_path: Path) -> None:
    """A file without `checked` counts each collaborative it lists as checked in its month."""
    tracker, issues = read([activity("A7", day="TBD")])
    legacy = followup_json(follow_up(issues, [tracker], OCTOBER, None))
    del legacy["checked"]
    (tmp_path / FOLLOWUP_FILE).write_text(json.dumps(legacy))
    history = read_history(tmp_path)
    assert history.problem is None and history.checked == {"x": "2021-10"}
    november = follow_up(issues, [tracker], NOVEMBER, history)
    assert [(t.status, t.since) for t in november.tracked] == [("open", "2021-10")]
