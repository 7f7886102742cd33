"""End to end: a real Prefect server, the prefect.yaml deployments, a worker, one run.

Starts `prefect server start` on a free loopback port with its own PREFECT_HOME,
deploys with `prefect --no-prompt deploy --all`, starts a process worker from the
repository folder, runs the on-demand deployment with the run form's answers and the
outputs root set as prefect.yaml's job variables would, and checks the run folder.
About a minute; every process is stopped at the end.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.figures.document import read_rollups
from tests.e2e.prefect_server import api, deploy, prefect, prefect_server, process_worker

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server of our own on loopback; yields the environment that points at it."""
    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as env:
        yield env


def run_fresno_into(root: Path) -> list[str]:
    """`prefect deployment run` of on-demand as the form asks for Fresno's October."""
    request = {"month": "2021-10-31", "collaboratives": ["Mujeres Poderosas Amorosas (Fresno)"]}
    job_env = {"STC_CONFIG": "config/program.yaml", "STC_OUTPUTS_ROOT": str(root)}
    return [
        "deployment",
        "run",
        "monthly-report/on-demand",
        "--params",
        json.dumps({"request": request}),
        "--job-variable",
        f"env={json.dumps(job_env)}",
    ]


def test_the_on_demand_deployment_runs_on_a_worker(server: dict[str, str], tmp_path: Path) -> None:
    """Deploy prefect.yaml, run on-demand with the form's answers, get a run folder's outputs."""
    deploy(server)
    listed = prefect(server, "deployment", "ls")
    assert "monthly-report/monthly" in listed and "monthly-report/on-demand" in listed
    root = tmp_path / "runs"
    with process_worker(server):
        prefect(server, *run_fresno_into(root), "--watch", timeout=300)
    (run_folder,) = (root / "2021-10").iterdir()
    rollups = read_rollups(run_folder / "rollups.json")
    assert list(rollups.collaboratives) == list(rollups.reporting) == ["fresno"]
    assert (run_folder / "reports" / "collaborative-fresno.docx").is_file()


def test_two_runs_started_together_never_overlap_and_keep_their_own_folders(
    server: dict[str, str], tmp_path: Path
) -> None:
    """The deployment's concurrency limit makes the second wait; neither touches the other."""
    deploy(server)
    root = tmp_path / "runs"
    prefect(server, *run_fresno_into(root))
    prefect(server, *run_fresno_into(root))
    with process_worker(server):
        runs = wait_until_all_final(server, str(root), count=2, seconds=300)
    assert [run["state_type"] for run in runs] == ["COMPLETED", "COMPLETED"]
    first, second = sorted(runs, key=lambda run: run["start_time"])
    assert first["end_time"] <= second["start_time"], "the two runs overlapped"
    folders = sorted((root / "2021-10").iterdir())
    assert len(folders) == 2
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        for entry in manifest["files"]:
            content = (folder / entry["path"]).read_bytes()
            assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]


def wait_until_all_final(
    server: dict[str, str], root: str, count: int, seconds: float
) -> list[Any]:
    """The runs writing under `root`, once `count` of them have ended (bounded by `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        runs = [
            run
            for run in api(server, "/flow_runs/filter", {"limit": 50})
            if (run.get("job_variables") or {}).get("env", {}).get("STC_OUTPUTS_ROOT") == root
        ]
        ended = [run for run in runs if run["state_type"] in ("COMPLETED", "FAILED", "CRASHED")]
        if len(ended) >= count or time.monotonic() > deadline:
            return ended
        time.sleep(2)
