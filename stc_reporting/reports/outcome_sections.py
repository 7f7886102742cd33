"""The Outcomes section of a funder report: indicators under the intended outcome each serves.

The collaborative report lists its indicators grouped by outcome (over the combined
period and year by year); the program report gives, per outcome and collaborative,
the status counts and how close the indicators behind target are. Both print a
sentence on where the indicators stand, and a line naming any intended outcome no
indicator measures. The standing itself is computed in `outcomes.py`; the words are
the labels' `outcomes` group.

How close: up to `LISTED_BEHIND` indicators behind are listed by their printed
percent of target ("91% and 93% of target"); more are summed up by the most any is
away from 100% ("all within 14% of target"), which holds for an indicator that
should fall (above target) as for one that should rise (below it). When some are
much further away than the rest (more than `NEAR_POINTS`), those are said apart,
so one far indicator does not hide that the others are close ("10 within 14% of
target, 1 at 60%").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stc_reporting.contract.tabs import OUTCOMES
from stc_reporting.figures.document import CollaborativeFigures, IndicatorFigures, Rollups
from stc_reporting.reports.context_models import (
    IndicatorGroup,
    IndicatorRow,
    IndicatorYearRow,
    OutcomeStatusGroup,
    OutcomeStatusRow,
)
from stc_reporting.reports.formatting import NOT_AVAILABLE, NumberFormat
from stc_reporting.reports.labels import OutcomeWords, ReportLabels
from stc_reporting.reports.outcomes import (
    TARGET_PERCENT,
    IndicatorStanding,
    ScopeOutcomes,
    outcome_groups,
    program_outcomes,
)
from stc_reporting.reports.period_labels import PeriodLabels
from stc_reporting.reports.texts import CollaborativeTexts

LISTED_BEHIND = 3
"""Up to this many indicators behind are listed one by one; more are summed up."""

NEAR_POINTS = 15
"""Summing up many behind, those further than this from 100% of target are said apart."""


def joined(items: Sequence[str], words: OutcomeWords, last: str | None = None) -> str:
    """`a`, `a and b`, `a, b and c` (or `or`, with `last`)."""
    if len(items) <= 1:
        return "".join(items)
    ending = words.list_last if last is None else last
    return words.list_separator.join(items[:-1]) + ending + items[-1]


def closeness(standing: IndicatorStanding, words: OutcomeWords) -> str:
    """How close the indicators behind target are, in words; '' when none is behind.

    Listed by printed percent up to `LISTED_BEHIND`, else the widest gap from 100%;
    those behind a target of 0 (no percent) are counted after.
    """
    parts = []
    percents = standing.behind_percents
    if percents and standing.counts.behind <= LISTED_BEHIND:
        parts.append(words.listed.format(percents=_percents(percents, words)))
    elif percents:
        parts += _summed_up(percents, words)
    if standing.behind_without_percent:
        parts.append(words.zero_target.format(count=standing.behind_without_percent))
    return joined(parts, words)


def _percents(percents: Sequence[int], words: OutcomeWords) -> str:
    return joined([words.percent.format(percent=percent) for percent in percents], words)


def _gap(percent: int) -> int:
    return abs(TARGET_PERCENT - percent)


def _summed_up(percents: Sequence[int], words: OutcomeWords) -> list[str]:
    """Many behind: how far the furthest is, the far ones (if any) said apart."""
    near = [p for p in percents if _gap(p) <= NEAR_POINTS]
    far = sorted((p for p in percents if _gap(p) > NEAR_POINTS), key=_gap)
    if not near or not far:
        return [words.within.format(points=max(_gap(p) for p in percents))]
    parts = [words.within_some.format(count=len(near), points=max(_gap(p) for p in near))]
    if len(far) <= LISTED_BEHIND:
        parts.append(words.others_at.format(count=len(far), percents=_percents(far, words)))
    else:
        furthest = words.percent.format(percent=far[-1])
        parts.append(words.others_furthest.format(count=len(far), percent=furthest))
    return parts


def standing_sentence(standing: IndicatorStanding, period: str, words: OutcomeWords) -> str:
    """Where some indicators stand, in one sentence from the labels.

    E.g. `Years 2–3: 4 of 15 indicators on track; 11 behind (all within 14% of target).`;
    '' when there is no indicator at all (the template says so in its own words).
    """
    counts = standing.counts
    if not counts.total:
        return ""
    noun = words.indicator if counts.total == 1 else words.indicators
    parts = [
        words.standing.format(
            period=period, on_track=counts.on_track, indicators=noun.format(count=counts.total)
        )
    ]
    if counts.behind:
        near = closeness(standing, words)
        behind = words.behind if near else words.behind_count
        parts.append(behind.format(count=counts.behind, closeness=near))
    if counts.no_target:
        parts.append(words.no_target.format(count=counts.no_target))
    if counts.no_data:
        parts.append(words.no_data.format(count=counts.no_data))
    return words.part_separator.join(parts) + words.sentence_end


def unmeasured_line(
    outcomes: ScopeOutcomes | None, words: OutcomeWords, names: Mapping[str, str] | None = None
) -> str:
    """A line naming the intended outcomes no indicator measures; '' when all are measured.

    Said only when there are indicators at all: a report without any says that instead.
    `names` prints an outcome in the report's language (the labels' choices).
    """
    if outcomes is None or not outcomes.overall.counts.total:
        return ""
    measured = {standing.outcome for standing in outcomes.with_indicators}
    missing = [outcome for outcome in OUTCOMES if outcome not in measured]
    if not missing:
        return ""
    printed = [(names or {}).get(outcome, outcome) for outcome in missing]
    return words.unmeasured.format(outcomes=joined(printed, words, words.list_last_or))


def _status_row(
    name: str, standing: IndicatorStanding, words: OutcomeWords, numbers: NumberFormat
) -> OutcomeStatusRow:
    counts, fmt_count = standing.counts, numbers.count
    return OutcomeStatusRow(
        name=name,
        indicators=fmt_count(counts.total),
        on_track=fmt_count(counts.on_track),
        behind=fmt_count(counts.behind),
        closeness=closeness(standing, words),
        no_target=fmt_count(counts.no_target),
        no_data=fmt_count(counts.no_data),
    )


def outcome_status_groups(
    rollups: Rollups, labels: PeriodLabels, wording: ReportLabels
) -> tuple[list[OutcomeStatusGroup], ScopeOutcomes]:
    """The program report's table: per outcome, a row per collaborative and one for all.

    Returns:
        The groups (outcomes with at least one indicator, program order), and the
        program's standing over the combined period (for its sentence and line).
    """
    words, numbers = wording.outcomes, NumberFormat(wording.locale)
    standing = program_outcomes(rollups, labels.combined)
    groups = []
    for program in standing.program.with_indicators:
        rows = [
            _status_row(collaborative.name, mine, words, numbers)
            for collaborative in standing.collaboratives
            for mine in collaborative.outcomes
            if mine.outcome == program.outcome and mine.counts.total
        ]
        groups.append(
            OutcomeStatusGroup(
                outcome=wording.choices.outcomes.get(program.outcome, program.outcome),
                rows=rows,
                total=_status_row(words.all_collaboratives, program, words, numbers),
            )
        )
    return groups, standing.program


def indicator_groups(
    periods: Mapping[str, CollaborativeFigures | None],
    labels: PeriodLabels,
    texts: CollaborativeTexts,
    wording: ReportLabels,
) -> list[IndicatorGroup]:
    """A collaborative's indicators under their outcomes, combined period and year by year."""
    combined = periods.get(labels.combined)
    if combined is None:
        return []
    first, last = periods.get(labels.first), periods.get(labels.last)
    groups = []
    for outcome, ids in outcome_groups(combined.indicators):
        rows, years = [], []
        for indicator_id in ids:
            name = texts.indicator_names.get(indicator_id) or wording.report.indicator_withheld
            entry = combined.indicators[indicator_id]
            rows.append(_indicator_row(name, entry, wording))
            years.append(
                _year_row(
                    name,
                    entry.unit,
                    first.indicators.get(indicator_id) if first else None,
                    last.indicators.get(indicator_id) if last else None,
                    wording,
                )
            )
        printed = wording.choices.outcomes.get(outcome, outcome)
        groups.append(IndicatorGroup(outcome=printed, indicators=rows, years=years))
    return groups


def _indicator_row(name: str, entry: IndicatorFigures, wording: ReportLabels) -> IndicatorRow:
    unit, choices, fmt_number = entry.unit, wording.choices, NumberFormat(wording.locale).number
    return IndicatorRow(
        name=name,
        outcome=choices.outcomes.get(entry.outcome, entry.outcome),
        unit=choices.units.get(unit, unit),
        baseline=fmt_number(entry.baseline, unit),
        target=fmt_number(entry.target, unit),
        value=fmt_number(entry.value, unit),
        pct_of_target=NumberFormat(wording.locale).rate(entry.pct_of_target),
        status=wording.statuses.of(entry.status),
    )


def _year_row(
    name: str,
    unit: str,
    first: IndicatorFigures | None,
    last: IndicatorFigures | None,
    wording: ReportLabels,
) -> IndicatorYearRow:
    statuses, fmt_number = wording.statuses, NumberFormat(wording.locale).number
    return IndicatorYearRow(
        name=name,
        first_value=fmt_number(first.value, unit) if first else NOT_AVAILABLE,
        first_target=fmt_number(first.target, unit) if first else NOT_AVAILABLE,
        first_status=statuses.of(first.status) if first else NOT_AVAILABLE,
        last_value=fmt_number(last.value, unit) if last else NOT_AVAILABLE,
        last_target=fmt_number(last.target, unit) if last else NOT_AVAILABLE,
        last_status=statuses.of(last.status) if last else statuses.not_started,
    )
