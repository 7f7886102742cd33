"""Rendering independent documents side by side, in a pool of worker processes.

Charts (matplotlib) and Word documents (docxtpl) are CPU-bound and matplotlib is not
thread-safe, so reports render in processes: each report is a job (`RenderJob`), a
small picklable description holding everything that report needs and nothing more
(its template and its finished context, never the run's trackers), rendered by
`render_jobs`. Results come back in the order the jobs were given, so a run writes the
same files in the same order whatever the number of processes; a job that fails fails
alone, with its message, as it would in the run's own process.

Workers are *started* fresh ("spawn"), never forked: the process that asks may be a
Prefect flow with threads running, which a fork would copy mid-work. A worker imports
only what the jobs' modules import (the report packages), not the program that started
it: the parent's main module is set aside while a worker starts (see
`_main_module_set_aside`), as it would otherwise be imported again in every worker (for
`stc-report`, the whole CLI with Prefect and Great Expectations).

How many processes: `STC_RENDER_PROCESSES` (a whole number, 1 or more; 1 renders in
the run's own process, one report after the other), by default one per CPU core this
process may use. The run's own process is one of them: it renders too, from the first
job, while the workers start (each costs about a second of imports before its first
job), and every process takes the next job as soon as it is free. A few documents are
not worth a worker's start: the caller says from how many jobs it is (`pool_from`).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
import types
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.context import SpawnContext, SpawnProcess
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from stc_reporting.config import ConfigError
from stc_reporting.reports.document import RenderedDocument

PROCESSES_VARIABLE = "STC_RENDER_PROCESSES"


class RenderJob(Protocol):
    """One report to render: picklable, holding all it needs (a pydantic model or dataclass)."""

    def render(self) -> list[RenderedDocument]:
        """Render the report's documents (raising what rendering raises)."""
        ...


@dataclass(frozen=True)
class JobResult:
    """What rendering one job gave.

    Attributes:
        documents: The documents made ([] when it failed).
        error: Why it failed, as the error said it (`str(error)`), or None.
    """

    documents: list[RenderedDocument] = field(default_factory=list)
    error: str | None = None


def render_processes(environment: Mapping[str, str] | None = None) -> int:
    """How many processes render reports: `STC_RENDER_PROCESSES`, else one per usable core.

    Args:
        environment: The environment variables (default: this process's).

    Raises:
        ConfigError: The variable is set to anything but a whole number, 1 or more.
    """
    environment = os.environ if environment is None else environment
    value = environment.get(PROCESSES_VARIABLE, "").strip()
    if not value:
        return usable_cores()
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(
            f"{PROCESSES_VARIABLE} must be a whole number of processes, 1 or more "
            f"(1 renders the reports one after the other); it is {value!r}"
        )
    return int(value)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def render_jobs(
    jobs: Sequence[RenderJob],
    processes: int | None = None,
    pool_from: int = 2,
    render_here: bool = True,
) -> list[JobResult]:
    """Render every job: here and, when it pays, in worker processes beside this one.

    This process renders too (it has everything imported already): with `processes`
    of N, N - 1 workers help it, each taking the next job as soon as it is ready.

    Args:
        jobs: The reports to render.
        processes: How many processes may render, this one included (default:
            `render_processes()`); 1 renders here, one job after the other.
        pool_from: The fewest jobs worth starting workers for; fewer render here.
        render_here: False leaves every job to the workers (to check that a job renders
            the same in a fresh process); this process then only waits.

    Returns:
        One result per job, in the jobs' order, whichever process rendered it.
    """
    processes = render_processes() if processes is None else processes
    workers = min(processes - 1, len(jobs) - 1 if render_here else len(jobs))
    if workers < 1 or len(jobs) < pool_from:
        return [render_one(job) for job in jobs]
    executor = _pool(workers)
    if executor is None:  # no process pool on this system: render here
        return [render_one(job) for job in jobs]
    try:
        if not render_here:
            futures = [executor.submit(render_one, job) for job in jobs]
            return [_result_of(future, job) for future, job in zip(futures, jobs, strict=True)]
        return _render_with_workers(jobs, workers, executor)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def render_one(job: RenderJob) -> JobResult:
    """Render one job; an error becomes its result's message (in a worker or here alike).

    Only the message crosses back from a worker: some errors (Jinja's) cannot be
    pickled whole, and a run reports a failed report by its message.
    """
    try:
        return JobResult(documents=job.render())
    except Exception as error:  # any report's failure is that report's alone
        return JobResult(error=str(error))


def _pool(workers: int) -> ProcessPoolExecutor | None:
    """A pool of `workers` spawned processes, or None where the system has none."""
    try:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=_RenderContext(), initializer=_ignore_interrupts
        )
    except (OSError, NotImplementedError, ImportError):
        return None


def _render_with_workers(
    jobs: Sequence[RenderJob], workers: int, executor: ProcessPoolExecutor
) -> list[JobResult]:
    """Render the jobs here and in the workers, each taking the next job when free."""
    dispatcher = _Dispatcher(jobs, executor)
    _start_workers(executor, workers, jobs, dispatcher)
    results: dict[int, JobResult] = {}
    while (index := dispatcher.take()) is not None:
        results[index] = render_one(jobs[index])
    for index, future in dispatcher.given_to_pool().items():
        results[index] = _result_of(future, jobs[index])
    return [results[index] for index in range(len(jobs))]


def _start_workers(
    executor: ProcessPoolExecutor,
    workers: int,
    jobs: Sequence[RenderJob],
    dispatcher: _Dispatcher,
) -> None:
    """Start the workers; each asks for jobs once it has imported their code.

    Until then this process renders: a worker is ready after about a second of imports.
    A worker that cannot be started leaves its share to this process.
    """
    modules = sorted({type(job).__module__ for job in jobs})
    try:
        for _ in range(workers):
            executor.submit(import_modules, modules).add_done_callback(dispatcher.feed_pool)
    except (OSError, BrokenProcessPool):
        return


def import_modules(names: Sequence[str]) -> None:
    """Import the jobs' modules in a worker, before it asks for its first job."""
    for name in names:
        importlib.import_module(name)


class _Dispatcher:
    """Hands the jobs out in order, one at a time, to this process or a free worker."""

    def __init__(self, jobs: Sequence[RenderJob], executor: ProcessPoolExecutor) -> None:
        self._jobs = jobs
        self._executor = executor
        self._next = 0
        self._pool_usable = True
        self._futures: dict[int, Future[JobResult]] = {}
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """The next job for this process to render, or None when every job is handed out."""
        with self._lock:
            return self._take()

    def feed_pool(self, _done: Future[Any]) -> None:
        """Give a worker that is free (its last job `_done`) the next job, if any is left.

        Called from the pool's own thread as each job ends; a pool that cannot take
        jobs any more (it broke, or shut down) leaves the rest to this process.
        """
        with self._lock:
            index = self._take() if self._pool_usable else None
            if index is None:
                return
            try:
                future = self._executor.submit(render_one, self._jobs[index])
            except (BrokenProcessPool, RuntimeError):
                self._pool_usable, self._next = False, index
                return
            self._futures[index] = future
        future.add_done_callback(self.feed_pool)

    def given_to_pool(self) -> dict[int, Future[JobResult]]:
        """The jobs handed to workers, by position (complete once `take` gave None)."""
        with self._lock:
            return dict(self._futures)

    def _take(self) -> int | None:
        if self._next >= len(self._jobs):
            return None
        self._next += 1
        return self._next - 1


def _result_of(future: Future[JobResult], job: RenderJob) -> JobResult:
    """A job's result; rendered here when its worker died (killed, out of memory)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return render_one(job)


def _ignore_interrupts() -> None:
    """Ctrl-C stops the run, which stops its workers: they need not each print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _main_module_set_aside() -> Iterator[None]:
    """Start a worker without the parent's main module, so the worker does not import it.

    A spawned worker imports the parent's `__main__` again (by file or module name) before
    it runs anything. The jobs and the worker function live in this package, so the worker
    needs none of it; an empty stand-in is in place for the moment the worker's start-up
    data is gathered, and the real one is put back at once.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _RenderProcess(SpawnProcess):
    """A spawned worker process started without the parent's main module."""

    @staticmethod
    def _Popen(process_obj: BaseProcess) -> Any:  # noqa: N802 (multiprocessing's name)
        with _main_module_set_aside():
            return SpawnProcess._Popen(process_obj)


class _RenderContext(SpawnContext):
    """The "spawn" start method, with workers that do not import the parent's main module."""

    Process = _RenderProcess
