"""`rollups.json` of real runs reads back into the model and writes the same bytes again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stc_reporting.config import load_config
from stc_reporting.figures.build import RunSelection, build_rollups
from stc_reporting.figures.document import (
    FailedCollaborative,
    Rollups,
    read_rollups,
    rollups_json,
)
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.pipeline import check_trackers, fetch_tracker
from tests.builders import activity, minimal_tabs, partner
from tests.reporting import run_domain

pytestmark = pytest.mark.contract

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "program.yaml"


def round_trip(rollups: Rollups, folder: Path) -> tuple[bytes, bytes]:
    """Write the document, read the file back, write again: both files' bytes."""
    first = folder / "first.json"
    first.write_bytes(rollups_json(rollups))
    again = read_rollups(first)
    assert again == rollups
    return first.read_bytes(), rollups_json(again)


def test_the_sample_run_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """The five sample trackers: write, read, write gives identical bytes."""
    config = load_config(SAMPLE_CONFIG)
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    issues = check_trackers(config, trackers, date(2021, 11, 20))
    selection = RunSelection(tuple(config.collaboratives), date(2021, 10, 31))
    rollups = build_rollups(config, selection, trackers, issues)
    written, rewritten = round_trip(rollups, tmp_path)
    assert written == rewritten
    assert len(rollups.reporting) == 5


def test_a_run_with_failed_collaboratives_round_trips_and_says_why_by_kind(
    tmp_path: Path,
) -> None:
    """A missing tab and a missing file: each failed entry carries its kind and tabs."""
    no_partners = minimal_tabs([activity()], [])
    del no_partners["Partners"]
    run = run_domain(
        tmp_path,
        {"ok": minimal_tabs([activity()], [partner()]), "tabless": no_partners, "gone": None},
    )
    written, rewritten = round_trip(run.rollups, tmp_path)
    assert written == rewritten
    assert run.rollups.collaboratives_failed == ["tabless", "gone"]
    tabless, gone = (run.rollups.collaboratives[c] for c in ("tabless", "gone"))
    assert isinstance(tabless, FailedCollaborative) and isinstance(gone, FailedCollaborative)
    assert (tabless.reason_kind, tabless.reason_tabs) == (FailureKind.MISSING_TAB, ["Partners"])
    assert tabless.reason == "tab 'Partners' is missing"
    assert (gone.reason_kind, gone.reason_tabs) == (FailureKind.UNREADABLE, [])
