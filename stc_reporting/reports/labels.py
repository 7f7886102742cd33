"""The words the code places into a funder report, read from `templates/labels.<language>.yaml`.

The Word templates hold the text printed once in a fixed place (headings,
definitions, the cover); the labels file holds the words the code puts into
tables, charts, alt texts and sentences, with `{placeholders}` for the values.
Nothing a funder reads is written in Python (a test scans for it).

The file loads into `ReportLabels`: every key is required and no other key is
allowed, so a missing or misspelt key is an error naming the file and the key,
never a blank in a report. A label may only use the placeholders its field
declares. Code that formats a label calls `str.format` with those names.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Annotated

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import parse_pattern
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from stc_reporting.config import DEFAULT_LANGUAGE
from stc_reporting.contract.tabs import (
    CORE_COMPONENTS,
    LESSON_KINDS,
    MILESTONE_LEVELS,
    MILESTONE_TYPES,
    OUTCOMES,
    SECTORS,
    SOURCE_TYPES,
    STRATEGIES,
    UNITS,
)
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.strict_yaml import load_yaml

_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
WORD_LANGUAGES = {"en": "en-US", "es": "es-US"}
"""The Word language tag of a labels file that names none (`report.document_language`):
the program works in the United States, so its English and Spanish are those of the US."""


class LabelsError(Exception):
    """The labels file is missing or wrong; the message names the file and the key."""

    @classmethod
    def from_validation(cls, path: Path, error: ValidationError) -> LabelsError:
        """Every problem pydantic found, as `<file>: <key.path>: <what is wrong>; ...`."""
        return cls(
            f"{path}: " + "; ".join(cls._problem(e["loc"], e["msg"]) for e in error.errors())
        )

    @staticmethod
    def _problem(location: tuple[int | str, ...], message: str) -> str:
        key = ".".join(str(part) for part in location) or "(the whole file)"
        if message == "Extra inputs are not permitted":
            message = "unknown key (misspelt, or not used by the reports)"
        elif message == "Field required":
            message = "missing key"
        return f"{key}: {message}"


def _placeholders(*allowed: str) -> AfterValidator:
    """Accept a label whose `{placeholders}` are among `allowed` (it may leave some out)."""

    def check(text: str) -> str:
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as error:  # a lone { or }
            raise ValueError(f"{error} (write braces only around a placeholder)") from error
        unknown = sorted(used - set(allowed))
        if unknown:
            may = ", ".join(f"{{{name}}}" for name in allowed) or "none"
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; this label may use: {may}")
        return text

    return AfterValidator(check)


Plain = Annotated[str, _placeholders()]
"""A label with no placeholder."""


class _Labels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportWords(_Labels):
    """Words about the report as a whole."""

    title: Annotated[str, _placeholders("years")]
    years_separator: Plain
    all_collaboratives: Plain
    indicator_withheld: Plain
    lesson_source: Annotated[str, _placeholders("collaborative", "month")]
    document_title: Annotated[str, _placeholders("scope", "title")]
    document_comments: Annotated[str, _placeholders("date")]
    document_comments_draft: Annotated[str, _placeholders("date")]
    document_language: str = Field(default="", pattern=r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$")
    """Word's language tag for the report (`es-MX`); left out, `WORD_LANGUAGES` decides."""


_DATE_FIELDS = frozenset("dMLyE")
"""The pattern letters a report date may use: day, month, year, weekday."""


def _date_pattern(pattern: str) -> str:
    """Accept a CLDR date pattern of days, months and years; other words must be 'quoted'.

    Babel reads any unquoted letter as a field (the `e` of `d de MMMM` is the weekday's
    number), so a letter outside `d`, `M`, `L`, `y`, `E` is taken as a forgotten quote.
    """
    if pattern.count("'") % 2:
        raise ValueError("not a date pattern (a ' quote is not closed)")
    fields = re.findall(r"%\((\w+)\)s", str(parse_pattern(pattern).format))
    unknown = sorted({field[0] for field in fields} - _DATE_FIELDS)
    if unknown:
        raise ValueError(
            f"not a date pattern: the letter {unknown[0]!r} is not a day (d), month (MMMM, "
            "MMM) or year (y); put words in 'single quotes'"
        )
    return pattern


DatePattern = Annotated[str, AfterValidator(_date_pattern)]
"""A date pattern in the letters of Unicode's CLDR (`d MMMM y`); Babel fills in the names."""


class DateWords(_Labels):
    """How dates are written: patterns whose month names come from the report's locale.

    `d` is the day, `MMMM` the month's name, `MMM` its short name, `y` the year;
    words in 'single quotes' print as they are (`d 'de' MMMM 'de' y`).
    """

    long: DatePattern
    short: DatePattern
    month_year: DatePattern


class PeriodWords(_Labels):
    """Period names, the change heading, and the cover's notes on a period."""

    year: Annotated[str, _placeholders("number")]
    years: Annotated[str, _placeholders("first", "last")]
    change: Annotated[str, _placeholders("first", "last", "first_number", "last_number")]
    dates: Annotated[str, _placeholders("start", "end")]
    not_yet_started: Plain
    data_to: Annotated[str, _placeholders("date")]


class ValueWords(_Labels):
    """Words printed in a table cell instead of, or around, a number."""

    not_started: Plain
    no_change: Plain
    point: Annotated[str, _placeholders("points")]
    points: Annotated[str, _placeholders("points")]
    part_of_whole: Annotated[str, _placeholders("part", "whole")]


class RowLabels(_Labels):
    """The first column of the period tables: what each row counts."""

    activities_completed: Plain
    participants: Plain
    lived_experience_participants: Plain
    lived_experience_share: Plain
    partners_active: Plain
    partners_new: Plain
    partners_new_to_ipv: Plain
    formal_commitments: Plain
    sectors_engaged: Plain
    cross_sector_activities: Plain
    funding_secured: Plain
    total_secured: Plain
    requested_or_pending: Plain
    milestones_achieved: Plain
    lessons_shared: Plain
    months_expected: Plain
    months_submitted: Plain
    months_on_time: Plain
    reporting_completeness: Plain
    reporting_timeliness: Plain


class StatusWords(_Labels):
    """An indicator's status as the tables and the status chart print it."""

    on_track: Plain
    behind: Plain
    no_target: Plain
    no_data: Plain
    not_started: Plain

    def of(self, status: str) -> str:
        """The words for a status as the rollups record it (`on track`, `no data`...)."""
        return str(getattr(self, status.replace(" ", "_")))


class OverviewWords(_Labels):
    """The program report's "Collaboratives at a glance" table."""

    data_unavailable: Plain
    not_started: Plain
    program_total: Plain


class Countable(_Labels):
    """A number with its noun: `one` when the printed number is 1, `other` otherwise."""

    one: Annotated[str, _placeholders("count")]
    other: Annotated[str, _placeholders("count")]

    def of(self, count: str) -> str:
        """The words for a printed number (`1 activity`, `1,204 activities`)."""
        return (self.one if count == "1" else self.other).format(count=count)


class ChangeFigureWords(_Labels):
    """The figures the overview's change sentence may name, in running text."""

    activities: Plain
    participants: Plain
    partners: Plain
    sectors: Plain
    funding: Plain


class SummaryTextWords(_Labels):
    """The sentences of the Summary's written overview; one is left out when its figures are."""

    program_run_by: Annotated[str, _placeholders("program", "organization", "funder")]
    program_funded_by: Annotated[str, _placeholders("program", "funder")]
    program_serves: Annotated[str, _placeholders("program", "serves")]
    program_collaboratives: Annotated[str, _placeholders("names")]
    collaborative_run_by: Annotated[
        str, _placeholders("collaborative", "city", "program", "organization", "funder")
    ]
    collaborative_funded_by: Annotated[
        str, _placeholders("collaborative", "city", "program", "funder")
    ]
    collaborative_serves: Annotated[str, _placeholders("program", "serves")]
    program_subject: Plain
    period_to_date: Annotated[str, _placeholders("period", "date")]
    year: Annotated[
        str,
        _placeholders("period", "subject", "activities", "participants", "partners", "sectors"),
    ]
    year_without_participants: Annotated[
        str, _placeholders("period", "subject", "activities", "partners", "sectors")
    ]
    attendances: Plain
    activities: Countable
    participants: Countable
    partners: Countable
    sectors: Countable
    change: Annotated[str, _placeholders("first", "last", "changes")]
    rose: Annotated[str, _placeholders("figure", "before", "after")]
    fell: Annotated[str, _placeholders("figure", "before", "after")]
    same: Annotated[str, _placeholders("figure", "value")]
    change_figures: ChangeFigureWords
    standing_intro: Annotated[str, _placeholders("period")]
    standing: Annotated[str, _placeholders("outcome", "counts")]
    on_track: Annotated[str, _placeholders("count")]
    behind: Annotated[str, _placeholders("count")]
    behind_close: Annotated[str, _placeholders("count", "closeness")]
    no_target: Annotated[str, _placeholders("count")]
    no_data: Annotated[str, _placeholders("count")]
    completeness: Annotated[
        str, _placeholders("period", "subject", "submitted", "expected", "share", "on_time")
    ]
    left_out: Annotated[str, _placeholders("names")]
    list_separator: Plain
    list_last: Plain

    def names(self, items: list[str]) -> str:
        """Items in running text: `A`, `A and B`, `A, B and C`."""
        if len(items) < 2:
            return "".join(items)
        return self.list_separator.join(items[:-1]) + self.list_last + items[-1]


class NoteWords(_Labels):
    """Notes the code writes under the summary table and in the data notes."""

    coverage: Annotated[str, _placeholders("included", "total", "names")]
    unusual_values: Countable


class OutcomeWords(_Labels):
    """The Outcomes section: where the indicators stand, by intended outcome."""

    all_collaboratives: Plain
    standing: Annotated[str, _placeholders("period", "on_track", "indicators")]
    indicator: Annotated[str, _placeholders("count")]
    indicators: Annotated[str, _placeholders("count")]
    behind: Annotated[str, _placeholders("count", "closeness")]
    behind_count: Annotated[str, _placeholders("count")]
    no_target: Annotated[str, _placeholders("count")]
    no_data: Annotated[str, _placeholders("count")]
    part_separator: Plain
    sentence_end: Plain
    percent: Annotated[str, _placeholders("percent")]
    listed: Annotated[str, _placeholders("percents")]
    within: Annotated[str, _placeholders("points")]
    within_some: Annotated[str, _placeholders("count", "points")]
    others_at: Annotated[str, _placeholders("count", "percents")]
    others_furthest: Annotated[str, _placeholders("count", "percent")]
    zero_target: Annotated[str, _placeholders("count")]
    list_separator: Plain
    list_last: Plain
    list_last_or: Plain
    unmeasured: Annotated[str, _placeholders("outcomes")]


class FailureWords(_Labels):
    """Why a collaborative has no data, for a funder (no paths, no jargon)."""

    missing_tab: Annotated[str, _placeholders("tab")]
    missing_columns: Plain
    unreadable: Plain


class ChartText(_Labels):
    """A chart's title (drawn in the picture) and caption (under it)."""

    title: Plain
    caption: Annotated[str, _placeholders("where", "period")]


class ChartWords(_Labels):
    """Every chart's title and caption, and the words drawn in the pictures."""

    across_program: Plain
    by_collaborative: Plain
    components: ChartText
    strategies: ChartText
    sectors: ChartText
    funding: ChartText
    statuses: ChartText
    indicators: ChartText
    sectors_series: Plain
    indicators_series: Plain
    indicators_axis: Plain
    statuses_axis: Plain
    empty: Plain
    thousands_of_dollars: Annotated[str, _placeholders("amount")]
    millions_of_dollars: Annotated[str, _placeholders("amount")]


class AltTextWords(_Labels):
    """The pieces of a chart's alt text, which states every bar in words."""

    chart: Annotated[str, _placeholders("title", "bars")]
    empty: Annotated[str, _placeholders("title")]
    bar: Annotated[str, _placeholders("category", "values")]
    value: Annotated[str, _placeholders("value", "series")]
    bar_separator: Plain
    value_separator: Plain


def _choice_labels(choices: tuple[str, ...]) -> AfterValidator:
    """Accept a mapping with exactly one label for each of the contract's `choices`."""

    def check(labels: dict[str, str]) -> dict[str, str]:
        missing = [choice for choice in choices if choice not in labels]
        unknown = sorted(set(labels) - set(choices))
        if missing:
            raise ValueError(f"no label for {', '.join(repr(c) for c in missing)}")
        if unknown:
            raise ValueError(
                f"{', '.join(repr(c) for c in unknown)} is not a choice of the tracker; "
                f"the choices are: {', '.join(choices)}"
            )
        return {choice: labels[choice] for choice in choices}  # the contract's order

    return AfterValidator(check)


class ChoiceWords(_Labels):
    """The tracker's fixed choices as the report prints them, keyed by the choice itself.

    The key is the choice exactly as the tracker contract spells it (what the
    tracker holds and the figures are keyed by); the value is what the report
    prints. In English most values are the key itself.
    """

    core_components: Annotated[dict[str, Plain], _choice_labels(CORE_COMPONENTS)]
    strategies: Annotated[dict[str, Plain], _choice_labels(STRATEGIES)]
    sectors: Annotated[dict[str, Plain], _choice_labels(SECTORS)]
    source_types: Annotated[dict[str, Plain], _choice_labels(SOURCE_TYPES)]
    milestone_types: Annotated[dict[str, Plain], _choice_labels(MILESTONE_TYPES)]
    milestone_levels: Annotated[dict[str, Plain], _choice_labels(MILESTONE_LEVELS)]
    lesson_kinds: Annotated[dict[str, Plain], _choice_labels(LESSON_KINDS)]
    outcomes: Annotated[dict[str, Plain], _choice_labels(OUTCOMES)]
    units: Annotated[dict[str, Plain], _choice_labels(UNITS)]


def _locale(name: str) -> str:
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError) as error:
        raise ValueError(f"{name!r} is not a locale Babel knows, such as en_US or es_US") from error
    return name


class GridWords(_Labels):
    """A month of the data-quality grid: its state in words, and the symbol in its cell."""

    on_time: Plain
    late: Plain
    missing: Plain
    not_due: Plain


class SeverityWords(_Labels):
    """An issue's severity as the data-quality report's tables print it."""

    structural: Plain
    error: Plain
    warning: Plain
    privacy: Plain


class QualityWords(_Labels):
    """The words the code places into the data-quality report and its per-collaborative pages.

    Their headings and sentences are in the templates (`data-quality-report.*`).
    """

    document_title: Annotated[str, _placeholders("date")]
    page_document_title: Annotated[str, _placeholders("collaborative", "date")]
    year: Annotated[str, _placeholders("number")]
    grid_month: Annotated[str, _placeholders("month", "year")]
    states: GridWords
    symbols: GridWords
    none: Plain
    whole_tracker: Plain
    row: Annotated[str, _placeholders("row")]
    status_new: Plain
    status_open: Annotated[str, _placeholders("month")]
    status_acknowledged: Annotated[str, _placeholders("reason")]
    severities: SeverityWords
    more_failed: Annotated[str, _placeholders("count")]
    more_with_issues: Annotated[str, _placeholders("count")]
    more_without_issues: Annotated[str, _placeholders("count")]
    more_changes: Annotated[str, _placeholders("count")]


class ReportLabels(_Labels):
    """Everything in one `labels.<language>.yaml`."""

    locale: Annotated[str, AfterValidator(_locale)]
    report: ReportWords
    dates: DateWords
    periods: PeriodWords
    values: ValueWords
    rows: RowLabels
    statuses: StatusWords
    overview: OverviewWords
    summary_text: SummaryTextWords
    notes: NoteWords
    outcomes: OutcomeWords
    failures: FailureWords
    charts: ChartWords
    alt_text: AltTextWords
    choices: ChoiceWords

    quality: QualityWords
    suppression_legend: list[
        Annotated[str, _placeholders("suppressed", "not_available", "small_denominator")]
    ] = Field(min_length=1)


def labels_path(language: str = DEFAULT_LANGUAGE, templates: Path = TEMPLATES_DIR) -> Path:
    """Where the labels of a language live: `labels.<language>.yaml` beside the templates.

    Raises:
        LabelsError: The language is not a language code (`en`, `es`, `es-MX`).
    """
    if not _LANGUAGE.fullmatch(language):
        raise LabelsError(f"{language!r} is not a language code such as 'en' or 'es'")
    return templates / f"labels.{language}.yaml"


def load_labels(language: str = DEFAULT_LANGUAGE, templates: Path = TEMPLATES_DIR) -> ReportLabels:
    """Read the labels of one language.

    Args:
        language: The language code; the file is `labels.<language>.yaml`.
        templates: The folder of the templates and labels files.

    Returns:
        The labels, every key present and checked.

    Raises:
        LabelsError: The file is missing, is not YAML, lacks a key, has an unknown key,
            or a label uses a placeholder it may not; the message names file and key.
    """
    path = labels_path(language, templates)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise LabelsError(f"{path}: no labels file for language {language!r}") from error
    except yaml.YAMLError as error:
        raise LabelsError(f"{path}: not valid YAML: {error}") from error
    try:
        labels = ReportLabels.model_validate(data)
    except ValidationError as error:
        raise LabelsError.from_validation(path, error) from error
    if labels.report.document_language:
        return labels
    tag = word_language(language)
    report = labels.report.model_copy(update={"document_language": tag})
    return labels.model_copy(update={"report": report})


def word_language(language: str) -> str:
    """The Word language tag (`en-US`) of a labels language code (`en`, `es-MX`)."""
    return WORD_LANGUAGES.get(language, language)
