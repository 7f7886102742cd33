"""End to end, scaled out: Prefect on PostgreSQL, two process workers, reads spread over them.

Starts a throw-away PostgreSQL cluster on a free loopback port (Debian's `postgresql`;
as root, as the `postgres` user), `prefect server start` on it, two process workers on
the pool (started outside the checkout: the deployments say where runs start), deploys
`prefect.yaml`, and runs `monthly-report/on-demand` with `STC_TRACKERS_PER_READ_RUN=1`,
so each tracker is read by a `read-trackers` run that either worker may take. Checks the
run completed, both workers read trackers, the outputs were written, and the server kept
it all in PostgreSQL. Without PostgreSQL's programs it falls back to SQLite and says so
(a warning, and the test's `database` property). About a minute and a half.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from stc_reporting.figures.document import read_rollups
from tests.e2e.postgres import PostgresCluster, postgres_cluster, why_no_postgres
from tests.e2e.prefect_server import api, deploy, prefect, prefect_server, workers

pytestmark = pytest.mark.e2e

SAMPLE_IDS = ["mckinleyville", "oakland", "fresno", "los-angeles", "san-diego"]
WORKERS = ("worker-a", "worker-b")
RUN_SECONDS = 150


class SQLiteFallbackWarning(UserWarning):
    """The scale-out test ran on SQLite: PostgreSQL could not be started here."""


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[PostgresCluster | None]:
    """A PostgreSQL cluster, or None (SQLite) where none can be started, saying so."""
    reason = why_no_postgres()
    if reason is not None:
        message = f"scale-out test on SQLite, not PostgreSQL: {reason}"
        warnings.warn(SQLiteFallbackWarning(message), stacklevel=1)
        request.node.user_properties.append(("database", f"SQLite ({reason})"))
        yield None
        return
    request.node.user_properties.append(("database", "PostgreSQL"))
    with postgres_cluster() as cluster:
        yield cluster


def taken_by(log: Path) -> set[str]:
    """The ids of the flow runs a worker took, from its log.

    Two workers may both try to submit a run; the server lets one have it and the other
    logs "Aborted submission". (Not the run's `prefect.worker.name` label: each worker
    sets it before asking the server, so the one that lost may be the last to set it.)
    """
    text = log.read_text(errors="replace")
    submitted = set(re.findall(r"submitting flow run '([0-9a-f-]{36})'", text))
    return submitted - set(re.findall(r"Aborted submission of flow run '([0-9a-f-]{36})'", text))


def flow_runs(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every flow run on the server, with its deployment's name as `deployment`."""
    names = {d["id"]: d["name"] for d in api(env, "/deployments/filter")}
    runs: list[dict[str, Any]] = api(env, "/flow_runs/filter")
    for run in runs:
        run["deployment"] = names.get(run["deployment_id"])
    return runs


def test_on_demand_completes_on_postgresql_with_reads_spread_over_two_workers(
    database: PostgresCluster | None, tmp_path: Path
) -> None:
    """The run completes, both workers read trackers, outputs are written, all in PostgreSQL."""
    outputs, elsewhere = tmp_path / "outputs", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with ExitStack() as stack:
        settings = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": database.url} if database else {}
        env = stack.enter_context(prefect_server(tmp_path, settings))
        deploy(env)
        # At most two runs at once on each: the monthly run waits on one worker while its
        # read runs go to whichever worker has room, so both take some.
        logs = stack.enter_context(workers(env, WORKERS, tmp_path, cwd=elsewhere, limit=2))
        spread = {"STC_TRACKERS_PER_READ_RUN": "1", "STC_OUTPUTS_ROOT": str(outputs)}
        prefect(
            env,
            "deployment",
            "run",
            "monthly-report/on-demand",
            "-p",
            'request={"month": "2021-10-31"}',
            "--job-variable",
            f"env={json.dumps(spread)}",
            "--watch",
            "--watch-timeout",
            str(RUN_SECONDS),
            timeout=RUN_SECONDS + 30,
        )
        runs = flow_runs(env)
        stored = database.query("select count(*) from flow_run") if database else None

    taken = {name: taken_by(log) for name, log in logs.items()}
    [monthly] = [run for run in runs if run["deployment"] == "on-demand"]
    assert monthly["state_type"] == "COMPLETED", monthly["state"]
    [run_folder] = (outputs / "2021-10").iterdir()  # the run's own folder
    rollups = read_rollups(run_folder / "rollups.json")
    assert list(rollups.reporting) == SAMPLE_IDS
    assert (run_folder / "reports" / "program-report.docx").is_file()
    assert list((outputs / ".reads").iterdir()) == []  # the read runs' snapshots, removed
    if stored is not None:
        assert int(stored) == len(runs)
    reads = [run for run in runs if run["deployment"] == "read-trackers"]
    assert sorted(run["name"] for run in reads) == sorted(f"2021-10 read {c}" for c in SAMPLE_IDS)
    assert all(run["state_type"] == "COMPLETED" for run in reads)
    assert all(run["parent_task_run_id"] for run in reads)  # subflows of the monthly run
    # Every run was taken by exactly one worker, and each worker read some trackers.
    for run in [monthly, *reads]:
        takers = [name for name in WORKERS if run["id"] in taken[name]]
        assert len(takers) == 1, (run["name"], takers)
    read_ids = {run["id"] for run in reads}
    assert all(taken[name] & read_ids for name in WORKERS), taken
