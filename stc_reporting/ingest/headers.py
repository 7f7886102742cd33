"""Matching a tab's header row to the contract's columns (docs/tracker-format.md).

Headers match whatever their case, spacing or accepted spelling; `Target Y<N>`
columns of the Indicators tab are found by pattern. A header that holds personal
data, is not in the contract or repeats another is not read, and is reported.
The header row is row 1, unless a title or note typed above the table pushed it
down: then it is the first of rows 2-5 that holds every required header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from stc_reporting.contract.rules import Rule
from stc_reporting.contract.tabs import (
    PRIVACY_HEADERS,
    Tab,
    header_spellings,
    normalise_header,
    target_field,
    target_year,
)
from stc_reporting.ingest.parsing import clean_text
from stc_reporting.issues import Severity, cell_reference
from stc_reporting.sources import RawTab

LAST_HEADER_ROW = 5
"""A title or notes typed above the table may push the headers down to this row at most."""


@dataclass(frozen=True)
class HeaderProblem:
    """A header cell that was not read, and what to tell the person who fixes it.

    Attributes:
        position: Zero-based sheet column of the header.
        header: The header as the issue shows it (cleaned text).
        severity: privacy for a personal-data column, else warning.
        rule: The rule id.
        message: What is wrong and how to fix it.
    """

    position: int
    header: str
    severity: Severity
    rule: str
    message: str


@dataclass
class HeaderMatch:
    """Where each field of a tab sits, and the headers that were not read.

    Attributes:
        positions: Zero-based sheet column of each field present.
        target_years: Program years with a `Target Y<N>` column, ascending.
        problems: Header cells not read, left to right.
    """

    positions: dict[str, int] = field(default_factory=dict)
    target_years: tuple[int, ...] = ()
    problems: list[HeaderProblem] = field(default_factory=list)


def match_headers(tab: Tab, header: Sequence[object]) -> HeaderMatch:
    """Match a tab's header row to the contract's columns.

    Args:
        tab: The contract tab.
        header: The tab's header cells, left to right.

    Returns:
        The field positions, target years and the headers that were not read.
    """
    known = {spelling: c.field for c in tab.columns for spelling in header_spellings(c.header)}
    match = HeaderMatch()
    years: list[int] = []
    for position, cell in enumerate(header):
        name = normalise_header(cell)
        if not name:
            continue
        year = target_year(name) if tab.dynamic_targets else None
        field_name = known.get(name) or (target_field(year) if year is not None else None)
        problem = _problem(name, field_name, clean_text(cell), position, match.positions)
        if problem is not None:
            match.problems.append(problem)
        elif field_name is not None:
            match.positions[field_name] = position
            if year is not None:
                years.append(year)
    match.target_years = tuple(sorted(years))
    return match


def locate_header(tab: Tab, raw_tab: RawTab) -> RawTab:
    """The tab read from its header row: row 1, or the row a title above pushed it to.

    When row 1 lacks a required header but one of rows 2-5 holds them all, that row
    is the header and the rows above it (a title, a note) are not read. Rows keep
    their sheet numbers. A tab whose header is already located comes back unchanged.

    Args:
        tab: The contract tab.
        raw_tab: The tab as a source returned it (header = row 1), or as located before.

    Returns:
        The tab with `header`, `rows` and `header_row` set from the header row.
    """
    if holds_required_headers(tab, raw_tab.header):
        return raw_tab
    for index, row in enumerate(raw_tab.rows):
        if row.number > LAST_HEADER_ROW:
            break
        if holds_required_headers(tab, row.cells):
            return replace(
                raw_tab, header=row.cells, rows=raw_tab.rows[index + 1 :], header_row=row.number
            )
    return raw_tab


def holds_required_headers(tab: Tab, cells: Sequence[object]) -> bool:
    """Whether these cells name every column the tab must have."""
    positions = match_headers(tab, cells).positions
    return all(c.field in positions for c in tab.columns if c.must_be_present)


def _problem(
    name: str, field_name: str | None, text: str, position: int, positions: dict[str, int]
) -> HeaderProblem | None:
    """Why a header is not read (personal data, unknown, repeated), or None to read it."""
    if name in PRIVACY_HEADERS:
        # A personal-data header is itself not personal data, but its cells are: the
        # issue names the column and carries no value.
        return HeaderProblem(
            position,
            text,
            Severity.PRIVACY,
            Rule.PERSONAL_DATA_COLUMN,
            f"The column '{text}' holds personal data, which trackers must "
            "never contain. It was ignored and its values were not read: delete the column.",
        )
    if field_name is None:
        return HeaderProblem(
            position,
            text,
            Severity.WARNING,
            Rule.EXTRA_COLUMN,
            f"The column '{text}' is not part of the tracker format and was "
            "ignored. Check its spelling against the template, or delete it.",
        )
    if field_name in positions:
        return HeaderProblem(
            position,
            text,
            Severity.WARNING,
            Rule.DUPLICATE_COLUMN,
            f"The column '{text}' appears twice; only the first one "
            f"(column {cell_reference(positions[field_name], None)}) is read. "
            "Merge the two columns.",
        )
    return None
