"""Indicators stand by intended outcome: grouped once each, counted, and how close to target."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.contract.tabs import OUTCOMES
from stc_reporting.figures.document import (
    CollaborativeFigures,
    IndicatorFigures,
    IndicatorStatus,
    ReportingCollaborative,
    Rollups,
)
from stc_reporting.issues import DataQualityCounts
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.outcome_sections import closeness, standing_sentence, unmeasured_line
from stc_reporting.reports.outcomes import (
    IndicatorStanding,
    StatusCounts,
    collaborative_outcomes,
    outcome_groups,
    program_outcomes,
    standing_of,
)

pytestmark = pytest.mark.unit

PERIOD = "Y2-Y3"
STATUSES: tuple[IndicatorStatus, ...] = ("on track", "behind", "no target", "no data")


def indicator(
    outcome: str = "Greater capacity",
    status: IndicatorStatus = "on track",
    pct: float | None = 1.0,
    direction: str = "Increase",
) -> IndicatorFigures:
    """One indicator's figures; only outcome, status and percent of target are read."""
    return IndicatorFigures(
        value=None if status == "no data" else 1.0,
        target=None if status == "no target" else 1.0,
        pct_of_target=pct,
        status=status,
        baseline=None,
        unit="Count",
        aggregation="Sum",
        direction=direction,
        outcome=outcome,
        measurements=1,
    )


def collaborative(name: str, indicators: dict[str, IndicatorFigures]) -> ReportingCollaborative:
    """A reporting collaborative whose combined period has these indicators."""
    construct: Callable[..., CollaborativeFigures] = CollaborativeFigures.model_construct
    figures = construct(indicators=indicators)
    return ReportingCollaborative(
        name=name,
        city=name,
        data_quality=DataQualityCounts(
            errors=0, warnings=0, privacy=0, structural=0, rows_excluded=0
        ),
        periods={PERIOD: figures, "Y3": None},
    )


def rollups(**entries: ReportingCollaborative) -> Rollups:
    """A document with these collaboratives (program totals are not read)."""
    construct: Callable[..., Rollups] = Rollups.model_construct
    return construct(
        program="P",
        funder="F",
        as_of=date(2021, 10, 31),
        periods={},
        collaboratives=entries,
        program_totals={},
        collaboratives_failed=[],
    )


indicator_sets = st.dictionaries(
    st.text("ABCI0123456789", min_size=1, max_size=4),
    st.builds(
        indicator,
        outcome=st.sampled_from(OUTCOMES),
        status=st.sampled_from(STATUSES),
        pct=st.none() | st.floats(0.0, 3.0),
    ),
    max_size=12,
)


@given(indicator_sets)
def test_every_indicator_is_grouped_once_under_its_own_outcome_in_program_order(
    indicators: dict[str, IndicatorFigures],
) -> None:
    """Groups follow the program's outcome order and hold each indicator exactly once."""
    groups = outcome_groups(indicators)
    grouped = [iid for _, ids in groups for iid in ids]
    assert sorted(grouped) == sorted(indicators)
    assert all(indicators[iid].outcome == outcome for outcome, ids in groups for iid in ids)
    names = [outcome for outcome, _ in groups]
    assert names == [o for o in OUTCOMES if o in names]
    assert all(ids for _, ids in groups)


@given(indicator_sets)
def test_outcome_counts_add_up_to_the_collaboratives_counts(
    indicators: dict[str, IndicatorFigures],
) -> None:
    """Per outcome, the status counts sum to the scope's; the four outcomes are all listed."""
    outcomes = collaborative_outcomes("c", collaborative("C", indicators), PERIOD)
    assert outcomes is not None
    assert [o.outcome for o in outcomes.outcomes] == list(OUTCOMES)
    summed = sum((o.counts for o in outcomes.outcomes), StatusCounts())
    assert summed == outcomes.overall.counts
    assert outcomes.overall.counts.total == len(indicators)
    for status in STATUSES:
        expected = sum(1 for entry in indicators.values() if entry.status == status)
        assert outcomes.overall.counts.of(status) == expected
    ids = [iid for o in outcomes.outcomes for iid in o.indicator_ids]
    assert sorted(ids) == sorted(indicators)


def test_only_outcomes_with_indicators_are_listed_as_such() -> None:
    """An outcome with no indicator is in `outcomes` with zero counts, not in `with_indicators`."""
    outcomes = collaborative_outcomes(
        "c",
        collaborative("C", {"I1": indicator("Continued change"), "I2": indicator()}),
        PERIOD,
    )
    assert outcomes is not None
    assert [o.outcome for o in outcomes.with_indicators] == ["Greater capacity", "Continued change"]


def test_a_period_that_has_not_started_has_no_standing() -> None:
    """None, not an empty standing, so a report can say the period has not started."""
    assert collaborative_outcomes("c", collaborative("C", {}), "Y3") is None


def test_the_program_is_every_collaboratives_indicators_together() -> None:
    """Program counts and behind percents are the collaboratives', ids name their collaborative."""
    document = rollups(
        a=collaborative("A", {"I1": indicator(status="behind", pct=0.86), "I2": indicator()}),
        b=collaborative("B", {"I1": indicator(status="behind", pct=0.925)}),
    )
    standing = program_outcomes(document, PERIOD)
    assert [c.name for c in standing.collaboratives] == ["A", "B"]
    program = standing.program
    assert program.overall.counts == StatusCounts(on_track=1, behind=2)
    assert program.overall.behind_percents == (86, 93)  # 92.5 % prints as 93 %
    assert program.outcomes[0].indicator_ids == ("a/I1", "a/I2", "b/I1")
    assert standing.collaboratives[0].overall + standing.collaboratives[1].overall == (
        program.overall
    )


def test_how_close_is_read_on_the_printed_percents() -> None:
    """86 % and 92.5 % of target print as 86 and 93: 14 and 7 points from target."""
    standing = standing_of(
        [indicator(status="behind", pct=0.925), indicator(status="behind", pct=0.86)]
    )
    assert standing.behind_percents == (86, 93)
    assert standing.lowest_percent == 86
    assert standing.widest_gap == 14
    assert standing.closest_gap == 7


def test_an_indicator_that_should_fall_is_behind_above_target() -> None:
    """A Decrease indicator at 112 % of target is 12 points from it, like one at 88 %."""
    standing = standing_of([indicator(status="behind", pct=1.12, direction="Decrease")])
    assert standing.widest_gap == 12


def test_behind_a_target_of_zero_counts_but_has_no_closeness() -> None:
    """No percent of target: counted as behind, left out of how close."""
    standing = standing_of([indicator(status="behind", pct=None)])
    assert standing.counts.behind == 1
    assert standing.behind_without_percent == 1
    assert standing.widest_gap is None
    assert standing.lowest_percent is None


def test_no_indicator_behind_has_no_closeness() -> None:
    """Nothing behind: no gap, no lowest percent."""
    assert IndicatorStanding().widest_gap is None
    assert standing_of([indicator()]).closest_gap is None


WORDS = load_labels().outcomes


def behind(*percents: int) -> IndicatorStanding:
    """Indicators behind target at these printed percents."""
    return IndicatorStanding(
        counts=StatusCounts(behind=len(percents)), behind_percents=tuple(sorted(percents))
    )


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (behind(), ""),
        (behind(97), "97% of target"),
        (behind(91, 78), "78% and 91% of target"),
        (behind(87, 94, 95), "87%, 94% and 95% of target"),
        (behind(86, 89, 91, 93, 98), "all within 14% of target"),
        (behind(60, 86, 87, 89, 91), "4 within 14% of target and 1 at 60%"),
        (
            behind(20, 30, 40, 50, 55, 90),
            "1 within 10% of target and 5 further away, the furthest at 20%",
        ),
        (behind(50, 60, 70, 80), "all within 50% of target"),
        (behind(88, 112, 95, 99), "all within 12% of target"),
        (
            IndicatorStanding(counts=StatusCounts(behind=2), behind_percents=(90,)),
            "90% of target and 1 with a target of 0",
        ),
    ],
)
def test_how_close_those_behind_are_reads_from_the_labels(
    standing: IndicatorStanding, expected: str
) -> None:
    """Up to three listed; more summed up, far ones said apart; a target of 0 counted."""
    assert closeness(standing, WORDS) == expected


def test_the_standing_sentence_says_how_close_and_leaves_out_zero_parts() -> None:
    """No `0 with no target`; the closeness comes with the count behind."""
    standing = IndicatorStanding(
        counts=StatusCounts(on_track=4, behind=2, no_data=1), behind_percents=(78, 91)
    )
    assert standing_sentence(standing, "Years 2–3", WORDS) == (
        "Years 2–3: 4 of 7 indicators on track; 2 behind (78% and 91% of target);"
        " 1 with no data yet."
    )
    one = IndicatorStanding(counts=StatusCounts(on_track=1))
    assert standing_sentence(one, "Year 3", WORDS) == "Year 3: 1 of 1 indicator on track."
    assert standing_sentence(IndicatorStanding(), "Year 3", WORDS) == ""


def test_outcomes_no_indicator_measures_are_named_once_there_are_indicators() -> None:
    """Two missing outcomes joined with `or`; nothing when all are measured or none is."""
    entries = {"I1": indicator("Greater capacity"), "I2": indicator("Short-term outcomes")}
    outcomes = collaborative_outcomes("c", collaborative("C", entries), PERIOD)
    assert unmeasured_line(outcomes, WORDS) == (
        "No indicator measures Multisector value or Continued change in these periods."
    )
    every = {f"I{n}": indicator(outcome) for n, outcome in enumerate(OUTCOMES)}
    assert (
        unmeasured_line(collaborative_outcomes("c", collaborative("C", every), PERIOD), WORDS) == ""
    )
    assert unmeasured_line(collaborative_outcomes("c", collaborative("C", {}), PERIOD), WORDS) == ""
