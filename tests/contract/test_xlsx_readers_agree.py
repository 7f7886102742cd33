"""The calamine reader gives exactly openpyxl's cells, or leaves the workbook to openpyxl.

Every workbook is read twice, once as a run reads it (calamine where it is sure) and once
with `STC_XLSX_READER=openpyxl`, and the two `RawTracker`s (or the two failures) must be
the same: the sample trackers, every tracker of the bad-input corpus, a generated
portfolio, and workbooks of generated cells (numbers, text that looks like numbers,
booleans, dates, times, percent and other formats, error cells, formulas, empty text).
The samples and the portfolio must take the fast path, or it would prove nothing.

openpyxl writes text into each cell (inline strings); Excel, LibreOffice and Google Sheets
write it once into a shared-strings part. Each workbook of generated cells and each sample
is also read rewritten that way.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from stc_reporting.sources import RawTracker, TrackerUnreadableError
from stc_reporting.sources.xlsx import READER_VARIABLE, XlsxSource, is_percent_format
from stc_reporting.sources.xlsx_calamine import read_tabs_fast
from tests.bad_input_corpus import TRACKER_CASES, Case

pytestmark = [
    pytest.mark.contract,
    pytest.mark.filterwarnings("ignore:Cell .* is marked as a date but the serial value"),
]

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "data" / "sample").glob("*.xlsx"))


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What a run reads from a path, and what openpyxl alone reads (a tracker or a failure)."""
    results = []
    for forced in (None, "openpyxl"):
        with monkeypatch.context() as patch:
            if forced is None:
                patch.delenv(READER_VARIABLE, raising=False)
            else:
                patch.setenv(READER_VARIABLE, forced)
            results.append(_read(path))
    return results[0], results[1]


def _read(path: Path) -> RawTracker | str:
    try:
        return XlsxSource(path).read()
    except TrackerUnreadableError as error:
        return f"unreadable: {error}"


INLINE_TEXT = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is>(<t(?: xml:space="preserve")?>'
    rb".*?</t>)</is></c>",
    re.DOTALL,
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_RELATION = (
    b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def with_shared_strings(path: Path, target: Path) -> Path:
    """The workbook rewritten with its text in a shared-strings part, as Excel saves it."""
    strings: list[bytes] = []

    def shared(match: re.Match[bytes]) -> bytes:
        strings.append(match.group(3))
        style = match.group(2) or b""
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), style, len(strings) - 1)

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = INLINE_TEXT.sub(shared, content)
            elif name == "[Content_Types].xml":
                content = content.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
            elif name == "xl/_rels/workbook.xml.rels":
                content = content.replace(
                    b"</Relationships>", SHARED_STRINGS_RELATION + b"</Relationships>"
                )
            copy.writestr(name, content)
        items = b"".join(b"<si>%s</si>" % text for text in strings)
        copy.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items),
        )
    return target


def takes_fast_path(path: Path) -> bool:
    """Whether calamine reads this workbook (rather than leaving it to openpyxl)."""
    return read_tabs_fast(path.read_bytes(), is_percent_format) is not None


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_each_sample_tracker_is_read_by_calamine_with_the_cells_openpyxl_gives(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = read_both(sample, monkeypatch)
    assert takes_fast_path(sample)
    assert fast == slow


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.stem)
def test_each_sample_saved_with_shared_strings_reads_the_same_text_with_both_readers(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = with_shared_strings(sample, tmp_path / sample.name)
    assert zipfile.ZipFile(shared).read("xl/sharedStrings.xml").count(b"<si>") > 100
    fast, slow = read_both(shared, monkeypatch)
    assert takes_fast_path(shared)
    assert fast == slow
    assert isinstance(fast, RawTracker) and isinstance(slow, RawTracker)
    assert fast.tabs == _read(sample).tabs  # type: ignore[union-attr]


@pytest.mark.parametrize("case", TRACKER_CASES, ids=lambda case: case.id)
def test_each_bad_input_tracker_reads_the_same_with_both_readers(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = case.build(tmp_path / f"{case.id}.xlsx")
    fast, slow = read_both(path, monkeypatch)
    assert fast == slow


def test_a_generated_portfolio_is_read_by_calamine_with_the_cells_openpyxl_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "portfolio.py"),
            *("--collaboratives", "12", "--seed", "7", "--out", str(tmp_path)),
        ],
        check=True,
        capture_output=True,
    )
    workbooks = sorted((tmp_path / "trackers").glob("*.xlsx"))
    assert len(workbooks) >= 11
    for workbook in workbooks:
        fast, slow = read_both(workbook, monkeypatch)
        assert fast == slow, workbook.name
        assert takes_fast_path(workbook), workbook.name


# --- Generated cells ------------------------------------------------------------------------

FORMATS = (
    "General",
    "0",
    "0.00",
    "0%",
    "0.0 %",
    '"%" 0',
    "0.0%;[Red]-0.0%",
    "yyyy-mm-dd",
    "m/d/yyyy",
    "d-mmm-yy",
    "h:mm",
    "[h]:mm:ss",
    "yyyy-mm-dd h:mm",
    "@",
)
CELL_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([12.0, 0.662, 66.2, 1e-7, 1e20, 0.1 + 0.2, -0.0, 43861.0, 0.5625]),
    st.booleans(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["", " ", "12", "012", "1,200", "12.0", "66.2%", "TRUE", "_x000D_", "a\nb"]),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "=1+1", "=A1*2"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)),
    st.times(),
)
CELLS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),
        st.integers(min_value=1, max_value=5),
        CELL_VALUES,
        st.sampled_from(FORMATS),
    ),
    max_size=25,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tabs=st.lists(CELLS, min_size=1, max_size=3))
def test_workbooks_of_generated_cells_read_the_same_with_both_readers(
    tabs: list[list[tuple[int, int, object, str]]],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, cells in enumerate(tabs):
        sheet = workbook.create_sheet(f"Tab {number}")
        for row, column, value, number_format in cells:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = number_format
    folder = tmp_path_factory.mktemp("cells")
    path = folder / "generated.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook.save(path)
        for saved in (path, with_shared_strings(path, folder / "shared.xlsx")):
            fast, slow = read_both(saved, monkeypatch)
            assert fast == slow, saved.name


def test_the_openpyxl_setting_reads_a_workbook_with_openpyxl_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes] = []
    monkeypatch.setattr(
        "stc_reporting.sources.xlsx.read_tabs_fast",
        lambda content, _: calls.append(content),
    )
    monkeypatch.setenv(READER_VARIABLE, "openpyxl")
    XlsxSource(SAMPLES[0]).read()
    assert calls == []
    monkeypatch.delenv(READER_VARIABLE)
    XlsxSource(SAMPLES[0]).read()
    assert len(calls) == 1


def test_a_workbook_with_an_error_cell_is_left_to_openpyxl_which_shows_the_error(
    tmp_path: Path,
) -> None:
    workbook = Workbook()
    workbook.active.append(["Activity ID", "Participants"])
    workbook.active.append(["A-1", "#REF!"])
    path = tmp_path / "error.xlsx"
    workbook.save(path)
    assert not takes_fast_path(path)
    assert XlsxSource(path).read().tabs[0].rows[0].cells == ("A-1", "#REF!")


def test_a_time_only_and_a_percent_cell_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["Start", "Value"])
    workbook.active.append([time(13, 30), 0.662])
    workbook.active["B2"].number_format = "0.0%"
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    assert takes_fast_path(path)
    tab = XlsxSource(path).read().tabs[0]
    assert tab.rows[0].cells == (time(13, 30), 0.662)
    assert tab.percent_cells == frozenset({(2, 1)})


XML_EDITS = {
    "spaces at the ends, unpreserved": (b"<t>Plain</t>", b"<t>  Plain  </t>"),
    "raw line breaks": (b"<t>Plain</t>", b"<t>Pl\r\nai\rn</t>"),
    "a number spelled 12.0": (b"<v>12</v>", b"<v>12.0</v>"),
    "a number with an exponent": (b"<v>12</v>", b"<v>1.2E1</v>"),
    "a 17-digit integer": (b"<v>12</v>", b"<v>12345678901234567</v>"),
    "a decimal that rounds to a whole number": (b"<v>12</v>", b"<v>11.99999999999999999</v>"),
    "a cell without a reference": (b'<c r="B2" t="n">', b'<c t="n">'),
    "a style after the type": (b'<c r="C2" s="1" t="n">', b'<c r="C2" t="n" s="1">'),
    "an error cell": (b'<c r="B2" t="n"><v>12</v>', b'<c r="B2" t="e"><v>#REF!</v>'),
    "an ISO date cell": (b'<c r="B2" t="n"><v>12</v>', b'<c r="B2" t="d"><v>2021-03-04</v>'),
    "a dimension narrower than its cells": (
        b'<dimension ref="A1:C2"/>',
        b'<dimension ref="A1:B2"/>',
    ),
    "no dimension": (b'<dimension ref="A1:C2"/>', b""),
}


@pytest.mark.parametrize("edit", XML_EDITS, ids=str)
def test_a_worksheet_written_unusually_reads_the_same_with_both_readers(
    edit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forms other writers use, made by editing a workbook's XML: the same cells either way."""
    workbook = Workbook()
    workbook.active.append(["Text", "Number", "Date"])
    workbook.active.append(["Plain", 12, date(2021, 3, 4)])
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    old, new = XML_EDITS[edit]
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(edited, "w") as copy:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                assert old in content
                content = content.replace(old, new)
            copy.writestr(name, content)
    fast, slow = read_both(edited, monkeypatch)
    assert fast == slow
