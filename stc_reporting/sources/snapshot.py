"""Snapshots: each tracker as a run read it, stored so the run can be made again offline.

A run stores, for every collaborative it read, `snapshots/<collaborative-id>.json`:
the cells ingest kept after its privacy step (`ingest/withholding.py`: no
personal-data column, no withheld value), or why the tracker could not be read.
`SnapshotSource` reads one back behind the `TrackerSource` interface, so
`stc-report run --from-snapshots DIR` gives byte-identical `rollups.json` and
`issues.csv` without the workbook or Google (docs/outputs.md, "Snapshots").

The format (schema_version 1) is JSON with sorted keys. A cell is a tagged union:
null, text, true/false, integers and finite decimals stand for themselves (`12` and
`12.0` stay an int and a float); every other type is a one-key object naming it:
`{"date": "2021-10-05"}`, `{"datetime": "2021-10-05T10:30:00"}`, `{"time": "10:30:00"}`,
`{"duration": [days, seconds, microseconds]}`, `{"float": "nan"}` (or `inf`, `-inf`) and
`{"withheld": {"kind": "phone number", "kept": ""}}`. A new cell type is one encoder
and one decoder below.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

from stc_reporting.privacy import PersonalData
from stc_reporting.sources import RawRow, RawTab, RawTracker, TrackerUnreadableError, WithheldCell

SCHEMA_VERSION: Literal[1] = 1
SNAPSHOTS_FOLDER = "snapshots"


def snapshot_path(collaborative: str) -> str:
    """Where a collaborative's snapshot goes, relative to the run's output folder."""
    return f"{SNAPSHOTS_FOLDER}/{collaborative}.json"


# --- Cells: a tagged union --------------------------------------------------------------


def _withheld(cell: WithheldCell) -> JsonValue:
    return {"kind": None if cell.kind is None else cell.kind.value, "kept": cell.kept}


def _unwithheld(value: Any) -> WithheldCell:
    kind = value["kind"]
    return WithheldCell(None if kind is None else PersonalData(kind), str(value["kept"]))


def _duration(cell: timedelta) -> JsonValue:
    return [cell.days, cell.seconds, cell.microseconds]


# Checked in order: a bool is an int and a datetime is a date, so they come first.
_ENCODERS: tuple[tuple[type, str, Callable[[Any], JsonValue]], ...] = (
    (datetime, "datetime", lambda cell: cell.isoformat()),
    (date, "date", lambda cell: cell.isoformat()),
    (time, "time", lambda cell: cell.isoformat()),
    (timedelta, "duration", _duration),
    (float, "float", repr),  # only the non-finite ones reach this: "nan", "inf", "-inf"
    (WithheldCell, "withheld", _withheld),
)
_DECODERS: dict[str, Callable[[Any], object]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "duration": lambda parts: timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "float": float,
    "withheld": _unwithheld,
}


def encode_cell(cell: object) -> JsonValue:
    """Return a cell's JSON form (see the module docstring).

    Raises:
        TypeError: A cell type snapshots cannot store yet.
    """
    if cell is None or isinstance(cell, str | bool | int):
        return cell
    if isinstance(cell, float) and math.isfinite(cell):
        return cell
    for kind, tag, encoder in _ENCODERS:
        if isinstance(cell, kind):
            return {tag: encoder(cell)}
    raise TypeError(f"a snapshot cannot store a cell of type {type(cell).__name__}")


def decode_cell(value: JsonValue) -> object:
    """Return the cell a JSON form stands for (the inverse of `encode_cell`).

    Raises:
        ValueError: The value is not a cell of this format.
    """
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("a cell cannot be a list")
        return value
    if len(value) != 1:
        raise ValueError(f"a tagged cell has one key, not {sorted(value)}")
    [(tag, content)] = value.items()
    decoder = _DECODERS.get(tag)
    if decoder is None:
        raise ValueError(f"unknown cell type {tag!r}")
    try:
        return decoder(content)
    except (KeyError, TypeError, IndexError) as error:
        raise ValueError(f"a {tag} cell cannot be {content!r}") from error


# --- The document -------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SnapshotRow(_Model):
    """One data row: its sheet row number and cells."""

    number: int
    cells: list[JsonValue]


class SnapshotTab(_Model):
    """One tab kept: title, tab id, header cells and row, data rows, percent cells."""

    title: str
    gid: int | None
    header: list[JsonValue]
    rows: list[SnapshotRow]
    percent_cells: list[tuple[int, int]] = Field(
        default_factory=list,
        description="Cells formatted as a percentage: [sheet row, zero-based column], sorted.",
    )
    header_row: int = Field(
        default=1,
        ge=1,
        description="The sheet row of the header: 1, or lower when a title is typed above it.",
    )


class SnapshotTracker(_Model):
    """The kept cells of one tracker, and where it was read from."""

    description: str
    spreadsheet_id: str | None
    tabs: list[SnapshotTab]


class Snapshot(_Model):
    """One collaborative's tracker as a run read it (`snapshots/<id>.json`).

    Attributes:
        schema_version: The format's version, 1.
        collaborative: The collaborative's config id.
        read_on: The day of the run that read it (rules compare dates with it).
        as_of: The run's as-of date.
        tracker: The cells kept, or None when the tracker could not be read.
        unreadable: Why the tracker could not be read, or None.
    """

    schema_version: Literal[1] = SCHEMA_VERSION
    collaborative: str
    read_on: date
    as_of: date
    tracker: SnapshotTracker | None
    unreadable: str | None


def snapshot_of(raw: RawTracker) -> SnapshotTracker:
    """Encode a tracker's kept cells."""
    return SnapshotTracker(
        description=raw.description,
        spreadsheet_id=raw.spreadsheet_id,
        tabs=[
            SnapshotTab(
                title=tab.title,
                gid=tab.gid,
                header=[encode_cell(cell) for cell in tab.header],
                rows=[
                    SnapshotRow(number=row.number, cells=[encode_cell(c) for c in row.cells])
                    for row in tab.rows
                ],
                percent_cells=sorted(tab.percent_cells),
                header_row=tab.header_row,
            )
            for tab in raw.tabs
        ],
    )


def raw_tracker_of(tracker: SnapshotTracker) -> RawTracker:
    """Decode a snapshot's cells (the inverse of `snapshot_of`).

    Raises:
        ValueError: A cell is not of this format.
    """
    return RawTracker(
        description=tracker.description,
        spreadsheet_id=tracker.spreadsheet_id,
        tabs=tuple(
            RawTab(
                title=tab.title,
                gid=tab.gid,
                header=tuple(decode_cell(cell) for cell in tab.header),
                rows=tuple(
                    RawRow(row.number, tuple(decode_cell(cell) for cell in row.cells))
                    for row in tab.rows
                ),
                percent_cells=frozenset(tab.percent_cells),
                header_row=tab.header_row,
            )
            for tab in tracker.tabs
        ),
    )


def snapshot_json(snapshot: Snapshot) -> bytes:
    """Serialise a snapshot: sorted keys, UTF-8, no NaN, one line per header and row."""
    return (_render(snapshot.model_dump(mode="json"), 0) + "\n").encode("utf-8")


def _render(value: JsonValue, level: int) -> str:
    """Indented JSON whose headers and rows each take one line, so snapshots diff by row."""
    if not isinstance(value, dict | list) or _one_line(value):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    inner, outer = " " * (level + 1), " " * level
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(key)}: {_render(value[key], level + 1)}" for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + f"\n{outer}}}" if items else "{}"
    items = [f"{inner}{_render(item, level + 1)}" for item in value]
    return "[\n" + ",\n".join(items) + f"\n{outer}]" if items else "[]"


def _one_line(value: dict[str, JsonValue] | list[JsonValue]) -> bool:
    """A row, or a list of cells (a header); not the tabs, nor the list of rows."""
    if isinstance(value, dict):
        return "cells" in value
    return not any(isinstance(item, list) or _holds_rows(item) for item in value)


def _holds_rows(item: JsonValue) -> bool:
    return isinstance(item, dict) and ("cells" in item or "rows" in item)


def load_snapshot(path: Path) -> Snapshot:
    """Read and check one snapshot file.

    Raises:
        TrackerUnreadableError: The file is missing or not a snapshot of this format.
    """
    if not path.is_file():
        raise TrackerUnreadableError(
            f"there is no snapshot {path}: replay only collaboratives the snapshots' run read"
        )
    try:
        return Snapshot.model_validate_json(path.read_bytes())
    except (ValidationError, OSError) as error:
        raise TrackerUnreadableError(
            f"the snapshot {path} cannot be used ({_first_line(error)}); take it again from "
            "the run's output folder"
        ) from error


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class SnapshotSource:
    """A tracker read back from a run's snapshot: no workbook, no Google."""

    def __init__(self, folder: Path, collaborative: str) -> None:
        """Read this collaborative's snapshot from a snapshots folder.

        Args:
            folder: The folder of snapshots (a run's `snapshots/`).
            collaborative: The collaborative's config id.
        """
        self.path = folder / f"{collaborative}.json"
        self.collaborative = collaborative

    def read(self) -> RawTracker:
        """Return the tracker's cells as the snapshot's run kept them.

        Raises:
            TrackerUnreadableError: No usable snapshot, or the run could not read the
                tracker either (with that run's reason, so the replay says the same).
        """
        snapshot = load_snapshot(self.path)
        if snapshot.collaborative != self.collaborative:
            raise TrackerUnreadableError(
                f"the snapshot {self.path} is of '{snapshot.collaborative}', not "
                f"'{self.collaborative}'"
            )
        if snapshot.tracker is None:
            raise TrackerUnreadableError(snapshot.unreadable or "no reason was recorded")
        try:
            return raw_tracker_of(snapshot.tracker)
        except ValueError as error:
            raise TrackerUnreadableError(
                f"the snapshot {self.path} cannot be used ({error})"
            ) from error


def recorded_dates(folder: Path, collaboratives: Sequence[str]) -> tuple[date, date] | None:
    """The as-of date and run day the snapshots of these collaboratives were read with.

    A replay uses them unless told otherwise, so its rules compare dates with the
    same day as the run it reproduces.

    Args:
        folder: The folder of snapshots.
        collaboratives: The ids replayed; missing or unusable snapshots are skipped
            (reading them fails their collaborative with the reason).

    Returns:
        (as_of, read_on), or None when no snapshot could be read.

    Raises:
        ValueError: The snapshots come from runs with different dates.
    """
    dates: dict[tuple[date, date], list[str]] = {}
    for collaborative in collaboratives:
        try:
            snapshot = load_snapshot(folder / f"{collaborative}.json")
        except TrackerUnreadableError:
            continue
        dates.setdefault((snapshot.as_of, snapshot.read_on), []).append(collaborative)
    if len(dates) > 1:
        runs = "; ".join(
            f"{', '.join(ids)}: data as of {as_of}, read on {read_on}"
            for (as_of, read_on), ids in dates.items()
        )
        raise ValueError(
            f"the snapshots in {folder} come from different runs ({runs}); replay each run "
            "on its own with --only"
        )
    return next(iter(dates), None)
