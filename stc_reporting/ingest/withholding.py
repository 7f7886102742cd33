"""The privacy step of ingest: a raw tracker in, the cells ingest keeps out.

Before anything reads a tracker's cells, this step withholds whatever must never be
kept (docs/privacy.md): the cells of personal-data columns and of any column the
reader does not read, tabs outside the tracker format, and free text, IDs, lists and
notes that look like personal data. What it returns is what the reader reads and
what a run's snapshot stores (`sources/snapshot.py`), so reading the kept cells again
gives the same records and the same issues, byte for byte, without the values.

A withheld value becomes a `WithheldCell` that carries only what the reader needs:
the kind of personal data (for the privacy issue) and the stand-in the reader keeps
(the `withheld-…` token of an ID). A cell that fails to read as its column's type and
looks like personal data becomes its mask, `[phone number masked]`, which reads to
the same error and the same issue. The step is idempotent: withholding kept cells
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from stc_reporting.contract.tabs import TABS, Column, Kind, Tab, target_field
from stc_reporting.ingest.headers import locate_header, match_headers
from stc_reporting.ingest.parsing import (
    CellError,
    clean_text,
    is_blank,
    is_spreadsheet_error,
    parse_choice,
    parse_date,
    parse_list,
    parse_money,
    parse_month,
    parse_number,
    parse_whole_number,
    parse_yes_no,
)
from stc_reporting.privacy import WITHHELD_TEXT, find_personal_data, mask, redact, withheld_id
from stc_reporting.sources import RawRow, RawTab, RawTracker, WithheldCell

# Free text the pipeline never needs after the privacy scan: not kept at all.
DISCARDED_AFTER_SCAN = frozenset({"notes", "note"})

PARSERS: dict[Kind, Callable[[object], object]] = {
    Kind.DATE: parse_date,
    Kind.MONTH: parse_month,
    Kind.WHOLE: parse_whole_number,
    Kind.MONEY: parse_money,
    Kind.NUMBER: parse_number,
    Kind.YES_NO: parse_yes_no,
}
"""The parser of each typed column kind (the reader's, shared so both agree)."""

_PRESENT = WithheldCell()
"""A cell never read: only that the row is not blank is kept."""


def withhold_personal_data(raw: RawTracker) -> RawTracker:
    """Return the tracker as ingest keeps it: no cell a person's details could be in.

    Args:
        raw: The tracker as its source returned it.

    Returns:
        The contract's tabs in sheet order (a repeated tab by its title only), each
        cell kept, withheld or reduced to its mask as the module docstring says.
    """
    tabs: list[RawTab] = []
    seen: set[str] = set()
    for raw_tab in raw.tabs:
        tab = _contract_tab(raw_tab.title)
        if tab is None:
            continue  # never read: not kept
        if tab.name in seen:
            tabs.append(replace(raw_tab, header=(), rows=()))  # only its title is read
            continue
        seen.add(tab.name)
        tabs.append(_withhold_tab(tab, raw_tab))
    # `replace` carries whatever else a source tells about the tracker or a tab.
    return replace(raw, tabs=tuple(tabs))


def _contract_tab(title: str) -> Tab | None:
    """The contract tab a sheet title names, matched the way the reader matches it."""
    wanted = title.strip().lower()
    return next((tab for tab in TABS if tab.name.lower() == wanted), None)


def _withhold_tab(tab: Tab, raw_tab: RawTab) -> RawTab:
    # Rows above a header a title pushed down are never read: not kept.
    raw_tab = locate_header(tab, raw_tab)
    columns = _read_columns(tab, raw_tab.header)
    header = tuple(
        cell if position in columns else _withhold_header(cell)
        for position, cell in enumerate(raw_tab.header)
    )
    rows = tuple(
        RawRow(
            row.number,
            tuple(_withhold_cell(columns.get(p), cell) for p, cell in enumerate(row.cells)),
        )
        for row in raw_tab.rows
    )
    return replace(raw_tab, header=header, rows=rows)


def _read_columns(tab: Tab, header: tuple[object, ...]) -> dict[int, Column]:
    """The column the reader reads at each sheet position; positions not read are absent."""
    match = match_headers(tab, header)
    columns = {match.positions[c.field]: c for c in tab.columns if c.field in match.positions}
    for year in match.target_years:
        target = Column(f"Target Y{year}", target_field(year), Kind.NUMBER)
        columns[match.positions[target.field]] = target
    return columns


def _withhold_header(cell: object) -> object:
    """A header the reader does not read is only named in an issue: mask what is personal."""
    text = clean_text(cell)
    return cell if find_personal_data(text) is None else redact(text)


def _withhold_cell(column: Column | None, cell: object) -> object:
    if isinstance(cell, WithheldCell):
        return cell
    if column is None:
        return None if is_blank(cell) else _PRESENT
    if is_blank(cell) or is_spreadsheet_error(cell):
        return cell
    if column.field in DISCARDED_AFTER_SCAN:
        return WithheldCell(find_personal_data(clean_text(cell)))
    if column.is_free_text or column.kind is Kind.ID:
        return _withhold_text(column, cell)
    if column.kind is Kind.LIST:
        return _withhold_list(cell)
    if column.kind is Kind.CHOICE:
        return _withhold_choice(column, cell)
    return _withhold_typed(PARSERS[column.kind], cell)


def _withhold_text(column: Column, cell: object) -> object:
    text = clean_text(cell)
    kind = find_personal_data(text)
    if kind is None:
        return cell
    return WithheldCell(kind, withheld_id(text) if column.kind is Kind.ID else WITHHELD_TEXT)


def _withhold_list(cell: object) -> object:
    items = parse_list(cell)
    kinds = [kind for item in items if (kind := find_personal_data(item)) is not None]
    if not kinds:
        return cell
    tokens = (withheld_id(item) if find_personal_data(item) else item for item in items)
    # Items hold no separator, so the reader splits this back into the same items.
    return WithheldCell(kinds[0], "; ".join(tokens))


def _withhold_choice(column: Column, cell: object) -> object:
    """An unknown label is kept for its issue; personal text in it is masked, as the issue is."""
    text = clean_text(cell)
    if parse_choice(cell, column.choices) != text or find_personal_data(text) is None:
        return cell
    return redact(text)


def _withhold_typed(parser: Callable[[object], object], cell: object) -> object:
    """A value that reads is kept; one that fails is only shown in its issue, masked."""
    try:
        parser(cell)
    except CellError:
        kind = find_personal_data(clean_text(cell))
        # Personal text is always text, and every parser says the same of any text that
        # is not its type, so the mask fails with the same rule and message.
        return cell if kind is None else mask(kind)
    return cell
