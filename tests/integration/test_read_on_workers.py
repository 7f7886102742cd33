"""Reads spread over workers: the read-trackers flow and read_on_workers, on the test server.

A deployment of `read-trackers` is applied to the session's Prefect server, and a small
in-process stand-in for a worker runs (or crashes) the runs `read_on_workers` starts, so
the real `run_deployment`, states and snapshots are used without worker processes (the
e2e test `tests/e2e/test_scale_out.py` runs real workers).
"""

from __future__ import annotations

import contextvars
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import pytest

from flows.read_trackers import (
    READ_DEPLOYMENT,
    ReadDeploymentMissingError,
    batches,
    read_on_workers,
    read_trackers,
)
from stc_reporting.config import CollaborativeConfig, load_config
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.pipeline import fetch_tracker

pytestmark = pytest.mark.integration

AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 3)


@dataclass
class StandInWorker:
    """Runs scheduled `read-trackers` runs in a thread; crashes those it is told to."""

    deployment_id: UUID
    crash_names: set[str] = field(default_factory=set)
    ran: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def loop(self) -> None:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import (
            DeploymentFilter,
            DeploymentFilterId,
            FlowRunFilter,
            FlowRunFilterState,
            FlowRunFilterStateType,
        )
        from prefect.client.schemas.objects import StateType
        from prefect.flow_engine import run_flow
        from prefect.states import Crashed

        scheduled = FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
        )
        ours = DeploymentFilter(id=DeploymentFilterId(any_=[self.deployment_id]))
        with get_client(sync_client=True) as client:
            while not self.stop.wait(0.3):
                for flow_run in client.read_flow_runs(
                    flow_run_filter=scheduled, deployment_filter=ours
                ):
                    self.ran.append(flow_run.name)
                    if flow_run.name in self.crash_names:
                        message = "Flow run infrastructure exited with non-zero status code -9."
                        client.set_flow_run_state(flow_run.id, Crashed(message=message))
                    else:
                        run_flow(read_trackers, flow_run, flow_run.parameters)


@pytest.fixture(scope="module")
def read_deployment_id() -> UUID:
    """The `read-trackers` deployment, applied to the session's server once."""
    deployment = read_trackers.to_deployment(name=READ_DEPLOYMENT.split("/")[1])
    # Called from sync code, `to_deployment` and `apply` return values, not coroutines.
    return cast(UUID, cast(Any, deployment).apply())


@pytest.fixture
def worker(read_deployment_id: UUID) -> Iterator[StandInWorker]:
    """A stand-in worker for the test, with the test's Prefect settings (context copied)."""
    stand_in = StandInWorker(read_deployment_id)
    thread = threading.Thread(target=contextvars.copy_context().run, args=(stand_in.loop,))
    thread.start()
    yield stand_in
    stand_in.stop.set()
    thread.join(timeout=60)


@pytest.fixture
def sample(sample_config: Path) -> list[CollaborativeConfig]:
    return list(load_config(sample_config).collaboratives)


def spread(
    collaboratives: list[CollaborativeConfig],
    config: Path,
    shared: Path,
    per_run: int,
    timeout_seconds: float = 120,
    on_read: Callable[[CollaborativeConfig, ParsedTracker], None] | None = None,
) -> tuple[list[ParsedTracker], UUID]:
    """Call read_on_workers from a flow, as monthly-report does; return its trackers and id."""
    from prefect import flow
    from prefect.runtime import flow_run

    @flow(name="spreading-reads", persist_result=False)
    def parent() -> tuple[list[ParsedTracker], UUID]:
        trackers = read_on_workers(
            collaboratives,
            config_path=config,
            as_of=AS_OF,
            run_date=RUN_DATE,
            shared_folder=shared,
            per_run=per_run,
            timeout_seconds=timeout_seconds,
            on_read=on_read,
        )
        return trackers, UUID(flow_run.id)

    return parent()


def children_of(parent_id: UUID) -> list[object]:
    """The flow runs linked as subflows of a flow run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        parent = FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id]))
        return list(client.read_flow_runs(flow_run_filter=parent))


def test_trackers_read_on_workers_are_the_trackers_read_here(
    worker: StandInWorker, sample: list[CollaborativeConfig], sample_config: Path, tmp_path: Path
) -> None:
    """Five trackers in batches of two: three subflow runs, the same trackers, no folder left."""
    told: list[str] = []
    trackers, parent_id = spread(
        sample, sample_config, tmp_path, 2, on_read=lambda c, t: told.append(c.id)
    )

    assert trackers == [fetch_tracker(c) for c in sample]
    assert sorted(told) == sorted(c.id for c in sample)
    assert sorted(worker.ran) == [
        "2021-10 read fresno, los-angeles",
        "2021-10 read mckinleyville, oakland",
        "2021-10 read san-diego",
    ]
    assert len(children_of(parent_id)) == 3
    assert list((tmp_path / ".reads").iterdir()) == []


def test_a_crashed_read_run_fails_only_its_collaboratives(
    worker: StandInWorker, sample: list[CollaborativeConfig], sample_config: Path, tmp_path: Path
) -> None:
    """The batch whose run crashed fails with the run's name and state; the others read."""
    worker.crash_names.add("2021-10 read fresno, los-angeles")

    trackers = spread(sample, sample_config, tmp_path, 2)[0]

    failed = {t.collaborative: t.failure.reason for t in trackers if t.failure}
    assert set(failed) == {"fresno", "los-angeles"}
    assert failed["fresno"] == (
        "the tracker could not be read: the run that reads it (2021-10 read fresno, "
        "los-angeles) ended Crashed (Flow run infrastructure exited with non-zero status "
        "code -9.); try again later"
    )
    assert [t for t in trackers if not t.failure] == [
        fetch_tracker(c) for c in sample if c.id not in failed
    ]


def test_read_runs_no_worker_takes_fail_in_time_and_are_cancelled(
    read_deployment_id: UUID,
    sample: list[CollaborativeConfig],
    sample_config: Path,
    tmp_path: Path,
) -> None:
    """With no worker, every collaborative fails at the deadline saying to start one."""
    trackers, parent_id = spread(sample[:2], sample_config, tmp_path, 1, timeout_seconds=3)

    for tracker in trackers:
        assert tracker.failure is not None
        assert "no worker started the run that reads it" in tracker.failure.reason
        assert "check that a worker is running" in tracker.failure.reason
    states = {run.state_name for run in children_of(parent_id)}  # type: ignore[attr-defined]
    assert states == {"Cancelled"}


def test_spreading_reads_without_the_read_deployment_stops_saying_to_deploy(
    sample: list[CollaborativeConfig],
    sample_config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No read-trackers deployment on the server: the run stops, saying to deploy again."""
    import flows.read_trackers

    monkeypatch.setattr(flows.read_trackers, "READ_DEPLOYMENT", "read-trackers/not-deployed")
    with pytest.raises(ReadDeploymentMissingError, match=r"deploy prefect\.yaml again"):
        spread(sample[:1], sample_config, tmp_path, 1)
    assert list((tmp_path / ".reads").iterdir()) == []


def test_the_read_trackers_flow_stores_only_snapshots_and_returns_only_names(
    sample_config: Path, tmp_path: Path
) -> None:
    """Run directly, it writes each tracker's snapshot and returns file names, not contents."""
    written = read_trackers(
        config=str(sample_config),
        collaboratives=["fresno", "oakland"],
        as_of=AS_OF,
        run_date=RUN_DATE,
        folder=str(tmp_path),
    )

    assert sorted(written) == ["snapshots/fresno.json", "snapshots/oakland.json"]
    stored = json.loads((tmp_path / "snapshots/fresno.json").read_text())
    assert (stored["as_of"], stored["read_on"]) == ("2021-10-31", "2021-11-03")


def test_a_read_run_on_a_worker_that_does_not_share_the_folder_fails_saying_so(
    sample_config: Path, tmp_path: Path
) -> None:
    """The folder of reads is made by the asking run: missing here, the run fails, says why."""
    state = read_trackers(
        config=str(sample_config),
        collaboratives=["fresno"],
        as_of=AS_OF,
        run_date=RUN_DATE,
        folder=str(tmp_path / "elsewhere"),
        return_state=True,
    )

    assert state.is_failed()
    assert "every worker must share" in str(state.message)
    assert not (tmp_path / "elsewhere").exists()


def test_batches_keep_the_order_and_the_last_one_is_smaller() -> None:
    """Batches of two of five: (1, 2), (3, 4), (5); a batch of none is refused."""
    assert batches([1, 2, 3, 4, 5], 2) == [(1, 2), (3, 4), (5,)]
    with pytest.raises(ValueError, match="at least one"):
        batches([1], 0)
