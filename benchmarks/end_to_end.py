"""B2: the monthly run end to end on synthetic portfolios, with and without Prefect and reports.

Usage: python benchmarks/end_to_end.py [--sizes 50 500] [--seed 7] [--json PATH]
       [--quick] [--api URL] [--keep DIR]

For each size N it writes a portfolio (benchmarks/portfolio.py: N local `.xlsx` trackers,
two of them unusable) and makes four runs of it, one after the other, each in a process
of its own whose wall time, CPU time (user + system, its children included) and peak
memory (largest resident set) are taken from the operating system when it ends:

- `flow, reports`: `stc-report run`, the command people run, against a running Prefect
  server (started here on a loopback port with a PREFECT_HOME of its own, or `--api`).
- `flow, no reports`: the same command with `--no-reports`, which skips the two
  rendering tasks (nothing else changes).
- `domain, reports` and `domain, no reports`: the same steps called one by one from
  `stc_reporting.pipeline`, no Prefect, each step timed (wall and CPU): read, check,
  follow up, roll up, render, data-quality report, write.

The server's own CPU during each flow run is counted apart (it is not a child of the run).
Orchestration overhead is `flow, no reports` over `domain, no reports`; "cores busy while
rendering" is the rendering steps' CPU over their wall time in `domain, reports`.
It prints the figures, the issue's targets beside them (for 500 collaboratives) and the
ratios time(largest N) / time(smallest N), checks the four runs wrote the same
rollups.json, and writes it all as JSON with `--json`.
`--quick` is sizes 3 and 6, to check the benchmark still runs (timings mean nothing there).
Nothing is judged: the exit status is 0 whenever every run finished (a run's own status 1,
"a collaborative failed", is expected: two trackers are unusable on purpose).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

AS_OF = "2021-10-31"
STC_REPORT = str(Path(sys.executable).parent / "stc-report")
QUICK_SIZES = (3, 6)
RUN_KINDS = (
    "flow_with_reports",
    "flow_without_reports",
    "domain_with_reports",
    "domain_without_reports",
)
STAGES = ("read", "check", "follow_up", "roll_up", "render", "data_quality_report", "write")
RENDER_STAGES = ("render", "data_quality_report")
GIB = 1024**3


@dataclass
class Measured:
    """One run, as the operating system saw it.

    Attributes:
        wall_seconds: From start to end.
        cpu_seconds: User plus system time of the run and its children.
        peak_memory_mb: The largest resident set of the run or any of its children.
        exit_code: The run's exit status (1 means a collaborative failed: expected here).
        server_cpu_seconds: The Prefect server's CPU time during the run (flow runs against
            a server started here only).
        reports_written: Word documents in the output folder when it ended.
        stages: For domain runs, each step's wall and CPU seconds.
    """

    wall_seconds: float
    cpu_seconds: float
    peak_memory_mb: float
    exit_code: int
    server_cpu_seconds: float | None = None
    reports_written: int = 0
    stages: dict[str, dict[str, float]] = field(default_factory=dict)


# --- Measuring one run in a process of its own ------------------------------------------


def measure(command: Sequence[str], env: dict[str, str], log: Path) -> Measured:
    """Run `command` to its end; take its wall time, CPU and peak memory from `wait4`.

    Raises:
        RuntimeError: It ended with a status other than 0 or 1 (its output is in `log`).
    """
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(list(command), env=env, stdout=output, stderr=output)
        _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command[:3])} ended {process.returncode}; see {log}")
    return Measured(
        wall_seconds=round(wall, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        peak_memory_mb=round(usage.ru_maxrss / 1024, 1),
        exit_code=process.returncode,
    )


def group_cpu_seconds(group: int) -> float:
    """CPU seconds used so far by the live processes of a process group (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ...
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# --- The runs -------------------------------------------------------------------------


def run_arguments(config: Path, out: Path) -> list[str]:
    """`stc-report run`'s arguments for this portfolio."""
    return ["run", "--config", str(config), "--out", str(out), "--as-of", AS_OF]


def measure_runs(config: Path, scratch: Path, server: Server) -> dict[str, Measured]:
    """Make the four runs of one portfolio, each into a fresh output folder."""
    env = {**os.environ, "PREFECT_API_URL": server.api, "COLUMNS": "120"}
    me = [sys.executable, str(Path(__file__).resolve())]
    commands = {
        "flow_with_reports": [STC_REPORT],
        "flow_without_reports": [STC_REPORT],
        "domain_with_reports": [*me, "--domain", "reports"],
        "domain_without_reports": [*me, "--domain", "none"],
    }
    scratch.mkdir(parents=True, exist_ok=True)
    runs = {}
    for kind, command in commands.items():
        out = scratch / kind
        before = server.cpu_seconds()
        arguments = run_arguments(config, out)
        if kind == "flow_without_reports":
            arguments.append("--no-reports")
        measured = measure([*command, *arguments], env, scratch / f"{kind}.log")
        if kind.startswith("flow") and server.group is not None:
            measured.server_cpu_seconds = round(server.cpu_seconds() - before, 2)
        measured.reports_written = sum(1 for _ in out.rglob("*.docx"))
        stages_file = out.parent / f"{out.name}.stages.json"
        if stages_file.exists():
            measured.stages = json.loads(stages_file.read_text())
        runs[kind] = measured
    return runs


# --- Inside a measured process: the flow without reports, the domain steps ------------


class StageClock:
    """Wall and CPU seconds of each step (CPU of this process and of its children)."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as step `name`."""
        wall, cpu = time.perf_counter(), _cpu_so_far()
        yield
        self.stages[name] = {
            "wall_seconds": round(time.perf_counter() - wall, 3),
            "cpu_seconds": round(_cpu_so_far() - cpu, 3),
        }


def _cpu_so_far() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def domain_run(with_reports: bool, config: Path, out: Path) -> tuple[dict[str, Any], int]:
    """The run's steps from `stc_reporting.pipeline`, no Prefect, as `run_monthly_report`.

    Returns:
        Each step's wall and CPU seconds, and the exit status `stc-report run` would give.
    """
    from stc_reporting import pipeline
    from stc_reporting.reports.document import RenderedReports

    clock = StageClock()
    plan = pipeline.plan_run(config, out, date.fromisoformat(AS_OF))
    with clock.stage("read"):
        trackers = pipeline.read_trackers(plan.selection.collaboratives, sheets=plan.sheets)
    with clock.stage("check"):
        issues = pipeline.check_trackers(plan.config, trackers, plan.run_date)
    with pipeline.output_transaction(plan) as (transaction, _recovered):
        with clock.stage("follow_up"):
            followup = pipeline.follow_up_issues(plan, issues, trackers)
        with clock.stage("roll_up"):
            traced = pipeline.roll_up(plan, trackers, issues)
            rollups = traced.rollups
        reports, quality = RenderedReports(), []
        if with_reports:
            with clock.stage("render"):
                reports = pipeline.render_reports(plan, rollups, trackers, issues)
            with clock.stage("data_quality_report"):
                quality = pipeline.render_quality_report(plan, rollups, trackers, followup)
        with clock.stage("write"):
            rendered = [*reports.documents, *reports.inputs, *quality]
            files = pipeline.write_outputs(
                plan, transaction, traced, issues, followup, rendered, trackers
            )
    summary = pipeline.summarise(plan, rollups, files, reports, followup)
    return clock.stages, summary.exit_code


def domain_main(which: str, arguments: Sequence[str]) -> None:
    """Parse `run`'s arguments, make the domain run, write its steps beside the output."""
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--as-of")
    parsed = parser.parse_args(arguments)
    stages, exit_code = domain_run(which == "reports", parsed.config, parsed.out)
    (parsed.out.parent / f"{parsed.out.name}.stages.json").write_text(json.dumps(stages))
    sys.exit(exit_code)


# --- The Prefect server ---------------------------------------------------------------


@dataclass
class Server:
    """The Prefect server the flow runs talk to.

    Attributes:
        api: Its API address.
        group: Its process group, to count its CPU (None: a server not started here).
        startup_seconds: How long it took to answer its health check.
    """

    api: str
    group: int | None = None
    startup_seconds: float | None = None

    def cpu_seconds(self) -> float:
        """Its CPU seconds so far (0 when it was not started here)."""
        return group_cpu_seconds(self.group) if self.group is not None else 0.0


@contextmanager
def prefect_server(api: str | None, home: Path) -> Iterator[Server]:
    """The server at `api`, or one started on a loopback port (tests/e2e/prefect_server.py)."""
    if api:
        yield Server(api)
        return
    from tests.e2e.prefect_server import PREFECT, free_port, running, wait_healthy

    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    command = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    with running(command, env, log=home / "server.log") as process:
        url = f"http://127.0.0.1:{port}/api"
        wait_healthy(url, 180)
        yield Server(url, process.pid, round(time.perf_counter() - started, 1))


# --- Figures, targets, table ------------------------------------------------------------


def derived(runs: dict[str, Measured]) -> dict[str, float | None]:
    """The overhead and rendering figures one size's runs give."""
    flow, domain = runs["flow_without_reports"], runs["domain_without_reports"]
    stages = runs["domain_with_reports"].stages
    render_wall = sum(stages[s]["wall_seconds"] for s in RENDER_STAGES if s in stages)
    render_cpu = sum(stages[s]["cpu_seconds"] for s in RENDER_STAGES if s in stages)
    return {
        "orchestration_overhead": _ratio(flow.wall_seconds, domain.wall_seconds),
        "cores_busy_while_rendering": _ratio(render_cpu, render_wall),
        "cores_busy_flow_with_reports": _ratio(
            runs["flow_with_reports"].cpu_seconds, runs["flow_with_reports"].wall_seconds
        ),
    }


def same_rollups(runs: Path) -> bool:
    """Whether the four runs wrote the same rollups.json, byte for byte (the same work)."""
    return len({(runs / kind / "rollups.json").read_bytes() for kind in RUN_KINDS}) == 1


def _ratio(top: float, bottom: float) -> float | None:
    return round(top / bottom, 2) if bottom else None


def scaling(results: dict[int, dict[str, Any]]) -> dict[str, float | None]:
    """time(largest N) / time(smallest N) for each kind of run (None until two sizes ran)."""
    if len(results) < 2:
        return dict.fromkeys(RUN_KINDS)
    small, large = results[min(results)]["runs"], results[max(results)]["runs"]
    return {
        kind: _ratio(large[kind]["wall_seconds"], small[kind]["wall_seconds"]) for kind in RUN_KINDS
    }


def targets(
    results: dict[int, dict[str, Any]], ratios: dict[str, float | None]
) -> list[dict[str, Any]]:
    """The issue's targets (for 500 collaboratives) beside the largest size's figures."""
    largest = results[max(results)]
    runs, figures = largest["runs"], largest["derived"]

    def row(
        name: str, target: str, measured: float | None, met: Callable[[float], bool]
    ) -> dict[str, Any]:
        return {
            "name": name,
            "target": target,
            "measured": measured,
            "met": None if measured is None else met(measured),
        }

    return [
        row("end to end with reports, s", "< 120", runs["flow_with_reports"]["wall_seconds"],
            lambda v: v < 120),
        row("end to end without reports, s", "< 30", runs["flow_without_reports"]["wall_seconds"],
            lambda v: v < 30),
        row("time(large)/time(small), with reports", "<= 11", ratios["flow_with_reports"],
            lambda v: v <= 11),
        row("time(large)/time(small), without reports", "<= 11",
            ratios["flow_without_reports"], lambda v: v <= 11),
        row("peak memory with reports, MB", "< 1536", runs["flow_with_reports"]["peak_memory_mb"],
            lambda v: v < 1536),
        row("orchestration overhead", "<= 1.5", figures["orchestration_overhead"],
            lambda v: v <= 1.5),
        row("cores busy while rendering", "~2 (both)", figures["cores_busy_while_rendering"],
            lambda v: v >= 1.8),
    ]  # fmt: skip


def table(report: dict[str, Any]) -> str:
    """The figures as text: runs per size, steps per size, then the targets."""
    lines = []
    for size, result in report["results"].items():
        portfolio = result["portfolio"]
        lines.append(f"\n{size} collaboratives ({portfolio['rows']} rows):")
        lines.append(f"  {'run':<24}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'server CPU s':>14}")
        for kind, run in result["runs"].items():
            server = run["server_cpu_seconds"]
            lines.append(
                f"  {kind:<24}{run['wall_seconds']:>9.1f}{run['cpu_seconds']:>9.1f}"
                f"{run['peak_memory_mb']:>9.0f}{'' if server is None else f'{server:.1f}':>14}"
            )
        stages = result["runs"]["domain_with_reports"]["stages"]
        steps = "  ".join(
            f"{name} {s['wall_seconds']:.1f}/{s['cpu_seconds']:.1f}" for name, s in stages.items()
        )
        lines.append(f"  steps, no Prefect (wall/CPU s): {steps}")
        lines.append(f"  derived: {result['derived']}")
        lines.append(f"  the four runs wrote the same rollups.json: {result['same_rollups']}")
    measured = [int(size) for size in report["results"]]
    lines.append(f"\nratios time({max(measured)}) / time({min(measured)}):")
    lines += [f"  {kind:<24}{ratio}" for kind, ratio in report["ratios"].items()]
    lines.append(f"\ntargets (for 500; measured at {max(measured)}):")
    for row in report["targets"]:
        verdict = {True: "met", False: "NOT met", None: "-"}[row["met"]]
        lines.append(f"  {row['name']:<42}{row['target']:>10}{row['measured']!s:>10}  {verdict}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(int(memory) * 1024 / GIB, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def benchmark(
    sizes: Sequence[int],
    seed: int,
    api: str | None,
    scratch: Path,
    on_size: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Write each portfolio and measure its four runs against one Prefect server.

    Args:
        sizes: How many collaboratives in each portfolio, smallest first.
        seed: The portfolios' seed.
        api: A running Prefect server's API (None: start one).
        scratch: The folder for the portfolios, the runs' outputs and their logs.
        on_size: Given the report so far after each size (a long run keeps what it has).
    """
    from portfolio import write_portfolio  # beside this file

    report: dict[str, Any] = {"machine": machine(), "seed": seed, "sizes": list(sizes)}
    results: dict[int, dict[str, Any]] = {}
    home = scratch / "prefect-home"
    home.mkdir()
    with prefect_server(api, home) as server:
        report["server_startup_seconds"] = server.startup_seconds
        for size in sizes:
            portfolio = write_portfolio(size, seed, scratch / f"portfolio-{size}")
            runs = measure_runs(portfolio.config, scratch / f"runs-{size}", server)
            results[size] = {
                "portfolio": portfolio.figures(),
                "runs": {kind: asdict(run) for kind, run in runs.items()},
                "derived": derived(runs),
                "same_rollups": same_rollups(scratch / f"runs-{size}"),
            }
            print(f"measured {size} collaboratives", flush=True)
            report["results"] = results
            report["ratios"] = scaling(results)
            report["targets"] = targets(results, report["ratios"])
            on_size(report)
    return report


def main() -> None:
    """Measure, print the table, write the JSON."""
    if len(sys.argv) > 2 and sys.argv[1] == "--domain":
        domain_main(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}")
    parser.add_argument("--api", help="a running Prefect server's API (default: start one)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    arguments = parser.parse_args()
    sizes = QUICK_SIZES if arguments.quick else arguments.sizes
    with tempfile.TemporaryDirectory(prefix="stc-b2-") as temporary:
        scratch = arguments.keep or Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        report = benchmark(
            sorted(set(sizes)), arguments.seed, arguments.api, scratch, write(arguments.json)
        )
    print(table(report))


def write(path: Path | None) -> Callable[[dict[str, Any]], None]:
    """Something that writes the report as JSON at `path` (None: nowhere)."""

    def writer(report: dict[str, Any]) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    return writer


if __name__ == "__main__":
    main()
