"""The report context's models: every variable a funder report template may print.

Values are text, already formatted and suppressed; templates print them as they
are. docs/template-variables.md is generated from these models
(`python -m tools.make_template_docs`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PeriodInfo(BaseModel):
    """One reporting period as the cover lists it."""

    label: str = Field(description="Short label: Y2, Y3 or Y2-Y3.")
    name: str = Field(description="Label in words: Year 2, Year 3, Years 2–3.")
    dates: str = Field(description="Calendar dates, e.g. 1 Nov 2019 – 31 Oct 2020.")
    note: str = Field(description="'', 'data to 15 Dec 2020' or 'not yet started'.")


class Headers(BaseModel):
    """Column headings of the period tables."""

    first: str = Field(description="The first reported year, e.g. Year 2.")
    last: str = Field(description="The last reported year, e.g. Year 3.")
    combined: str = Field(description="The combined period, e.g. Years 2–3.")
    change: str = Field(description="The change column, e.g. Change Y2 to Y3.")


class FigureRow(BaseModel):
    """One figure across the periods, formatted and suppressed."""

    label: str = Field(description="What the row counts.")
    first: str = Field(description="Value in the first year.")
    last: str = Field(description="Value in the last year.")
    combined: str = Field(description="Value over the combined period.")
    change: str = Field(
        description="Last year minus first year as printed (rounded), signed; — when unknown."
    )
    is_total: bool = Field(
        default=False, description="A total row (printed last, in bold, under a rule)."
    )


class GlanceRow(BaseModel):
    """One collaborative (or the program total) in the program report's overview."""

    name: str = Field(description="Collaborative name, or Program total.")
    city: str = Field(description="City, or '' for the total.")
    status: str = Field(
        description="'' for a collaborative that reports; else Data unavailable or Not started."
    )
    note: str = Field(description="Why data is unavailable, in plain words; else ''.")
    activities: str = Field(description="Completed activities, combined period.")
    participants: str = Field(description="Participants, combined period (suppressed).")
    partners: str = Field(description="Active partners, combined period.")
    sectors: str = Field(description="Sectors engaged, combined period.")
    funding: str = Field(description="Funding secured, combined period.")
    milestones: str = Field(description="Milestones achieved, combined period.")
    completeness: str = Field(description="Reporting completeness, combined period.")
    is_total: bool = Field(default=False, description="The program total row.")


class IndicatorRow(BaseModel):
    """One indicator over the combined period (collaborative report)."""

    name: str = Field(description="What is measured, in the tracker's words.")
    outcome: str = Field(description="The program outcome it serves.")
    unit: str = Field(description="Count, Percent, Dollars or Score.")
    baseline: str = Field(description="Baseline, formatted in its unit.")
    target: str = Field(description="Target for the period.")
    value: str = Field(description="Value for the period.")
    pct_of_target: str = Field(description="Value as a percent of target.")
    status: str = Field(description="On track, Behind, No target or No data.")


class IndicatorYearRow(BaseModel):
    """One indicator, year by year (collaborative report)."""

    name: str = Field(description="What is measured.")
    first_value: str = Field(description="Value in the first year.")
    first_target: str = Field(description="Target in the first year.")
    first_status: str = Field(description="Status in the first year.")
    last_value: str = Field(description="Value in the last year.")
    last_target: str = Field(description="Target in the last year.")
    last_status: str = Field(description="Status in the last year.")


class IndicatorGroup(BaseModel):
    """A collaborative's indicators that serve one intended outcome (collaborative report)."""

    outcome: str = Field(description="The intended outcome, e.g. Greater capacity.")
    indicators: list[IndicatorRow] = Field(description="Its indicators, combined period.")
    years: list[IndicatorYearRow] = Field(description="The same indicators, year by year.")


class OutcomeStatusRow(BaseModel):
    """The indicators of one collaborative (or of all) serving one outcome (program report)."""

    name: str = Field(description="Collaborative name, or All collaboratives.")
    indicators: str = Field(description="How many indicators serve the outcome.")
    on_track: str = Field(description="Indicators on track.")
    behind: str = Field(description="Indicators behind target.")
    closeness: str = Field(
        description="How close those behind are, e.g. 91% and 93% of target, or all within"
        " 14% of target; '' when none is behind."
    )
    no_target: str = Field(description="Indicators with no target.")
    no_data: str = Field(description="Indicators with no data.")


class OutcomeStatusGroup(BaseModel):
    """One intended outcome in the program report: each collaborative's indicators, and all."""

    outcome: str = Field(description="The intended outcome, e.g. Greater capacity.")
    rows: list[OutcomeStatusRow] = Field(
        description="One per collaborative with an indicator serving the outcome."
    )
    total: OutcomeStatusRow = Field(description="All collaboratives together.")


class LessonItem(BaseModel):
    """One shared lesson, attributed to its collaborative (never a person)."""

    text: str = Field(description="The lesson, exactly as the tracker has it.")
    source: str = Field(
        description="Collaborative and month, e.g. Oakland collaborative, May 2021."
    )


class LessonGroup(BaseModel):
    """Shared lessons of one kind."""

    kind: str = Field(description="Success, Challenge, Course correction or Insight.")
    lessons: list[LessonItem] = Field(description="The lessons, oldest first.")


class MilestoneItem(BaseModel):
    """One achieved milestone (collaborative report)."""

    date: str = Field(description="Month achieved, e.g. May 2021.")
    type: str = Field(description="Milestone type.")
    level: str = Field(description="Organizational, Local, County, State, or ''.")
    description: str = Field(description="The tracker's description.")


class QualityRow(BaseModel):
    """Data-quality counts of one collaborative: counts only, never cell contents.

    No privacy count: how many personal details a collaborative's tracker held is for
    program staff (the data-quality report), never for the funder.
    """

    name: str = Field(description="Collaborative name.")
    errors: str = Field(description="Issues that kept a row out of the figures.")
    warnings: str = Field(description="Issues worth a look; rows still counted.")
    rows_excluded: str = Field(description="Rows left out of the figures.")
    months: str = Field(description="Months submitted of months expected, combined period.")
    on_time: str = Field(description="Months submitted on time, combined period.")


class ChartNumbers(BaseModel):
    """How a chart writes the values on its bars and axis (not for templates)."""

    locale: str = Field(description="The report's locale (Babel): en_US, es_US.")
    thousands_of_dollars: str = Field(description="Dollars in thousands: `${amount}k`.")
    millions_of_dollars: str = Field(description="Dollars in millions: `${amount}M`.")


class ChartSlot(BaseModel):
    """A chart. In templates `image` is the picture itself; `caption` goes below it."""

    caption: str = Field(description="Caption under the chart.")
    alt: str = Field(description="Alt text set on the picture.")
    title: str = Field(description="Chart title, drawn in the image.")
    categories: list[str] = Field(description="Bar labels (not for templates).")
    series: dict[str, list[float]] = Field(description="Bar values by series (not for templates).")
    style: Literal["grouped", "single", "stacked", "progress"] = Field(
        description="How the chart is drawn (not for templates)."
    )
    unit: Literal["count", "dollars", "percent"] = Field(
        default="count", description="What the values are, for labels (not for templates)."
    )
    axis_label: str = Field(
        default="", description="Words under the bars, or '' for none (not for templates)."
    )
    empty_note: str = Field(
        description="Drawn in place of the bars when there is nothing to show (not for templates)."
    )
    numbers: ChartNumbers = Field(description="How values are written (not for templates).")


class ReportContext(BaseModel):
    """Everything a funder report template may use."""

    kind: Literal["program", "collaborative"] = Field(description="Which report this is.")
    report_title: str = Field(description="Title on the cover.")
    program: str = Field(description="Program name.")
    funder: str = Field(description="Funder name.")
    scope_name: str = Field(description="The collaborative's name, or All collaboratives.")
    city: str = Field(description="The collaborative's city, or ''.")
    periods: list[PeriodInfo] = Field(description="The reporting periods, for the cover.")
    headers: Headers = Field(description="Period column headings.")
    data_as_of: str = Field(description="Data as of, e.g. 31 October 2021.")
    made_on: str = Field(description="The day the report was made.")
    is_draft: bool = Field(
        description="A draft for review (the cover and footer say so) or the final version."
    )
    overview: list[str] = Field(
        description="The Summary's written overview, made from the figures: one text per "
        "paragraph, printed as plain paragraphs."
    )
    narrative: list[str] = Field(
        description="What a person wrote for this report (narratives.yaml), one text per "
        "paragraph, printed as written; empty when there is none."
    )
    summary: list[FigureRow] = Field(description="Headline figures.")
    coverage_note: str = Field(
        description="Under the program's summary table: which collaboratives its totals "
        "leave out; '' when they cover all (always '' in a collaborative report)."
    )
    glance: list[GlanceRow] = Field(description="Collaboratives at a glance (program report).")
    components: list[FigureRow] = Field(description="Completed activities by core component.")
    strategies: list[FigureRow] = Field(description="Completed activities by strategy.")
    people: list[FigureRow] = Field(description="Participants and lived experience.")
    partnerships: list[FigureRow] = Field(description="Partner figures.")
    sectors_engaged: str = Field(description="Sectors of active partners, combined period.")
    funding: list[FigureRow] = Field(description="Funding secured by source type, and totals.")
    milestones: list[FigureRow] = Field(description="Milestones achieved by type.")
    milestone_list: list[MilestoneItem] = Field(description="Achieved milestones (collaborative).")
    outcome_summary: str = Field(
        description="Where the indicators stand, combined period, in one sentence; '' if none."
    )
    indicator_groups: list[IndicatorGroup] = Field(
        description="Indicators by intended outcome, program order (collaborative report)."
    )
    outcome_standing: list[OutcomeStatusGroup] = Field(
        description="Indicator statuses by intended outcome and collaborative (program report)."
    )
    unmeasured_outcomes: str = Field(
        description="A line naming the intended outcomes no indicator measures; '' if none."
    )
    lessons: list[LessonGroup] = Field(description="Shared lessons by kind.")
    has_lessons: bool = Field(description="Whether any lesson was shared.")
    reporting: list[FigureRow] = Field(description="Reporting completeness and timeliness.")
    quality: list[QualityRow] = Field(description="Data-quality counts by collaborative.")
    suppression_legend: list[str] = Field(description="What <11, n<30 and — mean.")
    unusual_values_note: str = Field(
        description="How many values in the figures were flagged as unusual (data notes), "
        "or '' when none."
    )
    document_title: str = Field(description="Word's title property (not for templates).")
    document_comments: str = Field(description="Word's comments property (not for templates).")
    document_language: str = Field(description="Word's language tag, en-US (not for templates).")
    charts: dict[str, ChartSlot] = Field(description="Charts by key; see the template guide.")
