"""The bad-input corpus: hostile and careless trackers and configs, as a table of cases.

Every case is built here from a sample tracker (`data/sample/oakland.xlsx`) or from
nothing, by code: no fixture file is committed. `tests/contract/test_bad_input_corpus.py`
runs each case and checks what it expects; the table is data, so the same rows document
the corpus:

    python -m tests.bad_input_corpus FOLDER    # writes every case's input into FOLDER
    python -m tests.bad_input_corpus --table   # prints the case table as Markdown
    python -m tests.bad_input_corpus --docs    # writes it into docs/reliability.md

A case expects one of three outcomes (tracker-format.md, Severity):

- `Found`: the tracker reads, and exactly these issues (tab, sheet row, column as the
  contract spells it, severity, rule) are added to those of the sample it was built from;
  none for a case the contract tolerates.
- `Fails`: the collaborative fails this run with this kind and reason (structural).
- `Refused`: the config is refused before any tracker is read, with this in the message.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from stc_reporting.ingest.failure import FailureKind
from stc_reporting.sources import workbook_file as says

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CONFIG = REPO / "config" / "program.yaml"
BASE_ID = "oakland"
"""The sample collaborative whose tracker every tracker case starts from."""
BASE_WORKBOOK = REPO / "data" / "sample" / f"{BASE_ID}.xlsx"
BIG_ROWS = 100_000
HUGE_CONFIG_ENTRIES = 5_000

IssueKey = tuple[str, int | None, str, str, str]
"""An issue as a case expects it: tab, sheet row, column, severity, rule."""


@dataclass(frozen=True)
class Found:
    """The tracker reads; these issues are added to the sample's (none: all tolerated)."""

    issues: tuple[IssueKey, ...] = ()

    def describe(self) -> str:
        """The expectation in words, for the table."""
        if not self.issues:
            return "read as the sample: no new issue"
        return "; ".join(
            f"{severity} {rule} at {tab}"
            + (f" row {row}" if row is not None else "")
            + (f" {column}" if column else "")
            for tab, row, column, severity, rule in self.issues
        )


@dataclass(frozen=True)
class Fails:
    """The collaborative fails this run: structural, with this kind and exact reason.

    `{name}` in the reason stands for the file name the case was written under.
    """

    kind: FailureKind
    reason: str

    def describe(self) -> str:
        """The expectation in words, for the table."""
        return f"structural ({self.kind}): {self.reason}"


@dataclass(frozen=True)
class Refused:
    """The config is refused before any tracker is read; the message holds `says`."""

    says: str

    def describe(self) -> str:
        """The expectation in words, for the table."""
        return f"config refused: …{self.says}…"


Expected = Found | Fails | Refused
Build = Callable[[Path], Path]
"""Writes a case's input at or beside this path; returns the path to configure."""


@dataclass(frozen=True)
class Case:
    """One hostile or careless input, what it is, how to make it, what must come of it."""

    id: str
    area: str
    about: str
    build: Build
    expected: Expected


# --- Building blocks ------------------------------------------------------------------

Edit = Callable[[Workbook], None]


def edited(*edits: Edit) -> Build:
    """The sample tracker with these edits, saved by openpyxl."""

    def build(target: Path) -> Path:
        workbook = load_workbook(BASE_WORKBOOK)
        for edit in edits:
            edit(workbook)
        workbook.save(target)
        return target

    return build


def sheet(workbook: Workbook, tab: str) -> Worksheet:
    """A tab of the sample, by its contract name (the sample spells it the same)."""
    return workbook[tab]


def put(tab: str, cell: str, value: object) -> Edit:
    """Type a value into one cell."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab)[cell] = value

    return edit


def error_cell(tab: str, cell: str, error: str) -> Edit:
    """An error cell (`#DIV/0!`), as a spreadsheet saves a formula that failed."""

    def edit(workbook: Workbook) -> None:
        target = sheet(workbook, tab)[cell]
        target.value = error
        target.data_type = "e"

    return edit


def append(tab: str, row: list[object]) -> Edit:
    """Add a row under the last."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab).append(row)

    return edit


def title_above(tab: str, *lines: str) -> Edit:
    """Lines typed above the tab's header (a title, a note), moving the table down."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab).insert_rows(1, amount=len(lines))
        for row, line in enumerate(lines, start=1):
            sheet(workbook, tab).cell(row=row, column=1, value=line)

    return edit


def drop_tab(tab: str) -> Edit:
    """Delete a tab."""

    def edit(workbook: Workbook) -> None:
        del workbook[tab]

    return edit


def rename_tab(tab: str, title: str) -> Edit:
    """Give a tab another title."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab).title = title

    return edit


def drop_column(tab: str, column: int) -> Edit:
    """Delete a column (1-based) of a tab."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab).delete_cols(column)

    return edit


def add_column(tab: str, header: str, values: dict[int, object]) -> Edit:
    """Add a column after the last, with a header and values by sheet row."""

    def edit(workbook: Workbook) -> None:
        worksheet = sheet(workbook, tab)
        column = worksheet.max_column + 1
        worksheet.cell(1, column, header)
        for row, value in values.items():
            worksheet.cell(row, column, value)

    return edit


def merge(tab: str, cells: str) -> Edit:
    """Merge a range: only its first cell keeps a value, as in a spreadsheet."""

    def edit(workbook: Workbook) -> None:
        sheet(workbook, tab).merge_cells(cells)

    return edit


def copy_tab(tab: str, title: str) -> Edit:
    """A second copy of a tab under another title."""

    def edit(workbook: Workbook) -> None:
        workbook.copy_worksheet(sheet(workbook, tab)).title = title

    return edit


def empty_workbook(target: Path) -> Path:
    """A workbook with one blank sheet, as a new spreadsheet saves."""
    workbook = Workbook()
    workbook.save(target)
    return target


def raw_bytes(content: bytes, suffix: str = ".xlsx") -> Build:
    """A file of these bytes, under the case's name with this extension."""

    def build(target: Path) -> Path:
        path = target.with_suffix(suffix)
        path.write_bytes(content)
        return path

    return build


def sample_bytes() -> bytes:
    """The sample tracker's bytes."""
    return BASE_WORKBOOK.read_bytes()


def truncated(target: Path) -> Path:
    """The sample cut off halfway, as a download that stopped."""
    content = sample_bytes()
    target.write_bytes(content[: len(content) // 2])
    return target


def renamed_sample(suffix: str) -> Build:
    """The sample tracker, unchanged, under another extension."""
    return raw_bytes(sample_bytes(), suffix)


def zipped(files: dict[str, bytes], suffix: str = ".xlsx") -> Build:
    """A zip archive of these members."""

    def build(target: Path) -> Path:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return raw_bytes(buffer.getvalue(), suffix)(target)

    return build


def rezipped(change: Callable[[str, bytes], bytes], add: dict[str, bytes] | None = None) -> Build:
    """The sample's zip with each member passed through `change`, plus `add`."""

    def build(target: Path) -> Path:
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(BASE_WORKBOOK) as source,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for item in source.infolist():
                archive.writestr(item.filename, change(item.filename, source.read(item)))
            for name, content in (add or {}).items():
                archive.writestr(name, content)
        target.write_bytes(buffer.getvalue())
        return target

    return build


ACTIVITIES_XML = "xl/worksheets/sheet1.xml"
"""The Activities tab's XML in the sample (the first sheet)."""


def cell_xml(row_xml: bytes, cell: bytes, new: bytes) -> bytes:
    """Replace the XML of one cell (`<c r="G2" ...>...</c>`) with `new`."""
    start = row_xml.index(b'<c r="' + cell + b'"')
    end = row_xml.index(b"</c>", start) + len(b"</c>")
    return row_xml[:start] + new + row_xml[end:]


def many_activities(count: int) -> Build:
    """The sample with `count` more valid completed activities (distinct ids, in the window).

    Written into the sheet's XML directly, as a spreadsheet saves it (inline strings, the
    sample's own date style): openpyxl would take seconds to append and save them.
    """

    def text(reference: str, value: str) -> str:
        return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'

    def change(name: str, content: bytes) -> bytes:
        if name != ACTIVITIES_XML:
            return content
        date_style = re.search(rb'<c r="B2" s="(\d+)"', content)
        assert date_style is not None
        style = date_style.group(1).decode()
        first = 73  # the sample's Activities end at row 72
        rows = [
            f'<row r="{r}">'
            + text(f"A{r}", f"BIG-{r:06d}")
            + f'<c r="B{r}" s="{style}"><v>43997</v></c>'  # 2020-06-15
            + text(f"C{r}", "Sustainability")
            + text(f"E{r}", "Door-knocking shift")
            + text(f"F{r}", "Completed")
            + f'<c r="G{r}"><v>12</v></c><c r="H{r}"><v>3</v></c>'
            + text(f"J{r}", "In person")
            + "</row>"
            for r in range(first, first + count)
        ]
        content = content.replace(b"</sheetData>", "".join(rows).encode() + b"</sheetData>")
        return content.replace(
            b'<dimension ref="A1:K72"/>', b'<dimension ref="A1:K%d"/>' % (first + count - 1)
        )

    return rezipped(change)


def with_formula(saved_value: bytes | None) -> Build:
    """Activities G2 (Participants, 43) as the formula `40+3`, with or without a saved value."""
    value = b"" if saved_value is None else b"<v>" + saved_value + b"</v>"

    def change(name: str, content: bytes) -> bytes:
        if name != ACTIVITIES_XML:
            return content
        return cell_xml(content, b"G2", b'<c r="G2"><f>40+3</f>' + value + b"</c>")

    return rezipped(change)


def date_serial(serial: bytes) -> Build:
    """Activities B2 (a date cell) holding this serial number, its date style kept."""

    def change(name: str, content: bytes) -> bytes:
        if name != ACTIVITIES_XML:
            return content
        style = re.search(rb'<c r="B2" s="(\d+)"', content)
        assert style is not None
        new = b'<c r="B2" s="' + style.group(1) + b'"><v>' + serial + b"</v></c>"
        return cell_xml(content, b"B2", new)

    return rezipped(change)


def damaged_sheet_xml(name: str, content: bytes) -> bytes:
    """The Activities tab's XML cut in the middle of a cell."""
    return (
        content[: content.index(b'<c r="B5"')] + b'<c r="B5" t="s"><v>'
        if (name == ACTIVITIES_XML)
        else content
    )


def macro_enabled(name: str, content: bytes) -> bytes:
    """The workbook's content type as Excel saves an `.xlsm`."""
    if name != "[Content_Types].xml":
        return content
    return content.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )


def encrypted(target: Path) -> Path:
    """The sample protected with a password, as Excel's Encrypt with Password saves it."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with BASE_WORKBOOK.open("rb") as source:
        buffer = io.BytesIO()
        OOXMLFile(source).encrypt("correct horse", buffer)
    target.write_bytes(buffer.getvalue())
    return target


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal valid OLE2 compound file (as Excel 97-2003 saves), holding these streams.

    Version 3, 512-byte sectors; each stream padded to 4096 bytes so it lives in regular
    sectors (no mini stream). Enough for any reader to see what the file is.
    """
    sector = 512
    end_of_chain, fat_sector, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    padded = [content.ljust(4096, b"\0") for content in streams.values()]
    fat: list[int] = [fat_sector, end_of_chain]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for content in padded:
        count = len(content) // sector
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [end_of_chain]
    fat += [free] * (sector // 4 - len(fat))
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", free) * 108
    )
    entries = [_ole_entry("Root Entry", 5, end_of_chain, 0, child=1)]
    for index, (name, content, start) in enumerate(zip(streams, padded, starts, strict=True)):
        right = index + 2 if index + 2 <= len(streams) else free
        entries.append(_ole_entry(name, 2, start, len(content), right=right))
    directory = b"".join(entries).ljust(sector, b"\0")
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(padded)


def _ole_entry(
    name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", 0xFFFFFFFF, right, child)
        + b"\0" * 16
        + b"\0" * 4
        + b"\0" * 16
        + struct.pack("<IQ", start, size)
    )


def folder(target: Path) -> Path:
    """A folder where the workbook should be."""
    target.mkdir()
    return target


def link_to_sample(target: Path) -> Path:
    """A symbolic link to a copy of the sample: a link is read through."""
    copy = target.with_name(target.stem + "-target.xlsx")
    shutil.copyfile(BASE_WORKBOOK, copy)
    os.symlink(copy, target)
    return target


def link_loop(target: Path) -> Path:
    """A symbolic link to itself."""
    os.symlink(target, target)
    return target


def broken_link(target: Path) -> Path:
    """A symbolic link to a file that is not there."""
    os.symlink(target.with_name("nowhere.xlsx"), target)
    return target


def config_text(text: str) -> Build:
    """A config file with this text (the sample's program, trackers beside it)."""

    def build(target: Path) -> Path:
        path = target.with_suffix(".yaml")
        path.write_text(text, encoding="utf-8")
        return path

    return build


PROGRAM = "program: {name: P, funder: F, start: 2018-11-01, end: 2021-10-31, years: [2, 3]}\n"


def one_collaborative(identifier: str, extra: str = "") -> str:
    """A config whose only collaborative has this id."""
    return (
        PROGRAM
        + "collaboratives:\n"
        + f"  - {{id: {identifier}, name: N, city: C, workbook: w.xlsx{extra}}}\n"
    )


def alias_bomb() -> str:
    """The billion-laughs YAML: nine levels of aliases of nine aliases."""
    lines = [PROGRAM.rstrip(), 'a0: &a0 ["lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return "\n".join(lines) + "\ncollaboratives: []\n"


def huge_config() -> str:
    """A config of 5,000 collaboratives, ids `c00000`…, all the same workbook (≈ 300 KB)."""
    entries = [
        f"  - {{id: c{number:05d}, name: N{number}, city: C, workbook: w.xlsx}}"
        for number in range(HUGE_CONFIG_ENTRIES)
    ]
    return PROGRAM + "collaboratives:\n" + "\n".join(entries) + "\n"


# --- The table ----------------------------------------------------------------------------

E, W, P = "error", "warning", "privacy"
ACT, PAR, MIL, FUN, IND, MEA, LES, SUB = (
    "Activities",
    "Partners",
    "Milestones",
    "Funding",
    "Indicators",
    "Measurements",
    "Lessons",
    "Submissions",
)
LONG_TEXT = ("Community walk for safe relationships, ten blocks. " * 700)[:32_767]
FORMULA_ADVICE = says.UNCALCULATED_FORMULAS.format(
    name="{name}", count=1, tab="Activities", cell="G2"
)


def _case(identifier: str, area: str, about: str, build: Build, expected: Expected) -> Case:
    return Case(identifier, area, about, build, expected)


def _found(*issues: IssueKey) -> Found:
    return Found(tuple(issues))


def _unreadable(reason: str) -> Fails:
    return Fails(FailureKind.UNREADABLE, "the tracker could not be read: " + reason)


CASES: tuple[Case, ...] = (
    # Wrong types (tracker-format.md: whole numbers, money, numbers, yes/no, months)
    _case(
        "whole-number-as-words",
        "types",
        "Participants 'about 30'",
        edited(put(ACT, "G2", "about 30")),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "whole-number-with-fraction",
        "types",
        "Participants 12.5",
        edited(put(ACT, "G2", 12.5)),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "whole-number-negative",
        "types",
        "Participants -4",
        edited(put(ACT, "G2", -4)),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "whole-number-not-available",
        "types",
        "Participants 'N/A'",
        edited(put(ACT, "G2", "N/A")),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "whole-number-as-yes",
        "types",
        "Participants TRUE (a boolean cell)",
        edited(put(ACT, "G2", True)),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "money-as-words",
        "types",
        "Amount (USD) 'lots'",
        edited(put(FUN, "E2", "lots")),
        _found((FUN, 2, "Amount (USD)", E, "bad-money")),
    ),
    _case(
        "money-zero",
        "types",
        "Amount (USD) 0 (must be > 0)",
        edited(put(FUN, "E2", 0)),
        _found((FUN, 2, "Amount (USD)", E, "out-of-range")),
    ),
    _case(
        "money-european-format",
        "types",
        "Amount (USD) '12.500,50 €'",
        edited(put(FUN, "E2", "12.500,50 €")),
        _found((FUN, 2, "Amount (USD)", E, "bad-money")),
    ),
    _case(
        "number-as-words",
        "types",
        "Measurements Value 'high'",
        edited(put(MEA, "C2", "high")),
        _found((MEA, 2, "Value", E, "bad-number")),
    ),
    _case(
        "number-negative",
        "types",
        "Measurements Value -3 (must be ≥ 0)",
        edited(put(MEA, "C2", -3)),
        _found((MEA, 2, "Value", E, "out-of-range")),
    ),
    _case(
        "yes-no-maybe",
        "types",
        "Prior IPV focus 'Maybe'",
        edited(put(PAR, "G2", "Maybe")),
        _found((PAR, 2, "Prior IPV focus", E, "bad-yes-no")),
    ),
    _case(
        "month-as-words",
        "types",
        "Submissions Month 'Nov 2019'",
        edited(put(SUB, "A2", "Nov 2019")),
        _found((SUB, 2, "Month", E, "bad-month")),
    ),
    # Dates
    _case(
        "date-as-words",
        "dates",
        "Activities Date 'TBD'",
        edited(put(ACT, "B2", "TBD")),
        _found((ACT, 2, "Date", E, "bad-date")),
    ),
    _case(
        "date-impossible",
        "dates",
        "Activities Date '2021-02-30'",
        edited(put(ACT, "B2", "2021-02-30")),
        _found((ACT, 2, "Date", E, "bad-date")),
    ),
    _case(
        "date-day-first",
        "dates",
        "Activities Date '23/03/2020' (day first)",
        edited(put(ACT, "B2", "23/03/2020")),
        _found((ACT, 2, "Date", E, "bad-date")),
    ),
    _case(
        "date-as-yes",
        "dates",
        "Activities Date TRUE (a boolean cell)",
        edited(put(ACT, "B2", True)),
        _found((ACT, 2, "Date", E, "bad-date")),
    ),
    _case(
        "date-us-text",
        "dates",
        "Activities Date '3/23/2020' as text, month first (tolerated)",
        edited(put(ACT, "B2", "3/23/2020")),
        _found(),
    ),
    _case(
        "date-two-digit-year",
        "dates",
        "Activities Date '3/23/20'",
        edited(put(ACT, "B2", "3/23/20")),
        _found((ACT, 2, "Date", E, "bad-date")),
    ),
    _case(
        "date-serial-beyond-calendar",
        "dates",
        "a date cell holding serial 3,000,000 (past year 9999)",
        date_serial(b"3000000"),
        _found((ACT, 2, "Date", E, "spreadsheet-error")),
    ),
    _case(
        "date-before-window",
        "dates",
        "Activities Date 2017-05-01, before the program",
        edited(put(ACT, "B2", datetime(2017, 5, 1))),
        _found((ACT, 2, "Date", E, "outside-program-window")),
    ),
    _case(
        "date-after-window",
        "dates",
        "a Completed activity dated 2030-06-01: after the program and the day of the run",
        edited(put(ACT, "B2", datetime(2030, 6, 1))),
        _found(
            (ACT, 2, "Date", E, "date-in-future"), (ACT, 2, "Date", E, "outside-program-window")
        ),
    ),
    _case(
        "date-year-9999",
        "dates",
        "Activities Date '9999-12-31' as text",
        edited(put(ACT, "B2", "9999-12-31")),
        _found(
            (ACT, 2, "Date", E, "date-in-future"), (ACT, 2, "Date", E, "outside-program-window")
        ),
    ),
    _case(
        "partner-joined-in-future",
        "dates",
        "Partners Joined 2030-01-01",
        edited(put(PAR, "D3", datetime(2030, 1, 1))),
        _found((PAR, 3, "Joined", E, "date-in-future")),
    ),
    _case(
        "partner-left-before-joined",
        "dates",
        "Partners Left 2010-01-01, before Joined",
        edited(put(PAR, "E3", datetime(2010, 1, 1))),
        _found((PAR, 3, "Left", E, "left-on-or-after-joined")),
    ),
    _case(
        "submitted-before-month",
        "dates",
        "Submitted on 2019-10-01 for Month 2019-11",
        edited(put(SUB, "B2", datetime(2019, 10, 1))),
        _found((SUB, 2, "Submitted on", E, "submitted-on-or-after-month-start")),
    ),
    # Choices
    _case(
        "choice-unknown",
        "choices",
        "Core component 'Capacity'",
        edited(put(ACT, "C2", "Capacity")),
        _found((ACT, 2, "Core component", E, "not-a-choice")),
    ),
    _case(
        "choice-misspelt",
        "choices",
        "Status 'Compleeted'",
        edited(put(ACT, "F2", "Compleeted")),
        _found((ACT, 2, "Status", E, "not-a-choice")),
    ),
    _case(
        "choice-case-and-spaces",
        "choices",
        "Core component '  sustainability  ' and Status 'COMPLETED' (tolerated)",
        edited(put(ACT, "C2", "  sustainability  "), put(ACT, "F2", "COMPLETED")),
        _found(),
    ),
    _case(
        "choice-with-emoji",
        "choices",
        "Status 'Completed ✅'",
        edited(put(ACT, "F2", "Completed ✅")),
        _found((ACT, 2, "Status", E, "not-a-choice")),
    ),
    _case(
        "choice-unknown-sector",
        "choices",
        "Partners Sector 'Aerospace'",
        edited(put(PAR, "C2", "Aerospace")),
        _found((PAR, 2, "Sector", E, "not-a-choice")),
    ),
    _case(
        "choice-unknown-milestone-type",
        "choices",
        "Milestones Type 'Party'",
        edited(put(MIL, "C2", "Party")),
        _found((MIL, 2, "Type", E, "not-a-choice")),
    ),
    _case(
        "choice-unknown-unit",
        "choices",
        "Indicators Unit 'Kilograms'",
        edited(put(IND, "D2", "Kilograms")),
        _found((IND, 2, "Unit", E, "not-a-choice")),
    ),
    # Required and cross-column rules
    _case(
        "required-title-blank",
        "required",
        "Activities Title blank",
        edited(put(ACT, "E2", None)),
        _found((ACT, 2, "Title", E, "required")),
    ),
    _case(
        "required-title-spaces",
        "required",
        "Activities Title '   ' (only spaces)",
        edited(put(ACT, "E2", "   ")),
        _found((ACT, 2, "Title", E, "required")),
    ),
    _case(
        "required-participants-when-completed",
        "required",
        "a Completed activity without Participants",
        edited(put(ACT, "G2", None)),
        _found((ACT, 2, "Participants", E, "required-when")),
    ),
    _case(
        "lived-experience-above-participants",
        "required",
        "Lived experience participants 50 of 43",
        edited(put(ACT, "H2", 50)),
        _found(
            (ACT, 2, "Lived experience participants", E, "lived-experience-within-participants")
        ),
    ),
    _case(
        "measurement-unknown-indicator",
        "required",
        "Measurements Indicator ID 'OAK-99'",
        edited(put(MEA, "A2", "OAK-99")),
        _found((MEA, 2, "Indicator ID", E, "unknown-indicator")),
    ),
    # Duplicate ids
    _case(
        "duplicate-activity-id",
        "ids",
        "Activities rows 2 and 3 both 'A-001'",
        edited(put(ACT, "A3", "A-001")),
        _found(
            (ACT, 2, "Activity ID", E, "duplicate-id"), (ACT, 3, "Activity ID", E, "duplicate-id")
        ),
    ),
    _case(
        "duplicate-partner-id",
        "ids",
        "a new Partners row 16 reusing 'P01' (row 2)",
        edited(
            append(PAR, ["P01", "Tenant union", "Housing", datetime(2020, 1, 5), None, None, "No"])
        ),
        _found(
            (PAR, 2, "Partner ID", E, "duplicate-id"), (PAR, 16, "Partner ID", E, "duplicate-id")
        ),
    ),
    _case(
        "duplicate-month",
        "ids",
        "Submissions rows 2 and 3 both '2019-11'",
        edited(put(SUB, "A3", "2019-11")),
        _found((SUB, 2, "Month", E, "duplicate-id"), (SUB, 3, "Month", E, "duplicate-id")),
    ),
    # Layout: merged cells, headers, tabs, columns
    _case(
        "merged-cells",
        "layout",
        "Activities E2:F2 merged (Status lost under Title)",
        edited(merge(ACT, "E2:F2")),
        _found((ACT, 2, "Status", E, "required")),
    ),
    _case(
        "row-of-spaces",
        "layout",
        "a row of spaces and empty text under the last activity (skipped)",
        edited(append(ACT, ["  ", "", " \t "])),
        _found(),
    ),
    _case(
        "header-case-and-underscores",
        "layout",
        "headers ' activity_id ' and 'core-component' (tolerated)",
        edited(put(ACT, "A1", " activity_id "), put(ACT, "C1", "core-component")),
        _found(),
    ),
    _case(
        "header-duplicated",
        "layout",
        "a second 'Title' column on Activities",
        edited(add_column(ACT, "Title", {2: "Another title"})),
        _found((ACT, 1, "Title", W, "duplicate-column")),
    ),
    _case(
        "header-mistyped-required",
        "layout",
        "Activities 'Titel' instead of 'Title'",
        edited(put(ACT, "E1", "Titel")),
        Fails(FailureKind.MISSING_COLUMNS, "tab 'Activities' has no column 'Title'"),
    ),
    _case(
        "header-mistyped-optional",
        "layout",
        "Activities 'Modalty' instead of 'Modality'",
        edited(put(ACT, "J1", "Modalty")),
        _found((ACT, 1, "Modalty", W, "extra-column")),
    ),
    _case(
        "extra-column",
        "layout",
        "Activities has an extra column 'Budget code'",
        edited(add_column(ACT, "Budget code", {2: "BC-1"})),
        _found((ACT, 1, "Budget code", W, "extra-column")),
    ),
    _case(
        "required-column-missing",
        "layout",
        "Activities without its Status column",
        edited(drop_column(ACT, 6)),
        Fails(FailureKind.MISSING_COLUMNS, "tab 'Activities' has no column 'Status'"),
    ),
    _case(
        "required-tab-missing",
        "layout",
        "no Partners tab",
        edited(drop_tab(PAR)),
        Fails(FailureKind.MISSING_TAB, "tab 'Partners' is missing"),
    ),
    _case(
        "optional-tab-missing",
        "layout",
        "no Lessons tab",
        edited(drop_tab(LES)),
        _found((LES, None, "", W, "optional-tab-missing")),
    ),
    _case(
        "tab-title-case-and-spaces",
        "layout",
        "tab titled '  ACTIVITIES ' (tolerated)",
        edited(rename_tab(ACT, "  ACTIVITIES ")),
        _found(),
    ),
    _case(
        "tab-twice",
        "layout",
        "a second Lessons tab titled 'lessons '",
        edited(copy_tab(LES, "lessons ")),
        _found((LES, None, "", W, "duplicate-tab")),
    ),
    # Personal data
    _case(
        "personal-data-column",
        "privacy",
        "Partners has an 'Email' column",
        edited(add_column(PAR, "Email", {2: "rosa.martinez@example.org"})),
        _found((PAR, 1, "Email", P, "personal-data-column")),
    ),
    _case(
        "personal-name-column",
        "privacy",
        "Activities has a 'Participant name' column",
        edited(add_column(ACT, "Participant name", {2: "Rosa Martinez"})),
        _found((ACT, 1, "Participant name", P, "personal-data-column")),
    ),
    _case(
        "email-in-title",
        "privacy",
        "Activities Title with an e-mail address",
        edited(put(ACT, "E2", "Debrief: write to ana.r@example.org")),
        _found((ACT, 2, "Title", P, "personal-data-text")),
    ),
    _case(
        "phone-in-notes",
        "privacy",
        "Activities Notes with a phone number",
        edited(put(ACT, "K2", "call her at 559-555-0142")),
        _found((ACT, 2, "Notes", P, "personal-data-text")),
    ),
    _case(
        "phone-with-dots-and-spaces",
        "privacy",
        "Activities Notes with '559.555.0142' and '+1 (559) 555 01 42'",
        edited(put(ACT, "K2", "call 559.555.0142 or +1 (559) 555 01 42")),
        _found((ACT, 2, "Notes", P, "personal-data-text")),
    ),
    _case(
        "address-in-lesson",
        "privacy",
        "a shared Lesson with a street address",
        edited(put(LES, "E2", "We met at 1234 Olive Ave after hours.")),
        _found((LES, 2, "Lesson", P, "personal-data-text")),
    ),
    # Formulas
    _case(
        "formula-error-div0",
        "formulas",
        "Participants shows #DIV/0!",
        edited(error_cell(ACT, "G2", "#DIV/0!")),
        _found((ACT, 2, "Participants", E, "spreadsheet-error")),
    ),
    _case(
        "formula-error-ref",
        "formulas",
        "Amount (USD) shows #REF!",
        edited(error_cell(FUN, "E2", "#REF!")),
        _found((FUN, 2, "Amount (USD)", E, "spreadsheet-error")),
    ),
    _case(
        "formula-error-in-date",
        "formulas",
        "Activities Date shows #VALUE!",
        edited(error_cell(ACT, "B2", "#VALUE!")),
        _found((ACT, 2, "Date", E, "spreadsheet-error")),
    ),
    _case(
        "formula-with-saved-value",
        "formulas",
        "Participants as the formula =40+3 with its saved value 43 (read as 43)",
        with_formula(b"43"),
        _found(),
    ),
    _case(
        "formula-without-saved-value",
        "formulas",
        "Participants as =40+3 never calculated (a workbook a program wrote)",
        with_formula(None),
        _unreadable(FORMULA_ADVICE),
    ),
    # People's habits (tracker-format.md v1.1)
    _case(
        "header-currency-sign",
        "habits",
        "Funding header 'Amount ($)'",
        edited(put(FUN, "E1", "Amount ($)")),
        _found(),
    ),
    _case(
        "header-us-dollar-sign",
        "habits",
        "Funding header 'amount (US$)'",
        edited(put(FUN, "E1", "amount (US$)")),
        _found(),
    ),
    _case(
        "header-euro-sign",
        "habits",
        "Funding header 'Amount (€)': not the USD column",
        edited(put(FUN, "E1", "Amount (€)")),
        Fails(
            FailureKind.MISSING_COLUMNS,
            "tab 'Funding' has no column 'Amount (USD)'",
        ),
    ),
    _case(
        "title-row-above-header",
        "habits",
        "Lessons with a title typed in row 1, the header in row 2",
        edited(title_above(LES, "Lessons learned 2019-2021")),
        _found((LES, 2, "", W, "header-below-title")),
    ),
    _case(
        "title-and-note-above-header",
        "habits",
        "Lessons with a title and a note above the header (header in row 3)",
        edited(title_above(LES, "Lessons learned", "One row per lesson")),
        _found((LES, 3, "", W, "header-below-title")),
    ),
    _case(
        "values-without-header",
        "habits",
        "Lessons values in column H, which has no header",
        edited(put(LES, "H2", "see binder"), put(LES, "H3", "yes")),
        _found((LES, 1, "", W, "unnamed-column")),
    ),
    _case(
        "row-filled-only-without-header",
        "habits",
        "a Lessons row filled only in column H, which has no header",
        edited(put(LES, "H40", "stray note")),
        _found((LES, 1, "", W, "unnamed-column")),
    ),
    # Personal data the scan must catch however it is written (privacy.md)
    _case(
        "address-with-letter-in-number",
        "privacy",
        "Title 'Visit at 221B Baker Street'",
        edited(put(ACT, "E2", "Visit at 221B Baker Street")),
        _found((ACT, 2, "Title", P, "personal-data-text")),
    ),
    _case(
        "address-number-after-street",
        "privacy",
        "Lesson 'Met at Calle Mayo 123'",
        edited(put(LES, "E2", "Met at Calle Mayo 123")),
        _found((LES, 2, "Lesson", P, "personal-data-text")),
    ),
    _case(
        "email-full-width",
        "privacy",
        "Milestone Description with a full-width e-mail address",
        edited(put(MIL, "F2", "Sent to ａｎａ＠ｅｘａｍｐｌｅ．ｏｒｇ")),
        _found((MIL, 2, "Description", P, "personal-data-text")),
    ),
    _case(
        "phone-odd-groups",
        "privacy",
        "Notes 'call 51 05 55 01 99'",
        edited(put(ACT, "K2", "call 51 05 55 01 99")),
        _found((ACT, 2, "Notes", P, "personal-data-text")),
    ),
    # Numbers beyond any plausible value (tracker-format.md: bounded at reading)
    _case(
        "amounts-overflowing",
        "types",
        "two Amount (USD) cells of 1e308 (their sum is infinite)",
        edited(put(FUN, "E2", 1e308), put(FUN, "E3", 1e308)),
        _found((FUN, 2, "Amount (USD)", E, "bad-money"), (FUN, 3, "Amount (USD)", E, "bad-money")),
    ),
    _case(
        "whole-number-400-digits",
        "types",
        "Participants as a 400-digit text",
        edited(put(ACT, "G2", "9" * 400)),
        _found((ACT, 2, "Participants", E, "bad-whole-number")),
    ),
    _case(
        "digits-cell-32767",
        "text",
        "Notes of 32,767 digits",
        edited(put(ACT, "K2", "7" * 32_767)),
        _found(),
    ),
    # Text people paste
    _case(
        "longest-cell",
        "text",
        "Activities Notes and Title of 32,767 characters",
        edited(put(ACT, "K2", LONG_TEXT), put(ACT, "E3", LONG_TEXT)),
        _found(),
    ),
    _case(
        "control-whitespace",
        "text",
        "Title with tabs and line breaks inside",
        edited(put(ACT, "E2", "Strategic\tplan\r\nworking group")),
        _found(),
    ),
    _case(
        "right-to-left-override",
        "text",
        "Title with a right-to-left override (U+202E)",
        edited(put(ACT, "E2", "Strategic plan \u202epuorg gnikrow\u202c")),
        _found(),
    ),
    _case(
        "emoji-in-text",
        "text",
        "Title and Organization with emoji",
        edited(put(ACT, "E2", "Community walk 🚶‍♀️💜"), put(PAR, "B2", "Allies 🤝")),
        _found(),
    ),
    _case(
        "template-in-text",
        "text",
        "Title, Description, Lesson and Organization holding Jinja ({{ config }}, {% for %})",
        edited(
            put(ACT, "E2", "{{ config }}"),
            put(MIL, "F2", "{% for x in y %}{% endfor %}"),
            put(LES, "E2", "{{ ''.__class__ }}"),
            put(PAR, "B2", "{{ 7*191 }}"),
        ),
        _found(),
    ),
    _case(
        "zero-width-in-id",
        "text",
        "Activity ID 'A-001' followed by a zero-width space",
        edited(put(ACT, "A2", "A-001\u200b")),
        _found(),
    ),
    # Size
    _case(
        "hundred-thousand-rows",
        "size",
        f"Activities with {BIG_ROWS:,} more valid rows",
        many_activities(BIG_ROWS),
        _found(),
    ),
    # Files that are no .xlsx workbook
    _case(
        "empty-workbook",
        "files",
        "a workbook with one blank sheet",
        empty_workbook,
        Fails(FailureKind.MISSING_TAB, "tab 'Activities' is missing; tab 'Partners' is missing"),
    ),
    _case(
        "zero-byte-file",
        "files",
        "an empty file named .xlsx",
        raw_bytes(b""),
        _unreadable(says.EMPTY),
    ),
    _case(
        "encrypted-workbook",
        "files",
        "the sample protected with a password",
        encrypted,
        _unreadable(says.ENCRYPTED),
    ),
    _case(
        "old-excel-file",
        "files",
        "an Excel 97-2003 (.xls) compound file",
        raw_bytes(ole_file({"Workbook": b"\x09\x08"}), ".xls"),
        _unreadable(says.OLD_EXCEL),
    ),
    _case(
        "text-named-xlsx",
        "files",
        "a text file named .xlsx",
        raw_bytes(b"Activity ID,Date\nA-001,2020-03-23\n"),
        _unreadable(says.TEXT),
    ),
    _case(
        "csv-file",
        "files",
        "a .csv export of the Activities tab",
        raw_bytes(b"Activity ID,Date\r\nA-001,2020-03-23\r\n", ".csv"),
        _unreadable(says.TEXT),
    ),
    _case(
        "pdf-named-xlsx",
        "files",
        "a PDF named .xlsx",
        raw_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        _unreadable(says.PDF),
    ),
    _case(
        "download-cut-short",
        "files",
        "the sample's first half (a truncated zip)",
        truncated,
        _unreadable(says.DAMAGED),
    ),
    _case(
        "opendocument",
        "files",
        "an OpenDocument spreadsheet (.ods)",
        zipped(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<office:document-content/>",
            },
            ".ods",
        ),
        _unreadable(says.OPENDOCUMENT),
    ),
    _case(
        "word-named-xlsx",
        "files",
        "a Word document named .xlsx",
        zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        _unreadable(says.OTHER_OFFICE),
    ),
    _case(
        "zip-named-xlsx",
        "files",
        "a zip of photos named .xlsx",
        zipped({"photo.jpg": b"\xff\xd8\xff"}),
        _unreadable(says.OTHER_ZIP),
    ),
    _case(
        "damaged-sheet-xml",
        "files",
        "the Activities sheet's XML cut in a cell",
        rezipped(damaged_sheet_xml),
        _unreadable(says.UNREADABLE_CONTENT.split(" (")[0]),
    ),
    _case(
        "macro-enabled-workbook",
        "files",
        "the sample saved as .xlsm with a macro part",
        rezipped(macro_enabled, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        _found(),
    ),
    _case(
        "xlsx-named-xls",
        "files",
        "a real .xlsx named .xls (content decides)",
        renamed_sample(".xls"),
        _found(),
    ),
    _case(
        "folder-as-workbook",
        "files",
        "a folder where the workbook should be",
        folder,
        _unreadable(says.FOLDER),
    ),
    _case(
        "symlink-to-workbook", "files", "a symbolic link to the workbook", link_to_sample, _found()
    ),
    _case(
        "symlink-loop", "files", "a symbolic link to itself", link_loop, _unreadable(says.LINK_LOOP)
    ),
    _case(
        "symlink-broken",
        "files",
        "a symbolic link to a missing file",
        broken_link,
        _unreadable(says.BROKEN_LINK),
    ),
    # Config attacks (strict_yaml.py, config.py)
    _case(
        "config-alias-bomb",
        "config",
        "a billion-laughs YAML alias bomb",
        config_text(alias_bomb()),
        Refused("alias"),
    ),
    _case(
        "config-duplicate-workbook",
        "config",
        "a second 'workbook:' for one collaborative",
        config_text(
            PROGRAM + "collaboratives:\n  - id: a\n    name: N\n    city: C\n"
            "    workbook: a.xlsx\n    workbook: b.xlsx\n"
        ),
        Refused("workbook"),
    ),
    _case(
        "config-id-traversal",
        "config",
        "collaborative id '../../etc'",
        config_text(one_collaborative("'../../etc'")),
        Refused("id"),
    ),
    _case(
        "config-id-with-slash",
        "config",
        "collaborative id 'oakland/reports'",
        config_text(one_collaborative("oakland/reports")),
        Refused("id"),
    ),
    _case(
        "config-id-absolute",
        "config",
        "collaborative id '/etc/passwd'",
        config_text(one_collaborative("/etc/passwd")),
        Refused("id"),
    ),
    _case(
        "config-id-newline",
        "config",
        "collaborative id 'oakland' + line break",
        config_text(one_collaborative('"oakland\\n"')),
        Refused("id"),
    ),
    _case(
        "config-id-unicode",
        "config",
        "collaborative id with a Unicode dot ('oak․land')",
        config_text(one_collaborative("oak\u2024land")),
        Refused("id"),
    ),
)
"""Every case, in the order of the table."""

TRACKER_CASES = tuple(case for case in CASES if not isinstance(case.expected, Refused))
CONFIG_CASES = tuple(case for case in CASES if isinstance(case.expected, Refused))
HUGE_CONFIG = config_text(huge_config())
"""Not a refusal: a 5,000-collaborative config loads (in seconds), it is only large."""


def markdown_table(cases: tuple[Case, ...] = CASES) -> Iterator[str]:
    """The case table as Markdown lines, for docs."""
    yield "| case | area | input | expected |"
    yield "|---|---|---|---|"
    for case in cases:
        about = case.about.replace("|", "\\|")
        expected = case.expected.describe().replace("|", "\\|")
        yield f"| `{case.id}` | {case.area} | {about} | {expected} |"


TABLE_START = "<!-- bad-input corpus: start (python -m tests.bad_input_corpus --docs) -->"
TABLE_END = "<!-- bad-input corpus: end -->"
RELIABILITY_DOC = REPO / "docs" / "reliability.md"


def with_table(document: str) -> str:
    """`document` with the case table between its markers made anew."""
    before, _, rest = document.partition(TABLE_START)
    _, _, after = rest.partition(TABLE_END)
    table = "\n".join(markdown_table())
    return f"{before}{TABLE_START}\n{table}\n{TABLE_END}{after}"


def main(arguments: list[str]) -> int:
    """Write every case's input into a folder, or print (`--table`) or document the table.

    `--docs` writes the table into docs/reliability.md between its markers.
    """
    if arguments == ["--table"]:
        sys.stdout.write("\n".join(markdown_table()) + "\n")
        return 0
    if arguments == ["--docs"]:
        RELIABILITY_DOC.write_text(with_table(RELIABILITY_DOC.read_text()))
        return 0
    if len(arguments) != 1:
        sys.stderr.write(__doc__ or "")
        return 2
    out = Path(arguments[0])
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        sys.stdout.write(f"{case.id} → {case.build(out / f'{case.id}.xlsx')}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
