"""Every count of people the reports print, and the run's suppression pattern over them.

The pattern is decided once per run, over every report, so that no count hidden
in one report can be worked out from another (`suppression.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from stc_reporting.figures.document import PeriodFigures, Rollups
from stc_reporting.reports.period_labels import period_labels
from stc_reporting.reports.suppression import (
    Cell,
    Line,
    recoverable_cells,
    suppression_pattern,
)

PeopleFigure = Literal["participants", "lived_experience_participants"]
PEOPLE: tuple[PeopleFigure, ...] = ("participants", "lived_experience_participants")
PROGRAM = "program"
"""The scope of the program totals in suppression cells (collaborative ids are the others)."""


def people_count(figures: PeriodFigures, figure: PeopleFigure) -> int:
    """One people count of a period's figures."""
    if figure == "participants":
        return figures.participants
    return figures.lived_experience_participants


def people_cells(rollups: Rollups) -> tuple[dict[Cell, int], list[Line]]:
    """Every people count the reports print, and the lines that add up to totals."""
    labels = period_labels(rollups)
    scopes: dict[str, Mapping[str, PeriodFigures | None]] = {
        cid: entry.periods for cid, entry in rollups.reporting.items()
    }
    scopes[PROGRAM] = rollups.program_totals
    values: dict[Cell, int] = {}
    lines: list[Line] = []
    for figure in PEOPLE:
        for scope, periods in scopes.items():
            for label, figures in periods.items():
                if figures is not None:
                    values[Cell(scope, label, figure)] = people_count(figures, figure)
            years = tuple(Cell(scope, y, figure) for y in labels.years if periods.get(y))
            # The years add up to the combined period only when no year is skipped.
            if periods.get(labels.combined) and labels.consecutive:
                lines.append(Line(years, Cell(scope, labels.combined, figure)))
        for label in (*labels.years, labels.combined):
            if rollups.program_totals.get(label) is None:
                continue
            parts = tuple(Cell(s, label, figure) for s in scopes if s != PROGRAM)
            lines.append(Line(parts, Cell(PROGRAM, label, figure)))
    return values, lines


def people_suppression(rollups: Rollups) -> frozenset[Cell]:
    """Decide the run's suppression pattern and check that it hides what it must.

    Raises:
        AssertionError: A suppressed count could still be worked out (a bug).
    """
    values, lines = people_cells(rollups)
    pattern = suppression_pattern(values, lines)
    exposed = recoverable_cells(values, lines, pattern)
    if exposed:
        raise AssertionError(f"suppression would expose {sorted(exposed)}")
    return pattern
