"""Time rendering the funder reports and the data-quality report, one process against several.

Usage: python benchmarks/render_reports.py [--config PATH] [--processes 1 2] [--repeat 1]
       [--json PATH] [--quick]

The trackers of the config (default: the samples; a portfolio's `program.yaml` from
benchmarks/portfolio.py for scale) are read, checked and rolled up once; then the two
rendering steps run with each `STC_RENDER_PROCESSES` given, side by side in one go, so
the ratio holds on a busy machine. For each it prints wall and CPU seconds (this process
and its worker processes, once they have ended) and CPU / wall, the cores kept busy
while rendering, and checks every setting made the same bytes. `--quick` renders the
samples once with 1 and 2 processes (to check the script still runs: timings mean
nothing there). Nothing is judged: the exit status is 0 when the bytes match.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = date(2021, 10, 31)


def cpu_seconds() -> float:
    """User and system time of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(step: Any, *arguments: Any) -> tuple[Any, dict[str, float]]:
    """Run a step; its result, and its wall and CPU seconds and their ratio."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = step(*arguments)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    return result, {"wall": round(wall, 2), "cpu": round(cpu, 2), "busy": round(cpu / wall, 2)}


def main() -> int:
    """Prepare the rollups once, then time the two rendering steps for each setting."""
    from stc_reporting.pipeline import (
        follow_up_issues,
        plan_run,
        read_and_check,
        render_quality_report,
        render_reports,
        roll_up,
    )
    from stc_reporting.reports.pool import PROCESSES_VARIABLE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=REPO / "config" / "program.yaml")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--quick", action="store_true", help="the samples, once, 1 and 2")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.config, arguments.processes, arguments.repeat = (
            REPO / "config" / "program.yaml",
            [1, 2],
            1,
        )
    rows, made = [], {}
    with tempfile.TemporaryDirectory() as scratch:
        plan = plan_run(arguments.config, Path(scratch), AS_OF)
        checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
        rollups = roll_up(plan, checked.trackers, checked.issues).rollups
        followup = follow_up_issues(plan, checked.issues, checked.trackers)
        for attempt in range(1, arguments.repeat + 1):
            for processes in arguments.processes:
                os.environ[PROCESSES_VARIABLE] = str(processes)
                reports, funder = timed(
                    render_reports, plan, rollups, checked.trackers, checked.issues
                )
                pages, quality = timed(
                    render_quality_report, plan, rollups, checked.trackers, followup
                )
                documents = [*reports.documents, *reports.inputs, *pages]
                made[processes] = [(d.path, d.content) for d in documents]
                rows.append(
                    _row(attempt, processes, len(reports.documents), len(pages), funder, quality)
                )
    identical = all(documents == made[arguments.processes[0]] for documents in made.values())
    _print(rows, arguments.config, identical)
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        facts = {"cpus": os.cpu_count(), "machine": platform.platform()}
        report = {"config": str(arguments.config), "identical": identical, "runs": rows, **facts}
        arguments.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if identical else 1


def _row(
    attempt: int,
    processes: int,
    reports: int,
    pages: int,
    funder: dict[str, float],
    quality: dict[str, float],
) -> dict[str, Any]:
    wall, cpu = funder["wall"] + quality["wall"], funder["cpu"] + quality["cpu"]
    both = {"wall": round(wall, 2), "cpu": round(cpu, 2), "busy": round(cpu / wall, 2)}
    return {
        "attempt": attempt,
        "processes": processes,
        "funder_reports": reports,
        "data_quality_documents": pages,
        "funder": funder,
        "data_quality": quality,
        "both": both,
    }


def _print(rows: list[dict[str, Any]], config: Path, identical: bool) -> None:
    print(f"Rendering the reports of {config} (wall s / CPU s / CPU per wall second)")
    print(
        f"{'run':>4}{'processes':>10}{'funder reports':>28}{'data-quality report':>28}{'both':>24}"
    )
    for row in rows:
        cells = [
            f"{row[key]['wall']:>7.1f} /{row[key]['cpu']:>6.1f} /{row[key]['busy']:>5.2f}"
            for key in ("funder", "data_quality", "both")
        ]
        counts = f"({row['funder_reports']} + {row['data_quality_documents']} documents)"
        print(f"{row['attempt']:>4}{row['processes']:>10}   {cells[0]:>25}", end="")
        print(f"{cells[1]:>28}{cells[2]:>24}  {counts}")
    print(f"every setting made the same bytes: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
