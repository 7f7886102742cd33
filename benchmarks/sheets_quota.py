"""Read many Google Sheets trackers against the fake Google's read quota, with injected 429s.

Usage: python benchmarks/sheets_quota.py [--trackers 40] [--quota 60] [--faults 5]
       [--json out/benchmarks/sheets_quota.json]

Starts the fake Google of tests/fakes on loopback, loads the five sample trackers as
Google Sheets under `--trackers` ids (each sample several times), sets the fake's read
quota to `--quota` reads per 60 s per service account, and makes `--faults` trackers'
first request answer 429 (spread over the run). Then it reads every tracker as the flow
does: the domain's `read_trackers`, four collaboratives at a time in threads, one Sheets
setup for the run (`connect_sheets`), `google.reads_per_minute` = `--quota`. Each
tracker is one request (a `spreadsheets.get` with grid data), so the run needs one
read per tracker and one more for each injected 429.

It prints and writes (JSON) the Sheets requests, the answered reads per tracker, the
429s seen (injected, and any the fake's quota gave), the most answered reads in any
60 s, and the read time against the quota bound: all requests / quota per minute (40
trackers and 5 retried 429s at 60 a minute: 45 s), and against the bound of one read
per tracker (issue 13's B3: 500 trackers at 60 a minute, 500 s). The table gives the
targets (B3: one read per tracker, within 1.1× the bound, zero failures). Exits 1 if a
collaborative failed or the quota was exceeded; the time is reported, not judged by the
exit status (a quick run, `--trackers 6 --quota 600`, never reaches the quota).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel
from target_table import TargetRow, table, write_json

if TYPE_CHECKING:
    from stc_reporting.config import CollaborativeConfig, Config
    from stc_reporting.ingest.reading import ParsedTracker
    from tests.fakes.google import FakeGoogle

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SAMPLES = ("mckinleyville", "oakland", "fresno", "los-angeles", "san-diego")
SHEETS_READS = ("sheets.spreadsheets.get", "sheets.spreadsheets.values.batchGet")
WINDOW_SECONDS = 60.0
PARALLEL_READS = 4  # as the flow (flows/monthly_report.py, MAX_PARALLEL_READS)
TIME_MARGIN = 1.1  # issue 13, B3: within 1.1× the quota bound


class QuotaFigures(BaseModel):
    """What one benchmark run measured."""

    trackers: int
    quota_per_minute: int
    parallel_reads: int
    sheets_requests: int
    answered_reads: int
    reads_per_tracker: float
    injected_429s: int
    quota_429s: int
    most_reads_in_any_minute: int
    failed_collaboratives: list[str]
    read_seconds: float
    quota_bound_seconds: float
    time_against_bound: float
    tracker_bound_seconds: float
    time_against_tracker_bound: float

    @property
    def quota_kept(self) -> bool:
        """No minute held more answered reads than the quota, and the fake refused none."""
        return self.most_reads_in_any_minute <= self.quota_per_minute and self.quota_429s == 0


def load_trackers(
    fake: FakeGoogle, reader: str, count: int, folder: Path | None = None
) -> list[str]:
    """Serve the samples (or `folder`'s `.xlsx` files) as `count` Google Sheets, each in turn.

    Returns:
        The sheet ids, `<workbook name>-<number>`.
    """
    workbooks = (
        sorted(folder.glob("*.xlsx"))
        if folder is not None
        else [REPO / f"data/sample/{sample}.xlsx" for sample in SAMPLES]
    )
    ids = []
    for number in range(1, count + 1):
        workbook = workbooks[(number - 1) % len(workbooks)]
        sheet_id = f"{workbook.stem}-{number:02d}"
        fake.load_xlsx(workbook, sheet_id, readers=[reader])
        ids.append(sheet_id)
    return ids


def inject_429s(fake: FakeGoogle, sheet_ids: Sequence[str], faults: int) -> None:
    """The first request for `faults` trackers, evenly spread over the run, answers 429."""
    if faults <= 0:
        return
    step = max(len(sheet_ids) // faults, 1)
    for sheet_id in list(sheet_ids)[::step][:faults]:
        fake.faults.fail(429, times=1, service="sheets", resource=sheet_id)


def write_config(folder: Path, fake: FakeGoogle, key: Path, sheet_ids: Sequence[str]) -> Path:
    """The sample program with one `sheet_id` collaborative per tracker, Google at the fake."""
    sample = (REPO / "config" / "program.yaml").read_text()
    program = sample[sample.index("program:") : sample.index("collaboratives:")]
    lines = [program.rstrip(), "collaboratives:"]
    for sheet_id in sheet_ids:
        lines.append(f"  - {{id: {sheet_id}, name: {sheet_id}, city: X, sheet_id: {sheet_id}}}")
    lines.append(
        f"google: {{credentials: {key}, sheets_endpoint: {fake.sheets_base}, "
        f"token_uri: {fake.token_uri}, reads_per_minute: {fake.read_quota.limit}}}"
    )
    config = folder / "program.yaml"
    config.write_text("\n".join(lines) + "\n")
    return config


def read_in_parallel(config: Config) -> list[ParsedTracker]:
    """Read every tracker as the flow does: four at a time, one Sheets setup for the run."""
    from stc_reporting.pipeline import connect_sheets, read_trackers

    sheets = connect_sheets(config, config.collaboratives)

    def read_one(collaborative: CollaborativeConfig) -> ParsedTracker:
        return read_trackers([collaborative], sheets=sheets)[0]

    with ThreadPoolExecutor(max_workers=PARALLEL_READS) as pool:
        futures = [pool.submit(read_one, c) for c in config.collaboratives]
        return [future.result() for future in futures]


def most_in_any_window(moments: Sequence[float], window: float) -> int:
    """The most moments that fall within any `window` seconds."""
    ordered = sorted(moments)
    most, first = 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def measure(trackers: int, quota: int, faults: int) -> QuotaFigures:
    """Start the fake, load the trackers, read them all, and read the figures off the log."""
    from stc_reporting.config import load_config
    from tests.fakes.google import FakeGoogle, GoogleAccounts

    accounts = GoogleAccounts.generate()
    with tempfile.TemporaryDirectory() as scratch, FakeGoogle(accounts.registered) as fake:
        folder = Path(scratch)
        sheet_ids = load_trackers(fake, accounts.reader.email, trackers)
        fake.set_read_quota(quota, window_seconds=WINDOW_SECONDS)
        inject_429s(fake, sheet_ids, faults)
        key = accounts.reader.write(folder / "service-account.json", fake.token_uri)
        config = load_config(write_config(folder, fake, key, sheet_ids))

        started = time.perf_counter()
        parsed = read_in_parallel(config)
        read_seconds = time.perf_counter() - started

        requests = [r for r in fake.requests(service="sheets") if r.kind in SHEETS_READS]
        answered = [r.started for r in requests if r.status == 200]
        bound = len(requests) / quota * WINDOW_SECONDS
        return QuotaFigures(
            trackers=trackers,
            quota_per_minute=quota,
            parallel_reads=PARALLEL_READS,
            sheets_requests=len(requests),
            answered_reads=len(answered),
            reads_per_tracker=round(len(answered) / max(trackers, 1), 2),
            injected_429s=sum(1 for r in requests if r.status == 429 and r.fault == "status"),
            quota_429s=sum(1 for r in requests if r.status == 429 and r.fault == "quota"),
            most_reads_in_any_minute=most_in_any_window(answered, WINDOW_SECONDS),
            failed_collaboratives=[t.collaborative for t in parsed if t.failure is not None],
            read_seconds=round(read_seconds, 2),
            quota_bound_seconds=round(bound, 2),
            time_against_bound=round(read_seconds / bound, 3),
            tracker_bound_seconds=round(trackers / quota * WINDOW_SECONDS, 2),
            time_against_tracker_bound=round(read_seconds / (trackers / quota * WINDOW_SECONDS), 3),
        )


def report(figures: QuotaFigures) -> str:
    """The figures as a person reads them."""
    failed = ", ".join(figures.failed_collaboratives) or "none"
    within = "yes" if figures.time_against_bound <= TIME_MARGIN else "NO"
    return "\n".join(
        [
            f"trackers: {figures.trackers} ({figures.parallel_reads} read at a time), "
            f"quota {figures.quota_per_minute} reads per minute",
            f"Sheets requests: {figures.sheets_requests} ({figures.answered_reads} answered "
            f"reads, {figures.reads_per_tracker:g} per tracker)",
            f"429s seen: {figures.injected_429s} injected, {figures.quota_429s} from the quota",
            f"most answered reads in any 60 s: {figures.most_reads_in_any_minute} "
            f"(quota {figures.quota_per_minute}): "
            f"{'kept' if figures.quota_kept else 'EXCEEDED'}",
            f"failed collaboratives: {len(figures.failed_collaboratives)} ({failed})",
            f"read time: {figures.read_seconds:.1f} s against a quota bound of "
            f"{figures.quota_bound_seconds:.1f} s ({figures.time_against_bound:.2f}×; "
            f"within {TIME_MARGIN}×: {within})",
            f"read time against one read per tracker: {figures.tracker_bound_seconds:.1f} s "
            f"({figures.time_against_tracker_bound:.2f}×)",
        ]
    )


def target_rows(figures: QuotaFigures) -> list[TargetRow]:
    """The figures issue 13 sets targets for (B3)."""
    return [
        TargetRow(
            figure="answered Sheets reads per tracker",
            unit="",
            measured=figures.reads_per_tracker,
            target=1,
        ),
        TargetRow(
            figure="read time / quota bound (requests made)",
            unit="×",
            measured=figures.time_against_bound,
            target=TIME_MARGIN,
        ),
        TargetRow(
            figure="read time / quota bound (one read per tracker)",
            unit="×",
            measured=figures.time_against_tracker_bound,
            target=TIME_MARGIN,
        ),
        TargetRow(
            figure="failed collaboratives",
            unit="",
            measured=len(figures.failed_collaboratives),
            target=0,
        ),
        TargetRow(figure="429s from the quota", unit="", measured=figures.quota_429s, target=0),
    ]


def main() -> None:
    """Run the benchmark, print the figures, write them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trackers", type=int, default=40, help="Google Sheets to read")
    parser.add_argument("--quota", type=int, default=60, help="reads per minute (the fake's)")
    parser.add_argument("--faults", type=int, default=5, help="trackers whose first read is 429")
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "out" / "benchmarks" / "sheets_quota.json",
        help="where to write the figures",
    )
    arguments = parser.parse_args()
    figures = measure(arguments.trackers, arguments.quota, arguments.faults)
    print(report(figures))
    rows = target_rows(figures)
    print(table("B3 quota-bound pull", rows))
    document = {**figures.model_dump(), "rows": [row.as_json() for row in rows]}
    write_json(document, arguments.json)
    if figures.failed_collaboratives or not figures.quota_kept:
        sys.exit(1)


if __name__ == "__main__":
    main()
