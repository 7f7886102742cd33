"""Time the roll-up and write steps of a run, with no Prefect, on a portfolio.

Usage: python benchmarks/write_step.py [--collaboratives 50] [--repeat 2] [--profile]
       [--with-reports] [--config DIR/program.yaml] [--out DIR] [--json FILE] [--quick]

Runs the whole domain pipeline (`stc_reporting.pipeline.run_monthly_report`) on a
portfolio (`benchmarks/portfolio.py`, or the config given), into a fresh folder each time,
and prints the wall and CPU seconds of its steps: above all computing the figures (with
their lineage) and writing the outputs (`rollups.json`, `issues.csv`, the follow-up file,
`audit.xlsx`, the snapshots, the manifest, with their fsyncs). Rendering is left out
unless `--with-reports` (then the reports are written too); `--profile` prints where the
write step spends its time. The figures are noisy on a shared machine: compare two
checkouts side by side, one run after the other, and prefer the CPU seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

AS_OF = date(2021, 10, 31)


class StepClock:
    """Wall and CPU seconds of each step, from the pipeline's progress calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, dict[str, float]] = {}
        self._current: str | None = None
        self._since = (time.perf_counter(), time.process_time())

    def __call__(self, step: Any, detail: str) -> None:
        """Start timing `step` (each tracker's read adds to the read step)."""
        self.stop()
        self._current = str(step.name).lower()

    def stop(self) -> None:
        """Close the step that is running."""
        now = (time.perf_counter(), time.process_time())
        if self._current is not None:
            step = self.seconds.setdefault(self._current, {"wall": 0.0, "cpu": 0.0})
            step["wall"] += now[0] - self._since[0]
            step["cpu"] += now[1] - self._since[1]
        self._since = now


def one_run(config: Path, out: Path, profile: bool) -> dict[str, dict[str, float]]:
    """Run the pipeline once into `out`; each step's seconds (and print the write's profile)."""
    from stc_reporting import pipeline

    clock = StepClock()
    plan = pipeline.plan_run(config, out, AS_OF)
    write = pipeline.write_outputs
    profiler = cProfile.Profile()

    def profiled_write(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return write(*args, **kwargs)
        finally:
            profiler.disable()

    if profile:
        pipeline.write_outputs = profiled_write
    try:
        pipeline.run_monthly_report(plan, clock)
    finally:
        pipeline.write_outputs = write
    clock.stop()
    if profile:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue())
    return clock.seconds


def without_reports() -> None:
    """Make the run render nothing: the steps measured here do not depend on the reports."""
    from stc_reporting import pipeline
    from stc_reporting.reports.document import RenderedDocument, RenderedReports

    def no_reports(*_args: object, **_kwargs: object) -> RenderedReports:
        return RenderedReports()

    def no_quality_report(*_args: object, **_kwargs: object) -> list[RenderedDocument]:
        return []

    pipeline.render_reports = no_reports
    pipeline.render_quality_report = no_quality_report


def measure(config: Path, scratch: Path, repeat: int, profile: bool) -> dict[str, dict[str, float]]:
    """The median wall and CPU seconds of each step over `repeat` runs."""
    runs = [one_run(config, scratch / f"run-{n}", profile and n == 0) for n in range(repeat)]
    return {
        step: {
            kind: round(statistics.median(run[step][kind] for run in runs), 3)
            for kind in ("wall", "cpu")
        }
        for step in runs[0]
    }


def main() -> None:
    """Measure, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collaboratives", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--config", type=Path, help="a portfolio's program.yaml to use")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print the write's profile")
    parser.add_argument("--with-reports", action="store_true", help="render and write them")
    parser.add_argument("--quick", action="store_true", help="5 collaboratives, once")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--out", type=Path, help="keep the runs' folders here (run-0, ...)")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.collaboratives, arguments.repeat = 5, 1
    if not arguments.with_reports:
        without_reports()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        config = arguments.config or make_portfolio(arguments, scratch)
        runs = arguments.out or scratch
        steps = measure(config, runs, arguments.repeat, arguments.profile)
    print(f"{'step':<12}{'wall s':>9}{'CPU s':>9}")
    for step, seconds in steps.items():
        print(f"{step:<12}{seconds['wall']:>9.2f}{seconds['cpu']:>9.2f}")
    report = {
        "collaboratives": None if arguments.config else arguments.collaboratives,
        "config": str(arguments.config) if arguments.config else None,
        "repeat": arguments.repeat,
        "with_reports": arguments.with_reports,
        "steps": steps,
    }
    _write_json(arguments.json)(report)


def make_portfolio(arguments: argparse.Namespace, scratch: Path) -> Path:
    """Write the portfolio the run reads; its config."""
    from portfolio import write_portfolio  # beside this file

    portfolio = write_portfolio(arguments.collaboratives, arguments.seed, scratch / "portfolio")
    return Path(portfolio.config)


def _write_json(path: Path | None) -> Callable[[dict[str, Any]], None]:
    def writer(report: dict[str, Any]) -> None:
        if path is not None:
            path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    return writer


if __name__ == "__main__":
    main()
