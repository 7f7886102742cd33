"""Personal data planted everywhere a person could type it is in no byte the run writes.

A copy of a sample tracker gets e-mail addresses, phone numbers and street addresses, in
the forms the scan learned in issue 12 (full-width, spelled out, odd groupings, the
number after the street), in every free-text column, in IDs, lists, choices, dates and
numbers, in a personal-data column, an unknown column, a header, an extra tab and a tab
title. The run goes through the domain entry point (`run_monthly_report`); then every
file under the output folder is read (`.docx` and `.xlsx` unzipped, XML tags stripped and
entities decoded, full-width forms folded) together with everything logged, and none of
the planted text may appear. (The Prefect database is checked by the flow's own tests.)
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stc_reporting.pipeline import plan_run, run_monthly_report

pytestmark = pytest.mark.contract

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "sample"
AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 20)

PLANTED_CELLS = {
    # (tab, header, sheet row): what is typed there
    ("activities", "Title", 2): "Taller con Zuleyma, zuleyma.plantada@example.org",
    ("activities", "Notes", 3): "Llamar al (510)555 0199 por la tarde",
    ("activities", "Activity ID", 4): "ｑｕｉｘｏｔｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    ("activities", "Partner IDs", 5): "P01; 510 55 50 199",
    ("activities", "Modality", 6): "+1 510.555.0198",
    ("activities", "Date", 7): "Calle Quetzalcoatl 123",
    ("activities", "Participants", 8): "221B Wexford Street",
    ("activities", "Room booked", 9): "itzel [at] ejemplo [dot] org",
    ("partners", "Organization", 2): "12-B Ximenez St",
    ("milestones", "Description", 2): "Avenida Tlacaelel 45",
    ("funding", "Source", 2): "C/ Yunquera 7",
    ("indicators", "Indicator", 2): "Via Tornabuoni 10",
    ("measurements", "Note", 2): "510/555-0197",
    ("lessons", "Lesson", 2): "Escríbele a maricruz (arroba) ejemplo (punto) com",
    ("submissions", "Month", 2): "555 01 96",
}
PERSONAL_COLUMN = ("partners", "Email", "jacinta.plantada@example.net")
HEADER = ("activities", "ulises.plantado@example.org")
EXTRA_TAB = ("Contactos", [["Nombre", "Teléfono"], ["Xochitl Plantada", "612 34 56 78"]])
TAB_TITLE = "yolotl@plantado.mx"

NEEDLES = (
    *PLANTED_CELLS.values(),
    PERSONAL_COLUMN[2],
    HEADER[1],
    *EXTRA_TAB[1][1],
    TAB_TITLE,
    # The distinctive part of each, in case a value is printed in part or reformatted.
    "zuleyma",
    "quixote",
    "quetzalcoatl",
    "wexford",
    "itzel",
    "ximenez",
    "tlacaelel",
    "yunquera",
    "tornabuoni",
    "maricruz",
    "jacinta",
    "ulises",
    "xochitl",
    "yolotl",
    "555 0199",
    "55 50 199",
    "555.0198",
    "555-0197",
    "01 96",
    "34 56 78",
)


def _plant(tracker: Path) -> None:
    workbook = load_workbook(tracker)
    sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    for (tab, header, row), value in PLANTED_CELLS.items():
        sheet = sheets[tab]
        column = [cell.value for cell in sheet[1]].index(header) + 1
        sheet.cell(row=row, column=column, value=value)
    tab, header, value = PERSONAL_COLUMN
    personal = sheets[tab].max_column + 1
    sheets[tab].cell(row=1, column=personal, value=header)
    sheets[tab].cell(row=2, column=personal, value=value)
    tab, header = HEADER
    sheets[tab].cell(row=1, column=sheets[tab].max_column + 1, value=header)
    contacts = workbook.create_sheet(EXTRA_TAB[0])
    for contact in EXTRA_TAB[1]:
        contacts.append(contact)
    workbook.create_sheet(TAB_TITLE).append(["Notas", "Hablar con Xochitl"])
    workbook.save(tracker)


def _config(folder: Path) -> Path:
    tracker = folder / "planted.xlsx"
    shutil.copy(SAMPLES / "mckinleyville.xlsx", tracker)
    _plant(tracker)
    config, oakland = folder / "program.yaml", SAMPLES / "oakland.xlsx"
    config.write_text(
        "program: {name: Safety Through Connection, funder: Test Funder, start: 2018-11-01,"
        " end: 2021-10-31, years: [2, 3]}\n"
        "collaboratives:\n"
        "  - {id: planted, name: Planted collaborative, city: Arcata, workbook: planted.xlsx}\n"
        f"  - {{id: oakland, name: Oakland, city: Oakland, workbook: '{oakland}'}}\n"
    )
    return config


def _readable_text(path: Path) -> str:
    """A written file as text a person or a program could read the planted data from."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    else:
        parts = [path.read_bytes().decode("utf-8", "replace")]
    texts = []
    for part in parts:
        stripped = html.unescape(re.sub(r"<[^>]*>", "", part))  # text split across XML runs
        texts += [part, html.unescape(part), stripped]
    return unicodedata.normalize("NFKC", "\n".join(texts)).casefold()


def test_no_planted_personal_data_is_in_any_file_written_or_any_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every file under the output folder, unzipped and decoded, and every log record."""
    out = tmp_path / "out"
    with caplog.at_level(logging.DEBUG):
        outcome = run_monthly_report(plan_run(_config(tmp_path), out, AS_OF, run_date=RUN_DATE))
    written = sorted(path for path in out.rglob("*") if path.is_file())
    assert {"rollups.json", "issues.csv", "manifest.json"} <= {path.name for path in written}
    assert any(path.suffix == ".docx" for path in written)
    masked = {
        (issue.tab.lower(), issue.column, issue.row)
        for issue in outcome.checked.issues
        if issue.collaborative == "planted" and "masked]" in issue.value
    }
    # The scan saw each planted cell it reads (the unknown column is never read), so this
    # test is not vacuous; each issue shows the mask only.
    assert {cell for cell in PLANTED_CELLS if cell[1] != "Room booked"} <= masked
    sources = {str(path.relative_to(out)): _readable_text(path) for path in written}
    sources["log records"] = unicodedata.normalize("NFKC", caplog.text).casefold()
    leaks = {
        (where, needle)
        for where, text in sources.items()
        for needle in NEEDLES
        if unicodedata.normalize("NFKC", needle).casefold() in text
    }
    assert leaks == set()
