"""A run changes only what it writes: partial runs, failed renders, a damaged follow-up file."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.monthly_report import run_to_folder
from stc_reporting.outputs import folder
from stc_reporting.outputs.summary import RunSummary
from stc_reporting.reports import funder
from stc_reporting.reports.context_models import ReportContext
from stc_reporting.reports.render import ReportRenderError, render_report

pytestmark = pytest.mark.integration

REVIEWED = "reports/program-report (reviewed by Ana).docx"
OTHERS = ["mckinleyville", "oakland", "los-angeles", "san-diego"]


def run(config: Path, out: Path, only: list[str] | None = None) -> RunSummary:
    return run_to_folder(
        config_path=str(config), as_of=date(2021, 10, 31), out_dir=str(out), only=only
    )


def hashes(out: Path) -> dict[str, str]:
    """Every file a person sees in the folder, with its SHA-256."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*")
        if p.is_file() and ".stc-output" not in p.parts
    }


def manifest_matches_the_folder(out: Path) -> list[str]:
    """The manifest's paths, after checking each is there with its size and hash."""
    entries = json.loads((out / "manifest.json").read_text())["files"]
    for entry in entries:
        content = (out / entry["path"]).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        )
    return [entry["path"] for entry in entries]


def test_a_partial_run_leaves_the_other_collaboratives_outputs_alone(
    sample_config: Path, tmp_path: Path
) -> None:
    """With --only fresno everything of the others stays byte for byte, nothing marked fixed."""
    out = tmp_path / "out"
    run(sample_config, out)
    (out / REVIEWED).write_bytes(b"Ana's comments")
    before = hashes(out)
    followup_before = json.loads((out / "issues-followup.json").read_text())

    summary = run(sample_config, out, only=["fresno"])

    assert summary.exit_code == 0
    after = hashes(out)
    kept = [REVIEWED, "reports/program-report.docx"]
    kept += [f"reports/collaborative-{c}.docx" for c in OTHERS]
    kept += [f"data-quality/{c}.{ext}" for c in OTHERS for ext in ("docx", "html")]
    assert {path: after[path] for path in kept} == {path: before[path] for path in kept}
    assert set(after) == set(before)  # nothing removed, nothing new beside the outputs
    assert sorted(manifest_matches_the_folder(out)) == [
        "audit.xlsx",
        "data-quality-report.docx",
        "data-quality-report.html",
        "data-quality/fresno.docx",
        "data-quality/fresno.html",
        "issues-followup.json",
        "issues.csv",
        "report-texts.json",
        "reports/collaborative-fresno.docx",
        "rollups.json",
        "snapshots/fresno.json",
    ]
    assert list(json.loads((out / "rollups.json").read_text())["collaboratives"]) == ["fresno"]
    followup = json.loads((out / "issues-followup.json").read_text())
    assert followup["counts"]["fixed"] == 0
    assert followup["checked"] == {c: "2021-10" for c in [*OTHERS, "fresno"]}

    def others(document: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
        return sorted(
            (e for e in document["issues"] if e["collaborative"] != "fresno"),
            key=lambda e: str(e["key"]),
        )

    assert others(followup) == others(followup_before) != []
    assert any("covers only fresno" in note for note in summary.notes)


def test_a_report_that_fails_to_render_keeps_the_previous_good_draft(
    sample_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fresno's render breaks: its earlier draft stays, the run says so and exits 1."""
    out = tmp_path / "out"
    run(sample_config, out, only=["fresno"])
    good_draft = (out / "reports/collaborative-fresno.docx").read_bytes()
    render = render_report

    def render_failing_for_fresno(template: Path, context: ReportContext) -> bytes:
        if context.city == "Fresno":
            raise ReportRenderError("the template broke")
        return render(template, context)

    monkeypatch.setattr(funder, "render_report", render_failing_for_fresno)
    arguments = ["run", "--config", str(sample_config), "--out", str(out), "--as-of", "2021-10-31"]
    result = CliRunner().invoke(app, [*arguments, "--only", "fresno"])

    output = " ".join(result.output.split())  # as read, whatever the terminal's width
    assert result.exit_code == 1, output
    assert "collaborative-fresno.docx was not made: the template broke" in output
    assert "collaborative-fresno.docx is the draft of an earlier run, kept as it was" in output
    assert "Every collaborative reported." not in output
    assert (out / "reports/collaborative-fresno.docx").read_bytes() == good_draft
    assert "reports/collaborative-fresno.docx" not in manifest_matches_the_folder(out)


def test_a_damaged_followup_file_is_set_aside_and_the_run_goes_on(
    sample_config: Path, tmp_path: Path
) -> None:
    """A follow-up file that is not JSON: a warning naming it, a dated copy, a new file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "issues-followup.json").write_bytes(b'{"month": "2021-09", "issues": [')

    summary = run(sample_config, out, only=["fresno"])

    assert summary.exit_code == 0
    aside = [p.name for p in out.glob("issues-followup.damaged-*.json")]
    assert len(aside) == 1
    assert (out / aside[0]).read_bytes() == b'{"month": "2021-09", "issues": ['
    assert aside[0] in manifest_matches_the_folder(out)
    followup = json.loads((out / "issues-followup.json").read_text())
    assert followup["compared_with"] is None and followup["counts"]["new"] > 0
    note = next(n for n in summary.notes if "issues-followup.json could not be used" in n)
    assert str(out / "issues-followup.json") in note and aside[0] in note
    again = run(sample_config, out, only=["fresno"])
    assert not any("could not be used" in n for n in again.notes)
    assert json.loads((out / "issues-followup.json").read_text())["counts"]["new"] == 0


def test_a_second_run_stops_with_a_message_naming_the_run_that_holds_the_folder(
    sample_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another run holds --out past the wait, the CLI says who, exits 2, writes nothing."""
    monkeypatch.setattr(folder, "DEFAULT_WAIT_SECONDS", 1.0)
    out = tmp_path / "out"
    arguments = ["run", "--config", str(sample_config), "--out", str(out), "--only", "fresno"]
    with folder.OutputFolder(out).open("stc-report run started by Ana"):
        result = CliRunner().invoke(app, arguments)
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert f"is in use by another run (pid {os.getpid()}" in output
    assert "stc-report run started by Ana" in output and "Nothing was written" in output
    assert hashes(out) == {}
