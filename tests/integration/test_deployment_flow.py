"""The deployments' flow as people meet it: named runs, true states, a folder per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import State

from flows.monthly_report import monthly_report, run_to_folder
from stc_reporting.config import load_config
from stc_reporting.run_request import choice_label

pytestmark = pytest.mark.integration

OCTOBER = {"month": "2021-10-12"}


@pytest.fixture
def deployment_env(
    monkeypatch: pytest.MonkeyPatch, sample_config: Path, tmp_path: Path
) -> Iterator[Path]:
    """What prefect.yaml sets for a deployment: the config and the outputs root."""
    root = tmp_path / "runs"
    monkeypatch.setenv("STC_CONFIG", str(sample_config))
    monkeypatch.setenv("STC_OUTPUTS_ROOT", str(root))
    yield root


def run(request: dict[str, Any]) -> State:
    """Start the flow as a deployment does: the form's answers as JSON, validated by the flow."""
    parameters: dict[str, Any] = {"request": request}
    return monthly_report(**parameters, return_state=True)


def task_and_artifact_names(state: State) -> tuple[str, list[str], list[str]]:
    with get_client(sync_client=True) as client:
        flow_run_id = state.state_details.flow_run_id
        assert flow_run_id is not None
        (flow_run,) = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return flow_run.name, sorted(t.name for t in tasks), sorted(a.key or "" for a in artifacts)


def test_a_clean_run_is_named_for_its_month_and_shows_its_results(
    deployment_env: Path,
) -> None:
    """`2021-10 all collaboratives`; tasks without hash suffixes; keyed artifacts."""
    state = run(OCTOBER)
    assert state.is_completed(), state.message
    name, tasks, artifacts = task_and_artifact_names(state)
    assert name == "2021-10 all collaboratives"
    assert tasks == sorted(
        [
            *(f"read {c}" for c in ("mckinleyville", "oakland", "fresno", "los-angeles")),
            "read san-diego",
            "check trackers",
            "follow up issues",
            "compute figures",
            "render reports",
            "render data-quality report",
            "write outputs",
        ]
    )
    assert {"run-summary", "issues-by-tab", "run-progress", "program-report"} <= set(artifacts)
    assert "draft-collaborative-fresno" in artifacts and "data-quality-report" in artifacts
    (month,) = list(deployment_env.iterdir())
    (folder,) = list(month.iterdir())
    assert month.name == "2021-10" and folder.name.endswith(
        "-all-collaboratives-" + str(state.state_details.flow_run_id).replace("-", "")[:8]
    )
    assert (folder / "reports" / "program-report.docx").is_file()


def test_a_run_with_a_broken_tracker_fails_after_writing_everyone_elses_outputs(
    deployment_env: Path, config_with_broken_tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not Completed: the message names who failed and why; the others' drafts exist."""
    monkeypatch.setenv("STC_CONFIG", str(config_with_broken_tracker))
    state = run(OCTOBER)
    assert state.is_failed()
    assert state.message is not None
    assert state.message.startswith("Allies Against Violence failed:")
    assert "Partners" in state.message and "4 of 5 collaboratives reported" in state.message
    (folder,) = list((deployment_env / "2021-10").iterdir())
    assert (folder / "reports" / "collaborative-fresno.docx").is_file()
    assert not (folder / "reports" / "collaborative-oakland.docx").exists()


def test_a_partial_run_and_a_second_run_leave_earlier_runs_exactly_as_they_were(
    deployment_env: Path, sample_config: Path
) -> None:
    """Each run has its own folder: nothing of an earlier run is replaced or removed."""
    run(OCTOBER)
    (first,) = list((deployment_env / "2021-10").iterdir())
    before = {p: p.read_bytes() for p in first.rglob("*") if p.is_file()}
    fresno = choice_label(load_config(sample_config).collaboratives[2])
    state = run({**OCTOBER, "collaboratives": [fresno]})
    assert state.is_completed(), state.message
    name, _, _ = task_and_artifact_names(state)
    assert name == "2021-10 fresno"
    run(OCTOBER)
    assert len(list((deployment_env / "2021-10").iterdir())) == 3
    assert {p: p.read_bytes() for p in first.rglob("*") if p.is_file()} == before


def test_the_cli_flow_ends_failed_too_and_still_returns_its_summary(
    config_with_broken_tracker: Path, tmp_path: Path
) -> None:
    """`stc-report run` shows its table and exits 1; the run is Failed in the UI."""
    summary = run_to_folder(
        config_path=str(config_with_broken_tracker), as_of="2021-10-31", out_dir=str(tmp_path)
    )
    assert [c.id for c in summary.failed] == ["oakland"]
    assert summary.exit_code == 1


def test_a_run_that_cannot_start_fails_with_the_reason_and_writes_nothing(
    deployment_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A config error (here: a month in the future) is a message, not a traceback."""
    state = run({"month": "2099-01-15"})
    assert state.is_failed()
    assert state.message is not None
    assert state.message.startswith("Stopped before writing anything: as-of date:")
    assert "is in the future" in state.message
    assert not deployment_env.exists()
