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
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from stc_reporting.locations import TEMPLATES_DIR

DEFAULT_LANGUAGE = "en"
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


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


class DateWords(_Labels):
    """Month names and the order of day, month and year."""

    months: tuple[Plain, ...] = Field(min_length=12, max_length=12)
    months_short: tuple[Plain, ...] = Field(min_length=12, max_length=12)
    long: Annotated[str, _placeholders("day", "month", "year")]
    short: Annotated[str, _placeholders("day", "month", "year")]
    month_year: Annotated[str, _placeholders("month", "year")]


class PeriodWords(_Labels):
    """Period names, the change heading, and the cover's notes on a period."""

    year: Annotated[str, _placeholders("number")]
    years: Annotated[str, _placeholders("first", "last")]
    change: Annotated[str, _placeholders("first", "last")]
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
    """The program report's overview and status tables."""

    reporting: Plain
    data_unavailable: Plain
    not_started: Plain
    program_total: Plain


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


class AltTextWords(_Labels):
    """The pieces of a chart's alt text, which states every bar in words."""

    chart: Annotated[str, _placeholders("title", "bars")]
    empty: Annotated[str, _placeholders("title")]
    bar: Annotated[str, _placeholders("category", "values")]
    value: Annotated[str, _placeholders("value", "series")]
    bar_separator: Plain
    value_separator: Plain


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


class ReportLabels(_Labels):
    """Everything in one `labels.<language>.yaml`."""

    report: ReportWords
    dates: DateWords
    periods: PeriodWords
    values: ValueWords
    rows: RowLabels
    statuses: StatusWords
    overview: OverviewWords
    failures: FailureWords
    charts: ChartWords
    alt_text: AltTextWords
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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise LabelsError(f"{path}: no labels file for language {language!r}") from error
    except yaml.YAMLError as error:
        raise LabelsError(f"{path}: not valid YAML: {error}") from error
    try:
        return ReportLabels.model_validate(data)
    except ValidationError as error:
        raise LabelsError.from_validation(path, error) from error
