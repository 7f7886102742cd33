"""The `read-trackers` flow, and spreading a run's tracker reads over the pool's workers.

A program with hundreds of trackers reads them sooner on several workers. When the
deployment sets `STC_TRACKERS_PER_READ_RUN` above 0 (`DeploymentSettings`, docs/
operations.md "Scale-out"), a `monthly-report` run calls `read_on_workers`: it splits
its collaboratives into batches of that many, starts one `read-trackers` run per batch
through the `read-trackers` deployment (any worker of the pool may take it), waits for
them, and reads the trackers back from the snapshots they stored in a folder every
worker shares. Only snapshots travel between runs (what ingest kept after its privacy
step), never Prefect results; the Google Sheets quota is held across all of them by the
`sheets-reads` global concurrency limit.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar, cast

from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.states import Cancelling
from prefect.task_runners import ThreadPoolTaskRunner

from stc_reporting.config import CollaborativeConfig
from stc_reporting.ingest.reading import ParsedTracker, unreadable_tracker
from stc_reporting.pipeline import plan_run, read_stored_snapshots
from tasks.handing import as_is
from tasks.sources import (
    google_secret_json,
    read_in_batches,
    share_sheets_quota,
    store_snapshots,
)

READ_DEPLOYMENT = "read-trackers/read-trackers"
"""The deployment (flow/deployment, prefect.yaml) that reads a batch of trackers."""

READS_FOLDER = ".reads"
"""Under the shared folder: one folder of snapshots per run that spreads its reads."""

READ_RUNS_TIMEOUT_SECONDS = 3600.0
"""How long a run waits for its `read-trackers` runs before failing what they had not read."""

# Reads are I/O-bound; four at once per run stays well inside Google's 60 reads/minute,
# and the `sheets-reads` limit holds the quota across runs and workers.
PARALLEL_READS = 4

_POLL_SECONDS = 2.0
_NOT_STARTED = (StateType.SCHEDULED, StateType.PENDING)

Item = TypeVar("Item")
OnRead = Callable[[CollaborativeConfig, ParsedTracker], None]


@flow(
    name="read-trackers",
    description="Read some collaboratives' trackers for a monthly-report run and store their "
    "snapshots in the folder it gave. Started by monthly-report runs; not for people.",
    task_runner=ThreadPoolTaskRunner(max_workers=PARALLEL_READS),  # type: ignore[arg-type]
    persist_result=False,
)
def read_trackers(
    config: str,
    collaboratives: list[str],
    as_of: date,
    run_date: date,
    folder: str,
) -> list[str]:
    """Read these collaboratives' trackers and store their snapshots in `folder`.

    Args:
        config: The program config file, relative to the checkout the worker runs in.
        collaboratives: The ids of the collaboratives whose trackers to read.
        as_of: The as-of date of the run that asked (recorded in each snapshot).
        run_date: The day of the run that asked (recorded in each snapshot).
        folder: The folder of reads the run that asked made, on storage every
            worker shares.

    Returns:
        The snapshot files written, relative to `folder` (names only: nothing of a
        tracker is ever a Prefect result).
    """
    plan = plan_run(
        Path(config),
        Path(folder),
        as_of,
        collaboratives,
        run_date=run_date,
        google_secret=google_secret_json,
    )
    sheets = share_sheets_quota(plan.sheets)
    trackers = read_in_batches(plan.selection.collaboratives, sheets, PARALLEL_READS)
    return store_snapshots(Path(folder), as_is(trackers), as_of, run_date)


def batches(items: Sequence[Item], size: int) -> list[tuple[Item, ...]]:
    """Split items into consecutive batches of `size` (the last may be smaller).

    Raises:
        ValueError: `size` is not at least 1.
    """
    if size < 1:
        raise ValueError(f"a batch holds at least one item, not {size}")
    return [tuple(items[start : start + size]) for start in range(0, len(items), size)]


class ReadDeploymentMissingError(RuntimeError):
    """Reads are to be spread over the workers, but the `read-trackers` deployment is missing."""


@dataclass(frozen=True)
class ReadRun:
    """One `read-trackers` run this run started, and whose trackers it reads."""

    collaboratives: tuple[CollaborativeConfig, ...]
    flow_run: FlowRun


def read_on_workers(
    collaboratives: Sequence[CollaborativeConfig],
    *,
    config_path: Path,
    as_of: date,
    run_date: date,
    shared_folder: Path,
    per_run: int,
    timeout_seconds: float = READ_RUNS_TIMEOUT_SECONDS,
    on_read: OnRead | None = None,
) -> list[ParsedTracker]:
    """Read the trackers in `read-trackers` runs on the pool's workers; wait for them.

    Call it from a flow: each run it starts shows as a subflow of that flow. A batch
    whose run failed, crashed, was cancelled or did not finish in time fails only its
    collaboratives, with the reason in words; every other tracker is read as usual.

    Args:
        collaboratives: Whose trackers to read, in order.
        config_path: The program config, as the workers find it (relative to their
            checkout, like `STC_CONFIG`).
        as_of: The run's as-of date.
        run_date: The day of the run.
        shared_folder: A folder every worker reaches at the same path (the outputs
            root): the snapshots go to `<it>/.reads/<random>/`, removed at the end.
        per_run: Trackers per `read-trackers` run (the deployment's
            `trackers_per_read_run`), at least 1.
        timeout_seconds: How long to wait for all the runs; those not finished by
            then are cancelled and their collaboratives fail.
        on_read: Told each collaborative's tracker as its batch finishes (progress).

    Returns:
        One tracker per collaborative, in the order given.
    """
    logger = get_run_logger()
    folder = shared_folder.resolve() / READS_FOLDER / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        runs = [
            _start_read_run(batch, config_path, as_of, run_date, folder)
            for batch in batches(collaboratives, per_run)
        ]
        logger.info(
            "Reading %d trackers in %d %s runs on the workers of the pool (%d per run)",
            len(collaboratives),
            len(runs),
            READ_DEPLOYMENT,
            per_run,
        )
        read: dict[str, ParsedTracker] = {}
        for run, trackers in _wait_for(runs, folder, time.monotonic() + timeout_seconds):
            for collaborative, tracker in zip(run.collaboratives, trackers, strict=True):
                read[collaborative.id] = tracker
                if on_read is not None:
                    on_read(collaborative, tracker)
        return [read[c.id] for c in collaboratives]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start_read_run(
    batch: Sequence[CollaborativeConfig],
    config_path: Path,
    as_of: date,
    run_date: date,
    folder: Path,
) -> ReadRun:
    """Create one `read-trackers` run for a batch (it starts when a worker takes it).

    Raises:
        ReadDeploymentMissingError: The server has no `read-trackers` deployment.
    """
    try:
        # Called from a sync flow, `run_deployment` returns the flow run, not a coroutine.
        flow_run = run_deployment(
            READ_DEPLOYMENT,
            parameters={
                "config": str(config_path),
                "collaboratives": [c.id for c in batch],
                "as_of": as_of.isoformat(),
                "run_date": run_date.isoformat(),
                "folder": str(folder),
            },
            flow_run_name=_run_name(batch, as_of),
            timeout=0,  # start every batch now; `_wait_for` waits for them all together
            as_subflow=True,
        )
    except ObjectNotFound as error:
        raise ReadDeploymentMissingError(
            "STC_TRACKERS_PER_READ_RUN asks for reads on the workers, but the server has no "
            f"{READ_DEPLOYMENT} deployment: deploy prefect.yaml again (docs/operations.md)"
        ) from error
    return ReadRun(tuple(batch), cast(FlowRun, flow_run))


def _run_name(batch: Sequence[CollaborativeConfig], as_of: date) -> str:
    """`2021-10 read fresno, oakland` (`… and 3 more` beyond three)."""
    ids = [c.id for c in batch]
    shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"{as_of:%Y-%m} read {shown}"


def _wait_for(
    runs: Sequence[ReadRun], folder: Path, deadline: float
) -> Iterator[tuple[ReadRun, list[ParsedTracker]]]:
    """Yield each run with its trackers as it finishes; at the deadline, fail the rest.

    Every run is yielded once, with one tracker per collaborative of its batch. A run
    not finished by the deadline is cancelled (a run no worker took yet simply never
    starts).
    """
    pending = {run.flow_run.id: run for run in runs}
    with get_client(sync_client=True) as client:
        while pending:
            current = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(pending)))
            )
            for flow_run in current:
                if flow_run.state is not None and flow_run.state.is_final():
                    run = pending.pop(flow_run.id)
                    yield run, _trackers_of(run, flow_run, folder)
            if pending and time.monotonic() >= deadline:
                latest = {f.id: f for f in current}
                for flow_run_id, run in pending.items():
                    reason = _timed_out(latest.get(flow_run_id, run.flow_run))
                    client.set_flow_run_state(flow_run_id, Cancelling(message=reason))
                    get_run_logger().warning("%s: %s", run.flow_run.name, reason)
                    yield run, _failed(run, reason)
                return
            if pending:
                time.sleep(max(0.0, min(_POLL_SECONDS, deadline - time.monotonic())))


def _trackers_of(run: ReadRun, flow_run: FlowRun, folder: Path) -> list[ParsedTracker]:
    """The batch's trackers from its snapshots, or, if its run did not complete, failed ones."""
    state = flow_run.state
    assert state is not None
    if state.is_completed():
        return read_stored_snapshots(run.collaboratives, folder)
    reason = f"the run that reads it ({flow_run.name}) ended {state.name}"
    message = _first_line(state.message)
    reason += f" ({message}); try again later" if message else "; try again later"
    get_run_logger().warning("%s ended %s: %s", flow_run.name, state.name, message or "-")
    return _failed(run, reason)


def _timed_out(flow_run: FlowRun) -> str:
    """Why a batch failed whose run had not finished by the deadline, in words."""
    state = flow_run.state
    if state is None or state.type in _NOT_STARTED:
        pool = f"the {flow_run.work_pool_name} work pool" if flow_run.work_pool_name else "its pool"
        return (
            f"no worker started the run that reads it ({flow_run.name}) in time; check that "
            f"a worker is running on {pool}, then run again"
        )
    return f"the run that reads it ({flow_run.name}) did not finish in time; try again later"


def _failed(run: ReadRun, reason: str) -> list[ParsedTracker]:
    return [unreadable_tracker(c.id, reason) for c in run.collaboratives]


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""
