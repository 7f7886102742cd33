"""What a run produced, for the CLI's closing lines and the flow's return value."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from stc_reporting.figures.document import FailedCollaborative, Rollups
from stc_reporting.outputs.writer import WrittenFile


class CollaborativeSummary(BaseModel):
    """One collaborative's outcome: counts only, never tracker text."""

    id: str
    name: str
    status: str
    reason: str | None = None
    errors: int = 0
    warnings: int = 0
    privacy: int = 0
    rows_excluded: int = 0


class RunSummary(BaseModel):
    """A run's outcome.

    Attributes:
        out_dir: Where the outputs were written.
        as_of: The data-as-of date (ISO).
        collaboratives: Each selected collaborative's outcome, config order.
        files: Paths written, relative to `out_dir`.
    """

    out_dir: str
    as_of: str
    collaboratives: list[CollaborativeSummary]
    files: list[str]
    report_failures: list[str] = []

    @property
    def failed(self) -> list[CollaborativeSummary]:
        """Collaboratives that could not report."""
        return [c for c in self.collaboratives if c.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every selected collaborative reported, 1 when any failed or lost its report."""
        return 1 if self.failed or self.report_failures else 0


def summarise_run(
    rollups: Rollups,
    out_dir: str,
    files: Sequence[WrittenFile],
    report_failures: Sequence[str] = (),
) -> RunSummary:
    """Summarise a run from its rollups document, the files it wrote and failed reports."""
    collaboratives = [
        CollaborativeSummary(
            id=identifier,
            name=entry.name,
            status=entry.status,
            reason=entry.reason if isinstance(entry, FailedCollaborative) else None,
            errors=entry.data_quality.errors,
            warnings=entry.data_quality.warnings,
            privacy=entry.data_quality.privacy,
            rows_excluded=entry.data_quality.rows_excluded,
        )
        for identifier, entry in rollups.collaboratives.items()
    ]
    return RunSummary(
        out_dir=out_dir,
        as_of=rollups.as_of.isoformat(),
        collaboratives=collaboratives,
        files=[f.path for f in files],
        report_failures=list(report_failures),
    )
