"""The synthetic portfolio: a config the pipeline loads, the same cells from the same seed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from stc_reporting.config import load_config

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def write_portfolio(out: Path, collaboratives: int, seed: int) -> dict[str, object]:
    """Run benchmarks/portfolio.py; return the figures it wrote as JSON."""
    figures_file = out / "figures.json"
    finished = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "portfolio.py"),
            *("--collaboratives", str(collaboratives), "--seed", str(seed)),
            *("--out", str(out), "--json", str(figures_file)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    figures: dict[str, object] = json.loads(figures_file.read_text())
    return figures


def cells(workbook: Path) -> dict[str, bytes]:
    """Every part of an .xlsx but its properties (openpyxl stamps the time it was saved)."""
    with zipfile.ZipFile(workbook) as archive:
        return {n: archive.read(n) for n in archive.namelist() if not n.startswith("docProps/")}


def test_the_portfolio_lists_every_tracker_in_a_config_the_pipeline_loads(
    tmp_path: Path,
) -> None:
    """Ten collaboratives of five families: valid ids, Spanish for Fresno's, two unusable."""
    figures = write_portfolio(tmp_path, 10, seed=3)
    config = load_config(tmp_path / "program.yaml")
    ids = [c.id for c in config.collaboratives]
    assert len(ids) == len(set(ids)) == 10
    assert [c.id for c in config.collaboratives if c.language == "es"] == [
        "fresno-003",
        "fresno-008",
    ]
    assert all(c.workbook is not None and c.workbook.exists() for c in config.collaboratives)
    assert figures["unusable"] == {
        "san-diego-010": "missing Partners tab",
        "los-angeles-009": "csv export",
    }
    assert figures["collaboratives"] == 10
    assert 40 * 10 < int(str(figures["rows"])) < 400 * 10  # tens to a few hundred a tracker


def test_the_unusable_trackers_fail_as_a_person_would_see_them(tmp_path: Path) -> None:
    """The CSV export is text, not a workbook; the other tracker has no Partners tab."""
    from openpyxl import load_workbook

    write_portfolio(tmp_path, 6, seed=1)
    csv_export = tmp_path / "trackers" / "san-diego-005.csv"
    assert not zipfile.is_zipfile(csv_export)
    assert csv_export.read_text(encoding="utf-8").startswith("A-001,")
    missing_tab = load_workbook(tmp_path / "trackers" / "mckinleyville-006.xlsx", read_only=True)
    tabs = [name.strip().lower() for name in missing_tab.sheetnames]  # McKinleyville's habit
    assert "activities" in tabs
    assert "partners" not in tabs


def test_the_same_seed_writes_the_same_cells_and_another_seed_other_ones(tmp_path: Path) -> None:
    """Two writes with seed 7 hold the same cells; seed 8 draws other trackers."""
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_portfolio(first, 5, seed=7)
    write_portfolio(second, 5, seed=7)
    write_portfolio(other, 5, seed=8)
    tracker = Path("trackers") / "oakland-002.xlsx"
    assert cells(first / tracker) == cells(second / tracker)
    assert cells(first / tracker) != cells(other / tracker)
    assert (first / "program.yaml").read_text() == (second / "program.yaml").read_text()
