"""audit.xlsx and whole-tracker properties: random trackers, every figure traced to its rows.

Trackers are generated (`tests/tracker_strategies.py`) as a person could fill them, read
as a run reads them (ingest, no Great Expectations), rolled up, and written as
`audit.xlsx`. Then: every figure recomputed from the workbook's rows is `rollups.json`'s,
exactly; program totals, shares and the combined period agree with the contract
(`rollups.md`); and formula-like text is inert in `issues.csv` and `audit.xlsx`.
"""

from __future__ import annotations

import io
import math
import zipfile
from datetime import date
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given
from openpyxl import load_workbook

from stc_reporting.contract.tabs import INDICATORS, headers
from stc_reporting.outputs import audit
from stc_reporting.outputs.audit import audit_workbook
from stc_reporting.outputs.spreadsheet_safety import is_formula_like
from stc_reporting.outputs.streamed_sheet import StreamedSheet
from stc_reporting.privacy import find_personal_data
from tests.audit_reading import read_audit, reconcile
from tests.builders import (
    ACTIVITIES_HEADER,
    PLANTED,
    activity,
    minimal_tabs,
    partner,
    personal_tabs,
)
from tests.tracker_strategies import (
    PAYLOADS,
    PROPERTY,
    as_json,
    as_of_dates,
    planted_tracker,
    roll_up,
    trackers,
)

pytestmark = pytest.mark.unit


# --- The audit workbook reconciles with rollups.json -----------------------------------


@PROPERTY
@given(first=trackers(), second=trackers(), as_of=as_of_dates)
def test_every_figure_recomputed_from_the_audit_rows_is_the_one_in_rollups_json(
    first: dict[str, list[list[Any]]], second: dict[str, list[list[Any]]], as_of: date
) -> None:
    """Counts, sums, distinct counts, means, shares: audit.xlsx gives back rollups.json exactly."""
    traced, _ = roll_up({"alpha": first, "beta": second}, as_of)
    content = audit_workbook(traced, ["alpha", "beta"])
    assert reconcile(content, as_json(traced)) == []


def test_the_workbook_names_its_versions_links_google_rows_and_lists_excluded_rows() -> None:
    """About gives code and contract versions; a Google row links to its cell; left-out rows."""
    tabs = minimal_tabs(
        [activity("A1", day=date(2020, 1, 15)), activity("A2", day=date(2019, 3, 1))],
        [partner("P1")],
    )
    tabs["Activities"].append(activity("A3", participants="lots"))  # an error: never counted
    traced, _ = roll_up({"alpha": tabs}, date(2021, 10, 31))
    audit = read_audit(audit_workbook(traced, ["alpha"]))
    assert any(line.startswith("Code version: stc-reporting ") for line in audit.about)
    assert "Contract versions: tracker format v1.1, rollups.json schema 1" in audit.about
    counted = [r for r in audit.rows if r["Figure"] == "activities_completed"]
    assert {(r["Period"], r["Record ID"], r["Sheet row"]) for r in counted} == {
        ("Y2", "A1", 2),
        ("Y2-Y3", "A1", 2),
    }
    workbook = load_workbook(io.BytesIO(audit_workbook(traced, ["alpha"])))
    line = next(
        row for row in workbook["Rows"].iter_rows() if row[1].value == "activities_completed"
    )
    assert line[9].value == "open" and line[9].hyperlink is not None
    sheet = "https://docs.google.com/spreadsheets/d/sheet-alpha/edit"
    # Stored as spreadsheets store a link: the address, and its part after `#` as its location.
    link = line[9].hyperlink
    assert (link.target, link.location) == (sheet, "gid=100&range=A2")
    reasons = {(r["Period"], r["Record ID"]): r["Reason"] for r in audit.excluded}
    assert reasons[("Y2", "A2")] == "Dated before the period"
    assert reasons[("(every period)", "A3")].startswith("Has an error (")
    for sheet in workbook:
        assert sheet.freeze_panes in ("A2", None) and sheet.title in (
            "Figures", "Rows", "Excluded", "About"
        )  # fmt: skip


# --- Invariants of whole trackers (rollups.md) ------------------------------------------

_ADDITIVE = (
    "activities_completed",
    "participants",
    "lived_experience_participants",
    "cross_sector_activities",
    "partners_new",
    "milestones_achieved",
    "lessons_shared",
    "months_expected",
    "months_submitted",
    "months_on_time",
)
_MONEY = ("funding_secured_usd", "funding_requested_usd")


@PROPERTY
@given(first=trackers(), second=trackers(), third=trackers(), as_of=as_of_dates)
def test_random_valid_trackers_give_rollups_that_keep_the_contracts_invariants(
    first: dict[str, list[list[Any]]],
    second: dict[str, list[list[Any]]],
    third: dict[str, list[list[Any]]],
    as_of: date,
) -> None:
    """Program totals are the sums, shares are recomputed, the combined period spans the years."""
    traced, issues = roll_up({"a": first, "b": second, "c": third}, as_of)
    assert not [i for i in issues if i.severity.value == "error"], "generated rows are valid"
    rollups = as_json(traced)
    collaboratives = [c["periods"] for c in rollups["collaboratives"].values()]
    for label, totals in rollups["program_totals"].items():
        if totals is None:
            assert all(c[label] is None for c in collaboratives)
            continue
        parts = [c[label] for c in collaboratives]
        for name in (*_ADDITIVE, "partners_active", "formal_commitments"):
            assert totals[name] == sum(p[name] for p in parts), name
        for name in _MONEY:
            assert totals[name] == math.fsum(p[name] for p in parts), name
        for name in ("activities_by_component", "milestones_by_type", "lessons_by_kind"):
            assert totals[name] == {k: sum(p[name][k] for p in parts) for k in totals[name]}
        union = sorted({s for p in parts for s in p["sectors_engaged"]})
        assert (totals["sectors_engaged"], totals["sector_count"]) == (union, len(union))
        _assert_share(
            totals, "lived_experience_share", "lived_experience_participants", "participants"
        )
        _assert_share(totals, "reporting_completeness", "months_submitted", "months_expected")
        for part in parts:
            _assert_share(
                part, "lived_experience_share", "lived_experience_participants", "participants"
            )
            assert part["activities_completed"] == sum(part["activities_by_component"].values())
            assert part["sector_count"] == len(part["sectors_engaged"])
    for periods in [*collaboratives, rollups["program_totals"]]:
        _assert_combined_spans_the_years(periods)


def _assert_share(figures: dict[str, Any], share: str, numerator: str, denominator: str) -> None:
    expected = figures[numerator] / figures[denominator] if figures[denominator] else None
    assert figures[share] == expected, share


def _assert_combined_spans_the_years(periods: dict[str, Any]) -> None:
    """Y2-Y3 is Y2 then Y3: dated counts add up, actives and sectors are their union."""
    y2, y3, both = periods["Y2"], periods["Y3"], periods["Y2-Y3"]
    if y2 is None:
        return
    years = [y for y in (y2, y3) if y is not None]
    for name in _ADDITIVE:
        assert both[name] == sum(y[name] for y in years), name
    for name in _MONEY:
        assert math.isclose(both[name], math.fsum(y[name] for y in years), rel_tol=1e-12)
    assert max(y["partners_active"] for y in years) <= both["partners_active"]
    assert both["partners_active"] <= sum(y["partners_active"] for y in years)
    union = sorted({s for y in years for s in y["sectors_engaged"]})
    assert both["sectors_engaged"] == union


# --- Formula injection: inert in every CSV and XLSX output ------------------------------


def test_formula_like_ids_and_values_are_text_in_audit_xlsx() -> None:
    """Every cell the payloads reach is a string cell (data type 's'), never a formula."""
    traced, _ = roll_up({"alpha": planted_tracker()}, date(2021, 10, 31))
    workbook = load_workbook(io.BytesIO(audit_workbook(traced, ["alpha"])))
    found = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix
                    found.append(cell.value)
    cleaned = {" ".join(payload.split()) for payload in PAYLOADS}  # ids are read trimmed
    assert cleaned <= set(found)


def test_the_header_of_activities_is_the_builders() -> None:
    """The generated trackers use the contract's own headers (a guard on the builders)."""
    assert headers(INDICATORS)[-2:] == ["Target Y2", "Target Y3"]
    assert len(activity()) == len(ACTIVITIES_HEADER)


def test_personal_data_planted_in_a_tracker_never_reaches_the_audit_workbook() -> None:
    """Names, e-mails, phones and streets typed anywhere: no cell of audit.xlsx holds them."""
    traced, _ = roll_up({"alpha": personal_tabs()}, date(2021, 10, 31))
    workbook = load_workbook(io.BytesIO(audit_workbook(traced, ["alpha"])))
    texts = [
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert texts, "the workbook has cells"
    for planted in PLANTED.values():
        assert not [text for text in texts if planted in text], planted
    assert not [text for text in texts if find_personal_data(text)]


def test_a_huge_tracker_lists_rows_up_to_the_limit_and_says_what_was_left_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the limit, Rows stops, Figures stays whole, About says how many were left off."""
    monkeypatch.setattr(audit, "LINES_LIMIT", 10)
    tabs = minimal_tabs([activity(f"A{n}") for n in range(20)], [partner()])
    traced, _ = roll_up({"alpha": tabs}, date(2021, 10, 31))
    read = read_audit(audit_workbook(traced, ["alpha"]))
    assert len(read.rows) == 10
    completed = {
        f.scope: (f.value, f.rows_counted)
        for f in read.figures
        if f.figure == "activities_completed" and f.period == "Y2"
    }
    assert completed == {"alpha": (20, 20), "(program)": (20, 20)}
    total = sum(
        len(p.contributions) for p in traced.lineage.collaboratives["alpha"].periods.values() if p
    )
    assert f"The Rows sheet lists the first 10 of {total:,} lines" in " ".join(read.about)


def test_control_characters_in_an_id_are_written_as_a_replacement_mark() -> None:
    """An XLSX cannot hold most control characters: the workbook is still made."""
    tabs = minimal_tabs([activity("A\x01\x1b1")], [partner()])
    traced, _ = roll_up({"alpha": tabs}, date(2021, 10, 31))
    read = read_audit(audit_workbook(traced, ["alpha"]))
    assert "A\ufffd\ufffd1" in {row["Record ID"] for row in read.rows}


HOSTILE_IDS = [
    "=1+1", "@SUM(1)", "-2", "\uff1d1",  # formulas
    "3", "1e5", "TRUE",  # numbers, a boolean
    "http://example.org/x", "<r>x</r>", "<r><t>x</t></r>", "a & <b>",  # a link, XML
]  # fmt: skip
"""Record ids that reach the audit (a tracker's error codes are read as errors, not ids)."""


def test_ids_a_spreadsheet_would_read_as_something_else_are_written_as_that_very_text() -> None:
    """Formulas, numbers, links, rich-text XML: each is a plain string cell."""
    tabs = minimal_tabs([activity(identifier) for identifier in HOSTILE_IDS], [partner()])
    traced, _ = roll_up({"alpha": tabs}, date(2021, 10, 31))
    workbook = load_workbook(io.BytesIO(audit_workbook(traced, ["alpha"])))
    record_ids = [*workbook["Rows"]["G"][1:], *workbook["Excluded"]["E"][1:]]
    written = {cell.value: cell for cell in record_ids}
    for identifier in HOSTILE_IDS:
        cell = written[identifier]
        assert cell.data_type == "s" and cell.hyperlink is None, identifier
        assert cell.quotePrefix == is_formula_like(identifier), identifier


@pytest.mark.parametrize(
    ("text", "read_back"),
    [
        *((text, text) for text in HOSTILE_IDS),
        *((code, code) for code in ("#N/A", "#REF!", "#DIV/0!", "#NULL!", "#NUM!")),
        ("  @SUM(1)", "  @SUM(1)"),
        ("A\x01\x1b1", "A\ufffd\ufffd1"),
        ("\ufffe", "\ufffd"),
        (" padded ", " padded "),
    ],
)
def test_any_text_is_written_as_a_string_cell_holding_it(text: str, read_back: str) -> None:
    """Error codes, formulas, numbers, XML: a string; a character an XLSX cannot hold: `�`."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, audit.WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("S", StreamedSheet)
    audit.Styles(workbook).write_text(sheet, 0, 0, text)
    workbook.close()
    cell = load_workbook(buffer)["S"]["A1"]
    assert (cell.value, cell.data_type, cell.hyperlink) == (read_back, "s", None)
    assert cell.quotePrefix == is_formula_like(text)


def test_the_same_run_writes_the_same_bytes_dated_by_the_data_not_the_clock() -> None:
    """Written twice, the workbook is the same file; its document dates are the as-of day."""
    traced, _ = roll_up({"alpha": planted_tracker()}, date(2021, 10, 31))
    first, second = (audit_workbook(traced, ["alpha"]) for _ in range(2))
    assert first == second
    properties = load_workbook(io.BytesIO(first)).properties
    assert properties.created.date() == properties.modified.date() == date(2021, 10, 31)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {part.date_time[0] for part in archive.infolist()} == {1980}  # a fixed date


def test_past_a_sheets_link_limit_lines_keep_their_word_without_a_link_and_about_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A spreadsheet holds so many links a sheet: the Figures lines after them say 'rows'."""
    monkeypatch.setattr(audit, "LINKS_LIMIT", 3)
    tabs = minimal_tabs([activity(f"A{n}") for n in range(5)], [partner()])
    traced, _ = roll_up({"alpha": tabs}, date(2021, 10, 31))
    content = audit_workbook(traced, ["alpha"])
    figures = load_workbook(io.BytesIO(content))["Figures"]
    words = [cell for cell in figures["L"][1:] if cell.value]
    assert len(words) > 3 and {cell.value for cell in words} == {"rows"}
    assert [cell.hyperlink is not None for cell in words] == [True] * 3 + [False] * (len(words) - 3)
    assert all(cell.style == "Normal" for cell in words[3:])
    about = " ".join(read_audit(content).about)
    assert "The Figures sheet links its first 3 lines" in about
    assert f"the {len(words) - 3:,} lines after them say 'rows' without a link" in about


def test_the_excluded_sheet_stops_at_the_limit_too_and_says_what_was_left_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows dated after the as-of date: Excluded lists the first few, About counts them all."""
    monkeypatch.setattr(audit, "LINES_LIMIT", 3)
    late = [activity(f"L{n}", day=date(2021, 9, 15)) for n in range(6)]
    tabs = minimal_tabs(late, [partner()])
    traced, _ = roll_up({"alpha": tabs}, date(2021, 6, 30))
    read = read_audit(audit_workbook(traced, ["alpha"]))
    total = sum(
        len(p.exclusions) for p in traced.lineage.collaboratives["alpha"].periods.values() if p
    )
    assert total > 3 and len(read.excluded) == 3
    assert f"The Excluded sheet lists the first 3 of {total:,} lines" in " ".join(read.about)
