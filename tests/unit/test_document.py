"""The typed rollups document: file order, ints vs decimals, and a byte-exact round trip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.figures.document import (
    FailedCollaborative,
    ReportingCollaborative,
    Rollups,
    read_rollups,
    rollups_json,
)
from stc_reporting.figures.periods import reporting_periods
from stc_reporting.figures.rollups import collaborative_figures, program_totals
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.ingest.records import TrackerRecords
from stc_reporting.issues import DataQualityCounts

pytestmark = pytest.mark.unit

AS_OF = date(2020, 12, 31)
QUALITY = DataQualityCounts(errors=1, warnings=0, privacy=0, structural=1, rows_excluded=1)


def small_document() -> Rollups:
    """One collaborative with no records, one failed; Y3 has barely started."""
    periods = reporting_periods(date(2018, 11, 1), [2, 3], AS_OF)
    empty = TrackerRecords(tabs_present=frozenset({"Activities", "Partners"}))
    figures = {p.label: collaborative_figures(empty, p) for p in periods}
    return Rollups(
        program="P",
        funder="F",
        as_of=AS_OF,
        periods={p.label: (p.start, p.end) for p in periods},
        collaboratives={
            "quiet": ReportingCollaborative(
                name="Quiet", city="Q", data_quality=QUALITY, periods=figures
            ),
            "broken": FailedCollaborative(
                name="Broken",
                city="B",
                reason="tab 'Partners' is missing",
                reason_kind=FailureKind.MISSING_TAB,
                reason_tabs=["Partners"],
                data_quality=QUALITY,
            ),
        },
        program_totals={p.label: program_totals([]) for p in periods},
        collaboratives_failed=["broken"],
    )


def test_writing_reading_and_writing_again_gives_the_same_bytes(tmp_path: Path) -> None:
    """The model reads back exactly what it wrote, failed entry and nulls included."""
    path = tmp_path / "rollups.json"
    path.write_bytes(rollups_json(small_document()))
    again = read_rollups(path)
    assert again == small_document()
    assert rollups_json(again) == path.read_bytes()


def test_the_file_keeps_the_contract_key_order_and_writes_nulls() -> None:
    """Top-level keys, an ok entry, a failed entry (periods null) in rollups.md's order."""
    document = json.loads(rollups_json(small_document()))
    assert list(document) == [
        "schema_version",
        "program",
        "funder",
        "as_of",
        "periods",
        "collaboratives",
        "program_totals",
        "collaboratives_failed",
    ]
    assert document["periods"]["Y2"] == ["2019-11-01", "2020-10-31"]
    assert list(document["collaboratives"]["quiet"]) == [
        "name",
        "city",
        "status",
        "data_quality",
        "periods",
    ]
    assert document["collaboratives"]["broken"] == {
        "name": "Broken",
        "city": "B",
        "status": "failed",
        "reason": "tab 'Partners' is missing",
        "reason_kind": "missing-tab",
        "reason_tabs": ["Partners"],
        "data_quality": QUALITY.model_dump(),
        "periods": None,
    }
    quiet = document["collaboratives"]["quiet"]["periods"]["Y2"]
    assert list(quiet)[:3] == [
        "activities_completed",
        "activities_by_component",
        "activities_by_strategy",
    ]
    assert list(quiet)[-8:] == [
        "lessons_shared",
        "indicators",
        "indicator_status_counts",
        "months_expected",
        "months_submitted",
        "months_on_time",
        "reporting_completeness",
        "reporting_timeliness",
    ]


def test_counts_are_integers_and_money_is_decimal_even_with_nothing_to_add() -> None:
    """No collaborative reporting: counts 0, dollars 0.0, shares null (rollups.md)."""
    text = rollups_json(small_document()).decode()
    totals = json.loads(text)["program_totals"]["Y3"]
    assert totals["activities_completed"] == 0 and type(totals["activities_completed"]) is int
    assert type(totals["funding_secured_usd"]) is float
    assert all(type(v) is float for v in totals["funding_secured_by_source_type"].values())
    assert totals["lived_experience_share"] is None
    assert '"funding_secured_usd": 0.0' in text


def test_a_file_with_a_misspelt_figure_does_not_read() -> None:
    """Reading back checks every key: a renamed figure is an error, not a silent gap."""
    document = json.loads(rollups_json(small_document()))
    totals = document["program_totals"]["Y2"]
    totals["participant"] = totals.pop("participants")
    with pytest.raises(ValueError, match="participant"):
        Rollups.model_validate_json(json.dumps(document))
