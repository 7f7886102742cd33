"""The Google Sheets source against the fake Google: same figures as .xlsx, and faults."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from stc_reporting.config import Config, GoogleConfig, load_config
from stc_reporting.google_access import GoogleAccess, RetryPolicy, google_access
from stc_reporting.ingest.reading import ParsedTracker, parse_tracker
from stc_reporting.ingest.records import build_records
from stc_reporting.outputs.writer import issues_csv_bytes
from stc_reporting.pipeline import connect_sheets, plan_run, read_trackers, run_monthly_report
from stc_reporting.sources import RawTab, TrackerUnreadableError
from stc_reporting.sources.sheets import ReadLimiter, SheetsSource
from stc_reporting.sources.xlsx import XlsxSource
from tests.fakes.google import Cell, FakeGoogle, GoogleAccounts, spreadsheet_from_rows
from tests.fakes.sheets_model import CellValue

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ("mckinleyville", "oakland", "fresno", "los-angeles", "san-diego")
AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 20)
FAST = "attempts: 5, backoff_seconds: 0.01, backoff_cap_seconds: 0.05"


def google_yaml(fake: FakeGoogle, key: Path, extra: str = FAST) -> str:
    return (
        f"google: {{credentials: {key}, sheets_endpoint: {fake.sheets_base}, "
        f"token_uri: {fake.token_uri}, {extra}}}\n"
    )


def write_config(
    folder: Path, sources: dict[str, str], google: str = "", name: str = "program.yaml"
) -> Path:
    """A config of the sample program: each collaborative's source as a YAML `key: value`."""
    sample = (REPO / "config" / "program.yaml").read_text()
    program = sample[sample.index("program:") : sample.index("collaboratives:")]
    lines = [program.rstrip(), "collaboratives:"]
    for identifier, source in sources.items():
        lines.append(f"  - {{id: {identifier}, name: {identifier}, city: X, {source}}}")
    path = folder / name
    path.write_text("\n".join(lines) + "\n" + google)
    return path


def without_link(issues_csv: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(issues_csv.decode("utf-8"))))
    assert rows[0][-1] == "link"
    return [row[:-1] for row in rows]


def load_samples(fake: FakeGoogle, reader: str, folder: Path = REPO / "data" / "sample") -> None:
    for identifier in SAMPLES:
        fake.load_xlsx(folder / f"{identifier}.xlsx", f"{identifier}-sheet", readers=[reader])


def read_all(config: Config) -> list[ParsedTracker]:
    """Read every tracker of a config as a run does: Sheets access set up once."""
    return read_trackers(
        config.collaboratives, sheets=connect_sheets(config, config.collaboratives)
    )


def access_for(fake: FakeGoogle, key: Path, **settings: Any) -> GoogleAccess:
    config = GoogleConfig(
        credentials=key, sheets_endpoint=fake.sheets_base, token_uri=fake.token_uri, **settings
    )
    return google_access(config, environment={})


def test_the_samples_as_google_sheets_give_the_xlsx_figures_and_issues_in_one_request_each(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """rollups.json byte for byte, issues.csv but the link column, one Sheets request each."""
    load_samples(fake_google, google_accounts.reader.email)
    xlsx = write_config(
        tmp_path,
        {i: f"workbook: {REPO / 'data' / 'sample' / i}.xlsx" for i in SAMPLES},
        name="xlsx.yaml",
    )
    sheets = write_config(
        tmp_path,
        {i: f"sheet_id: {i}-sheet" for i in SAMPLES},
        google_yaml(fake_google, google_credentials_file),
        name="sheets.yaml",
    )
    by_xlsx = run_monthly_report(plan_run(xlsx, tmp_path / "x", AS_OF, run_date=RUN_DATE))
    by_sheets = run_monthly_report(plan_run(sheets, tmp_path / "s", AS_OF, run_date=RUN_DATE))

    assert (tmp_path / "s/rollups.json").read_bytes() == (tmp_path / "x/rollups.json").read_bytes()
    sheet_issues = (tmp_path / "s/issues.csv").read_bytes()
    assert without_link(sheet_issues) == without_link((tmp_path / "x/issues.csv").read_bytes())
    assert by_sheets.summary.collaboratives == by_xlsx.summary.collaboratives
    for identifier in SAMPLES:
        assert fake_google.count(service="sheets", resource=f"{identifier}-sheet") == 1
    links = [row[-1] for row in csv.reader(io.StringIO(sheet_issues.decode()))][1:]
    assert all(link.startswith("https://docs.google.com/spreadsheets/d/") for link in links)
    assert any("#gid=" in link and "&range=" in link for link in links)
    assert fake_google.internal_errors == []
    assert_quality_reports_link_cells(tmp_path / "s", tmp_path / "x")


def assert_quality_reports_link_cells(sheets_run: Path, xlsx_run: Path) -> None:
    """Both data-quality reports link each Google Sheets issue to its cell; .xlsx has none."""
    address = "https://docs.google.com/spreadsheets/d/"
    html = (sheets_run / "data-quality-report.html").read_text()
    assert f'<a href="{address}' in html
    assert address not in (xlsx_run / "data-quality-report.html").read_text()
    with zipfile.ZipFile(sheets_run / "data-quality-report.docx") as docx:
        document = docx.read("word/document.xml").decode()
        relations = docx.read("word/_rels/document.xml.rels").decode()
    assert document.count("<w:hyperlink ") >= 1 and address in relations
    # A hyperlink is a sibling of runs; inside a run's text Word would show no link.
    assert not re.search(r"<w:t(?: [^>]*[^/>])?>(?:(?!</w:t>).)*<w:hyperlink", document)
    for identifier in SAMPLES:
        assert_page_links_to_its_own_sheet(sheets_run, identifier)


def assert_page_links_to_its_own_sheet(run: Path, identifier: str) -> None:
    """A collaborative's data-quality page links its own spreadsheet's cells, no other's."""
    own = f"https://docs.google.com/spreadsheets/d/{identifier}-sheet/edit#gid="
    page = (run / f"data-quality/{identifier}.html").read_text()
    links = re.findall(r'href="([^"]*)"', page)
    with zipfile.ZipFile(run / f"data-quality/{identifier}.docx") as docx:
        relations = docx.read("word/_rels/document.xml.rels").decode()
    targets = re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', relations)
    assert links and targets, identifier
    assert all(link.replace("&amp;", "&").startswith(own) for link in links + targets)


def test_each_tab_reads_as_the_xlsx_source_reads_it(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """Titles, headers, row numbers, typed cells (dates, ints, errors); gids, id; gzipped."""
    load_samples(fake_google, google_accounts.reader.email)
    access = access_for(fake_google, google_credentials_file)
    for identifier in SAMPLES:
        expected = XlsxSource(REPO / "data" / "sample" / f"{identifier}.xlsx").read()
        got = SheetsSource(f"{identifier}-sheet", access).read()
        assert got.spreadsheet_id == f"{identifier}-sheet"
        assert [t.title for t in got.tabs] == [t.title for t in expected.tabs]
        assert got.tabs[0].gid == 0 and all(t.gid for t in got.tabs[1:])
        for mine, theirs in zip(got.tabs, expected.tabs, strict=True):
            assert mine.header == theirs.header
            assert mine.percent_cells == theirs.percent_cells
            filled = [r for r in theirs.rows if any(c is not None for c in r.cells)]
            assert [r for r in mine.rows if any(c is not None for c in r.cells)] == filled
    answers = fake_google.requests(service="sheets")
    assert len(answers) == len(SAMPLES)
    assert all(0 < answer.sent_bytes * 5 < answer.response_bytes for answer in answers)


def trimmed(tab: RawTab) -> tuple[list[object], list[tuple[int, list[object]]], set[object]]:
    """A tab's header and rows without trailing blank cells and rows, and its percent cells."""

    def cut(cells: tuple[object, ...]) -> list[object]:
        kept = list(cells)
        while kept and kept[-1] is None:
            kept.pop()
        return kept

    rows = [(row.number, cut(row.cells)) for row in tab.rows]
    while rows and not rows[-1][1]:
        rows.pop()
    return cut(tab.header), rows, set(tab.percent_cells)


def test_formatted_blanks_errors_and_booleans_read_as_the_xlsx_source_reads_them(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """A date column formatted to row 1000 adds no rows; #REF!, #N/A, TRUE, 45 % as in .xlsx."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Measurements"
    sheet.append(["Indicator ID", "Date", "Value", "Checked"])
    sheet.append(["I-1", datetime(2021, 3, 31), 0.45, True])
    sheet.append([])
    sheet.append(["I-2", "2021-04-30", "#REF!", False])
    sheet.append(["I-3", datetime(2021, 5, 31, 12), "#N/A", None])
    sheet["C2"].number_format = "0%"
    for row in range(2, 1001):
        sheet.cell(row, 2).number_format = "yyyy-mm-dd"
        sheet.cell(row, 6).number_format = "0.0%"  # a formatted column right of the table
    path = tmp_path / "formatted.xlsx"
    workbook.save(path)
    fake_google.load_xlsx(path, "formatted-sheet", readers=[google_accounts.reader.email])

    (tab,) = (
        SheetsSource("formatted-sheet", access_for(fake_google, google_credentials_file))
        .read()
        .tabs
    )
    (expected,) = XlsxSource(path).read().tabs

    assert sum(len(t.blank_formats) for t in fake_google.spreadsheets["formatted-sheet"].tabs)
    assert tab.header == ("Indicator ID", "Date", "Value", "Checked")
    assert [row.number for row in tab.rows] == [2, 3, 4, 5]  # nothing past the last value
    assert trimmed(tab) == trimmed(expected)
    assert tab.rows[0].cells == ("I-1", datetime(2021, 3, 31), 0.45, True)
    assert tab.rows[2].cells[2:] == ("#REF!", False)
    assert tab.rows[3].cells == ("I-3", datetime(2021, 5, 31, 12), "#N/A", None)
    assert tab.percent_cells == expected.percent_cells == {(2, 2)}
    assert fake_google.count(service="sheets") == 1


def percent_tracker(fresno: Path, folder: Path) -> Path:
    """Fresno's tracker with its Percent indicator typed as percent cells (10 → 10 %)."""
    workbook = load_workbook(fresno)
    indicators, measurements = workbook["Indicators"], workbook["Measurements"]
    percent_ids = {
        row[0].value for row in indicators.iter_rows(min_row=2) if row[3].value == "Percent"
    }
    assert percent_ids == {"FRE-3"}
    cells = [
        c for row in indicators.iter_rows(min_row=2) if row[0].value == "FRE-3" for c in row[6:]
    ]
    cells += [row[2] for row in measurements.iter_rows(min_row=2) if row[0].value == "FRE-3"]
    for cell in cells:
        if isinstance(cell.value, int | float):
            cell.value, cell.number_format = cell.value / 100, "0.0%"
    path = folder / "fresno.xlsx"
    workbook.save(path)
    return path


def test_percent_cells_give_the_same_figures_in_xlsx_and_in_google_sheets(
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """A Percent indicator typed as 10 % (stored 0.1) reads as the 10 typed as points."""
    typed = percent_tracker(REPO / "data" / "sample" / "fresno.xlsx", tmp_path)
    fake_google.load_xlsx(typed, "fresno-sheet", readers=[google_accounts.reader.email])
    configs = {
        "points": f"workbook: {REPO / 'data' / 'sample' / 'fresno'}.xlsx",
        "percent-xlsx": f"workbook: {typed}",
        "percent-sheet": "sheet_id: fresno-sheet",
    }
    documents = {}
    for name, source in configs.items():
        google = google_yaml(fake_google, google_credentials_file)
        config = load_config(write_config(tmp_path, {"fresno": source}, google, f"{name}.yaml"))
        (tracker,) = read_trackers(
            config.collaboratives, sheets=connect_sheets(config, config.collaboratives)
        )
        records = build_records(tracker, tracker.issues)
        fre3 = [i for i in records.indicators if i.indicator_id == "FRE-3"]
        values = [(m.date, m.value) for m in records.measurements if m.indicator_id == "FRE-3"]
        documents[name] = (fre3, values, without_link(issues_csv_bytes(tracker.issues)))
    assert documents["percent-xlsx"] == documents["points"]
    assert documents["percent-sheet"] == documents["points"]
    assert documents["points"][0][0].targets == {2: 30.0, 3: 50.0}


def test_percent_cells_and_percent_text_of_a_small_sheet(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """`Cell(0.662, "0.0%")` and "66.2 %" read 66.2 for Percent; a Count keeps 0.5."""
    indicators: list[list[CellValue | Cell | None]] = [
        ["Indicator ID", "Indicator", "Outcome", "Unit", "Aggregation", "Baseline", "Target Y2"],
        ["P-1", "Share", "Continued change", "Percent", "Latest", Cell(0.45, "0%"), "70%"],
        ["C-1", "Count", "Continued change", "Count", "Sum", Cell(0.5, "0%"), 3],
    ]
    measurements: list[list[CellValue | Cell | None]] = [
        ["Indicator ID", "Date", "Value"],
        ["P-1", Cell(date(2020, 3, 1), "yyyy-mm-dd"), Cell(0.662, "0.0%")],
        ["P-1", "2020-04-01", "66.2 %"],
        ["C-1", "2020-04-01", Cell(0.5, "0%")],
    ]
    fake_google.add_spreadsheet(
        spreadsheet_from_rows(
            "pct", "Percent", {"Indicators": indicators, "Measurements": measurements}
        ),
        readers=[google_accounts.reader.email],
    )
    access = access_for(fake_google, google_credentials_file)
    raw = SheetsSource("pct", access).read()
    assert raw.tabs[1].percent_cells == {(2, 2), (4, 2)}
    tracker = parse_tracker(raw, "pct")
    rows = tracker.tabs["Indicators"].rows
    assert (rows[0]["baseline"], rows[0]["target_y2"]) == (45.0, 70.0)
    assert rows[1]["baseline"] == 0.5
    assert [row["value"] for row in tracker.tabs["Measurements"].rows] == [66.2, 66.2, 0.5]


# --- faults ---------------------------------------------------------------------------


def sheets_source(fake: FakeGoogle, key: Path, sheet: str, **settings: Any) -> SheetsSource:
    access = access_for(fake, key, **settings)
    policy = RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05)
    return SheetsSource(sheet, access, ReadLimiter(), policy)


@pytest.mark.parametrize(
    ("fault", "times"),
    [("429", 2), ("500", 1), ("503", 3), ("reset", 2)],
)
def test_passing_faults_are_tried_again_until_the_tracker_reads(
    fault: str,
    times: int,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """429 twice, 5xx, resets mid-answer: retried with backoff, then the tracker reads."""
    fake_google.load_xlsx(
        REPO / "data/sample/fresno.xlsx", "fresno-sheet", readers=[google_accounts.reader.email]
    )
    if fault == "reset":
        fake_google.faults.reset_connection(times=times, service="sheets")
    else:
        fake_google.faults.fail(int(fault), times=times, service="sheets")
    raw = sheets_source(fake_google, google_credentials_file, "fresno-sheet").read()
    assert [t.title for t in raw.tabs][:2] == ["Activities", "Partners"]
    assert fake_google.faults.pending == 0
    assert fake_google.count(service="sheets", status=200) == 1


def test_the_shared_gate_is_passed_before_every_request_and_its_wait_is_not_google_time(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """A gate that holds each request 0.4 s, a 1 s time-out: two requests, two passes."""
    fake_google.load_xlsx(
        REPO / "data/sample/fresno.xlsx", "fresno-sheet", readers=[google_accounts.reader.email]
    )
    fake_google.faults.fail(429, times=1, kind="sheets.spreadsheets.get")
    seen_before_gate: list[int] = []

    def gate() -> None:
        seen_before_gate.append(fake_google.count(service="sheets"))
        time.sleep(0.4)

    access = access_for(fake_google, google_credentials_file, timeout_seconds=1)
    policy = RetryPolicy(attempts=5, first_delay=0.01, max_delay=0.05)
    SheetsSource("fresno-sheet", access, ReadLimiter(), policy, before_read=gate).read()
    assert seen_before_gate == [0, 1]
    assert fake_google.count(service="sheets") == 2


def test_a_fault_that_never_clears_ends_after_the_tries_with_a_message(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """Five 429s: five tries, then "try the run again later", no traceback."""
    fake_google.load_xlsx(
        REPO / "data/sample/fresno.xlsx", "fresno-sheet", readers=[google_accounts.reader.email]
    )
    fake_google.faults.fail(429, times=50, service="sheets")
    with pytest.raises(TrackerUnreadableError, match=r"HTTP 429.*5 tries.*try the run again"):
        sheets_source(fake_google, google_credentials_file, "fresno-sheet").read()
    assert fake_google.count(service="sheets") == 5


def test_a_hung_endpoint_fails_within_the_configured_time_out(
    fake_google: FakeGoogle, google_accounts: GoogleAccounts, google_credentials_file: Path
) -> None:
    """An answer 30 s away with a 1.5 s time-out: the read gives up in about 1.5 s."""
    fake_google.load_xlsx(
        REPO / "data/sample/fresno.xlsx", "fresno-sheet", readers=[google_accounts.reader.email]
    )
    fake_google.faults.slow(30, times=10, service="sheets")
    source = sheets_source(
        fake_google, google_credentials_file, "fresno-sheet", timeout_seconds=1.5
    )
    started = time.monotonic()
    with pytest.raises(
        TrackerUnreadableError, match=r"no answer in time; 1 try in 2 s, time-out 1.5 s"
    ):
        source.read()
    assert time.monotonic() - started < 3


NEVER_CLEARING = {
    "429": r"HTTP 429 RESOURCE_EXHAUSTED; 3 tries",
    "503": r"HTTP 503 UNAVAILABLE; 3 tries",
    "reset": r"connection failed: \w+; 3 tries",
}


@pytest.mark.parametrize("fault", sorted(NEVER_CLEARING))
def test_a_fault_that_never_clears_fails_its_collaborative_alone_saying_how_often_it_tried(
    fault: str,
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """Oakland's sheet always failing, 3 tries set: 3 requests, the count said; Fresno reads."""
    load_samples(fake_google, google_accounts.reader.email)
    if fault == "reset":
        fake_google.faults.reset_connection(times=50, resource="oakland-sheet")
    else:
        fake_google.faults.fail(int(fault), times=50, resource="oakland-sheet")
    extra = "attempts: 3, backoff_seconds: 0.01, backoff_cap_seconds: 0.05"
    sources = {i: f"sheet_id: {i}-sheet" for i in ("oakland", "fresno")}
    config = load_config(
        write_config(tmp_path, sources, google_yaml(fake_google, google_credentials_file, extra))
    )
    oakland, fresno = read_all(config)
    assert fresno.failure is None
    assert oakland.failure is not None
    assert re.search(NEVER_CLEARING[fault], oakland.failure.reason), oakland.failure.reason
    assert "try the run again later" in oakland.failure.reason
    assert fake_google.count(service="sheets", resource="oakland-sheet") == 3


REFUSALS = {
    401: r"the service-account key is not accepted .*: create a new key for \S+@",
    403: r"is not shared with the service account: share the sheet with \S+@\S+ as Viewer$",
    404: r"there is no Google Sheet oakland-sheet: check the sheet_id in the config",
}


@pytest.mark.parametrize("status", sorted(REFUSALS))
def test_a_refused_sheet_fails_its_collaborative_alone_with_what_to_do(
    status: int,
    tmp_path: Path,
    fake_google: FakeGoogle,
    google_accounts: GoogleAccounts,
    google_credentials_file: Path,
) -> None:
    """401, 403, 404 on one sheet: that collaborative fails with the fix; the others read."""
    load_samples(fake_google, google_accounts.reader.email)
    fake_google.faults.deny("oakland-sheet", status)
    config = load_config(
        write_config(
            tmp_path,
            {i: f"sheet_id: {i}-sheet" for i in SAMPLES},
            google_yaml(fake_google, google_credentials_file),
        )
    )
    trackers = read_trackers(
        config.collaboratives, sheets=connect_sheets(config, config.collaboratives)
    )
    failed = {t.collaborative: t.failure for t in trackers if t.failure}
    assert list(failed) == ["oakland"]
    reason = failed["oakland"].reason
    assert reason.startswith("the tracker could not be read: ")
    assert re.search(REFUSALS[status], reason.removeprefix("the tracker could not be read: "))
    assert "tries" not in reason and "again later" not in reason
    # Not retried by us: a 401 only makes google-auth fetch a new token and send the
    # request again, twice at most (its AuthorizedSession), as for an expired token.
    requests = fake_google.count(service="sheets", resource="oakland-sheet")
    assert requests == (3 if status == 401 else 1)


def test_a_key_google_does_not_know_fails_the_sheets_collaboratives_only(
    tmp_path: Path, fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> None:
    """A forged key (RefreshError): Sheets collaboratives fail with the key's message."""
    load_samples(fake_google, google_accounts.reader.email)
    key = google_accounts.forged.write(tmp_path / "forged.json", fake_google.token_uri)
    sources = {"oakland": "sheet_id: oakland-sheet", "fresno": "sheet_id: fresno-sheet"}
    sources["mckinleyville"] = f"workbook: {REPO / 'data/sample/mckinleyville.xlsx'}"
    config = load_config(write_config(tmp_path, sources, google_yaml(fake_google, key)))
    trackers = read_trackers(
        config.collaboratives, sheets=connect_sheets(config, config.collaboratives)
    )
    reasons = {t.collaborative: t.failure.reason if t.failure else "" for t in trackers}
    assert reasons["mckinleyville"] == ""
    for identifier in ("oakland", "fresno"):
        assert "the service-account key is not accepted (invalid_grant" in reasons[identifier]
        assert "Traceback" not in reasons[identifier]


def test_no_credentials_fail_the_sheets_collaboratives_with_where_to_put_them(
    tmp_path: Path, fake_google: FakeGoogle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key anywhere: the Sheets collaborative fails naming the three places; .xlsx reports."""
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    sources = {
        "oakland": "sheet_id: oakland-sheet",
        "mckinleyville": f"workbook: {REPO / 'data/sample/mckinleyville.xlsx'}",
    }
    google = f"google: {{sheets_endpoint: {fake_google.sheets_base}}}\n"
    plan = plan_run(write_config(tmp_path, sources, google), tmp_path / "out", AS_OF)
    assert plan.sheets is not None and plan.sheets.access is None
    oakland, mckinleyville = read_trackers(plan.selection.collaboratives, sheets=plan.sheets)
    assert mckinleyville.failure is None
    assert oakland.failure is not None
    assert "no Google credentials" in oakland.failure.reason
    assert "stc-google-service-account" in oakland.failure.reason
    assert fake_google.count() == 0
