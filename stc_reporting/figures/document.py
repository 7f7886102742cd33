"""The typed rollups document: what `rollups.json` holds, field by field.

`rollups.json` is written from these models and read back into them
(`read_rollups`); everything downstream (reports, the data-quality report, the
run summary) takes them, never a dict. Field order is the file's key order:
each per-period model is assembled from one small model per tracker tab, and
pydantic lists the fields of the *last* base class first, so the bases below
are written from the last group of figures to the first. Counts are `int`;
money, shares and indicator values are `float`; a figure that cannot be
computed (a share of nothing, a period that has not started) is `None`.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from stc_reporting.ingest.failure import FailureKind
from stc_reporting.issues import DataQualityCounts

SCHEMA_VERSION = 1

IndicatorStatus = Literal["on track", "behind", "no target", "no data"]


class _Figures(BaseModel):
    """Figures are values: built once, never changed, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- One group of figures per tracker tab ------------------------------------


class ActivityFigures(_Figures):
    """Valid `Completed` activities dated in the period."""

    activities_completed: int
    activities_by_component: dict[str, int]
    activities_by_strategy: dict[str, int]
    participants: int
    lived_experience_participants: int
    lived_experience_share: float | None
    cross_sector_activities: int


class PartnerFigures(_Figures):
    """Valid partners active in (or new to) the period."""

    partners_active: int
    partners_active_by_sector: dict[str, int]
    partners_new: int
    sectors_engaged: list[str]
    sector_count: int
    partners_new_to_ipv: int
    formal_commitments: int


class FundingFigures(_Figures):
    """Valid funding rows dated in the period, in US dollars."""

    funding_secured_usd: float
    funding_requested_usd: float
    funding_secured_by_source_type: dict[str, float]


class MilestoneFigures(_Figures):
    """Valid `Achieved` milestones dated in the period."""

    milestones_achieved: int
    milestones_by_type: dict[str, int]


class LessonFigures(_Figures):
    """Valid lessons dated in the period."""

    lessons_by_kind: dict[str, int]
    lessons_shared: int


class IndicatorFigures(_Figures):
    """One indicator in one period: its value against its target."""

    value: float | None
    target: float | None
    pct_of_target: float | None
    status: IndicatorStatus
    baseline: float | None
    unit: str
    aggregation: str
    direction: str
    outcome: str
    measurements: int


class IndicatorEntries(_Figures):
    """Every indicator of a collaborative, by Indicator ID (never summed)."""

    indicators: dict[str, IndicatorFigures]


class IndicatorStatusCounts(_Figures):
    """How many indicators have each status."""

    indicator_status_counts: dict[str, int]


class SubmissionFigures(_Figures):
    """Monthly tracker submissions over the period's expected months."""

    months_expected: int
    months_submitted: int
    months_on_time: int
    reporting_completeness: float | None
    reporting_timeliness: float | None


class ProgramCount(_Figures):
    """How many collaboratives the program totals cover."""

    collaboratives_reporting: int


# --- Per period: a collaborative's figures and the program's totals ----------


class CollaborativeFigures(  # bases last group first: see the module docstring
    SubmissionFigures,
    IndicatorStatusCounts,
    IndicatorEntries,
    LessonFigures,
    MilestoneFigures,
    FundingFigures,
    PartnerFigures,
    ActivityFigures,
):
    """Every figure of one collaborative in one period (docs/figures.md)."""


class ProgramTotals(  # bases last group first: see the module docstring
    ProgramCount,
    SubmissionFigures,
    IndicatorStatusCounts,
    LessonFigures,
    MilestoneFigures,
    FundingFigures,
    PartnerFigures,
    ActivityFigures,
):
    """The program's figures in one period, over the collaboratives that reported."""


PeriodFigures = CollaborativeFigures | ProgramTotals
"""Either scope's figures for one period: what the report tables read."""


# --- The collaboratives -------------------------------------------------------


class ReportingCollaborative(_Figures):
    """A collaborative whose tracker was read: its figures for every period."""

    name: str
    city: str
    status: Literal["ok"] = "ok"
    data_quality: DataQualityCounts
    periods: dict[str, CollaborativeFigures | None] = Field(
        description="Figures by period label; None for a period that has not started."
    )


class FailedCollaborative(_Figures):
    """A collaborative that cannot report this run, and why."""

    name: str
    city: str
    status: Literal["failed"] = "failed"
    reason: str = Field(description="Why, in plain words (no personal data).")
    reason_kind: FailureKind = Field(description="What kind of failure, for wording by kind.")
    reason_tabs: list[str] = Field(
        description="The tabs concerned: missing ones, or those missing columns."
    )
    data_quality: DataQualityCounts
    periods: None = None


CollaborativeEntry = Annotated[
    ReportingCollaborative | FailedCollaborative, Field(discriminator="status")
]


# --- The document -------------------------------------------------------------


class Rollups(_Figures):
    """The whole of `rollups.json` (contract `rollups.md`, docs/figures.md)."""

    schema_version: int = SCHEMA_VERSION
    program: str
    funder: str
    as_of: date
    periods: dict[str, tuple[date, date]] = Field(
        description="Unclipped calendar bounds by label: each year, then the combined period."
    )
    collaboratives: dict[str, CollaborativeEntry]
    program_totals: dict[str, ProgramTotals | None]
    collaboratives_failed: list[str]

    @property
    def reporting(self) -> dict[str, ReportingCollaborative]:
        """The collaboratives that report, by id, in config order."""
        return {
            identifier: entry
            for identifier, entry in self.collaboratives.items()
            if isinstance(entry, ReportingCollaborative)
        }


def rollups_json(rollups: Rollups) -> bytes:
    """Serialise the document as `rollups.json`: key order as above, UTF-8, 2-space indent.

    The same settings as every other JSON file of a run (`outputs/writer.py`), so
    the bytes are reproducible; `allow_nan=False` refuses a NaN or infinite figure.
    """
    text = json.dumps(
        rollups.model_dump(mode="json"), indent=2, ensure_ascii=False, allow_nan=False
    )
    return (text + "\n").encode("utf-8")


def read_rollups(path: Path) -> Rollups:
    """Read a `rollups.json` back into the model (writing it again gives the same bytes).

    Raises:
        pydantic.ValidationError: The file does not match the model.
    """
    return Rollups.model_validate_json(path.read_bytes())
