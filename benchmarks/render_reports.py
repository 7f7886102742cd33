"""Time rendering the six sample reports after the rollups (target: under 10 s on 2 cores).

Usage: python benchmarks/render_reports.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    """Prepare rollups once with the pipeline's steps, then time its render step alone."""
    from stc_reporting.pipeline import plan_run, read_and_check, render_reports, roll_up

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        plan = plan_run(REPO / "config/program.yaml", Path(scratch), date(2021, 10, 31))
        checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
        rollups = roll_up(plan, checked.trackers, checked.issues).rollups
        for attempt in range(1, arguments.repeat + 1):
            start = time.perf_counter()
            result = render_reports(plan, rollups, checked.trackers, checked.issues)
            seconds = time.perf_counter() - start
            print(
                f"run {attempt}: {len(result.documents)} reports in {seconds:.2f} s"
                f"{' (first run imports matplotlib and docxtpl)' if attempt == 1 else ''}"
            )


if __name__ == "__main__":
    main()
