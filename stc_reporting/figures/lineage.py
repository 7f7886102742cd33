"""Where each figure comes from: the rows that counted toward it, and the rows left out.

The figures of `rollups.py` are computed *through* a `Ledger`: each of its methods
(`count`, `total`, `count_by`, `distinct`, `share`, ...) returns the figure and, in the
same step, records the rows it was computed from and the rule that chose them. So the
lineage and the figure are one computation and can never disagree; `audit.xlsx`
(`outputs/audit.py`) is written from it, and a test recomputes every figure from the
workbook's rows. Lineage holds ids, sheet rows, tabs, labels and numbers only: never a
tracker's free text (docs/privacy.md).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from stc_reporting.contract.tabs import (
    ACTIVITIES,
    FUNDING,
    INDICATORS,
    LESSONS,
    MEASUREMENTS,
    MILESTONES,
    PARTNERS,
    SUBMISSIONS,
    Tab,
)
from stc_reporting.figures.periods import Period
from stc_reporting.ingest.records import (
    Activity,
    Funding,
    Indicator,
    Lesson,
    Measurement,
    Milestone,
    Partner,
    Submission,
)

CALENDAR = "(calendar)"
"""The `tab` of a contribution that is no tracker row: an expected calendar month."""


class Method(StrEnum):
    """How a figure is computed from its rows (what the audit workbook's reader redoes)."""

    COUNT = "count of rows"
    SUM = "sum of amounts"
    DISTINCT = "count of distinct labels"
    LABELS = "distinct labels"
    SHARE = "numerator ÷ denominator"
    VALUE_SUM = "sum of amounts (blank: no rows)"
    MEAN = "mean of amounts"
    MAX = "largest amount"
    LATEST = "amount of the latest row"
    TARGET = "target (sum of the targets listed)"
    STATUS = "status from value and target"
    TOTAL = "sum over the collaboratives"
    UNION = "union over the collaboratives"


AGGREGATION_METHODS = {"Sum": Method.VALUE_SUM, "Mean": Method.MEAN, "Max": Method.MAX}
"""Indicator aggregations and how their value is recomputed (`Latest`: `Method.LATEST`)."""


class _Lineage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contribution(_Lineage):
    """One tracker row that counted toward one figure, and why.

    Attributes:
        figure: The figure's name in `rollups.json` (`indicators.value` for an indicator's).
        key: The key of a per-key figure (a component, an Indicator ID), else "".
        tab: The tracker tab, or `CALENDAR` for an expected month.
        row: The sheet row a person sees; None for a calendar month.
        record: The row's id (Activity ID, Partner ID, ...), or the month `YYYY-MM`.
        rule: Why the row counted, in words.
        amount: What the row adds: 1 for a count, the amount for a sum, the label
            for a distinct count.
        link: The address of the row's cell in its Google Sheet, or "".
    """

    figure: str
    key: str = ""
    tab: str
    row: int | None
    record: str
    rule: str
    amount: int | float | str
    link: str = ""


class Exclusion(_Lineage):
    """A row that counted toward no figure of a period, and why."""

    tab: str
    row: int
    record: str
    reason: str
    link: str = ""


class Derivation(_Lineage):
    """How one figure was computed; for a share, its numerator and denominator.

    Attributes:
        figure: The figure's name in `rollups.json`.
        key: The key of a per-key figure, else "".
        method: How it is computed from its rows (or, for a share, from two figures).
        numerator: A share's numerator, else None.
        denominator: A share's denominator, else None.
        numerator_of: The figure the numerator is (`lived_experience_participants`).
        denominator_of: The figure the denominator is (`participants`).
    """

    figure: str
    key: str = ""
    method: Method
    numerator: float | None = None
    denominator: float | None = None
    numerator_of: str = ""
    denominator_of: str = ""


class PeriodLineage(_Lineage):
    """Everything one collaborative's (or the program's) figures of a period came from."""

    derivations: list[Derivation]
    contributions: list[Contribution]
    exclusions: list[Exclusion]


class CollaborativeLineage(_Lineage):
    """One reporting collaborative: its rows in error and each period's lineage."""

    rows_in_error: list[Exclusion]
    periods: dict[str, PeriodLineage | None]


class Lineage(_Lineage):
    """The lineage of a whole `rollups.json`: per collaborative, and the program totals."""

    collaboratives: dict[str, CollaborativeLineage]
    program: dict[str, PeriodLineage | None]


# --- Where a record sits ---------------------------------------------------------

Record = Activity | Partner | Milestone | Funding | Indicator | Measurement | Lesson | Submission

_TAB_OF: dict[type, Tab] = {
    Activity: ACTIVITIES,
    Partner: PARTNERS,
    Milestone: MILESTONES,
    Funding: FUNDING,
    Indicator: INDICATORS,
    Measurement: MEASUREMENTS,
    Lesson: LESSONS,
    Submission: SUBMISSIONS,
}


def tab_of(record: Record) -> str:
    """The tracker tab a record was read from."""
    return _TAB_OF[type(record)].name


# Looked up once: a run asks for a record's id once per figure it counts toward.
_ID_FIELD: dict[type, str | None] = {
    kind: "indicator_id" if kind is Measurement else tab.id_field for kind, tab in _TAB_OF.items()
}


def record_id(record: Record) -> str:
    """The id a person finds the row by: its ID column, or a month as `YYYY-MM`."""
    if isinstance(record, Submission):
        return f"{record.month:%Y-%m}"
    field = _ID_FIELD[type(record)]
    value = getattr(record, field) if field else None
    return "" if value is None else str(value)


class Locator(Protocol):
    """Gives the link to a row's cell (its Google Sheet), or "" for an `.xlsx` tracker."""

    def __call__(self, tab: str, row: int) -> str:
        """The link to the row `row` of the tab `tab`."""


def _no_link(tab: str, row: int) -> str:
    return ""


# --- Rules, in words ---------------------------------------------------------------

COMPLETED_IN_PERIOD = "Status Completed, dated in the period"
ACHIEVED_IN_PERIOD = "Status Achieved, dated in the period"
DATED_IN_PERIOD = "Dated in the period"
ACTIVE_IN_PERIOD = "Active in the period (joined by its end, not left before its start)"
JOINED_IN_PERIOD = "Joined in the period"
SECURED_IN_PERIOD = "Status Secured, dated in the period"
REQUESTED_IN_PERIOD = "Status Requested or Pending, dated in the period"
NOT_STATUS = "Status {status}: only {wanted} rows count"
BEFORE_PERIOD = "Dated before the period"
AFTER_PERIOD = "Dated after the period"
AFTER_AS_OF = "Dated after the as-of date ({as_of})"
NOT_ACTIVE = "Not active in the period: joined after it, or left before it"
EXPECTED_MONTH = "Calendar month wholly inside the period"
SUBMITTED_MONTH = "Submitted for an expected month"
ON_TIME_MONTH = "Submitted within {days} days after the month ended"
NOT_EXPECTED_MONTH = "Its month is not wholly inside the period"
MONTH_ALREADY_LISTED = "Its month is listed again further down; the lower row counts"
NO_INDICATOR = "Its Indicator ID has no valid Indicators row"
IN_ERROR = "Has an error ({rules}): counts toward no figure"

R = TypeVar("R", bound=Record)


class Ledger:
    """Computes figures from rows and records, in the same step, which rows they were.

    Args:
        locate: Gives a row's link (Google trackers); default none.
    """

    def __init__(self, locate: Locator = _no_link) -> None:
        self._locate = locate
        self.derivations: list[Derivation] = []
        self.contributions: list[Contribution] = []
        self._excluded: dict[tuple[str, int], Exclusion] = {}

    # --- Choosing rows ---------------------------------------------------------------

    def in_period(
        self, records: Iterable[R], period: Period, day_of: Callable[[R], date | None]
    ) -> list[R]:
        """The records dated in the period; the others are noted with the reason."""
        kept = []
        for record in records:
            day = day_of(record)
            if period.contains(day):
                kept.append(record)
            else:
                self.exclude([record], _date_reason(day, period))
        return kept

    def keep(self, records: Iterable[R], wanted: Callable[[R], bool], reason: str) -> list[R]:
        """The records `wanted` keeps; the others are noted with `reason`."""
        kept = []
        for record in records:
            if wanted(record):
                kept.append(record)
            else:
                self.exclude([record], reason)
        return kept

    def exclude(self, records: Iterable[Record], reason: str) -> None:
        """Note rows that did not count, with why (the first reason given is kept)."""
        for record in records:
            tab = tab_of(record)
            self._excluded.setdefault(
                (tab, record.row),
                Exclusion(
                    tab=tab,
                    row=record.row,
                    record=record_id(record),
                    reason=reason,
                    link=self._locate(tab, record.row),
                ),
            )

    # --- Computing figures ----------------------------------------------------------

    def count(self, figure: str, records: Sequence[Record], rule: str, key: str = "") -> int:
        """How many records: each counts 1."""
        self._derive(figure, key, Method.COUNT)
        self._add(figure, key, records, rule, lambda _: 1)
        return len(records)

    def total(
        self, figure: str, records: Sequence[R], amount: Callable[[R], int | None], rule: str
    ) -> int:
        """The sum of a whole-number column (a blank counts 0)."""
        self._derive(figure, "", Method.SUM)
        self._add(figure, "", records, rule, lambda r: amount(r) or 0)
        return sum(amount(r) or 0 for r in records)

    def money(
        self,
        figure: str,
        records: Sequence[R],
        amount: Callable[[R], float],
        rule: str,
        key: str = "",
    ) -> float:
        """The exact sum (`math.fsum`) of an amount column."""
        self._derive(figure, key, Method.SUM)
        self._add(figure, key, records, rule, amount)
        return math.fsum(amount(r) for r in records)

    def count_by(
        self,
        figure: str,
        labels: Sequence[str],
        records: Sequence[R],
        label_of: Callable[[R], str | None],
        rule: str,
    ) -> dict[str, int]:
        """How many records carry each label, every label present (zeros included)."""
        for name in labels:
            self._derive(figure, name, Method.COUNT)
        counts: Counter[str] = Counter()
        listed = set(labels)
        for record in records:
            label = label_of(record)
            if label in listed and label is not None:
                self._add(figure, label, [record], rule, lambda _: 1)
                counts[label] += 1
        return {name: counts[name] for name in labels}

    def distinct(
        self, figure: str, records: Sequence[R], label_of: Callable[[R], str], rule: str
    ) -> list[str]:
        """The distinct labels of the records, sorted."""
        self._derive(figure, "", Method.LABELS)
        self._add(figure, "", records, rule, label_of)
        return sorted({label_of(r) for r in records})

    def share(
        self,
        figure: str,
        numerator: tuple[str, float | None],
        denominator: tuple[str, float | None],
        key: str = "",
    ) -> float | None:
        """The share `numerator / denominator`, given as `(figure, value)` pairs.

        None when either is None or the denominator is 0.
        """
        self.derivations.append(
            Derivation(
                figure=figure,
                key=key,
                method=Method.SHARE,
                numerator=numerator[1],
                denominator=denominator[1],
                numerator_of=numerator[0],
                denominator_of=denominator[0],
            )
        )
        top, bottom = numerator[1], denominator[1]
        return top / bottom if top is not None and bottom else None

    def derive(self, figure: str, method: Method, key: str = "") -> None:
        """Note how a figure that adds no rows of its own is computed (totals, counts)."""
        self._derive(figure, key, method)

    def counted(
        self,
        figure: str,
        records: Sequence[R],
        amount: Callable[[R], int | float | str],
        rule: str,
        key: str = "",
    ) -> None:
        """Note the rows a figure computed elsewhere (an indicator's value) came from."""
        self._add(figure, key, records, rule, amount)

    def month(self, figure: str, month: date, rule: str) -> None:
        """Note an expected calendar month (no tracker row) counted toward a figure."""
        self.contributions.append(
            Contribution(
                figure=figure, tab=CALENDAR, row=None, record=f"{month:%Y-%m}", rule=rule, amount=1
            )
        )

    # --- The result ------------------------------------------------------------------

    def lineage(self) -> PeriodLineage:
        """What was recorded: rows that counted toward nothing become the exclusions."""
        counted = {(c.tab, c.row) for c in self.contributions}
        return PeriodLineage(
            derivations=list(self.derivations),
            contributions=list(self.contributions),
            exclusions=[
                exclusion
                for place, exclusion in sorted(self._excluded.items())
                if place not in counted
            ],
        )

    def _derive(self, figure: str, key: str, method: Method) -> None:
        self.derivations.append(Derivation(figure=figure, key=key, method=method))

    def _add(
        self,
        figure: str,
        key: str,
        records: Iterable[R],
        rule: str,
        amount: Callable[[R], int | float | str],
    ) -> None:
        for record in records:
            tab = tab_of(record)
            self.contributions.append(
                Contribution(
                    figure=figure,
                    key=key,
                    tab=tab,
                    row=record.row,
                    record=record_id(record),
                    rule=rule,
                    amount=amount(record),
                    link=self._locate(tab, record.row),
                )
            )


def _date_reason(day: date | None, period: Period) -> str:
    if day is not None and day < period.start:
        return BEFORE_PERIOD
    if day is not None and day <= period.end:
        return AFTER_AS_OF.format(as_of=period.as_of.isoformat())
    return AFTER_PERIOD
