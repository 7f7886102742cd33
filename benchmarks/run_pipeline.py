"""Time each pipeline step on the samples and on scaled-up trackers; report peak memory.

Usage: python benchmarks/run_pipeline.py [--scale 1 10 50] [--flow]

Each scale regenerates the five trackers with N times the activity rows, then runs the
complete pipeline (`stc_reporting.pipeline.run_monthly_report`) in one process with no
Prefect, timing each step: reading, checking (Great Expectations), follow-up, rollups,
rendering and writing. `--flow` also times `stc-report run` cold (fresh PREFECT_HOME)
and warm.
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stc_reporting.pipeline import Step

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


class StepTimer:
    """Times the pipeline's steps from its progress calls: a step lasts until the next one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._current: str | None = None
        self._since = time.perf_counter()

    def __call__(self, step: Step, detail: str) -> None:
        """Start timing `step` (each tracker's read adds to the read step)."""
        self.stop()
        self._current = step.name.lower().replace("_", "-")

    def stop(self) -> None:
        """Close the step that is running."""
        now = time.perf_counter()
        if self._current is not None:
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + now - self._since
        self._since = now


def time_steps(config_path: Path, out: Path) -> tuple[dict[str, float], int]:
    """Run the whole domain pipeline once, without Prefect; time each step, count rows."""
    from stc_reporting.pipeline import plan_run, run_monthly_report

    timer = StepTimer()
    plan = plan_run(config_path, out, date(2021, 10, 31))
    outcome = run_monthly_report(plan, timer)
    timer.stop()
    rows = sum(len(t.rows) for tr in outcome.checked.trackers for t in tr.tabs.values())
    return timer.seconds, rows


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
            steps, rows = time_steps(config, root / f"out{scale}")
            timings = "  ".join(f"{step} {seconds:.2f} s" for step, seconds in steps.items())
            print(f"scale {scale:>3}: {rows:>6} rows  {timings}")
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
