"""End to end: a real Prefect server, the prefect.yaml deployments, a worker, one run.

Starts `prefect server start` on a free loopback port with its own PREFECT_HOME,
deploys with `prefect --no-prompt deploy --all`, starts a process worker from the
repository folder, runs the on-demand deployment with the run form's answers and the
outputs root set as prefect.yaml's job variables would, and checks the run folder.
About a minute; every process is stopped at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from stc_reporting.figures.document import read_rollups
from tests.e2e.prefect_server import deploy, prefect, prefect_server, process_worker

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server of our own on loopback; yields the environment that points at it."""
    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as env:
        yield env


def test_the_on_demand_deployment_runs_on_a_worker(server: dict[str, str], tmp_path: Path) -> None:
    """Deploy prefect.yaml, run on-demand with the form's answers, get a run folder's outputs."""
    deploy(server)
    listed = prefect(server, "deployment", "ls")
    assert "monthly-report/monthly" in listed and "monthly-report/on-demand" in listed
    root = tmp_path / "runs"
    request = {"month": "2021-10-31", "collaboratives": ["Mujeres Poderosas Amorosas (Fresno)"]}
    job_env = {"STC_CONFIG": "config/program.yaml", "STC_OUTPUTS_ROOT": str(root)}
    with process_worker(server):
        prefect(
            server,
            "deployment",
            "run",
            "monthly-report/on-demand",
            "--params",
            json.dumps({"request": request}),
            "--job-variable",
            f"env={json.dumps(job_env)}",
            "--watch",
            timeout=300,
        )
    (run_folder,) = (root / "2021-10").iterdir()
    rollups = read_rollups(run_folder / "rollups.json")
    assert list(rollups.collaboratives) == list(rollups.reporting) == ["fresno"]
    assert (run_folder / "reports" / "collaborative-fresno.docx").is_file()
