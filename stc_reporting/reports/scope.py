"""Whose figures a report prints, as table rows across the periods.

A `Scope` is a collaborative's figures or the program's totals, with the run's
period labels, suppression pattern and report labels; its rows format one figure
in the first year, the last year and the combined period, and the change between
the years.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stc_reporting.figures.document import PeriodFigures
from stc_reporting.reports.context_models import FigureRow
from stc_reporting.reports.formatting import (
    NOT_AVAILABLE,
    NumberFormat,
    printed_change,
    signed,
    signed_points,
    whole_percent,
)
from stc_reporting.reports.labels import ReportLabels
from stc_reporting.reports.people_counts import PeopleFigure, people_count
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.suppression import (
    SMALL_DENOMINATOR,
    WITHHELD,
    Cell,
    format_count,
    format_share,
    share_percent,
)

Read = Callable[[PeriodFigures], float]
"""Reads one figure (a count or dollars) from a period's figures."""
ReadShare = Callable[[PeriodFigures], float | None]
"""Reads one share of months (completeness or timeliness) from a period's figures."""


@dataclass(frozen=True)
class Scope:
    """Whose figures a report prints: a collaborative's, or the program's.

    Attributes:
        key: The collaborative's id, or `program` (as in suppression cells).
        periods: The scope's figures by period label; None before a period starts.
        labels: The run's period labels.
        hidden: The run's suppression pattern.
        wording: The report's labels (row labels are the caller's).
    """

    key: str
    periods: Mapping[str, PeriodFigures | None]
    labels: PeriodLabels
    hidden: frozenset[Cell]
    wording: ReportLabels

    @property
    def numbers(self) -> NumberFormat:
        """How this report writes its figures (the labels' locale)."""
        return NumberFormat(self.wording.locale)

    def figures(self, label: str) -> PeriodFigures | None:
        """The figures of one period, or None when it has not started."""
        return self.periods.get(label)

    def row(
        self,
        label: str,
        value: Callable[[PeriodFigures, str], str],
        change: Callable[[PeriodFigures, PeriodFigures], str] | None = None,
        is_total: bool = False,
    ) -> FigureRow:
        """A row across the periods; `value` formats one period's figure."""
        cells = {}
        not_started = self.wording.values.not_started
        for period in (self.labels.first, self.labels.last, self.labels.combined):
            figures = self.figures(period)
            cells[period] = not_started if figures is None else value(figures, period)
        first, last = self.figures(self.labels.first), self.figures(self.labels.last)
        delta = NOT_AVAILABLE
        if change is not None and first is not None and last is not None:
            delta = change(first, last)
        return FigureRow(
            label=label,
            first=cells[self.labels.first],
            last=cells[self.labels.last],
            combined=cells[self.labels.combined],
            change=delta,
            is_total=is_total,
        )

    def count_row(
        self,
        label: str,
        read: Read,
        fmt: Callable[[float | None], str] | None = None,
        is_total: bool = False,
    ) -> FigureRow:
        """A row of counts of things (or dollars: `fmt` is `numbers.money`), never suppressed."""
        words = self.wording.values
        write = fmt or self.numbers.count
        return self.row(
            label,
            lambda f, _p: write(read(f)),
            lambda a, b: signed(printed_change(read(a), read(b)), lambda d: write(d), words),
            is_total,
        )

    def people_row(self, label: str, figure: PeopleFigure) -> FigureRow:
        """A row of people counts, suppressed by the run's pattern."""

        def hidden(period: str) -> bool:
            return Cell(self.key, period, figure) in self.hidden

        def change(a: PeriodFigures, b: PeriodFigures) -> str:
            if hidden(self.labels.first) or hidden(self.labels.last):
                return NOT_AVAILABLE
            delta = printed_change(people_count(a, figure), people_count(b, figure))
            return signed(delta, self.numbers.count, self.wording.values)

        return self.row(
            label,
            lambda f, p: format_count(people_count(f, figure), hidden(p), self.numbers),
            change,
        )

    def share_row(self) -> FigureRow:
        """Lived-experience share: n<30 for small denominators, hidden with its count."""

        def value(f: PeriodFigures, period: str) -> str:
            return format_share(
                f.lived_experience_participants,
                f.participants,
                Cell(self.key, period, "lived_experience_participants") in self.hidden,
                Cell(self.key, period, "participants") in self.hidden,
                self.numbers,
            )

        def change(a: PeriodFigures, b: PeriodFigures) -> str:
            before, after = value(a, self.labels.first), value(b, self.labels.last)
            if {before, after} & {SMALL_DENOMINATOR, WITHHELD}:  # a mark, not a percent
                return NOT_AVAILABLE
            # Both shares printed as a percent: the change is the difference of those.
            return signed_points(
                share_percent(a.lived_experience_participants, a.participants),
                share_percent(b.lived_experience_participants, b.participants),
                self.wording.values,
            )

        return self.row(self.wording.rows.lived_experience_share, value, change)

    def rate_row(self, label: str, read: ReadShare) -> FigureRow:
        """Completeness or timeliness (months, not people)."""

        def change(a: PeriodFigures, b: PeriodFigures) -> str:
            before, after = read(a), read(b)
            if before is None or after is None:
                return NOT_AVAILABLE
            return signed_points(whole_percent(before), whole_percent(after), self.wording.values)

        return self.row(label, lambda f, _p: self.numbers.rate(read(f)), change)
