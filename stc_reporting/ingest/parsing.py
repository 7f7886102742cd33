"""Cell parsers: one spreadsheet cell in, one typed value out, or a `CellError`.

Each parser accepts exactly the spellings `docs/tracker-format.md` lists and
raises `CellError` (with a rule id and a plain-words fix) for anything else.
Parsers never see blank cells: the reader handles blanks before calling them.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NoReturn

from stc_reporting.contract.rules import Rule
from stc_reporting.contract.tabs import MAX_AMOUNT_USD, MAX_COUNT, MAX_NUMBER, normalise_choice

SHEETS_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = (date(9999, 12, 31) - SHEETS_EPOCH).days

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WHOLE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?$")
_DECIMAL = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^-?\.\d+$")
_MONEY = re.compile(r"^(-)?\$?\s*(-)?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)$")
_LIST_SEPARATORS = re.compile(r"[;,]")
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})
SPREADSHEET_ERRORS = frozenset(
    {"#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!"}
)

DATE_HINT = "write it as 2020-03-15 (year-month-day), or use a date cell"

# A month written without its day ("marzo 2020", "Mar 2020", "3/2020", "2020-03"): the
# fix names the month and asks for the day, never suggests one. Trackers are kept in
# English and in Spanish, so both languages' month names (and their first three
# letters) are recognised.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SPANISH_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
_MONTH_WORDS = {
    word: number
    for number, names in enumerate(zip(MONTH_NAMES, _SPANISH_MONTHS, strict=True), start=1)
    for name in names
    for word in (name.lower(), name.lower()[:3])
} | {"sept": 9, "setiembre": 9}
_MONTH_IN_WORDS = re.compile(r"^([^\W\d_]+)\.?[\s,/-]*(?:de\s+|del\s+|of\s+)?(\d{4})$")
_MONTH_IN_DIGITS = re.compile(r"^(\d{1,2})[/-](\d{4})$")


class CellError(ValueError):
    """A cell that does not read as its column's type.

    Attributes:
        rule: The stable rule id (see docs/data-quality-rules.md).
        message: What is wrong and how to fix it, in plain words.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def is_blank(cell: object) -> bool:
    """Return whether a cell is empty or only whitespace."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_spreadsheet_error(cell: object) -> bool:
    """Return whether a cell shows a spreadsheet error such as `#REF!`."""
    return isinstance(cell, str) and cell.strip().upper() in SPREADSHEET_ERRORS


def _is_number(cell: object) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def clean_text(cell: object) -> str:
    """Return a cell as trimmed text with internal whitespace collapsed.

    Whole-valued numbers print without a fraction (`12.0` -> `"12"`) so that an ID
    typed as a number matches the same ID typed as text; dates print as ISO.
    """
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if _is_midnight(cell) else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return " ".join(str(cell).split())


def _is_midnight(moment: datetime) -> bool:
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def parse_choice(cell: object, choices: tuple[str, ...]) -> str:
    """Return the canonical label a cell names, or its cleaned text if none.

    An unknown label is not an error here: the Great Expectations suite checks
    membership, so the issue names the allowed labels in one place.
    """
    text = clean_text(cell)
    wanted = normalise_choice(text)
    return next((label for label in choices if normalise_choice(label) == wanted), text)


def parse_date(cell: object) -> date:
    """Read a date cell, a Sheets serial number, `YYYY-MM-DD` or US `M/D/YYYY`.

    Raises:
        CellError: For anything else (rule `bad-date`).
    """
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if _is_number(cell):
        return _date_from_serial(cell)  # type: ignore[arg-type]
    text = clean_text(cell)
    parsed = _date_from_text(text)
    if parsed is None:
        month = month_without_day(text)
        if month is not None:
            raise CellError(
                Rule.BAD_DATE,
                f"gives the month but not the day: enter the full date, the day in "
                f"{MONTH_NAMES[month.month - 1]} {month.year} it happened, as year-month-day, "
                "or use a date cell.",
            )
        raise CellError(Rule.BAD_DATE, f"is not a date: {DATE_HINT}.")
    return parsed


def month_without_day(text: str) -> date | None:
    """The month a text names without a day, as its first day; None if it names none.

    Reads `marzo 2020`, `March 2020`, `Mar. 2020`, `marzo de 2020`, `3/2020` and
    `2020-03` (any case). Used to word a fix, never to read a date: a date needs its day.
    """
    text = text.strip().lower()
    if match := _MONTH_IN_WORDS.match(text):
        number = _MONTH_WORDS.get(match.group(1))
        year = int(match.group(2))
    elif match := _MONTH_IN_DIGITS.match(text):
        number, year = int(match.group(1)), int(match.group(2))
    elif match := _MONTH.match(text):
        number, year = int(match.group(2)), int(match.group(1))
    else:
        return None
    return date(year, number, 1) if number is not None and 1 <= number <= 12 else None


def _date_from_serial(serial: int | float) -> date:
    # Compared before any conversion: a whole number of 400 digits has no float.
    if not 1 <= serial <= _MAX_SERIAL:  # False for nan too
        raise CellError(Rule.BAD_DATE, f"is not a date: {DATE_HINT}.")
    return SHEETS_EPOCH + timedelta(days=math.floor(serial))


def _date_from_text(text: str) -> date | None:
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _US_DATE.match(text):
        month, day, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_month(cell: object) -> date:
    """Read a `YYYY-MM` month, or any date (its month is taken), as the month's first day.

    Raises:
        CellError: For anything else (rule `bad-month`).
    """
    text = clean_text(cell)
    if isinstance(cell, str) and (match := _MONTH.match(text)):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1)
    try:
        day = parse_date(cell)
    except CellError:
        named = month_without_day(text)
        # The month is all this column needs, so the fix may spell it out: no invention.
        example = f"{named:%Y-%m}" if named else "2020-03"
        raise CellError(
            Rule.BAD_MONTH, f"is not a month: write it as {example}, or use a date cell."
        ) from None
    return day.replace(day=1)


def parse_whole_number(cell: object) -> int:
    """Read a whole number: `12`, `12.0`, or text such as `"1,200"` or `"12.0"`.

    Text with a zero fraction (`"12.0"`) is the same count the number cell 12.0
    is, so it reads the same way (docs/tracker-format.md, "Readings we chose").

    Raises:
        CellError: For fractions, negatives or words (rule `bad-whole-number`), and for
            a count above `MAX_COUNT`.
    """
    if isinstance(cell, int) and not isinstance(cell, bool):
        return _count_in_range(cell) if cell >= 0 else _not_whole()
    if isinstance(cell, float):
        if math.isfinite(cell) and cell.is_integer() and cell >= 0:
            return _count_in_range(int(cell))
        return _not_whole()
    text = clean_text(cell)
    if not _WHOLE.match(text):
        raise CellError(
            Rule.BAD_WHOLE_NUMBER,
            "is not a whole number: enter digits only, such as 12 or 1,200.",
        )
    whole_part = text.replace(",", "").partition(".")[0]  # the fraction is zeros only
    if _too_many_digits(whole_part, MAX_COUNT):  # before int(): 5,000 digits are refused
        return _count_in_range(MAX_COUNT + 1)
    return _count_in_range(int(whole_part))


def _not_whole() -> NoReturn:
    raise CellError(
        Rule.BAD_WHOLE_NUMBER,
        "is not a whole number: enter a count such as 12 (no fractions, no negatives).",
    )


def _count_in_range(count: int) -> int:
    if count > MAX_COUNT:
        raise CellError(
            Rule.BAD_WHOLE_NUMBER,
            f"is too large to be a count of people (at most {MAX_COUNT:,}): check the number.",
        )
    return count


def _too_many_digits(digits: str, bound: int) -> bool:
    """Whether a run of digits (leading zeros aside) has more digits than the bound."""
    return len(digits.lstrip("0")) > len(str(bound))


def _within(number: int | float, bound: int) -> bool:
    """Whether a number is finite and no further from zero than the bound.

    A whole number is compared as it is: one of 400 digits (a workbook or a Google Sheet
    can hold one) has no float.
    """
    if isinstance(number, int):
        return -bound <= number <= bound
    return math.isfinite(number) and -bound <= number <= bound


def parse_number(cell: object) -> float:
    """Read a number with optional decimals, thousands commas and a trailing `%`.

    A trailing `%` is dropped, not divided: `45%` reads as 45, the way a
    `Percent` indicator's targets are written.

    Raises:
        CellError: For anything that is not a number (rule `bad-number`).
    """
    if _is_number(cell):
        if _within(cell, MAX_NUMBER):  # type: ignore[arg-type]
            return float(cell)  # type: ignore[arg-type]
        if not isinstance(cell, float) or math.isfinite(cell):
            raise _number_too_large()
    text = clean_text(cell)
    digits = text[:-1].rstrip() if text.endswith("%") else text
    if not _DECIMAL.match(digits):
        raise CellError(Rule.BAD_NUMBER, "is not a number: enter digits only, such as 42 or 12.5.")
    plain = digits.replace(",", "")
    if _too_many_digits(plain.lstrip("-").partition(".")[0], MAX_NUMBER):
        raise _number_too_large()
    number = float(plain)
    if not _within(number, MAX_NUMBER):
        raise _number_too_large()
    return number


def _number_too_large() -> CellError:
    return CellError(
        Rule.BAD_NUMBER,
        f"is too large to be a value (at most {MAX_NUMBER:,} either side of zero): "
        "check the number.",
    )


def percent_points(stored: float) -> float:
    """A percent-formatted cell's stored fraction as percent points: 0.662 → 66.2.

    The decimal point moves two places in the number's shortest spelling, so the
    points are the number the person typed (0.662 * 100 would give 66.20000000000002).
    """
    return float(Decimal(repr(stored)).scaleb(2))


def parse_money(cell: object) -> float:
    """Read an amount of money: digits, optional decimals, commas and a leading `$`.

    Raises:
        CellError: For anything else (rule `bad-money`).
    """
    if _is_number(cell):
        if _within(cell, MAX_AMOUNT_USD):  # type: ignore[arg-type]
            return float(cell)  # type: ignore[arg-type]
        if not isinstance(cell, float) or math.isfinite(cell):
            raise _amount_too_large()
    text = clean_text(cell)
    match = _MONEY.match(text)
    if not match or (match.group(1) and match.group(2)):
        raise CellError(
            Rule.BAD_MONEY, "is not an amount of money: enter it as 12500 or $12,500.50."
        )
    sign = -1.0 if (match.group(1) or match.group(2)) else 1.0
    amount = match.group(3).replace(",", "")
    if _too_many_digits(amount.partition(".")[0], MAX_AMOUNT_USD):
        raise _amount_too_large()
    number = sign * float(amount)
    if not _within(number, MAX_AMOUNT_USD):
        raise _amount_too_large()
    return number


def _amount_too_large() -> CellError:
    return CellError(
        Rule.BAD_MONEY,
        f"is too large to be an amount (at most ${MAX_AMOUNT_USD:,}): check the amount.",
    )


def parse_yes_no(cell: object) -> bool:
    """Read Yes/No, Y/N, TRUE/FALSE (any case) or a spreadsheet boolean.

    Raises:
        CellError: For anything else (rule `bad-yes-no`).
    """
    if isinstance(cell, bool):
        return cell
    text = clean_text(cell)
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise CellError(Rule.BAD_YES_NO, "is not Yes or No: enter Yes or No.")


def parse_list(cell: object) -> tuple[str, ...]:
    """Split a list cell on `;` or `,`, trimming items and dropping blanks."""
    if not isinstance(cell, str):
        return (clean_text(cell),)
    items = (clean_text(item) for item in _LIST_SEPARATORS.split(cell))
    return tuple(item for item in items if item)
