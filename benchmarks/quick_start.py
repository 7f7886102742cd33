"""The README's run command on the samples, cold and warm, side by side (B5).

Usage: python benchmarks/quick_start.py [--runs 3]
       [--json out/benchmarks/quick_start.json]

Runs the README's quick-start command, `.venv/bin/stc-report run --as-of 2021-10-31`,
from the repository (the sample config and trackers), `--runs` times in pairs:

- cold: a fresh, empty `PREFECT_HOME` (Prefect makes its database and settings, the
  temporary server starts from nothing) and an empty output folder;
- warm: straight after, the same `PREFECT_HOME` and output folder again, as a person's
  second run of the command (it compares issues with the first run).

`PREFECT_API_URL` is removed, so each run starts its own temporary Prefect server, as
on a fresh install. The only change to the README's command is `--out`, a temporary
folder, so the benchmark leaves the repository's `out/` alone. Wall time and the CPU
time of the command and everything it waited for (its Prefect server) are measured.
"Cold" is cold for Prefect, not for the operating system: Python's files stay in the
page cache after the first run. Target (issue 13, B5): the median cold run ≤ 20 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel
from target_table import TargetRow, print_and_write

REPO = Path(__file__).resolve().parents[1]
COMMAND = (str(REPO / ".venv" / "bin" / "stc-report"), "run", "--as-of", "2021-10-31")
TARGET_COLD_SECONDS = 20.0


class TimedRun(BaseModel):
    """One run of the command.

    Attributes:
        kind: `cold` or `warm`.
        wall_seconds: Elapsed time, start to exit.
        cpu_seconds: User + system CPU of the command and the processes it waited for.
        exit_code: The command's exit status (1 means issues were found, still a run).
    """

    kind: str
    wall_seconds: float
    cpu_seconds: float
    exit_code: int


def run_once(kind: str, prefect_home: Path, out: Path) -> TimedRun:
    """Run the README's command once with this Prefect home and output folder."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(
        [*COMMAND, "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode not in (0, 1):
        raise SystemExit(f"{kind} run failed ({finished.returncode}):\n{finished.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return TimedRun(
        kind=kind,
        wall_seconds=round(wall, 2),
        cpu_seconds=round(cpu, 2),
        exit_code=finished.returncode,
    )


def measure(runs: int) -> list[TimedRun]:
    """`runs` pairs, each a cold run then a warm one, alternating."""
    timed = []
    with tempfile.TemporaryDirectory() as scratch:
        for pair in range(runs):
            home, out = Path(scratch) / f"prefect-home-{pair}", Path(scratch) / f"out-{pair}"
            home.mkdir()
            timed.append(run_once("cold", home, out))
            timed.append(run_once("warm", home, out))
    return timed


def side_by_side(timed: list[TimedRun]) -> str:
    """Each pair's cold and warm wall and CPU times, one line per pair."""
    lines = ["pair  cold wall  cold CPU  warm wall  warm CPU"]
    for pair, (cold, warm) in enumerate(zip(timed[::2], timed[1::2], strict=True), start=1):
        lines.append(
            f"{pair:>4}  {cold.wall_seconds:>7.1f} s {cold.cpu_seconds:>6.1f} s "
            f"{warm.wall_seconds:>8.1f} s {warm.cpu_seconds:>6.1f} s"
        )
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark, print the tables, write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-then-warm pairs")
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "out" / "benchmarks" / "quick_start.json",
        help="where to write the figures",
    )
    arguments = parser.parse_args()
    timed = measure(arguments.runs)
    print(" ".join(COMMAND[1:]), "(with --out in a temporary folder)")
    print(side_by_side(timed))
    cold = statistics.median(r.wall_seconds for r in timed if r.kind == "cold")
    warm = statistics.median(r.wall_seconds for r in timed if r.kind == "warm")
    rows = [
        TargetRow(
            figure="quick start, cold (median)",
            unit="s",
            measured=round(cold, 1),
            target=TARGET_COLD_SECONDS,
        )
    ]
    details = {
        "command": [*COMMAND[1:], "--out", "<temporary folder>"],
        "pairs": arguments.runs,
        "cold_median_seconds": round(cold, 2),
        "warm_median_seconds": round(warm, 2),
        "cold_over_warm": round(cold / warm, 2),
        "runs": [r.model_dump() for r in timed],
        "cpus": os.cpu_count(),
    }
    print(f"median: cold {cold:.1f} s, warm {warm:.1f} s")
    print_and_write("B5 quick start", rows, details, arguments.json)


if __name__ == "__main__":
    main()
