"""Personal data planted everywhere in a tracker is found nowhere the run writes.

A copy of a sample tracker gets personal-data columns and personal data in every free-text
field. After a whole run under Prefect, every byte the run left behind is searched for the
planted words: each file of the output folder (the members of `.docx` and `.xlsx` files
unzipped), Prefect's database, Prefect's result storage, and what the run printed and logged.
The words are chosen so they occur nowhere else; finding one is a leak.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from flows.monthly_report import run_to_folder

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]

# (tab, header, first data row, text): each text holds a word found nowhere else.
PLANTED_FREE_TEXT = (
    ("Activities", "Title", 2, "Home visit with Xanthippe Quillfeather at 742 Evergreen Terrace"),
    ("Activities", "Notes", 3, "Call Zorvath back on 510-555-0199 about the circle"),
    ("Activities", "Title", 4, "Her address is 221B Baker Street, ask Ombrelune"),
    ("Activities", "Notes", 5, "Ask Pellinore Dashwhistle about the next circle"),
    ("Milestones", "Description", 2, "Plan sent to brindlewick@example.org for review"),
    ("Lessons", "Lesson", 2, "Ms. Grimbleshanks (559) 555-0142 told us what worked"),
    ("Milestones", "Description", 3, "Survey from Calle Mayo 123, Tlacuachito's family"),
    ("Measurements", "Note", 2, "Ana at ａｎａ＠ｅｊｅｍｐｌｏ．ｏｒｇ, Pumpernickelo"),
)
# (tab, header, text per row): whole columns the contract drops at ingest.
PLANTED_COLUMNS = (
    ("Activities", "Participant name", "Quorra Vantablack"),
    ("Partners", "Email", "contact.person@quuxmailhost.org"),
    ("Activities", "Date of birth", "1987-03-09 Wrenfeather"),
)
PLANTED_WORDS = (
    "xanthippe",
    "quillfeather",
    "evergreen terrace",
    "zorvath",
    "555-0199",
    "ombrelune",
    "baker street",
    "brindlewick",
    "grimbleshanks",
    "555-0142",
    "tlacuachito",
    "dashwhistle",
    "pumpernickelo",
    "vantablack",
    "quuxmailhost",
    "wrenfeather",
)


def test_planted_personal_data_is_in_no_output_log_or_prefect_database(
    sample_config: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """No planted word appears in any output file, Prefect's database or storage, or the logs."""
    import prefect.settings

    tracker = tmp_path / "fresno-planted.xlsx"
    _plant_personal_data(REPO / "data/sample/fresno.xlsx", tracker)
    config = sample_config.read_text().replace(f"{REPO}/data/sample/fresno.xlsx", str(tracker))
    sample_config.write_text(config)
    out = tmp_path / "out"

    summary = run_to_folder(
        config_path=str(sample_config), as_of=date(2021, 10, 31), out_dir=str(out)
    )

    assert summary.exit_code == 0
    printed = capfd.readouterr()
    database = Path(
        prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1]
    )
    places: list[tuple[str, bytes]] = [
        ("stdout", printed.out.encode()),
        ("stderr", printed.err.encode()),
        *_every_byte_under(out),
        *_every_byte_under(database.parent),
        *_every_byte_under(Path(prefect.settings.PREFECT_LOCAL_STORAGE_PATH.value())),
    ]
    assert any(name.endswith("issues.csv") for name, _ in places)  # the scan saw the outputs
    in_database = [content for name, content in places if "prefect-test.db" in name]
    assert any(b"data-quality issues" in content for content in in_database)  # logs reach it
    leaks = [
        (name, word)
        for name, content in places
        for word in PLANTED_WORDS
        if word in content.lower().decode("utf-8", "replace")
    ]
    assert leaks == []


def test_the_planted_tracker_is_read_with_its_personal_data_withheld(
    sample_config: Path, tmp_path: Path
) -> None:
    """The plant is real: the run reports each planted text and column as a privacy issue."""
    import csv

    tracker = tmp_path / "fresno-planted.xlsx"
    _plant_personal_data(REPO / "data/sample/fresno.xlsx", tracker)
    config = sample_config.read_text().replace(f"{REPO}/data/sample/fresno.xlsx", str(tracker))
    sample_config.write_text(config)
    out = tmp_path / "out"

    run_to_folder(config_path=str(sample_config), as_of=date(2021, 10, 31), out_dir=str(out))

    with (out / "issues.csv").open(newline="") as stream:
        privacy = [
            (row["tab"], row["row"])
            for row in csv.DictReader(stream)
            if row["collaborative"] == "fresno" and row["severity"] == "privacy"
        ]
    for tab, header, row, _text in PLANTED_FREE_TEXT:
        if header not in ("Notes", "Note"):  # notes are dropped after the scan in any case
            assert (tab, str(row)) in privacy
    assert len(privacy) >= len(PLANTED_FREE_TEXT) + len(PLANTED_COLUMNS)


def _plant_personal_data(source: Path, target: Path) -> None:
    """Copy a tracker, writing personal data into free text and personal-data columns."""
    workbook = load_workbook(source)
    for tab, header, row, text in PLANTED_FREE_TEXT:
        sheet = workbook[tab]
        sheet.cell(row=row, column=_column_of(sheet, header), value=text)
    for tab, header, text in PLANTED_COLUMNS:
        sheet = workbook[tab]
        column = sheet.max_column + 1
        sheet.cell(row=1, column=column, value=header)
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column, value=f"{text} {row}")
    workbook.save(target)


def _column_of(sheet: Worksheet, header: str) -> int:
    """The 1-based column whose row-1 header is `header`."""
    for cell in sheet[1]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(f"{sheet.title} has no column {header!r}")


def _every_byte_under(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Each file under `folder`, and each member of each zip file (.docx, .xlsx), by name."""
    if not folder.exists():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_bytes()
        yield str(path), content
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path}!{member}", archive.read(member)
