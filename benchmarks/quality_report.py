"""The data-quality report and pages at scale: render time and the internal report's size.

Usage: python benchmarks/quality_report.py [--sizes 50 500] [--quick]
       [--json out/benchmarks/quality_report.json]

For each size, writes a portfolio of that many collaboratives (`portfolio.py`, seed 7),
reads, checks, follows up and rolls it up once with the pipeline's own steps (no
Prefect), then times `render_dq_report` alone: the internal report (HTML and Word) and
each collaborative's page, in one process, wall and CPU seconds. Targets: rendering
stays linear (time at the largest size / time at the smallest at most their ratio × 1.1),
and the internal report stays short (its HTML at most 60 KB: a program summary beyond
25 collaboratives, not every issue). `--quick` measures 30 collaboratives only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from target_table import TargetRow, print_and_write

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHORT_REPORT_BYTES = 60_000
"""The internal report's HTML at most: a few pages, whatever the size of the portfolio."""


def measure(size: int, scratch: Path) -> dict[str, Any]:
    """Render the data-quality report and pages of a portfolio of `size`; time it."""
    from stc_reporting.pipeline import follow_up_issues, plan_run, read_and_check, roll_up
    from stc_reporting.reports.quality import render_dq_report

    folder = scratch / f"portfolio-{size}"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "portfolio.py"),
            *("--collaboratives", str(size), "--seed", "7", "--out", str(folder)),
        ],
        check=True,
        capture_output=True,
    )
    plan = plan_run(folder / "program.yaml", scratch / f"out-{size}", date(2021, 10, 31))
    checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
    followup = follow_up_issues(plan, checked.issues, checked.trackers)
    rollups = roll_up(plan, checked.trackers, checked.issues).rollups
    wall, cpu = time.perf_counter(), time.process_time()
    documents = render_dq_report(
        rollups,
        plan.selection.collaboratives,
        checked.trackers,
        followup,
        plan.config.program,
        plan.run_date,
        languages={c.id: plan.config.language_of(c) for c in plan.selection.collaboratives},
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    report = {d.path: len(d.content) for d in documents if "/" not in d.path}
    return {
        "collaboratives": size,
        "issues": len(checked.issues),
        "documents": len(documents),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "report_bytes": report,
    }


def target_rows(figures: list[dict[str, Any]]) -> list[TargetRow]:
    """The internal report's size at each size, and linearity once two sizes are measured."""
    rows = [
        TargetRow(
            figure=f"internal report HTML, {f['collaboratives']} collaboratives",
            unit="KB",
            measured=round(f["report_bytes"]["data-quality-report.html"] / 1000, 1),
            target=SHORT_REPORT_BYTES / 1000,
        )
        for f in figures
    ]
    if len(figures) > 1:
        small, large = figures[0], figures[-1]
        rows.append(
            TargetRow(
                figure=f"render CPU, {large['collaboratives']} / {small['collaboratives']}",
                unit="×",
                measured=round(large["cpu_seconds"] / small["cpu_seconds"], 2),
                target=round(1.1 * large["collaboratives"] / small["collaboratives"], 2),
            )
        )
    return rows


def main() -> None:
    """Measure each size, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--quick", action="store_true", help="30 collaboratives only")
    parser.add_argument(
        "--json", type=Path, default=REPO / "out" / "benchmarks" / "quality_report.json"
    )
    arguments = parser.parse_args()
    sizes = [30] if arguments.quick else sorted(arguments.sizes)
    with tempfile.TemporaryDirectory() as scratch:
        figures = [measure(size, Path(scratch)) for size in sizes]
    for f in figures:
        print(
            f"{f['collaboratives']} collaboratives, {f['issues']} issues: "
            f"{f['documents']} documents in {f['wall_seconds']} s ({f['cpu_seconds']} s CPU)"
        )
    print_and_write(
        "Data-quality report and pages at scale",
        target_rows(figures),
        {"sizes": figures},
        arguments.json,
    )


if __name__ == "__main__":
    main()
