"""A run made again from its snapshots writes the same `rollups.json` and `issues.csv`."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.pipeline import RunOutcome, plan_run, run_monthly_report
from tests.builders import PLANTED, personal_tabs, write_workbook

pytestmark = pytest.mark.contract

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE_IDS = ("mckinleyville", "oakland", "fresno", "los-angeles", "san-diego")
AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 20)


def write_config(folder: Path) -> Path:
    """The five sample trackers, one with personal data everywhere, and one missing file."""
    write_workbook(folder / "private.xlsx", personal_tabs())
    lines = [
        "program: {name: Safety Through Connection, funder: Test Funder, start: 2018-11-01,"
        " end: 2021-10-31, years: [2, 3]}",
        "collaboratives:",
    ]
    workbooks = {**{i: SAMPLES / f"{i}.xlsx" for i in SAMPLE_IDS}, "private": "private.xlsx"}
    for identifier, workbook in {**workbooks, "gone": "gone.xlsx"}.items():
        lines.append(
            f"  - {{id: {identifier}, name: {identifier.title()}, city: {identifier.title()}, "
            f"workbook: '{workbook}'}}"
        )
    config = folder / "program.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunOutcome, Path, RunOutcome]:
    """A run from the workbooks, and a replay of it from its snapshots into another folder."""
    folder = tmp_path_factory.mktemp("replay")
    config = write_config(folder)
    first_out, replay_out = folder / "first", folder / "replay"
    first = run_monthly_report(plan_run(config, first_out, AS_OF, run_date=RUN_DATE))
    # No dates given: the replay takes them from the snapshots, as a person replaying would.
    replay_plan = plan_run(config, replay_out, from_snapshots=first_out / "snapshots")
    assert (replay_plan.selection.as_of, replay_plan.run_date) == (AS_OF, RUN_DATE)
    return first_out, first, replay_out, run_monthly_report(replay_plan)


def test_the_replay_writes_byte_identical_rollups_and_issues(
    runs: tuple[Path, RunOutcome, Path, RunOutcome],
) -> None:
    """rollups.json and issues.csv are the same bytes, and so are the replay's own snapshots."""
    first_out, first, replay_out, _replay = runs
    for name in ("rollups.json", "issues.csv"):
        assert (replay_out / name).read_bytes() == (first_out / name).read_bytes(), name
    snapshots = sorted(p.name for p in (first_out / "snapshots").iterdir())
    assert snapshots == sorted(f"{i}.json" for i in (*SAMPLE_IDS, "private", "gone"))
    for name in snapshots:
        again = (replay_out / "snapshots" / name).read_bytes()
        assert again == (first_out / "snapshots" / name).read_bytes(), name
    privacy = [i for i in first.checked.issues if i.collaborative == "private"]
    assert sum(i.severity == "privacy" for i in privacy) == 5


def test_snapshots_are_documents_of_the_run(
    runs: tuple[Path, RunOutcome, Path, RunOutcome],
) -> None:
    """Each snapshot is listed in manifest.json as kind snapshot, with its collaborative."""
    first_out = runs[0]
    manifest = json.loads((first_out / "manifest.json").read_text())["files"]
    listed = {
        f["path"]: (f["kind"], f["collaborative"]) for f in manifest if f["kind"] == "snapshot"
    }
    assert listed == {
        f"snapshots/{i}.json": ("snapshot", i) for i in (*SAMPLE_IDS, "private", "gone")
    }


def test_no_snapshot_holds_the_personal_data_planted(
    runs: tuple[Path, RunOutcome, Path, RunOutcome],
) -> None:
    """The tracker with personal data in a column, free text, IDs, lists and notes: none of it."""
    first_out = runs[0]
    text = "".join(p.read_text(encoding="utf-8") for p in (first_out / "snapshots").iterdir())
    for where, value in PLANTED.items():
        assert value not in text, where
    gone = json.loads((first_out / "snapshots" / "gone.json").read_text())
    assert gone["tracker"] is None and "gone.xlsx does not exist" in gone["unreadable"]


def test_a_missing_snapshot_fails_only_its_collaborative(
    runs: tuple[Path, RunOutcome, Path, RunOutcome], tmp_path: Path
) -> None:
    """Replaying a folder without one snapshot fails that collaborative, saying which file."""
    first_out = runs[0]
    snapshots = tmp_path / "snapshots"
    shutil.copytree(first_out / "snapshots", snapshots)
    (snapshots / "oakland.json").unlink()
    config = first_out.parent / "program.yaml"
    plan = plan_run(config, tmp_path / "out", only=["oakland", "fresno"], from_snapshots=snapshots)
    summary = run_monthly_report(plan).summary
    status = {c.id: (c.status, c.reason or "") for c in summary.collaboratives}
    assert status["fresno"] == ("ok", "")
    assert status["oakland"][0] == "failed"
    assert f"there is no snapshot {snapshots / 'oakland.json'}" in status["oakland"][1]
