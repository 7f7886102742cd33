"""The written overview at the top of a funder report's Summary, made from the figures.

A few short paragraphs a program officer can quote: who runs the program and whom
it supports, what was done in each year, what changed from the first year to the
last, where the indicators stand by intended outcome (`outcomes.py`: status counts,
and how close to target the ones behind are, from the printed percents), how complete
the reporting was. The sentences are
the labels file's (`summary_text`), so staff can reword them; this module decides
which sentences the figures support and fills them in.

Three rules keep the words as safe and as true as the tables:

- Every number is the printed one, formatted by the same functions as the tables
  (`Scope` rows), so a sentence never differs from a table.
- A sentence is left out when its figures are not there: a year not started, no
  months expected, no indicator, a config key not set. "rose" and "fell" compare the printed
  values, and only years that ran in full are compared.
- A people count the run's suppression pattern hides is never written in words: its
  clause is left out (not "fewer than 11", which a sentence cannot say as plainly
  as the table's `<11`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from babel import Locale

from stc_reporting.figures.document import FailedCollaborative, PeriodFigures, Rollups
from stc_reporting.reports.formatting import (
    NumberFormat,
    period_name,
    short_date,
    whole,
)
from stc_reporting.reports.labels import Countable, ReportLabels, SummaryTextWords
from stc_reporting.reports.outcome_sections import closeness
from stc_reporting.reports.outcomes import (
    IndicatorStanding,
    ScopeOutcomes,
    collaborative_outcomes,
    program_outcomes,
)
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.suppression import Cell
from stc_reporting.reports.texts import CollaborativeTexts, ProgramTexts


@dataclass(frozen=True)
class Subject:
    """Whom an overview is about.

    Attributes:
        collaborative: The collaborative's id, or None for the program report.
        name: The collaborative's name, or '' for the program.
        city: The collaborative's city, or ''.
    """

    collaborative: str | None
    name: str = ""
    city: str = ""


def overview_paragraphs(
    scope: Scope,
    rollups: Rollups,
    texts: ProgramTexts,
    subject: Subject,
) -> list[str]:
    """The overview's paragraphs, in reading order; an empty paragraph is left out.

    Args:
        scope: The report's figures, period labels, suppression and labels.
        rollups: The run's rollups document (program, funder, periods, collaboratives).
        texts: Who runs the program and whom it supports.
        subject: The collaborative the report is about, or the program.

    Returns:
        The paragraphs, each a few sentences of plain text.
    """
    paragraphs = [
        _who(scope, rollups, texts, subject),
        " ".join(_year_sentences(scope, rollups, subject)),
        _change_sentence(scope, rollups, subject),
        " ".join(_standing_sentences(scope, rollups, subject)),
        _reporting_sentence(scope, subject),
    ]
    return [paragraph for paragraph in paragraphs if paragraph]


def _who(scope: Scope, rollups: Rollups, texts: ProgramTexts, subject: Subject) -> str:
    words = scope.wording.summary_text
    program, funder, organization = rollups.program, rollups.funder, texts.organization
    serves = texts.serves_in(Locale.parse(scope.wording.locale).language)
    if subject.collaborative is None:
        sentences = [
            words.program_run_by.format(program=program, organization=organization, funder=funder)
            if organization
            else words.program_funded_by.format(program=program, funder=funder),
            words.program_serves.format(program=program, serves=serves) if serves else "",
            words.program_collaboratives.format(
                names=words.names([entry.name for entry in rollups.collaboratives.values()])
            ),
            _left_out_sentence(rollups, scope.labels.combined, words),
        ]
    else:
        names = {"collaborative": subject.name, "city": subject.city, "program": program}
        sentences = [
            words.collaborative_run_by.format(**names, organization=organization, funder=funder)
            if organization
            else words.collaborative_funded_by.format(**names, funder=funder),
            words.collaborative_serves.format(program=program, serves=serves) if serves else "",
        ]
    return " ".join(sentence for sentence in sentences if sentence)


def _subject_words(scope: Scope, subject: Subject) -> str:
    return subject.name if subject.collaborative else scope.wording.summary_text.program_subject


def _is_cut_short(rollups: Rollups, label: str) -> bool:
    """Whether the data-as-of date ends a period before its last day."""
    return rollups.periods[label][1] > rollups.as_of


def _period_words(scope: Scope, rollups: Rollups, label: str) -> str:
    name = period_name(label, scope.wording.periods)
    if not _is_cut_short(rollups, label):
        return name
    as_of = short_date(rollups.as_of, scope.wording.dates, scope.wording.locale)
    return scope.wording.summary_text.period_to_date.format(period=name, date=as_of)


def _people_printed(scope: Scope, period: str) -> bool:
    """Whether the participant count of a period is printed (not suppressed)."""
    return Cell(scope.key, period, "participants") not in scope.hidden


def _counted(noun: Countable, value: float, numbers: NumberFormat) -> str:
    return noun.of(numbers.count(value))


def _year_sentences(scope: Scope, rollups: Rollups, subject: Subject) -> list[str]:
    """One sentence per year that has started, then what a participant count counts."""
    words = scope.wording.summary_text
    sentences: list[str] = []
    any_participants = False
    for label in scope.labels.years:
        figures = scope.figures(label)
        if figures is None:
            continue
        values = {
            "period": _period_words(scope, rollups, label),
            "subject": _subject_words(scope, subject),
            "activities": _counted(words.activities, figures.activities_completed, scope.numbers),
            "partners": _counted(words.partners, figures.partners_active, scope.numbers),
            "sectors": _counted(words.sectors, figures.sector_count, scope.numbers),
        }
        if _people_printed(scope, label):
            any_participants = True
            participants = _counted(words.participants, figures.participants, scope.numbers)
            sentences.append(words.year.format(**values, participants=participants))
        else:
            sentences.append(words.year_without_participants.format(**values))
    if any_participants:
        sentences.append(words.attendances)
    return sentences


@dataclass(frozen=True)
class _Compared:
    """One figure the change sentence may name, as the tables print it."""

    figure: str
    read: Callable[[PeriodFigures], float]
    fmt: Callable[[float | None], str]
    is_people: bool = False


def _change_sentence(scope: Scope, rollups: Rollups, subject: Subject) -> str:
    """From the first year to the last, each figure rose, fell or stayed; '' if not comparable."""
    words = scope.wording.summary_text
    first_label, last_label = scope.labels.first, scope.labels.last
    first, last = scope.figures(first_label), scope.figures(last_label)
    if first_label == last_label or first is None or last is None:
        return ""
    if _is_cut_short(rollups, first_label) or _is_cut_short(rollups, last_label):
        return ""  # a year cut short is not comparable with a whole one
    names, numbers = words.change_figures, scope.numbers
    compared = [
        _Compared(names.activities, lambda f: f.activities_completed, numbers.count),
        _Compared(names.participants, lambda f: f.participants, numbers.count, is_people=True),
        _Compared(names.partners, lambda f: f.partners_active, numbers.count),
        _Compared(names.sectors, lambda f: f.sector_count, numbers.count),
        _Compared(names.funding, lambda f: f.funding_secured_usd, numbers.money),
    ]
    clauses = []
    for item in compared:
        if item.is_people and not (
            _people_printed(scope, first_label) and _people_printed(scope, last_label)
        ):
            continue
        clauses.append(_change_clause(item, first, last, words))
    first_name = period_name(first_label, scope.wording.periods)
    last_name = period_name(last_label, scope.wording.periods)
    return words.change.format(first=first_name, last=last_name, changes=words.names(clauses))


def _change_clause(
    item: _Compared, first: PeriodFigures, last: PeriodFigures, words: SummaryTextWords
) -> str:
    before, after = item.read(first), item.read(last)
    printed_before, printed_after = item.fmt(before), item.fmt(after)
    if whole(after) > whole(before):
        return words.rose.format(figure=item.figure, before=printed_before, after=printed_after)
    if whole(after) < whole(before):
        return words.fell.format(figure=item.figure, before=printed_before, after=printed_after)
    return words.same.format(figure=item.figure, value=printed_after)


def _standing_sentences(scope: Scope, rollups: Rollups, subject: Subject) -> list[str]:
    """Where the indicators stand over the combined period, one sentence per outcome."""
    combined = scope.labels.combined
    if subject.collaborative is None:
        outcomes: ScopeOutcomes | None = program_outcomes(rollups, combined).program
    else:
        entry = rollups.reporting[subject.collaborative]
        outcomes = collaborative_outcomes(subject.collaborative, entry, combined)
    if outcomes is None or not outcomes.with_indicators:
        return []
    words = scope.wording.summary_text
    sentences = [words.standing_intro.format(period=period_name(combined, scope.wording.periods))]
    for standing in outcomes.with_indicators:
        counts = standing.counts
        parts = [
            words.on_track.format(count=scope.numbers.count(counts.on_track))
            if counts.on_track
            else "",
            _behind(standing, scope.wording, scope.numbers) if counts.behind else "",
            words.no_target.format(count=scope.numbers.count(counts.no_target))
            if counts.no_target
            else "",
            words.no_data.format(count=scope.numbers.count(counts.no_data))
            if counts.no_data
            else "",
        ]
        sentences.append(
            words.standing.format(
                outcome=scope.wording.choices.outcomes.get(standing.outcome, standing.outcome),
                counts=words.names([p for p in parts if p]),
            )
        )
    return sentences


def _behind(standing: IndicatorStanding, wording: ReportLabels, numbers: NumberFormat) -> str:
    """`2 behind (86% and 93% of target)`: how close as the Outcomes section says it."""
    words = wording.summary_text
    count = numbers.count(standing.counts.behind)
    near = closeness(standing, wording.outcomes)
    return (
        words.behind_close.format(count=count, closeness=near)
        if near
        else words.behind.format(count=count)
    )


def _reporting_sentence(scope: Scope, subject: Subject) -> str:
    """Monthly updates over the combined period, or '' when no month was expected yet."""
    words = scope.wording.summary_text
    combined = scope.labels.combined
    figures = scope.figures(combined)
    if figures is None or figures.reporting_completeness is None:
        return ""
    return words.completeness.format(
        period=period_name(combined, scope.wording.periods),
        subject=_subject_words(scope, subject),
        submitted=scope.numbers.count(figures.months_submitted),
        expected=scope.numbers.count(figures.months_expected),
        share=scope.numbers.rate(figures.reporting_completeness),
        on_time=scope.numbers.count(figures.months_on_time),
    )


def _left_out_sentence(rollups: Rollups, period: str, words: SummaryTextWords) -> str:
    """Said up front, before any figure: whom the program's figures leave out, or ''."""
    left_out = left_out_names(rollups, period)
    return words.left_out.format(names=words.names(left_out)) if left_out else ""


def left_out_names(rollups: Rollups, period: str) -> list[str]:
    """The collaboratives whose figures the program's totals for a period do not include."""
    return [
        entry.name
        for entry in rollups.collaboratives.values()
        if isinstance(entry, FailedCollaborative) or entry.periods.get(period) is None
    ]


def coverage_note(rollups: Rollups, period: str, wording: ReportLabels) -> str:
    """The note under the program's summary table when its totals leave collaboratives out."""
    left_out = left_out_names(rollups, period)
    if not left_out or rollups.program_totals.get(period) is None:
        return ""
    total = len(rollups.collaboratives)
    return wording.notes.coverage.format(
        included=total - len(left_out),
        total=total,
        names=wording.summary_text.names(left_out),
    )


def unusual_values_note(
    texts: Sequence[CollaborativeTexts], window: tuple[date, date], wording: ReportLabels
) -> str:
    """The data notes' count of values flagged as unusual in the reported window, or ''.

    Args:
        texts: The texts of the collaboratives the report covers.
        window: The reported window's first and last day.
        wording: The report's labels.
    """
    start, end = window
    count = sum(1 for t in texts for day in t.unusual_values if start <= day <= end)
    return (
        wording.notes.unusual_values.of(NumberFormat(wording.locale).count(count)) if count else ""
    )
