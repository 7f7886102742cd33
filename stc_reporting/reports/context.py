"""The report context: everything a funder report template may print, already formatted.

Built from the typed rollups document, the shareable texts (`texts.py`) and the
report's labels (`labels.py`, read from `templates/labels.<language>.yaml`);
templates see nothing else. Every people count goes through the run-wide
suppression pattern (`people_counts.py`) here, once, so no template can print an
unsafe number. The models are in `context_models.py` and documented in
docs/template-variables.md; the rows of each section come from `sections.py`,
the charts from `chart_slots.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from stc_reporting.figures.document import CollaborativeFigures, PeriodFigures, Rollups
from stc_reporting.reports.chart_slots import chart_slots
from stc_reporting.reports.context_models import MilestoneItem, ReportContext
from stc_reporting.reports.formatting import NOT_AVAILABLE, long_date, month_year, period_name
from stc_reporting.reports.labels import ReportLabels
from stc_reporting.reports.narratives import narrative_paragraphs
from stc_reporting.reports.outcome_sections import (
    indicator_groups,
    outcome_status_groups,
    standing_sentence,
    unmeasured_line,
)
from stc_reporting.reports.outcomes import ScopeOutcomes, collaborative_outcomes
from stc_reporting.reports.overview import (
    Subject,
    coverage_note,
    overview_paragraphs,
    unusual_values_note,
)
from stc_reporting.reports.people_counts import PROGRAM, people_suppression
from stc_reporting.reports.period_labels import period_headers, period_infos, period_labels
from stc_reporting.reports.scope import Scope
from stc_reporting.reports.sections import (
    by_key_rows,
    funding_rows,
    glance_rows,
    lesson_groups,
    partnership_rows,
    people_rows,
    quality_rows,
    reported_window,
    reporting_rows,
    summary_rows,
    suppression_legend,
)
from stc_reporting.reports.suppression import Cell
from stc_reporting.reports.texts import CollaborativeTexts, ProgramTexts


def build_report_context(
    rollups: Rollups,
    texts: Mapping[str, CollaborativeTexts],
    collaborative: str | None,
    made_on: date,
    wording: ReportLabels,
    hidden: frozenset[Cell] | None = None,
    is_draft: bool = True,
    program_texts: ProgramTexts | None = None,
) -> ReportContext:
    """Build the context of the program report (collaborative None) or one collaborative's.

    Args:
        rollups: The run's rollups document.
        texts: Shareable texts by collaborative id.
        collaborative: The collaborative's id, or None for the program report.
        made_on: The day the report is made.
        wording: The report's labels, in the report's language (`load_labels`).
        hidden: The run's suppression pattern (computed here when not given).
        is_draft: A draft for review (draft marks) or the final version (none).
        program_texts: Who runs the program, whom it supports, its narrative (none given:
            the overview leaves those sentences out).

    Returns:
        The context, every figure formatted and every people count suppressed.

    Raises:
        ValueError: The collaborative did not report this run.
    """
    hidden = people_suppression(rollups) if hidden is None else hidden
    about = program_texts or ProgramTexts()
    labels = period_labels(rollups)
    own_texts: CollaborativeTexts | None = None
    collaborative_periods: Mapping[str, CollaborativeFigures | None] = {}
    narrative = about.narrative
    if collaborative is None:
        name, city, key = wording.report.all_collaboratives, "", PROGRAM
        periods: Mapping[str, PeriodFigures | None] = rollups.program_totals
        scope_texts = [texts[c] for c in rollups.reporting if c in texts]
        subject = Subject(None)
    else:
        entry = rollups.reporting.get(collaborative)
        if entry is None:
            raise ValueError(f"collaborative {collaborative!r} has no figures this run")
        name, city, key = entry.name, entry.city, collaborative
        periods = collaborative_periods = entry.periods
        own_texts = texts[collaborative]
        scope_texts = [own_texts]
        narrative = own_texts.narrative
        subject = Subject(collaborative, name, city)
    scope = Scope(key, periods, labels, hidden, wording)
    groups = (
        indicator_groups(collaborative_periods, labels, own_texts, wording) if own_texts else []
    )
    standing_groups, outcomes = (
        outcome_status_groups(rollups, labels, wording)
        if collaborative is None
        else ([], _own_outcomes(rollups, collaborative, labels.combined))
    )
    combined = periods.get(labels.combined)
    lessons = lesson_groups(scope_texts, rollups, labels, wording)
    window = reported_window(rollups, labels)
    dates, locale, choices = wording.dates, wording.locale, wording.choices
    years = wording.report.years_separator.join(label[1:] for label in labels.years)
    title = wording.report.title.format(years=years)
    data_as_of = long_date(rollups.as_of, dates, locale)
    comments = (
        wording.report.document_comments_draft if is_draft else wording.report.document_comments
    )
    return ReportContext(
        kind="program" if collaborative is None else "collaborative",
        report_title=title,
        program=rollups.program,
        funder=rollups.funder,
        scope_name=name,
        city=city,
        periods=period_infos(rollups, wording),
        headers=period_headers(labels, wording),
        data_as_of=data_as_of,
        made_on=long_date(made_on, dates, locale),
        is_draft=is_draft,
        overview=overview_paragraphs(scope, rollups, about, subject),
        narrative=narrative_paragraphs(narrative),
        summary=summary_rows(scope),
        coverage_note=coverage_note(rollups, labels.combined, wording)
        if collaborative is None
        else "",
        glance=glance_rows(rollups, hidden, labels, wording) if collaborative is None else [],
        components=by_key_rows(scope, lambda f: f.activities_by_component, choices.core_components),
        strategies=by_key_rows(scope, lambda f: f.activities_by_strategy, choices.strategies),
        people=people_rows(scope),
        partnerships=partnership_rows(scope),
        sectors_engaged=(
            ", ".join(choices.sectors.get(s, s) for s in combined.sectors_engaged)
            if combined
            else NOT_AVAILABLE
        ),
        funding=funding_rows(scope),
        milestones=by_key_rows(scope, lambda f: f.milestones_by_type, choices.milestone_types),
        milestone_list=[
            MilestoneItem(
                date=month_year(m.date, dates, locale),
                type=choices.milestone_types.get(m.type, m.type),
                level=choices.milestone_levels.get(m.level, m.level) if m.level else "",
                description=m.description,
            )
            for m in (own_texts.milestones if own_texts else ())
            if window[0] <= m.date <= window[1]
        ],
        outcome_summary=standing_sentence(
            outcomes.overall, period_name(labels.combined, wording.periods), wording.outcomes
        )
        if outcomes
        else "",
        indicator_groups=groups,
        outcome_standing=standing_groups,
        unmeasured_outcomes=unmeasured_line(outcomes, wording.outcomes, wording.choices.outcomes),
        lessons=lessons,
        has_lessons=bool(lessons),
        reporting=reporting_rows(scope),
        quality=quality_rows(rollups, labels, collaborative, wording),
        suppression_legend=suppression_legend(wording),
        unusual_values_note=unusual_values_note(scope_texts, window, wording),
        charts=chart_slots(scope, rollups, own_texts),
        document_title=wording.report.document_title.format(scope=name, title=title),
        document_comments=comments.format(date=data_as_of),
        document_language=wording.report.document_language,
    )


def _own_outcomes(rollups: Rollups, collaborative: str, period: str) -> ScopeOutcomes | None:
    """A collaborative's indicators by outcome in `period` (it reported: checked by the caller)."""
    return collaborative_outcomes(collaborative, rollups.reporting[collaborative], period)
