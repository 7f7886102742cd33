"""Reads spread over workers: snapshots stored in a shared folder and read back (pipeline)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.config import CollaborativeConfig
from stc_reporting.outputs.folder import OutputFolderError
from stc_reporting.pipeline import fetch_tracker, read_stored_snapshots, store_snapshots
from tests.builders import PLANTED, activity, minimal_tabs, personal_tabs, write_workbook

pytestmark = pytest.mark.unit

AS_OF, READ_ON = date(2021, 10, 31), date(2021, 11, 3)


def collaborative(identifier: str, workbook: Path) -> CollaborativeConfig:
    return CollaborativeConfig(id=identifier, name=identifier.title(), city="X", workbook=workbook)


@pytest.fixture
def program(tmp_path: Path) -> list[CollaborativeConfig]:
    """A clean tracker, one holding personal data, and one whose workbook is missing."""
    clean = write_workbook(tmp_path / "clean.xlsx", minimal_tabs([activity("A1")]))
    personal = write_workbook(tmp_path / "personal.xlsx", personal_tabs())
    return [
        collaborative("clean", clean),
        collaborative("personal", personal),
        collaborative("missing", tmp_path / "missing.xlsx"),
    ]


def test_trackers_read_back_from_stored_snapshots_equal_the_trackers_as_read(
    tmp_path: Path, program: list[CollaborativeConfig]
) -> None:
    """Stored and read back, every tracker is the one read: records, issues, failure, cells."""
    folder = tmp_path / "reads"
    folder.mkdir()
    read = [fetch_tracker(c) for c in program]

    written = store_snapshots(folder, read, AS_OF, READ_ON)

    assert sorted(written) == sorted(f"snapshots/{c.id}.json" for c in program)
    assert read_stored_snapshots(program, folder) == read
    assert read[2].failed and read[2].unreadable


def test_stored_snapshots_hold_no_personal_data(
    tmp_path: Path, program: list[CollaborativeConfig]
) -> None:
    """What travels between workers is what ingest kept: no planted personal data."""
    folder = tmp_path / "reads"
    folder.mkdir()
    store_snapshots(folder, [fetch_tracker(c) for c in program], AS_OF, READ_ON)

    stored = "".join(p.read_text() for p in sorted((folder / "snapshots").glob("*.json")))
    assert json.loads((folder / "snapshots/clean.json").read_text())["as_of"] == "2021-10-31"
    for value in PLANTED.values():
        assert value not in stored


def test_a_worker_that_does_not_see_the_folder_writes_nothing(
    tmp_path: Path, program: list[CollaborativeConfig]
) -> None:
    """A folder of reads missing here (storage not shared) is an error; none is made."""
    folder = tmp_path / "not-shared"
    with pytest.raises(OutputFolderError, match="every worker must share"):
        store_snapshots(folder, [fetch_tracker(program[0])], AS_OF, READ_ON)
    assert not folder.exists()


def test_a_tracker_without_a_stored_snapshot_fails_alone_saying_where_it_looked(
    tmp_path: Path, program: list[CollaborativeConfig]
) -> None:
    """Only the collaborative whose snapshot is missing fails, and the reason names the folder."""
    folder = tmp_path / "reads"
    folder.mkdir()
    store_snapshots(folder, [fetch_tracker(program[0])], AS_OF, READ_ON)

    clean, personal = read_stored_snapshots(program[:2], folder)

    assert not clean.failed
    assert personal.failure is not None
    assert f"without leaving its snapshot in {folder}" in personal.failure.reason
