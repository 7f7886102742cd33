"""The monthly-report flow end to end on the sample trackers."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from flows.monthly_report import run_to_folder
from stc_reporting.figures.document import FailedCollaborative, read_rollups
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.outputs.summary import RunSummary

pytestmark = pytest.mark.integration

SAMPLE_IDS = ["mckinleyville", "oakland", "fresno", "los-angeles", "san-diego"]


def run(
    config: Path, out: Path, as_of: date = date(2021, 10, 31), only: list[str] | None = None
) -> RunSummary:
    return run_to_folder(config_path=str(config), as_of=as_of, out_dir=str(out), only=only)


def test_every_sample_collaborative_reports(sample_config: Path, tmp_path: Path) -> None:
    """Five ok collaboratives; rollups, issues and manifest are written and agree."""
    out = tmp_path / "out"
    summary = run(sample_config, out)
    assert summary.exit_code == 0
    rollups = read_rollups(out / "rollups.json")
    assert list(rollups.collaboratives) == SAMPLE_IDS
    assert list(rollups.reporting) == SAMPLE_IDS
    assert rollups.collaboratives_failed == []
    combined, totals = rollups.program_totals["Y2-Y3"], rollups.program_totals["Y2"]
    assert combined is not None and combined.collaboratives_reporting == 5
    parts = [c.periods["Y2"] for c in rollups.reporting.values()]
    assert totals is not None
    assert totals.activities_completed == sum(p.activities_completed for p in parts if p)
    with (out / "issues.csv").open(newline="") as stream:
        issues = list(csv.DictReader(stream))
    assert {i["collaborative"] for i in issues} == set(SAMPLE_IDS)
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["path"] for f in manifest["files"]] == [
        "audit.xlsx",
        "data-quality-report.docx",
        "data-quality-report.html",
        *(f"data-quality/{c}.{ext}" for c in sorted(SAMPLE_IDS) for ext in ("docx", "html")),
        "issues-followup.json",
        "issues.csv",
        "report-texts.json",
        "reports/collaborative-fresno.docx",
        "reports/collaborative-los-angeles.docx",
        "reports/collaborative-mckinleyville.docx",
        "reports/collaborative-oakland.docx",
        "reports/collaborative-san-diego.docx",
        "reports/program-report.docx",
        "rollups.json",
        *(f"snapshots/{c}.json" for c in sorted(SAMPLE_IDS)),
    ]
    for entry in manifest["files"]:
        content = (out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    assert {
        f["collaborative"] for f in manifest["files"] if f["kind"] == "collaborative-report"
    } == set(SAMPLE_IDS)


def test_re_running_gives_byte_identical_rollups_and_issues(
    sample_config: Path, tmp_path: Path
) -> None:
    """Same trackers, config and as-of: same bytes."""
    run(sample_config, tmp_path / "a")
    run(sample_config, tmp_path / "b")
    for name in ("rollups.json", "issues.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_tracker_without_a_required_tab_fails_alone(
    config_with_broken_tracker: Path, tmp_path: Path
) -> None:
    """Oakland fails with a plain reason; the other four still report."""
    out = tmp_path / "out"
    summary = run(config_with_broken_tracker, out)
    assert summary.exit_code == 1
    rollups = read_rollups(out / "rollups.json")
    oakland = rollups.collaboratives["oakland"]
    assert isinstance(oakland, FailedCollaborative)
    assert oakland.reason == "tab 'Partners' is missing"
    assert (oakland.reason_kind, oakland.reason_tabs) == (FailureKind.MISSING_TAB, ["Partners"])
    assert oakland.periods is None
    assert rollups.collaboratives_failed == ["oakland"]
    totals = rollups.program_totals["Y2"]
    assert totals is not None and totals.collaboratives_reporting == 4
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert "collaborative-oakland.docx" not in reports
    assert len(reports) == 5


def test_as_of_before_year_three_writes_it_as_null(sample_config: Path, tmp_path: Path) -> None:
    """A period that begins after as_of is null, per collaborative and in the totals."""
    out = tmp_path / "out"
    run(sample_config, out, as_of=date(2020, 6, 30), only=["fresno"])
    rollups = read_rollups(out / "rollups.json")
    assert list(rollups.collaboratives) == ["fresno"]
    assert rollups.reporting["fresno"].periods["Y3"] is None
    assert rollups.program_totals["Y3"] is None
    totals = rollups.program_totals["Y2"]
    assert totals is not None and totals.months_expected == 8  # Nov 2019 - Jun 2020


def test_a_second_run_follows_up_last_months_issues(sample_config: Path, tmp_path: Path) -> None:
    """Same trackers next month: nothing new, every issue still open since the first month."""
    out = tmp_path / "out"
    run(sample_config, out, as_of=date(2021, 9, 30))
    first = json.loads((out / "issues-followup.json").read_text())
    assert first["counts"]["new"] > 0 and first["compared_with"] is None
    run(sample_config, out, as_of=date(2021, 10, 31))
    second = json.loads((out / "issues-followup.json").read_text())
    assert second["counts"]["new"] == 0
    assert second["counts"]["open"] == first["counts"]["new"]
    assert {e["since"] for e in second["issues"]} == {"2021-09"}
