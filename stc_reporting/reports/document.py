"""What a renderer hands back: a finished document, not yet written anywhere.

Renderers (funder reports, the data-quality report) return documents; the one
output writer (`outputs/writer.py`) writes every document of a run and lists it in
`manifest.json`. Keeping the bytes in memory until the writer has all of them is
what lets a run write its folder as one unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

REPORTS_FOLDER = "reports"


class DocumentKind(StrEnum):
    """The `kind` of a file in `manifest.json` (interface.md)."""

    ROLLUPS = "rollups"
    ISSUES = "issues"
    ISSUES_FOLLOWUP = "issues-followup"
    REPORT_TEXTS = "report-texts"
    PROGRAM_REPORT = "program-report"
    COLLABORATIVE_REPORT = "collaborative-report"
    DATA_QUALITY_REPORT = "data-quality-report"
    DATA_QUALITY_PAGE = "data-quality-page"
    SNAPSHOT = "snapshot"
    MANIFEST = "manifest"
    SET_ASIDE = "set-aside"
    AUDIT = "audit"


@dataclass(frozen=True)
class RenderedDocument:
    """One output file's complete content and where it goes.

    Attributes:
        path: Where it goes, relative to the run's output folder, `/`-separated.
        kind: What it is, as `manifest.json` names it.
        collaborative: The collaborative it is about, or None for the whole program.
        content: The file's bytes.
    """

    path: str
    kind: DocumentKind
    collaborative: str | None
    content: bytes = field(repr=False)


@dataclass
class RenderedReports:
    """The reports a renderer made, and a message for each one it could not make.

    Attributes:
        documents: The reports made.
        failures: A message per report that could not be made.
        inputs: Files a run writes beside the reports so their finals can be made later
            from the same inputs (`report-texts.json`); not reports themselves.
    """

    documents: list[RenderedDocument] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    inputs: list[RenderedDocument] = field(default_factory=list)
