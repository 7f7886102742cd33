"""Writing the funder reports of a run as .docx drafts under `<out>/reports/`.

One program report (only when the run covers every collaborative) and one report
per `ok` collaborative. A report that fails to render fails alone, with a message,
and is not written; the others are. Nothing is ever removed: the output folder's
transaction (`outputs.folder`) keeps whatever a run does not replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from stc_reporting.config import CollaborativeConfig
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.outputs.writer import WrittenFile, write_output
from stc_reporting.reports.context import build_report_context, people_suppression
from stc_reporting.reports.render import render_report
from stc_reporting.reports.texts import collect_report_texts

PROGRAM_TEMPLATE = "program-report.docx"
COLLABORATIVE_TEMPLATE = "collaborative-report.docx"
REPORTS_FOLDER = "reports"


@dataclass
class ReportsWritten:
    """The reports a run wrote, and the ones it could not make."""

    files: list[WrittenFile] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def report_path(collaborative: str | None) -> str:
    """Where a report goes under `--out` (ids are validated `[a-z0-9-]+`, so safe)."""
    name = "program-report" if collaborative is None else f"collaborative-{collaborative}"
    return f"{REPORTS_FOLDER}/{name}.docx"


def make_reports(
    out_dir: Path,
    rollups: dict[str, Any],
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
    made_on: date,
    templates: Path = TEMPLATES_DIR,
    program_report: bool = True,
) -> ReportsWritten:
    """Render and write the program report and every ok collaborative's report.

    Args:
        out_dir: The run's output folder.
        rollups: The run's rollups document.
        collaboratives: The run's collaboratives, config order.
        trackers: Their trackers as read (for shareable texts).
        issues: Every issue (rows in error never reach a report).
        made_on: The day the reports are made.
        templates: Folder of the Word templates.
        program_report: Make the program report (False for a run that covers only
            some collaboratives: it would not be the program's).

    Returns:
        The files written and a message for each report that failed.
    """
    texts = collect_report_texts(collaboratives, trackers, issues)
    result = ReportsWritten()
    try:
        hidden = people_suppression(rollups)
    except AssertionError as error:  # a bug: no report may print an unsafe number
        result.failures.append(f"no report was made: small-number suppression failed ({error})")
        return result
    jobs: list[tuple[str | None, str]] = [(None, PROGRAM_TEMPLATE)] if program_report else []
    jobs += [
        (cid, COLLABORATIVE_TEMPLATE)
        for cid, entry in rollups["collaboratives"].items()
        if entry["status"] == "ok"
    ]
    for collaborative, template in jobs:
        relative = report_path(collaborative)
        try:
            context = build_report_context(rollups, texts, collaborative, made_on, hidden)
            content = render_report(templates / template, context)
        except Exception as error:
            result.failures.append(f"{relative} was not made: {error}")
            continue
        kind = "program-report" if collaborative is None else "collaborative-report"
        result.files.append(write_output(out_dir, relative, content, kind, collaborative))
    return result
