"""Time each pipeline step on the samples and on scaled-up trackers; report peak memory.

Usage: python benchmarks/run_pipeline.py [--scale 1 10 50] [--flow]

Each scale regenerates the five trackers with N times the activity rows, then times
reading, checking (Great Expectations), rollups and writing, in one process with no
Prefect. `--flow` also times `stc-report run` cold (fresh PREFECT_HOME) and warm.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_config(folder: Path, scale: int) -> Path:
    """Generate the five trackers at this scale and a config that points at them."""
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools/generate_samples.py"),
            "--out",
            str(folder),
            "--scale",
            str(scale),
        ],
        check=True,
        capture_output=True,
    )
    text = (REPO / "config/program.yaml").read_text().replace("../data/sample/", f"{folder}/")
    config = folder / "program.yaml"
    config.write_text(text)
    return config


def time_steps(config_path: Path, out: Path) -> dict[str, float]:
    """Run each domain step once, without Prefect, and time it."""
    from stc_reporting.config import load_config
    from stc_reporting.outputs.folder import OutputFolder
    from stc_reporting.outputs.writer import write_run_outputs
    from stc_reporting.pipeline import RunSelection, build_rollups, check_trackers, fetch_tracker

    timings: dict[str, float] = {}
    start = time.perf_counter()
    config = load_config(config_path)
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    timings["read"] = time.perf_counter() - start
    start = time.perf_counter()
    issues = check_trackers(config, trackers, date.today())
    timings["check"] = time.perf_counter() - start
    start = time.perf_counter()
    selection = RunSelection(tuple(config.collaboratives), date(2021, 10, 31))
    rollups = build_rollups(config, selection, trackers, issues)
    timings["rollups"] = time.perf_counter() - start
    start = time.perf_counter()
    with OutputFolder(out).open() as session, session.transaction() as transaction:
        write_run_outputs(transaction, rollups, issues, extra=())
    timings["write"] = time.perf_counter() - start
    timings["rows"] = sum(len(t.rows) for tr in trackers for t in tr.tabs.values())
    return timings


def time_flow(config: Path, out: Path, home: Path) -> float:
    """Time one `stc-report run` in a fresh process (temporary Prefect server)."""
    env = {**os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    start = time.perf_counter()
    subprocess.run(
        [
            str(REPO / ".venv/bin/stc-report"),
            "run",
            "--config",
            str(config),
            "--out",
            str(out),
            "--as-of",
            "2021-10-31",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - start


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--flow", action="store_true", help="also time stc-report run")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for scale in arguments.scale:
            config = make_config(root / f"x{scale}", scale)
            steps = time_steps(config, root / f"out{scale}")
            print(
                f"scale {scale:>3}: {int(steps['rows']):>6} rows  read {steps['read']:.2f} s  "
                f"check {steps['check']:.2f} s  rollups {steps['rollups']:.2f} s  "
                f"write {steps['write']:.2f} s"
            )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (this process): {peak_mb:.0f} MB")
        if arguments.flow:
            config = make_config(root / "flow", 1)
            home = root / "prefect-home"
            cold = time_flow(config, root / "flow-out-1", home)
            warm = time_flow(config, root / "flow-out-2", home)
            print(f"stc-report run on the samples: cold {cold:.1f} s, warm {warm:.1f} s")


if __name__ == "__main__":
    main()
