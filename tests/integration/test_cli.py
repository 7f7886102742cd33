"""`stc-report` exit statuses, config errors and output, as interface.md says."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from stc_reporting.figures.document import read_rollups
from tests.builders import activity, minimal_tabs, partner, write_workbook

pytestmark = pytest.mark.integration

runner = CliRunner()


def test_run_on_the_samples_exits_zero_and_summarises(sample_config: Path, tmp_path: Path) -> None:
    """Progress lines, then what was written; exit 0."""
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "run",
            "--config",
            str(sample_config),
            "--out",
            str(out),
            "--as-of",
            "2021-10-31",
            "--only",
            "fresno",
            "oakland",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Reading 2 trackers" in result.output
    assert "Read 2 of 2 trackers" in result.output
    assert "Checked 2 trackers: " in result.output
    assert "Rendered 2 funder reports and the data-quality report" in result.output
    assert "Every collaborative reported." in result.output
    assert list(read_rollups(out / "rollups.json").collaboratives) == ["oakland", "fresno"]


def test_run_exits_one_when_a_collaborative_fails(
    config_with_broken_tracker: Path, tmp_path: Path
) -> None:
    """The run finishes, says which failed, and exits 1."""
    result = runner.invoke(
        app,
        [
            "run",
            "--config",
            str(config_with_broken_tracker),
            "--out",
            str(tmp_path / "out"),
            "--as-of",
            "2021-10-31",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "oakland" in result.output


@pytest.mark.parametrize(
    "arguments",
    [
        ["run", "--as-of", "31/10/2021"],
        ["run", "--only", "sacramento"],
        ["validate", "--only", "sacramento"],
        ["run", "stray-argument"],
    ],
)
def test_usage_errors_exit_two_and_write_nothing(
    sample_config: Path, tmp_path: Path, arguments: list[str]
) -> None:
    """Bad dates, unknown ids and stray arguments stop before anything is read."""
    out = tmp_path / "out"
    command, *rest = arguments
    result = runner.invoke(
        app,
        [command, "--config", str(sample_config), *rest]
        + (["--out", str(out)] if command == "run" else []),
    )
    assert result.exit_code == 2, result.output
    assert not out.exists()


def test_a_config_error_exits_two_naming_file_entry_and_key(tmp_path: Path) -> None:
    """Nothing is read or written."""
    config = tmp_path / "program.yaml"
    config.write_text(
        "program: {name: P, funder: F, start: 2018-11-01, end: 2021-10-31, years: [2, 3]}\n"
        "collaboratives:\n  - {id: fresno, name: M, city: Fresno, workbok: f.xlsx}\n"
    )
    result = runner.invoke(app, ["run", "--config", str(config), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "collaboratives[0] (id 'fresno'): unknown key 'workbok'" in result.output
    assert str(config) in result.output.replace("\n", "")
    assert not (tmp_path / "o").exists()


def test_validate_prints_an_actionable_table(sample_config: Path) -> None:
    """Collaborative, tab, row, column, value and the fix; exit 0 when none failed."""
    result = runner.invoke(
        app, ["validate", "--config", str(sample_config), "--only", "fresno"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "marzo 2020" in result.output
    assert "fresno: ok" in result.output
    assert "(559)" not in result.output  # the planted phone number stays masked


def test_validate_exits_one_when_a_tracker_fails(config_with_broken_tracker: Path) -> None:
    """A structural problem is shown and makes the exit status 1."""
    result = runner.invoke(
        app, ["validate", "--config", str(config_with_broken_tracker)], terminal_width=200
    )
    assert result.exit_code == 1
    assert "tab 'Partners' is missing" in result.output


def test_validate_filters_by_severity_and_prints_csv_for_programs(sample_config: Path) -> None:
    """--severity warning --format csv: only warnings, as issues.csv columns."""
    import csv
    import io

    result = runner.invoke(
        app,
        ["validate", "--config", str(sample_config), "--severity", "warning", "--format", "csv"],
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["severity"] for r in rows} == {"warning"}


def test_validate_prints_json_with_cell_references(sample_config: Path) -> None:
    """--format json gives a list a program can read, with the A1 cell of each issue."""
    result = runner.invoke(
        app, ["validate", "--config", str(sample_config), "--only", "oakland", "--format", "json"]
    )
    assert result.exit_code == 0
    issues = json.loads(result.stdout)
    duplicate = [i for i in issues if i["rule"] == "duplicate-id"]
    assert [i["cell"] for i in duplicate] == ["A13", "A14"]


def test_validate_as_of_lists_the_submissions_due_by_that_day(tmp_path: Path) -> None:
    """November on time, December missing, January late: --as-of decides which are due."""
    tabs = minimal_tabs([activity()], [partner()])
    tabs["Submissions"] += [
        ["2019-11", date(2019, 12, 10)],
        ["2020-01", date(2020, 2, 20)],  # due by 15 February
    ]
    write_workbook(tmp_path / "solo.xlsx", tabs)
    config = tmp_path / "program.yaml"
    config.write_text(
        "program: {name: P, funder: F, start: 2018-11-01, end: 2021-10-31, years: [2, 3]}\n"
        "collaboratives: [{id: solo, name: Solo, city: C, workbook: solo.xlsx}]\n"
    )

    def validate(as_of: str) -> str:
        arguments = ["validate", "--config", str(config), "--as-of", as_of]
        result = runner.invoke(app, arguments, terminal_width=300)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())  # the console wraps long lines

    assert "submissions due by 2020-01-31: 1 missing (Dec 19), 1 late (Jan 20)" in validate(
        "2020-01-31"
    )
    assert "every month due by 2019-11-30 submitted on time" in validate("2019-11-30")


def test_run_from_snapshots_makes_the_same_run_again(sample_config: Path, tmp_path: Path) -> None:
    """The flow replays a run's snapshots, at the run's own as-of: same figures and issues."""
    first, again = tmp_path / "first", tmp_path / "again"
    common = ["run", "--config", str(sample_config), "--only", "fresno", "oakland"]
    result = runner.invoke(app, [*common, "--out", str(first), "--as-of", "2021-10-31"])
    assert result.exit_code == 0, result.output
    snapshots = first / "snapshots"
    result = runner.invoke(app, [*common, "--out", str(again), "--from-snapshots", str(snapshots)])
    assert result.exit_code == 0, result.output
    for name in ("rollups.json", "issues.csv", "snapshots/fresno.json"):
        assert (again / name).read_bytes() == (first / name).read_bytes(), name


def test_run_from_a_folder_that_is_not_there_exits_two(sample_config: Path, tmp_path: Path) -> None:
    """A mistyped snapshots folder stops before the flow starts, and writes nothing."""
    out = tmp_path / "out"
    arguments = ["run", "--config", str(sample_config), "--out", str(out)]
    result = runner.invoke(app, [*arguments, "--from-snapshots", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "is not a folder" in " ".join(result.output.split())
    assert not out.exists()
