"""Sheets requests per tracker: the pipeline's reading against the naive gspread idiom (B1).

Usage: python benchmarks/sheets_requests.py [--trackers 5] [--workbooks DIR]
       [--json out/benchmarks/sheets_requests.json]

Starts the fake Google of tests/fakes on loopback and serves the five sample trackers
(or the `.xlsx` files of `--workbooks`, e.g. a portfolio's `trackers/`) as Google Sheets
under `--trackers` ids (each workbook in turn). It reads every tracker in four ways,
counting the fake's logged requests by kind, and the bytes of their answers, per tracker:

- as the flow does: one Sheets setup for the run (`connect_sheets`), then the domain's
  `read_trackers`: one `spreadsheets.get` with grid data (each cell's effective value
  and number-format type, under a field mask, `prettyPrint=false`);
- the two requests the pipeline made before (kept here for the bytes side by side): a
  `spreadsheets.get` for the tabs and number formats, then one `values:batchGet`;
- the naive gspread idiom: `open_by_key`, then `worksheet(title).get_all_values()` for
  each of the tracker's tabs (gspread fetches the metadata again for each `worksheet`);
- its thriftier form: `open_by_key`, `worksheets()` once, `get_all_values()` for each.

Target (issue 13, B1): one batch read per tracker, plus at most one metadata call; the
pipeline makes one request in all. The quota is set out of reach, so every request
counted is one the code chose to make.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sheets_quota import load_trackers, write_config
from target_table import TargetRow, print_and_write

if TYPE_CHECKING:
    from tests.fakes.google import FakeGoogle, GoogleAccounts

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUT_OF_REACH_QUOTA = 1_000_000
TARGET_REQUESTS = 2  # issue 13: one batch read, plus at most one metadata call
TWO_REQUESTS_FIELDS = (
    "properties.title,"
    "sheets(properties(sheetId,title,index,sheetType),"
    "data.rowData.values.effectiveFormat.numberFormat)"
)
TWO_REQUESTS_VALUES = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}


class ReadingCounts(BaseModel):
    """The Sheets requests one way of reading made, per tracker.

    Attributes:
        way: Which way of reading (`pipeline`, `naive gspread`).
        per_tracker: For each tracker id, its requests by kind.
        token_requests: OAuth token requests for the whole run (not per tracker).
        bytes_per_tracker: For each tracker id, the bytes of the answers' bodies.
        sent_bytes_per_tracker: The same as sent: gzipped if the client asked for it.
    """

    way: str
    per_tracker: dict[str, dict[str, int]]
    token_requests: int
    bytes_per_tracker: dict[str, int] = {}
    sent_bytes_per_tracker: dict[str, int] = {}

    def most(self, kind: str | None = None) -> int:
        """The most requests of `kind` (all Sheets requests if None) any tracker needed."""
        return max(
            (sum(n for k, n in kinds.items() if kind in (None, k)))
            for kinds in self.per_tracker.values()
        )

    def median_bytes(self, sent: bool = False) -> int:
        """The median tracker's answer bytes (all its requests), as JSON or as sent."""
        sizes = self.sent_bytes_per_tracker if sent else self.bytes_per_tracker
        ordered = sorted(sizes.values())
        return ordered[len(ordered) // 2] if ordered else 0


def count_per_tracker(
    fake: FakeGoogle, way: str, since: int, sheet_ids: Sequence[str]
) -> ReadingCounts:
    """Count the requests logged after the first `since` entries, by tracker and kind."""
    logged = fake.request_log.entries()[since:]
    per_tracker: dict[str, Counter[str]] = {sheet_id: Counter() for sheet_id in sheet_ids}
    answer_bytes: Counter[str] = Counter()
    sent_bytes: Counter[str] = Counter()
    for entry in logged:
        if entry.service == "sheets" and entry.resource in per_tracker:
            per_tracker[entry.resource][entry.kind] += 1
            answer_bytes[entry.resource] += entry.response_bytes
            sent_bytes[entry.resource] += entry.sent_bytes
    return ReadingCounts(
        way=way,
        per_tracker={sheet_id: dict(kinds) for sheet_id, kinds in per_tracker.items()},
        token_requests=sum(1 for entry in logged if entry.kind == "oauth.token"),
        bytes_per_tracker={sheet_id: answer_bytes[sheet_id] for sheet_id in sheet_ids},
        sent_bytes_per_tracker={sheet_id: sent_bytes[sheet_id] for sheet_id in sheet_ids},
    )


def read_as_the_flow_does(config_path: Path) -> list[str]:
    """Read every tracker with the pipeline's Sheets reading; return the failed ids."""
    from stc_reporting.config import load_config
    from stc_reporting.pipeline import connect_sheets, read_trackers

    config = load_config(config_path)
    sheets = connect_sheets(config, config.collaboratives)
    parsed = read_trackers(config.collaboratives, sheets=sheets)
    return [tracker.collaborative for tracker in parsed if tracker.failure is not None]


def read_in_two_requests(fake: FakeGoogle, accounts: GoogleAccounts, sheets: Sequence[str]) -> int:
    """Make the two requests the pipeline made before; return the value ranges read."""
    from tests.fakes.google_clients import gspread_client

    http = gspread_client(fake.credentials_info(accounts.reader), fake.sheets_base).http_client
    ranges_read = 0
    for sheet_id in sheets:
        metadata = http.fetch_sheet_metadata(sheet_id, params={"fields": TWO_REQUESTS_FIELDS})
        titles = [sheet["properties"]["title"] for sheet in metadata["sheets"]]
        ranges = ["'" + title.replace("'", "''") + "'" for title in titles]
        answer = http.values_batch_get(sheet_id, ranges, params=dict(TWO_REQUESTS_VALUES))
        ranges_read += len(answer.get("valueRanges", []))
    return ranges_read


def read_the_naive_way(
    fake: FakeGoogle, accounts: GoogleAccounts, sheet_ids: Sequence[str], *, by_title: bool
) -> int:
    """Read every tab as a gspread tutorial does; return the cells read (all trackers).

    By title: `worksheet(title)` for each tab (gspread fetches the metadata each time);
    the titles come from the fake's own model, not from a request: the person who
    writes such a script knows their tracker's tabs. Otherwise: `worksheets()` once.
    """
    from tests.fakes.google_clients import gspread_client

    client = gspread_client(fake.credentials_info(accounts.reader), fake.sheets_base)
    cells = 0
    for sheet_id in sheet_ids:
        spreadsheet = client.open_by_key(sheet_id)
        worksheets = (
            [spreadsheet.worksheet(tab.title) for tab in fake.spreadsheets[sheet_id].tabs]
            if by_title
            else spreadsheet.worksheets()
        )
        for worksheet in worksheets:
            cells += sum(len(row) for row in worksheet.get_all_values())
    return cells


def measure(trackers: int, workbooks: Path | None = None) -> tuple[list[ReadingCounts], list[str]]:
    """Serve the trackers, read them each way; return the counts and the failed ids."""
    from tests.fakes.google import FakeGoogle, GoogleAccounts

    accounts = GoogleAccounts.generate()
    with tempfile.TemporaryDirectory() as scratch, FakeGoogle(accounts.registered) as fake:
        folder = Path(scratch)
        sheet_ids = load_trackers(fake, accounts.reader.email, trackers, workbooks)
        fake.set_read_quota(OUT_OF_REACH_QUOTA)
        key = accounts.reader.write(folder / "service-account.json", fake.token_uri)
        config = write_config(folder, fake, key, sheet_ids)

        since = len(fake.request_log.entries())
        failed = read_as_the_flow_does(config)
        pipeline = count_per_tracker(fake, "pipeline", since, sheet_ids)

        since = len(fake.request_log.entries())
        read_in_two_requests(fake, accounts, sheet_ids)
        counts = [pipeline, count_per_tracker(fake, "two requests", since, sheet_ids)]
        for way, by_title in (("naive gspread", True), ("worksheets()", False)):
            since = len(fake.request_log.entries())
            read_the_naive_way(fake, accounts, sheet_ids, by_title=by_title)
            counts.append(count_per_tracker(fake, way, since, sheet_ids))
        return counts, failed


def kinds_table(counts: Sequence[ReadingCounts]) -> str:
    """Requests per tracker by kind (the most any tracker needed), each way side by side."""
    kinds = sorted({kind for c in counts for kinds in c.per_tracker.values() for kind in kinds})
    lines = ["requests per tracker (the most any tracker needed), by kind:"]
    width = max(len(kind) for kind in [*kinds, "all Sheets requests"])
    lines.append(f"  {'':{width}}  " + "  ".join(f"{c.way:>14}" for c in counts))
    for kind in [*kinds, None]:
        label = kind or "all Sheets requests"
        lines.append(f"  {label:{width}}  " + "  ".join(f"{c.most(kind):>14}" for c in counts))
    token_line = "  ".join(f"{c.token_requests:>14}" for c in counts)
    lines.append(f"  {'OAuth tokens (whole run)':{width}}  " + token_line)
    for label, sent in (("answer bytes, JSON", False), ("answer bytes, as sent", True)):
        sizes = "  ".join(f"{c.median_bytes(sent):>14,}" for c in counts)
        lines.append(f"  {label + ' (median tracker)':{width}}  " + sizes)
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark, print the tables, write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trackers", type=int, default=5, help="Google Sheets to read")
    parser.add_argument(
        "--workbooks", type=Path, help="serve these .xlsx files (default: the samples)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "out" / "benchmarks" / "sheets_requests.json",
        help="where to write the figures",
    )
    arguments = parser.parse_args()
    counts, failed = measure(arguments.trackers, arguments.workbooks)
    pipeline, before, naive, listed = counts
    print(f"{arguments.trackers} trackers; failed collaboratives: {len(failed)}")
    print(kinds_table(counts))
    rows = [
        TargetRow(
            figure="Sheets requests per tracker (pipeline)",
            unit="requests",
            measured=pipeline.most(),
            target=TARGET_REQUESTS,
        ),
        TargetRow(
            figure="Sheets requests per tracker (the two requests before)",
            unit="requests",
            measured=before.most(),
            target=TARGET_REQUESTS,
        ),
        TargetRow(
            figure="Sheets requests per tracker (naive gspread)",
            unit="requests",
            measured=naive.most(),
            target=TARGET_REQUESTS,
        ),
        TargetRow(
            figure="Sheets requests per tracker (gspread worksheets())",
            unit="requests",
            measured=listed.most(),
            target=TARGET_REQUESTS,
        ),
        TargetRow(
            figure="answer bytes as sent, median tracker (pipeline / the two before)",
            unit="×",
            measured=round(pipeline.median_bytes(True) / max(before.median_bytes(True), 1), 3),
            target=1,
        ),
    ]
    details = {
        "trackers": arguments.trackers,
        "workbooks": str(arguments.workbooks or "data/sample"),
        "failed_collaboratives": failed,
        "naive_over_pipeline": round(naive.most() / pipeline.most(), 2),
        "worksheets_over_pipeline": round(listed.most() / pipeline.most(), 2),
        "median_answer_bytes": {c.way: c.median_bytes() for c in counts},
        "median_sent_bytes": {c.way: c.median_bytes(True) for c in counts},
        "ways": [c.model_dump() for c in counts],
    }
    print_and_write("B1 Sheets requests per tracker", rows, details, arguments.json)
    print(f"naive gspread / pipeline: {details['naive_over_pipeline']}×")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
