"""Reading a portfolio's `.xlsx` trackers: calamine where it is sure versus openpyxl alone.

Writes a portfolio of each size (`portfolio.py`, seed 7), then reads every tracker as a
run reads it (`XlsxSource`: calamine when the workbook's XML shows nothing it could read
differently, else openpyxl) and with `STC_XLSX_READER=openpyxl`, alternating, and checks
that both give the same `RawTracker` (or the same failure). Prints CPU and wall seconds
per size, how many workbooks took the fast path, and the ratios:

    python benchmarks/xlsx_read.py --sizes 50 500
    python benchmarks/xlsx_read.py --quick          # 6 collaboratives, for CI
    python benchmarks/xlsx_read.py --trackers DIR   # the .xlsx files of a folder
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from portfolio import write_portfolio
from target_table import TargetRow, print_and_write

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stc_reporting.sources import TrackerUnreadableError  # noqa: E402
from stc_reporting.sources.xlsx import (  # noqa: E402
    READER_VARIABLE,
    XlsxSource,
    is_percent_format,
)
from stc_reporting.sources.xlsx_calamine import read_tabs_fast  # noqa: E402


def read_all(workbooks: list[Path], reader: str | None) -> tuple[float, float, list[object]]:
    """(CPU s, wall s, what was read) for every workbook, with one reader forced or not."""
    previous = os.environ.pop(READER_VARIABLE, None)
    if reader is not None:
        os.environ[READER_VARIABLE] = reader
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        results = [_read(path) for path in workbooks]
        return time.process_time() - cpu, time.perf_counter() - wall, results
    finally:
        os.environ.pop(READER_VARIABLE, None)
        if previous is not None:
            os.environ[READER_VARIABLE] = previous


def _read(path: Path) -> object:
    try:
        return XlsxSource(path).read()
    except TrackerUnreadableError as error:
        return str(error)


def measure(workbooks: list[Path], repeat: int) -> dict[str, Any]:
    """Both readers on the same workbooks, alternating; best CPU and wall of each."""
    runs: dict[str, list[tuple[float, float]]] = {"calamine": [], "openpyxl": []}
    same = True
    for _ in range(repeat):
        cpu, wall, fast = read_all(workbooks, None)
        runs["calamine"].append((cpu, wall))
        cpu, wall, slow = read_all(workbooks, "openpyxl")
        runs["openpyxl"].append((cpu, wall))
        same = same and fast == slow
    fast_path = sum(_takes_fast_path(path) for path in workbooks)

    def best(name: str, at: int) -> float:
        return round(min(run[at] for run in runs[name]), 3)

    return {
        "workbooks": len(workbooks),
        "read_by_calamine": fast_path,
        "left_to_openpyxl": len(workbooks) - fast_path,
        "same_cells": same,
        "calamine_cpu_s": best("calamine", 0),
        "calamine_wall_s": best("calamine", 1),
        "openpyxl_cpu_s": best("openpyxl", 0),
        "openpyxl_wall_s": best("openpyxl", 1),
    }


def _takes_fast_path(path: Path) -> bool:
    try:
        return read_tabs_fast(path.read_bytes(), is_percent_format) is not None
    except OSError:
        return False


def workbooks_of(folder: Path) -> list[Path]:
    """The workbook files of a folder (a portfolio's unusable `.csv` left out)."""
    return sorted(path for path in folder.iterdir() if path.suffix in (".xlsx", ".xlsm"))


def main() -> None:
    """Measure each size, print the table, write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each reader")
    parser.add_argument("--trackers", type=Path, help="read this folder's workbooks instead")
    parser.add_argument("--quick", action="store_true", help="one size of 6, for CI")
    parser.add_argument("--json", type=Path, default=REPO / "out" / "benchmarks" / "xlsx_read.json")
    arguments = parser.parse_args()
    figures: dict[str, Any] = {}
    if arguments.trackers:
        figures["folder"] = measure(workbooks_of(arguments.trackers), arguments.repeat)
    else:
        for size in [6] if arguments.quick else arguments.sizes:
            with tempfile.TemporaryDirectory() as folder:
                write_portfolio(size, arguments.seed, Path(folder))
                workbooks = workbooks_of(Path(folder) / "trackers")
                figures[str(size)] = measure(workbooks, arguments.repeat)
            print(f"{size} collaboratives: {figures[str(size)]}", flush=True)
    print_and_write(
        "xlsx reading: calamine where sure vs openpyxl", rows(figures), figures, arguments.json
    )
    if not all(size["same_cells"] for size in figures.values()):
        sys.exit("the two readers gave different cells")


def rows(figures: dict[str, Any]) -> list[TargetRow]:
    """Per size: calamine's CPU time over openpyxl's (at most 1: never slower)."""
    table = [
        TargetRow(
            figure=f"read CPU, calamine / openpyxl, {name} ({size['workbooks']} workbooks)",
            unit="×",
            measured=round(size["calamine_cpu_s"] / max(size["openpyxl_cpu_s"], 1e-9), 3),
            target=1.0,
        )
        for name, size in figures.items()
    ]
    sizes = sorted((int(name), size) for name, size in figures.items() if name.isdigit())
    if len(sizes) >= 2:
        (small, first), (large, last) = sizes[0], sizes[-1]
        table.append(
            TargetRow(
                figure=f"calamine read CPU, {large} / {small} collaboratives",
                unit="×",
                measured=round(last["calamine_cpu_s"] / max(first["calamine_cpu_s"], 1e-9), 2),
                target=round(large / small * 1.1, 2),
            )
        )
    return table


if __name__ == "__main__":
    main()
