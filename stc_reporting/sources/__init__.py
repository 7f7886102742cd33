"""Tracker sources: where a tracker's raw cells come from.

A source returns every tab's raw cells with their sheet row numbers and knows
nothing of the contract; `reading.py` does all interpretation. Swapping an
`.xlsx` file for a Google Sheet (or a test double) touches nothing downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from stc_reporting.privacy import PersonalData


@dataclass(frozen=True, slots=True)
class WithheldCell:
    """A cell whose value ingest withheld: only this marker stands where the value was.

    Sources never make it; the privacy step of ingest does (`ingest/withholding.py`),
    and snapshots store it, so a snapshot read back gives the same reading and issues
    without ever holding the value (docs/privacy.md).

    Attributes:
        kind: The personal data the text looked like, or None for a cell that is
            never read (a column outside the contract, a note) and only shows the
            row is not blank.
        kept: What the reader uses in the value's place: the `withheld-…` token of
            an ID, a list's items with such tokens, or `[withheld: personal data]`.
    """

    kind: PersonalData | None = None
    kept: str = ""


@dataclass(frozen=True, slots=True)
class RawRow:
    """One sheet row: its number as a person sees it (header = 1) and its cells."""

    number: int
    cells: tuple[object, ...]


CellPosition = tuple[int, int]
"""A cell of a tab: its sheet row number (header = 1) and zero-based column."""


@dataclass(frozen=True, slots=True)
class RawTab:
    """One tab as stored: its title, header cells and data rows.

    Attributes:
        title: The tab's title as the tracker spells it.
        header: The cells of the header row (row 1 as a source returns a tab).
        rows: The rows below the header, numbered as the sheet numbers them.
        gid: The Google Sheets tab id (the `#gid=` of links), when there is one.
        percent_cells: Cells formatted as a percentage (`66.2 %` stored as 0.662): the
            reader turns them into percent points where the contract says so.
        header_row: The sheet row of `header`. Sources always return row 1 and every
            row below it; ingest moves the header down to the row that holds the
            contract's headers when a title is typed above them (`ingest/headers.py`).
    """

    title: str
    header: tuple[object, ...]
    rows: tuple[RawRow, ...]
    gid: int | None = None
    percent_cells: frozenset[CellPosition] = frozenset()
    header_row: int = 1


@dataclass(frozen=True, slots=True)
class RawTracker:
    """Every tab of one tracker, plus where it came from.

    Attributes:
        description: Where the tracker was read from, for messages.
        tabs: The tabs in sheet order.
        spreadsheet_id: The Google Sheets id, when the tracker is a Google Sheet.
    """

    description: str
    tabs: tuple[RawTab, ...]
    spreadsheet_id: str | None = None


class TrackerUnreadableError(Exception):
    """The tracker could not be read at all (a structural problem).

    The message is shown to program managers, so it says what to do.
    """


class TrackerTemporarilyUnavailableError(Exception):
    """The source failed in a way that may clear on retry (rate limit, 5xx, time-out)."""


class TrackerSource(Protocol):
    """Anything that can fetch one tracker's raw cells."""

    def read(self) -> RawTracker:
        """Fetch the tracker.

        Raises:
            TrackerUnreadableError: The tracker cannot be read at all.
        """
        ...


def rows_from_grid(grid: list[tuple[object, ...]] | list[list[object]]) -> tuple[RawRow, ...]:
    """Number the data rows of a grid whose first row is the header (sheet row 1)."""
    return tuple(RawRow(number, tuple(cells)) for number, cells in enumerate(grid[1:], start=2))
