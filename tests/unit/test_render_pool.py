"""Rendering in worker processes: results in order, failures alone, nothing imported for nothing.

The jobs here are probes (tests/render_probe.py): each says which process rendered it.
A probe can hold the asking process until others have started, so the tests know which
jobs a worker rendered without depending on how fast the machine is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stc_reporting.config import ConfigError
from stc_reporting.pipeline import plan_run
from stc_reporting.reports import pool
from stc_reporting.reports.pool import (
    PROCESSES_VARIABLE,
    render_jobs,
    render_one,
    render_processes,
    usable_cores,
)
from tests.render_probe import ProbeJob, rendered_by

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def _pids(results: list[pool.JobResult]) -> list[int]:
    return [rendered_by(result.documents[0].content)[0] for result in results]


def test_jobs_held_up_here_are_rendered_by_a_worker_and_come_back_in_order(
    tmp_path: Path,
) -> None:
    """The first job waits here until jobs 1-5 have started: a worker rendered them."""
    jobs = [ProbeJob(0, tmp_path, wait_for=(1, 2, 3, 4, 5))]
    jobs += [ProbeJob(index, tmp_path) for index in range(1, 6)]

    results = render_jobs(jobs, processes=2)

    assert [r.error for r in results] == [None] * 6
    assert [r.documents[0].path for r in results] == [f"{i}.json" for i in range(6)]
    pids = _pids(results)
    assert pids[0] == os.getpid()
    assert len(set(pids[1:])) == 1 and pids[1] != os.getpid()


def test_a_worker_imports_neither_the_flow_nor_the_checks_nor_the_tests(tmp_path: Path) -> None:
    jobs = [ProbeJob(0, tmp_path, wait_for=(1,)), ProbeJob(1, tmp_path)]

    results = render_jobs(jobs, processes=2)

    assert "pytest" in rendered_by(results[0].documents[0].content)[1]
    worker, modules = rendered_by(results[1].documents[0].content)
    assert worker != os.getpid()
    assert modules == []


PROGRAM = """
import contextlib, json, sys
from pathlib import Path

folder = Path(sys.argv[1])
with open(folder / "imported", "a") as marks:  # each process that imports this file
    marks.write("imported\\n")

if __name__ == "__main__":
    from stc_reporting.reports import pool
    from tests.render_probe import ProbeJob

    if sys.argv[2] == "usual":
        pool._main_module_set_aside = contextlib.nullcontext
    jobs = [ProbeJob(0, folder, wait_for=(1,)), ProbeJob(1, folder)]
    results = pool.render_jobs(jobs, processes=2)
    print(json.dumps([r.error for r in results]))
"""


@pytest.mark.parametrize(
    ("start", "imports"),
    [("set aside", 1), ("usual", 2)],
    ids=["main module set aside", "started the usual way, it is imported twice"],
)
def test_a_worker_does_not_import_the_program_that_started_it(
    tmp_path: Path, start: str, imports: int
) -> None:
    """`stc-report` is a script whose imports are the CLI's: Prefect, Great Expectations."""
    program = tmp_path / "program.py"
    program.write_text(PROGRAM)

    ran = subprocess.run(
        [sys.executable, str(program), str(tmp_path), start],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )

    assert json.loads(ran.stdout) == [None, None]
    assert (tmp_path / "imported").read_text().splitlines() == ["imported"] * imports


def test_a_report_that_fails_in_a_worker_fails_alone_with_the_message_it_has_here(
    tmp_path: Path,
) -> None:
    """Jinja's errors cannot be pickled whole; the message crosses, the same as here."""
    failing = ProbeJob(2, tmp_path, fail=True)
    jobs = [ProbeJob(0, tmp_path, wait_for=(1, 2, 3)), ProbeJob(1, tmp_path), failing]
    jobs.append(ProbeJob(3, tmp_path))

    results = render_jobs(jobs, processes=2)

    assert [r.error is None for r in results] == [True, True, False, True]
    assert results[2].documents == []
    assert results[2].error == render_one(failing).error
    assert str(results[2].error).startswith("job 2: unexpected end of template")


def test_a_worker_that_dies_leaves_its_jobs_to_the_process_that_asked(tmp_path: Path) -> None:
    """A worker killed mid-job (out of memory, say) loses no report: they render here."""
    asker = os.getpid()
    jobs = [
        ProbeJob(0, tmp_path, wait_for=(1,)),
        ProbeJob(1, tmp_path, exit_in_worker=True, asker=asker),
    ]
    jobs += [ProbeJob(index, tmp_path) for index in range(2, 5)]

    results = render_jobs(jobs, processes=2)

    assert [r.error for r in results] == [None] * 5
    assert [r.documents[0].path for r in results] == [f"{i}.json" for i in range(5)]
    assert _pids(results)[1] == asker


def test_workers_alone_render_every_job_when_told_to(tmp_path: Path) -> None:
    jobs = [ProbeJob(index, tmp_path) for index in range(3)]

    results = render_jobs(jobs, processes=2, render_here=False)

    assert os.getpid() not in _pids(results)
    assert [r.documents[0].path for r in results] == ["0.json", "1.json", "2.json"]


@pytest.mark.parametrize(
    ("processes", "pool_from", "count"),
    [(1, 2, 5), (2, 6, 5), (2, 2, 1)],
    ids=["one process", "fewer jobs than a pool is worth", "a single job"],
)
def test_one_process_few_jobs_or_a_single_job_render_here(
    tmp_path: Path, processes: int, pool_from: int, count: int
) -> None:
    jobs = [ProbeJob(index, tmp_path) for index in range(count)]

    results = render_jobs(jobs, processes=processes, pool_from=pool_from)

    assert _pids(results) == [os.getpid()] * count


def test_the_number_of_processes_is_the_variable_s_else_the_usable_cores() -> None:
    assert render_processes({PROCESSES_VARIABLE: "3"}) == 3
    assert render_processes({PROCESSES_VARIABLE: " 1 "}) == 1
    assert render_processes({}) == usable_cores()
    assert render_processes({PROCESSES_VARIABLE: ""}) == usable_cores()


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_number_of_processes_that_is_no_whole_number_above_zero_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match=f"{PROCESSES_VARIABLE} must be a whole number.*{value}"):
        render_processes({PROCESSES_VARIABLE: value})


def test_a_run_told_a_bad_number_of_processes_stops_before_any_tracker_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PROCESSES_VARIABLE, "all")

    with pytest.raises(ConfigError, match=PROCESSES_VARIABLE):
        plan_run(REPO / "config" / "program.yaml", tmp_path / "out")
