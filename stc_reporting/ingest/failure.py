"""Why a collaborative's tracker cannot report this run, as data.

Reading decides the kind once; the rollups entry carries it, and every wording
(the funder reports' "Data unavailable" note, the data-quality report) picks its
sentence by kind instead of parsing the English reason back.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class FailureKind(StrEnum):
    """What stopped a tracker from reporting."""

    MISSING_TAB = "missing-tab"
    """A required tab is missing (this wins when columns are missing too)."""
    MISSING_COLUMNS = "missing-columns"
    """Every required tab is there, but some lack required columns."""
    UNREADABLE = "unreadable"
    """The tracker could not be fetched or opened at all."""


class TrackerFailure(BaseModel):
    """Why a tracker cannot report.

    Attributes:
        kind: What stopped it.
        tabs: The tabs concerned, in tracker-format order: the missing tabs
            (missing-tab), or the tabs missing columns (missing-columns); empty
            when the tracker is unreadable.
        reason: The whole story in plain words, for people who fix trackers
            (no personal data, no paths).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FailureKind
    tabs: tuple[str, ...] = ()
    reason: str
