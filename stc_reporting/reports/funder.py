"""Rendering the funder reports of a run: .docx documents for `<out>/reports/`.

One program report (only when the run covers every collaborative) and one report
per `ok` collaborative. A report that fails to render fails alone, with a message,
and yields no document; the others are made (and the writer keeps the earlier draft).
Nothing is written here: the output writer writes what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from stc_reporting.config import DEFAULT_LANGUAGE, CollaborativeConfig
from stc_reporting.figures.document import Rollups
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports.context import build_report_context
from stc_reporting.reports.context_models import ReportContext
from stc_reporting.reports.document import (
    REPORTS_FOLDER,
    DocumentKind,
    RenderedDocument,
    RenderedReports,
)
from stc_reporting.reports.labels import LabelsError, ReportLabels, load_labels
from stc_reporting.reports.people_counts import people_suppression
from stc_reporting.reports.pool import render_jobs
from stc_reporting.reports.render import ReportRenderError, render_report
from stc_reporting.reports.texts import (
    REPORT_TEXTS_FILE,
    ProgramTexts,
    ReportTexts,
    collect_report_texts,
    report_texts_json,
)

PROGRAM_TEMPLATE = "program-report.docx"
COLLABORATIVE_TEMPLATE = "collaborative-report.docx"
REPORTS_FOR_A_POOL = 12
"""From this many reports, worker processes help render them: below, a worker's start
(about 1.5 CPU seconds) costs more than it saves on a busy machine (the samples make 6)."""


def template_path(templates: Path, name: str, language: str) -> Path:
    """The Word template of a report in a language: `name` in English, else `<stem>.<language>`.

    Raises:
        ReportRenderError: There is no template in that language (the message names the file).
    """
    if language == DEFAULT_LANGUAGE:
        return templates / name
    path = templates / f"{Path(name).stem}.{language}.docx"
    if not path.is_file():
        raise ReportRenderError(f"no template for language {language!r}: {path.name} is missing")
    return path


def report_path(collaborative: str | None) -> str:
    """Where a report goes under `--out` (ids are validated `[a-z0-9-]+`, so safe)."""
    name = "program-report" if collaborative is None else f"collaborative-{collaborative}"
    return f"{REPORTS_FOLDER}/{name}.docx"


def render_funder_reports(
    rollups: Rollups,
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
    made_on: date,
    templates: Path = TEMPLATES_DIR,
    is_draft: bool = True,
    program_report: bool = True,
    language: str = DEFAULT_LANGUAGE,
    program_texts: ProgramTexts | None = None,
    narratives: Mapping[str, str] | None = None,
) -> RenderedReports:
    """Render the program report and every ok collaborative's report.

    Args:
        rollups: The run's rollups document.
        collaboratives: The run's collaboratives, config order.
        trackers: Their trackers as read (for shareable texts).
        issues: Every issue (rows in error never reach a report).
        made_on: The day the reports are made.
        templates: Folder of the Word templates and the labels files.
        is_draft: Drafts for review (draft marks on cover, footer and properties), or
            the final versions: the same documents without the marks.
        program_report: Make the program report (False for a run that covers only
            some collaboratives: it would not be the program's).
        language: The program's language (the program report's, and each collaborative
            report's unless its config entry names another): labels are
            `labels.<language>.yaml`, templates `<name>.<language>.docx` (`<name>.docx`
            in English).
        program_texts: Who runs the program, whom it supports, the program's narrative.
        narratives: Each collaborative's narrative by id (`narratives.yaml`).

    Returns:
        The documents made, a message for each report that failed, and
        `report-texts.json` (in `inputs`): what else the reports were made from.
    """
    written = narratives or {}
    texts = ReportTexts(
        made_on=made_on,
        language=language,
        program_report=program_report,
        collaboratives={
            identifier: replace(found, narrative=written.get(identifier, ""))
            for identifier, found in collect_report_texts(collaboratives, trackers, issues).items()
        },
        languages={c.id: c.language or language for c in collaboratives},
        program=program_texts or ProgramTexts(),
    )
    result = render_reports_from(rollups, texts, templates, is_draft=is_draft)
    result.inputs.append(
        RenderedDocument(
            REPORT_TEXTS_FILE, DocumentKind.REPORT_TEXTS, None, report_texts_json(texts)
        )
    )
    return result


def render_reports_from(
    rollups: Rollups,
    texts: ReportTexts,
    templates: Path = TEMPLATES_DIR,
    is_draft: bool = True,
) -> RenderedReports:
    """Render the funder reports from a run's figures and texts (`stc-report publish` too).

    Args:
        rollups: The run's rollups document.
        texts: The printable texts, the day made, the language, and whether the
            program report is made (`report-texts.json`).
        templates: Folder of the Word templates and the labels files.
        is_draft: Drafts for review, or the final versions without the draft marks.

    Returns:
        The documents made and a message for each report that failed.
    """
    result = RenderedReports()
    jobs: list[tuple[str | None, str]] = [(None, PROGRAM_TEMPLATE)] if texts.program_report else []
    jobs += [(cid, COLLABORATIVE_TEMPLATE) for cid in rollups.reporting]
    wordings: dict[str, ReportLabels] = {}
    for language in sorted({texts.language_of(collaborative) for collaborative, _ in jobs}):
        try:
            wordings[language] = load_labels(language, templates)
        except LabelsError as error:
            result.failures.append(f"no report was made: {error}")
            return result
    try:
        hidden = people_suppression(rollups)
    except AssertionError as error:  # a bug: no report may print an unsafe number
        result.failures.append(f"no report was made: small-number suppression failed ({error})")
        return result
    outcomes: list[FunderReportJob | _NotMade] = []
    for collaborative, template in jobs:
        relative = report_path(collaborative)
        language = texts.language_of(collaborative)
        try:
            path = template_path(templates, template, language)
            context = build_report_context(
                rollups,
                texts.collaboratives,
                collaborative,
                texts.made_on,
                wordings[language],
                hidden,
                is_draft=is_draft,
                program_texts=texts.program,
            )
        except Exception as error:
            outcomes.append(_NotMade(relative, str(error)))
            continue
        outcomes.append(FunderReportJob(relative, collaborative, path, context))
    _render(outcomes, result)
    return result


@dataclass(frozen=True)
class FunderReportJob:
    """One funder report to render, with all it needs (a worker process renders it).

    Attributes:
        path: Where it goes under `--out`.
        collaborative: Whose report it is; None for the program report.
        template: Its Word template.
        context: Its finished context.
    """

    path: str
    collaborative: str | None
    template: Path
    context: ReportContext

    def render(self) -> list[RenderedDocument]:
        """Render the report's .docx."""
        kind = (
            DocumentKind.PROGRAM_REPORT
            if self.collaborative is None
            else DocumentKind.COLLABORATIVE_REPORT
        )
        content = render_report(self.template, self.context)
        return [RenderedDocument(self.path, kind, self.collaborative, content)]


@dataclass(frozen=True)
class _NotMade:
    """A report whose context could not be made: where it would go, and why."""

    path: str
    error: str


def _render(outcomes: Sequence[FunderReportJob | _NotMade], result: RenderedReports) -> None:
    """Render the jobs (in a pool when there are enough); keep each report's place in order."""
    jobs = [outcome for outcome in outcomes if isinstance(outcome, FunderReportJob)]
    rendered = iter(render_jobs(jobs, pool_from=REPORTS_FOR_A_POOL))
    for outcome in outcomes:
        error = outcome.error if isinstance(outcome, _NotMade) else None
        if isinstance(outcome, FunderReportJob):
            made = next(rendered)
            error = made.error
            result.documents.extend(made.documents)
        if error is not None:
            result.failures.append(f"{outcome.path} was not made: {error}")
