"""The blank tracker template (`templates/tracker-template.xlsx`), made from the contract.

Run `python -m tools.tracker_template` after changing `contract.py`. The
template has every tab and header, a dropdown for every choice column (lists kept
on a hidden `Lists` tab, since several are longer than a dropdown formula may be),
date, whole-number and amount validation, a frozen header row, readable column
widths, and instruction tabs in English and Spanish. Every validation refuses an
invalid entry with an alert in English and Spanish (a spreadsheet's default is to
accept anything). It uploads to Google Sheets with its dropdowns intact. The extra
tabs are ignored by the reader.
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
    "are fine. A value in a column with no header is never read.",
    "Choose from the dropdowns where there is one; a cell refuses a value it cannot take.",
    "Dates: a date cell, or type year-month-day, such as 2020-03-15. Do not type 3/15/2020: "
    "a sheet set to another language reads 3/4/2021 as 3 April.",
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
    "Las filas en blanco se ignoran. Un valor en una columna sin encabezado no se lee.",
    "Elija de las listas desplegables cuando las haya; una celda rechaza un valor que no "
    "puede tomar.",
    "Fechas: una celda de fecha, o escriba año-mes-día, por ejemplo 2020-03-15. No escriba "
    "3/15/2020 ni 15/3/2020: una hoja en español lee 3/4/2021 como 3 de abril, y una en "
    "inglés como 4 de marzo.",
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


_ALERTS: dict[Kind, tuple[str, str]] = {
    # (title, message) of the alert that refuses an invalid entry. The data tabs serve
    # the English and the Spanish instructions alike, so each alert says it in both.
    # Spreadsheet programs cap a title at 32 characters and a message at 255.
    Kind.CHOICE: (
        "Not in the list / Fuera de lista",
        "Choose a {header} from the list. / Elija una opción de la lista ({header}).",
    ),
    Kind.YES_NO: ("Yes or No / Sí o No", "Choose Yes or No. / Elija Yes (sí) o No."),
    Kind.DATE: (
        "Not a date / No es una fecha",
        "Enter a date after 1990 as year-month-day, such as 2020-03-15. / Escriba una fecha "
        "posterior a 1990 como año-mes-día, por ejemplo 2020-03-15.",
    ),
    Kind.WHOLE: (
        "Whole number / Número entero",
        "Enter a whole number, 0 or more, such as 12. / Escriba un número entero, 0 o más, "
        "por ejemplo 12.",
    ),
    Kind.MONEY: (
        "Not an amount / No es un monto",
        "Enter an amount above 0, such as 12500. / Escriba un monto mayor que 0, por "
        "ejemplo 12500.",
    ),
}


def _validation(column: Column, ranges: dict[tuple[str, ...], str]) -> DataValidation | None:
    """The check of a column's cells, which refuses an invalid entry with a bilingual alert."""
    rule = _rule(column, ranges)
    if rule is None:
        return None
    title, message = _ALERTS[column.kind]
    return DataValidation(
        **rule,
        allow_blank=True,
        showErrorMessage=True,  # openpyxl's default is off: anything would be accepted
        errorStyle="stop",
        errorTitle=title,
        error=message.format(header=column.header),
    )


def _rule(column: Column, ranges: dict[tuple[str, ...], str]) -> dict[str, str] | None:
    """What a valid entry of this column is, as a data validation rule."""
    if column.kind is Kind.CHOICE:
        return {"type": "list", "formula1": ranges[column.choices]}
    if column.kind is Kind.YES_NO:
        return {"type": "list", "formula1": ranges[YES_NO]}
    if column.kind is Kind.DATE:
        return {"type": "date", "operator": "greaterThan", "formula1": "DATE(1990,1,1)"}
    if column.kind is Kind.WHOLE:
        return {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"}
    if column.kind is Kind.MONEY:
        return {"type": "decimal", "operator": "greaterThan", "formula1": "0"}
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
