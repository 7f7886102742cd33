"""The blank tracker template (`templates/tracker-template.xlsx`), made from the contract.

Run `python -m tools.tracker_template` after changing `contract.py`. The
template has every tab and header, a dropdown for every choice column (lists kept
on a hidden `Lists` tab, since several are longer than a dropdown formula may be),
date, whole-number and amount validation, a frozen header row, readable column
widths, and instruction tabs in English and Spanish. It uploads to Google Sheets
with its dropdowns intact. The extra tabs are ignored by the reader.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from stc_reporting.contract.tabs import ACTIVITIES, TABS, Column, Kind, Tab, headers
from stc_reporting.locations import DOCS_DIR, TEMPLATES_DIR

TEMPLATE_PATH = TEMPLATES_DIR / "tracker-template.xlsx"
RULES_DOC = DOCS_DIR / "data-quality-rules.md"
LISTS_TAB = "Lists"
ROWS = 1000
TARGET_YEARS = (2, 3)
YES_NO = ("Yes", "No")
_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_HEADER_FONT = Font(bold=True, color="FFFFFF")

INSTRUCTIONS_EN = (
    "How to keep this tracker",
    "",
    "One tab per kind of record. Activities and Partners are required; leave out a tab you "
    "do not use.",
    "Row 1 holds the headers: do not rename them. One record per row from row 2. Blank rows "
    "are fine.",
    "Choose from the dropdowns where there is one. Dates: a date, 2020-03-15 or 3/15/2020.",
    "Whole numbers: digits only (12, 1,200). Leave an optional count blank rather than "
    "writing N/A.",
    "Never add names, e-mail addresses, phone numbers, street addresses or dates of birth. "
    "Trackers hold counts, never people.",
    "Each month, add a row to Submissions when the month is complete.",
    "",
    "Every message the monthly check can give, and how to fix it:",
)

INSTRUCTIONS_ES = (
    "Cómo llevar este registro",
    "",
    "Una pestaña por tipo de registro. Activities y Partners son obligatorias; puede omitir "
    "las pestañas que no use.",
    "La fila 1 tiene los encabezados: no los cambie. Un registro por fila desde la fila 2. "
    "Las filas en blanco se ignoran.",
    "Elija de las listas desplegables cuando las haya. Fechas: una fecha, 2020-03-15 o "
    "3/15/2020 (mes primero).",
    "Números enteros: solo dígitos (12, 1,200). Deje en blanco un conteo opcional en lugar "
    "de escribir N/A.",
    "Nunca escriba nombres, correos electrónicos, teléfonos, direcciones ni fechas de "
    "nacimiento. El registro lleva conteos, nunca personas.",
    "Cada mes, agregue una fila en Submissions cuando el mes esté completo.",
    "Los mensajes de la revisión mensual están en inglés en la pestaña Instructions; cada uno "
    "indica la pestaña, la fila y la columna que hay que corregir.",
)


def _columns(tab: Tab) -> list[Column]:
    columns = {column.header: column for column in tab.columns}
    return [
        columns.get(header) or Column(header, header.lower().replace(" ", "_"), Kind.NUMBER)
        for header in headers(tab, TARGET_YEARS)
    ]


def rule_explanations(path: Path = RULES_DOC) -> list[str]:
    """One line per rule from docs/data-quality-rules.md: id, severity and the fix."""
    text = path.read_text(encoding="utf-8")
    lines = []
    for match in re.finditer(
        r"^### `([a-z-]+)` — (\w+)\n(.*?)(?=^#|\Z)", text, flags=re.MULTILINE | re.DOTALL
    ):
        body = " ".join(match.group(3).split())
        lines.append(f"{match.group(1)} ({match.group(2)}): {body}")
    return lines


def _lists_tab(workbook: Workbook) -> dict[tuple[str, ...], str]:
    """Write each distinct choice list on a hidden tab; return its range formula."""
    sheet = workbook.create_sheet(LISTS_TAB)
    sheet.sheet_state = "hidden"
    ranges: dict[tuple[str, ...], str] = {}
    for tab in TABS:
        for column in tab.columns:
            if not column.choices or column.choices in ranges:
                continue
            index = len(ranges) + 1
            letter = get_column_letter(index)
            sheet.cell(1, index, column.header)
            for row, label in enumerate(column.choices, start=2):
                sheet.cell(row, index, label)
            end = len(column.choices) + 1
            ranges[column.choices] = f"{quote_sheetname(LISTS_TAB)}!${letter}$2:${letter}${end}"
    ranges[YES_NO] = _yes_no_range(sheet, len(ranges) + 1)
    return ranges


def _yes_no_range(sheet: Worksheet, column_index: int) -> str:
    letter = get_column_letter(column_index)
    sheet.cell(1, column_index, "Yes/No")
    sheet.cell(2, column_index, "Yes")
    sheet.cell(3, column_index, "No")
    return f"{quote_sheetname(LISTS_TAB)}!${letter}$2:${letter}$3"


def _validation(column: Column, ranges: dict[tuple[str, ...], str]) -> DataValidation | None:
    if column.kind is Kind.CHOICE:
        return DataValidation(
            type="list",
            formula1=ranges[column.choices],
            allow_blank=True,
            error=f"Choose a {column.header} from the list.",
            errorTitle="Not in the list",
        )
    if column.kind is Kind.YES_NO:
        return DataValidation(
            type="list",
            formula1=ranges[YES_NO],
            allow_blank=True,
            error="Choose Yes or No.",
            errorTitle="Yes or No",
        )
    if column.kind is Kind.DATE:
        return DataValidation(
            type="date",
            operator="greaterThan",
            formula1="DATE(1990,1,1)",
            allow_blank=True,
            error="Enter a date, such as 2020-03-15.",
            errorTitle="Not a date",
        )
    if column.kind is Kind.WHOLE:
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            error="Enter a whole number, such as 12.",
            errorTitle="Not a whole number",
        )
    if column.kind is Kind.MONEY:
        return DataValidation(
            type="decimal",
            operator="greaterThan",
            formula1="0",
            allow_blank=True,
            error="Enter an amount above 0, such as 12500.",
            errorTitle="Not an amount",
        )
    return None


def _data_tab(workbook: Workbook, tab: Tab, ranges: dict[tuple[str, ...], str]) -> None:
    sheet = workbook.create_sheet(tab.name)
    columns = _columns(tab)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(1, index, column.header)
        cell.fill, cell.font = _HEADER_FILL, _HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        wide = column.is_free_text or column.kind is Kind.CHOICE
        sheet.column_dimensions[letter].width = 34 if wide else max(14, len(column.header) + 3)
        validation = _validation(column, ranges)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{ROWS}")
            sheet.add_data_validation(validation)
        if column.kind is Kind.DATE:
            for row in range(2, ROWS + 1):
                sheet.cell(row, index).number_format = "yyyy-mm-dd"
        if column.kind in (Kind.MONTH, Kind.ID, Kind.LIST):
            for row in range(2, ROWS + 1):
                sheet.cell(row, index).number_format = "@"  # kept as typed, e.g. 2020-03
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _instructions(workbook: Workbook, title: str, lines: tuple[str, ...] | list[str]) -> None:
    sheet = workbook.create_sheet(title, 0)
    sheet.column_dimensions["A"].width = 120
    for row, line in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14, color="1F3864")


def build_tracker_template() -> Workbook:
    """Build the blank tracker workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    ranges = _lists_tab(workbook)
    for tab in TABS:
        _data_tab(workbook, tab, ranges)
    _instructions(workbook, "Instrucciones", INSTRUCTIONS_ES)
    _instructions(workbook, "Instructions", [*INSTRUCTIONS_EN, *rule_explanations()])
    workbook.active = workbook.sheetnames.index(ACTIVITIES.name)
    return workbook


if __name__ == "__main__":
    build_tracker_template().save(TEMPLATE_PATH)
    sys.stdout.write(f"wrote {TEMPLATE_PATH}\n")
