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
    """Prepare rollups once, then time `make_reports` alone."""
    from stc_reporting.config import load_config
    from stc_reporting.figures.build import RunSelection, build_rollups
    from stc_reporting.pipeline import check_trackers, fetch_tracker
    from stc_reporting.reports.funder import make_reports

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    config = load_config(REPO / "config/program.yaml")
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    issues = check_trackers(config, trackers, date.today())
    selection = RunSelection(tuple(config.collaboratives), date(2021, 10, 31))
    rollups = build_rollups(config, selection, trackers, issues)
    with tempfile.TemporaryDirectory() as scratch:
        for attempt in range(1, arguments.repeat + 1):
            start = time.perf_counter()
            result = make_reports(
                Path(scratch), rollups, config.collaboratives, trackers, issues, date.today()
            )
            seconds = time.perf_counter() - start
            print(
                f"run {attempt}: {len(result.files)} reports in {seconds:.2f} s"
                f"{' (first run imports matplotlib and docxtpl)' if attempt == 1 else ''}"
            )


if __name__ == "__main__":
    main()
