"""Where the indicators stand, by the program's intended outcome.

Every indicator serves one of the program's four intended outcomes (its `Outcome`
column; `contract.tabs.OUTCOMES` gives them in program order). This module groups a
period's indicators under them and counts their statuses, for one collaborative and
for the program (the collaboratives that reported, together), and says how close the
indicators behind target are, so a report never says "11 behind" without saying how
far behind.

How close is measured on the percent of target *as printed* (a whole percent,
rounded half-up by `formatting.whole_percent`), so a sentence never contradicts the
table beside it: an indicator printed at 86 % of target is 14 points from it. For an
indicator that should go down (`Decrease`), being behind means being above target,
so 112 % of target is 12 points from it too. An indicator behind a target of 0 has
no percent of target; it is counted as behind, but not in how close.

The API:

- `IndicatorStanding`: status counts and the printed percents of the ones behind;
  `closest_gap`/`widest_gap` and `lowest_percent` read them.
- `OutcomeStanding`: one outcome's standing and the ids of its indicators.
- `ScopeOutcomes`: one scope (a collaborative or the program) in one period: every
  outcome in program order (empty ones included, so a caller chooses what to show)
  and `overall`, the standing of all its indicators.
- `collaborative_outcomes(entry, period)`, `program_outcomes(rollups, period)`:
  build them from the typed rollups; `outcome_groups(indicators)` groups a
  collaborative's indicators by outcome for a table.

Nothing here is worded: the labels file words it (`sections.py` places the words).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from stc_reporting.contract.tabs import OUTCOMES
from stc_reporting.figures.document import (
    IndicatorFigures,
    IndicatorStatus,
    ReportingCollaborative,
    Rollups,
)
from stc_reporting.reports.formatting import whole_percent
from stc_reporting.reports.people_counts import PROGRAM

TARGET_PERCENT = 100
"""The percent of target at which an indicator has reached its target."""


class _Standing(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatusCounts(_Standing):
    """How many indicators have each status."""

    on_track: int = 0
    behind: int = 0
    no_target: int = 0
    no_data: int = 0

    @property
    def total(self) -> int:
        """Every indicator counted, whatever its status."""
        return self.on_track + self.behind + self.no_target + self.no_data

    def of(self, status: IndicatorStatus) -> int:
        """The count of one status as the rollups name it (`on track`, `no data`...)."""
        return int(getattr(self, status.replace(" ", "_")))

    def __add__(self, other: StatusCounts) -> StatusCounts:
        """The counts of two groups of indicators together."""
        return StatusCounts(
            on_track=self.on_track + other.on_track,
            behind=self.behind + other.behind,
            no_target=self.no_target + other.no_target,
            no_data=self.no_data + other.no_data,
        )


class IndicatorStanding(_Standing):
    """Where a group of indicators stands: status counts, and how close the ones behind are."""

    counts: StatusCounts = Field(default_factory=StatusCounts)
    behind_percents: tuple[int, ...] = Field(
        default=(),
        description=(
            "The printed percent of target (whole, half-up) of each indicator behind"
            " that has one, lowest first."
        ),
    )

    @property
    def behind_without_percent(self) -> int:
        """Indicators behind a target of 0: they have no percent of target."""
        return self.counts.behind - len(self.behind_percents)

    @property
    def gaps(self) -> tuple[int, ...]:
        """Points between each behind indicator's printed percent and 100, smallest first."""
        return tuple(sorted(abs(TARGET_PERCENT - percent) for percent in self.behind_percents))

    @property
    def widest_gap(self) -> int | None:
        """The most points any behind indicator is from target: all are within it; or None."""
        return max(self.gaps) if self.gaps else None

    @property
    def closest_gap(self) -> int | None:
        """The fewest points any behind indicator is from target, or None."""
        return min(self.gaps) if self.gaps else None

    @property
    def lowest_percent(self) -> int | None:
        """The lowest printed percent of target among those behind, or None."""
        return self.behind_percents[0] if self.behind_percents else None

    def __add__(self, other: IndicatorStanding) -> IndicatorStanding:
        """Two groups of indicators together."""
        return IndicatorStanding(
            counts=self.counts + other.counts,
            behind_percents=tuple(sorted(self.behind_percents + other.behind_percents)),
        )


class OutcomeStanding(IndicatorStanding):
    """One intended outcome's indicators and where they stand."""

    outcome: str = Field(description="The outcome, as the tracker's Outcome column names it.")
    indicator_ids: tuple[str, ...] = Field(
        default=(),
        description="Its indicators' ids; in the program's standing, `<collaborative>/<id>`.",
    )


class ScopeOutcomes(_Standing):
    """A collaborative's or the program's indicators in one period, by outcome."""

    scope: str = Field(description="The collaborative's id, or `program`.")
    name: str = Field(description="The collaborative's name; '' for the program.")
    period: str = Field(description="The period label, e.g. Y2-Y3.")
    outcomes: tuple[OutcomeStanding, ...] = Field(
        description="Every intended outcome in program order, those without indicators included;"
        " then any other outcome a tracker names, in the order met."
    )
    overall: IndicatorStanding = Field(description="All the scope's indicators together.")

    @property
    def with_indicators(self) -> tuple[OutcomeStanding, ...]:
        """The outcomes that have at least one indicator, in program order."""
        return tuple(standing for standing in self.outcomes if standing.counts.total)


def outcome_order(named: Iterable[str]) -> list[str]:
    """The program's four outcomes in order, then any other outcome in `named`, as met.

    The tracker contract only lets the four through, but an indicator is never dropped
    for naming another one.
    """
    order = list(OUTCOMES)
    for outcome in named:
        if outcome not in order:
            order.append(outcome)
    return order


def outcome_groups(indicators: Mapping[str, IndicatorFigures]) -> list[tuple[str, list[str]]]:
    """A collaborative's indicator ids by outcome, program order, tracker order within.

    Only outcomes that have indicators are listed; every indicator is in exactly one group.
    """
    order = outcome_order(entry.outcome for entry in indicators.values())
    groups = [
        (outcome, [iid for iid, entry in indicators.items() if entry.outcome == outcome])
        for outcome in order
    ]
    return [(outcome, ids) for outcome, ids in groups if ids]


def standing_of(entries: Iterable[IndicatorFigures]) -> IndicatorStanding:
    """The status counts of some indicators and the printed percents of those behind."""
    statuses: dict[str, int] = {}
    percents = []
    for entry in entries:
        key = entry.status.replace(" ", "_")
        statuses[key] = statuses.get(key, 0) + 1
        if entry.status == "behind" and entry.pct_of_target is not None:
            percents.append(whole_percent(entry.pct_of_target))
    return IndicatorStanding(
        counts=StatusCounts(**statuses), behind_percents=tuple(sorted(percents))
    )


def _outcome_standing(
    outcome: str, indicators: Sequence[tuple[str, IndicatorFigures]]
) -> OutcomeStanding:
    mine = [(iid, entry) for iid, entry in indicators if entry.outcome == outcome]
    standing = standing_of(entry for _, entry in mine)
    return OutcomeStanding(
        outcome=outcome,
        indicator_ids=tuple(iid for iid, _ in mine),
        counts=standing.counts,
        behind_percents=standing.behind_percents,
    )


def _scope_outcomes(
    scope: str, name: str, period: str, indicators: Sequence[tuple[str, IndicatorFigures]]
) -> ScopeOutcomes:
    order = outcome_order(entry.outcome for _, entry in indicators)
    return ScopeOutcomes(
        scope=scope,
        name=name,
        period=period,
        outcomes=tuple(_outcome_standing(outcome, indicators) for outcome in order),
        overall=standing_of(entry for _, entry in indicators),
    )


def collaborative_outcomes(
    identifier: str, entry: ReportingCollaborative, period: str
) -> ScopeOutcomes | None:
    """A collaborative's indicators in `period` by outcome; None when the period has not started.

    Args:
        identifier: The collaborative's id (a key of `Rollups.collaboratives`).
        entry: Its figures.
        period: A period label of the rollups (Y2, Y3, Y2-Y3).
    """
    figures = entry.periods.get(period)
    if figures is None:
        return None
    return _scope_outcomes(identifier, entry.name, period, list(figures.indicators.items()))


class ProgramOutcomes(_Standing):
    """Every reporting collaborative's outcomes in one period, and the program's."""

    collaboratives: tuple[ScopeOutcomes, ...] = Field(
        description="One per collaborative that reported and whose period has started,"
        " in config order."
    )
    program: ScopeOutcomes = Field(description="All their indicators together.")


def program_outcomes(rollups: Rollups, period: str) -> ProgramOutcomes:
    """The program's indicators in `period` by outcome, per collaborative and together.

    The program's standing is over the same collaboratives as the program totals (those
    that reported), so its counts add up to `program_totals[period].indicator_status_counts`.

    Args:
        rollups: The run's rollups document.
        period: A period label of the rollups (Y2, Y3, Y2-Y3).
    """
    collaboratives = []
    everyone: list[tuple[str, IndicatorFigures]] = []
    for identifier, entry in rollups.reporting.items():
        outcomes = collaborative_outcomes(identifier, entry, period)
        figures = entry.periods.get(period)
        if outcomes is None or figures is None:
            continue
        collaboratives.append(outcomes)
        everyone += [(f"{identifier}/{iid}", f) for iid, f in figures.indicators.items()]
    return ProgramOutcomes(
        collaboratives=tuple(collaboratives),
        program=_scope_outcomes(PROGRAM, "", period, everyone),
    )
