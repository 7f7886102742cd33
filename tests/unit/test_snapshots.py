"""Snapshots: a tracker's kept cells stored as JSON and read back exactly, and what is kept."""

from __future__ import annotations

import json
import math
from dataclasses import fields
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from stc_reporting.ingest.reading import ParsedTracker, parse_tracker, read_tracker
from stc_reporting.ingest.withholding import withhold_personal_data
from stc_reporting.privacy import PersonalData
from stc_reporting.sources import RawRow, RawTab, RawTracker, TrackerUnreadableError, WithheldCell
from stc_reporting.sources.snapshot import (
    Snapshot,
    SnapshotRow,
    SnapshotSource,
    SnapshotTab,
    SnapshotTracker,
    decode_cell,
    encode_cell,
    load_snapshot,
    raw_tracker_of,
    recorded_dates,
    snapshot_json,
    snapshot_of,
)
from tests.builders import PLANTED, activity, minimal_tabs, partner, personal_tabs, raw_tracker

pytestmark = pytest.mark.unit

AS_OF, READ_ON = date(2021, 10, 31), date(2021, 11, 3)

cells = st.one_of(
    st.none(),
    st.text(),
    st.booleans(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    # `fold` only tells apart a repeated local hour, which a sheet cell never has.
    st.datetimes().map(lambda moment: moment.replace(fold=0)),
    st.times().map(lambda moment: moment.replace(fold=0)),
    st.timedeltas(),
    st.builds(WithheldCell, st.one_of(st.none(), st.sampled_from(list(PersonalData))), st.text()),
)
rows = st.lists(cells, max_size=6).map(tuple)
tabs = st.builds(
    RawTab,
    title=st.text(),
    header=rows,
    rows=st.lists(st.builds(RawRow, st.integers(2, 5000), rows), max_size=4).map(tuple),
    gid=st.one_of(st.none(), st.integers(0, 2**31)),
)
trackers = st.builds(
    RawTracker,
    description=st.text(),
    tabs=st.lists(tabs, max_size=3).map(tuple),
    spreadsheet_id=st.one_of(st.none(), st.text(min_size=1)),
)


def exactly(tracker: RawTracker) -> object:
    """A tracker's cells with their types, comparable even where `1 == 1.0 == True`, or NaN."""

    def cell(value: object) -> object:
        return (type(value).__name__, "nan" if value != value else repr(value))

    return (
        tracker.description,
        tracker.spreadsheet_id,
        [
            (
                tab.title,
                tab.gid,
                [cell(c) for c in tab.header],
                [(row.number, [cell(c) for c in row.cells]) for row in tab.rows],
            )
            for tab in tracker.tabs
        ],
    )


def stored(tracker: RawTracker, folder: Path, collaborative: str = "x") -> Path:
    """Write a snapshot file of these kept cells, as a run does."""
    path = folder / f"{collaborative}.json"
    snapshot = Snapshot(
        collaborative=collaborative,
        read_on=READ_ON,
        as_of=AS_OF,
        tracker=snapshot_of(tracker),
        unreadable=None,
    )
    path.write_bytes(snapshot_json(snapshot))
    return path


@given(trackers)
def test_a_snapshot_gives_back_exactly_the_cells_it_stored(tracker: RawTracker) -> None:
    """Every cell type survives the file: ints stay ints, dates dates, NaN NaN, markers markers."""
    snapshot = Snapshot(
        collaborative="x",
        read_on=READ_ON,
        as_of=AS_OF,
        tracker=snapshot_of(tracker),
        unreadable=None,
    )
    again = Snapshot.model_validate_json(snapshot_json(snapshot))
    assert again.tracker is not None
    assert exactly(raw_tracker_of(again.tracker)) == exactly(tracker)
    assert snapshot_json(again) == snapshot_json(snapshot)


@pytest.mark.parametrize(
    ("raw", "stored_as"),
    [(RawTracker, SnapshotTracker), (RawTab, SnapshotTab), (RawRow, SnapshotRow)],
)
def test_a_snapshot_stores_everything_a_source_tells(raw: type, stored_as: type[BaseModel]) -> None:
    """A field added to the raw tracker must be added to the format too, or replays drift."""
    assert {f.name for f in fields(raw)} == set(stored_as.model_fields)


def test_cells_are_a_tagged_union_that_reads_like_the_sheet() -> None:
    """Plain values stand for themselves; dates and markers name their type."""
    assert encode_cell(12) == 12 and isinstance(decode_cell(12.0), float)
    assert encode_cell(date(2021, 3, 4)) == {"date": "2021-03-04"}
    assert encode_cell(datetime(2021, 3, 4, 5, 6)) == {"datetime": "2021-03-04T05:06:00"}
    assert encode_cell(math.inf) == {"float": "inf"}
    assert encode_cell(WithheldCell(PersonalData.PHONE)) == {
        "withheld": {"kind": "phone number", "kept": ""}
    }
    assert decode_cell({"time": "10:30:00"}) == time(10, 30)
    assert decode_cell({"duration": [1, 2, 3]}) == timedelta(1, 2, 3)


def test_a_cell_snapshots_cannot_store_is_refused_not_guessed() -> None:
    """An unknown type or tag fails loudly, so a new cell type is added on purpose."""
    with pytest.raises(TypeError, match="complex"):
        encode_cell(1j)
    with pytest.raises(ValueError, match="unknown cell type"):
        decode_cell({"colour": "red"})
    with pytest.raises(ValueError, match="one key"):
        decode_cell({"date": "2021-01-01", "time": "10:00"})


def test_the_file_is_sorted_json_with_one_line_per_row(tmp_path: Path) -> None:
    """Keys sorted, a header and each row on a line of their own, so snapshots diff by row."""
    path = stored(
        raw_tracker(minimal_tabs([activity("A1"), activity("A2")], [partner()])), tmp_path
    )
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == sorted(document)
    assert document["schema_version"] == 1
    assert sum('"cells": ["A' in line for line in text.splitlines()) == 2


# --- What is kept -----------------------------------------------------------------------


def personal_tracker() -> RawTracker:
    """A tracker with personal data wherever a person could type it."""
    return raw_tracker(personal_tabs())


def reading(tracker: ParsedTracker) -> object:
    """Everything reading gives, but the kept cells themselves."""
    return (
        tracker.issues,
        {name: (tab.rows, tab.positions, tab.sheet_title) for name, tab in tracker.tabs.items()},
        tracker.unparsed_cells,
        tracker.failure,
    )


def test_the_kept_cells_read_exactly_as_the_tracker_did() -> None:
    """Reading the kept cells again gives the same rows, issues and failures, privacy included."""
    first = parse_tracker(personal_tracker(), "x")
    assert first.kept is not None
    again = parse_tracker(first.kept, "x")
    assert reading(again) == reading(first)
    assert sum(i.severity == "privacy" for i in first.issues) == 5  # a column and four cells


def test_withholding_kept_cells_again_changes_nothing() -> None:
    """The privacy step is idempotent, so a replayed run stores the same snapshot."""
    kept = withhold_personal_data(personal_tracker())
    assert exactly(withhold_personal_data(kept)) == exactly(kept)


def test_a_snapshot_holds_none_of_the_personal_data(tmp_path: Path) -> None:
    """No planted value, nor any part of one, is in the file; nor is a tab outside the format."""
    kept = parse_tracker(personal_tracker(), "x").kept
    assert kept is not None
    text = stored(kept, tmp_path).read_text(encoding="utf-8")
    for where, value in PLANTED.items():
        assert value not in text, where
    for fragment in ("rosa", "lupe", "555-01", "Olive", "j.doe", "boss@", "Elm"):
        assert fragment not in text
    assert "Contacts" not in text
    assert '"Email"' in text  # the header stays, so the replay names the column again


def test_a_row_with_text_only_in_an_unread_column_still_counts() -> None:
    """Dropping an unread cell keeps that the row is not blank, so the same rows are read."""
    kept = parse_tracker(personal_tracker(), "x").kept
    assert kept is not None
    last_row = kept.tabs[0].rows[-1]
    assert last_row.cells[-1] == WithheldCell()
    assert [r["row"] for r in parse_tracker(kept, "x").tabs["Activities"].rows] == [2, 3, 4, 5]


# --- Reading a snapshot back -----------------------------------------------------------


def test_the_snapshot_source_reads_back_what_the_run_kept(tmp_path: Path) -> None:
    """Through the source interface the replay reads the same tracker."""
    first = parse_tracker(personal_tracker(), "x")
    assert first.kept is not None
    stored(first.kept, tmp_path)
    assert reading(read_tracker(SnapshotSource(tmp_path, "x"), "x")) == reading(first)


def test_a_missing_snapshot_fails_that_collaborative_saying_so(tmp_path: Path) -> None:
    """No file: the collaborative fails with the path, others are not affected."""
    tracker = read_tracker(SnapshotSource(tmp_path, "gone"), "gone")
    assert tracker.failure is not None
    assert f"there is no snapshot {tmp_path / 'gone.json'}" in tracker.failure.reason


def test_an_unreadable_tracker_replays_with_the_same_reason(tmp_path: Path) -> None:
    """The snapshot of a tracker that could not be read holds the reason, and only that."""
    snapshot = Snapshot(
        collaborative="x", read_on=READ_ON, as_of=AS_OF, tracker=None, unreadable="no file"
    )
    (tmp_path / "x.json").write_bytes(snapshot_json(snapshot))
    replayed = read_tracker(SnapshotSource(tmp_path, "x"), "x")
    assert replayed.unreadable == "no file"
    assert replayed.failure is not None and replayed.failure.reason.endswith("read: no file")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot be used"),
        ('{"schema_version": 2}', "cannot be used"),
    ],
)
def test_a_damaged_snapshot_is_refused(tmp_path: Path, content: str, message: str) -> None:
    """A file that is not a snapshot of this format fails its collaborative, clearly."""
    (tmp_path / "x.json").write_text(content)
    with pytest.raises(TrackerUnreadableError, match=message):
        load_snapshot(tmp_path / "x.json")


def test_a_snapshot_of_another_collaborative_is_refused(tmp_path: Path) -> None:
    """A file renamed by hand is not replayed as someone else's tracker."""
    stored(raw_tracker(minimal_tabs()), tmp_path, "oakland").rename(tmp_path / "fresno.json")
    with pytest.raises(TrackerUnreadableError, match="of 'oakland', not 'fresno'"):
        SnapshotSource(tmp_path, "fresno").read()


def test_replayed_dates_come_from_the_snapshots_and_must_agree(tmp_path: Path) -> None:
    """One run's snapshots give its dates; a mix of runs is refused, naming both."""
    stored(raw_tracker(minimal_tabs()), tmp_path, "a")
    assert recorded_dates(tmp_path, ["a", "missing"]) == (AS_OF, READ_ON)
    assert recorded_dates(tmp_path, ["missing"]) is None
    other = Snapshot(
        collaborative="b", read_on=date(2021, 12, 2), as_of=AS_OF, tracker=None, unreadable="x"
    )
    (tmp_path / "b.json").write_bytes(snapshot_json(other))
    with pytest.raises(ValueError, match="different runs"):
        recorded_dates(tmp_path, ["a", "b"])


def test_percent_formatted_cells_survive_a_snapshot() -> None:
    """A replay reads a percent cell as points, as the run did: the marks are stored."""
    tab = RawTab(
        "Measurements",
        ("Indicator ID", "Date", "Value"),
        (RawRow(2, ("I1", date(2021, 1, 5), 0.662)),),
        percent_cells=frozenset({(2, 2)}),
    )
    raw = RawTracker("t.xlsx", (tab,))
    assert raw_tracker_of(snapshot_of(raw)) == raw
