"""Publishing a reviewed run: the finals of its funder reports, made and handed over.

`publish_run` is what `stc-report publish` (interface.md) and the approval flow do,
and the only way anything is uploaded. In the run folder, under its lock:

1. It reads what the run wrote: `manifest.json`, and from it `rollups.json` and
   `report-texts.json` (the texts the reports print and the day they were made), each
   checked against the SHA-256 the manifest recorded. A folder that is not a run, or
   whose figures changed since, is refused (`PublishRunError`) and nothing happens.
2. For each funder report the run wrote, the draft a person reviewed must be in
   `reports/` with the SHA-256 the manifest recorded; a missing or edited draft
   refuses that report alone.
3. It renders the drafts again from those inputs and requires them byte for byte
   equal to the reviewed drafts (rendering is reproducible), then renders the finals:
   the same documents without the draft marks. So a final is exactly the reviewed
   draft without its marks; a program, template or labels change since the run
   refuses the report instead of publishing something nobody reviewed.
4. The publisher (Drive, or `RUN_DIR/final/`) gets the finals; then `published.json`
   gets one new entry for this publish (who, when, note, each file's id, link and
   SHA-256, and why any report was not published), written atomically through the
   folder's transaction. Earlier entries are kept. A report that was not published
   is never recorded as published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from stc_reporting.figures.document import Rollups
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.outputs.folder import FolderSession, OutputFolder
from stc_reporting.outputs.publishing import PublishedFile, Publisher
from stc_reporting.outputs.writer import MANIFEST, WrittenFile, json_bytes, read_manifest
from stc_reporting.reports.document import DocumentKind, RenderedDocument
from stc_reporting.reports.funder import render_reports_from
from stc_reporting.reports.texts import REPORT_TEXTS_FILE, ReportTexts, read_report_texts

PUBLISHED_FILE = "published.json"
REPORT_KINDS = frozenset(
    {DocumentKind.PROGRAM_REPORT.value, DocumentKind.COLLABORATIVE_REPORT.value}
)
EXIT_PUBLISHED, EXIT_SOME_FAILED = 0, 1


class PublishRunError(Exception):
    """The folder cannot be published at all (not a run, changed figures); nothing was done."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublishedReport(_Record):
    """One final as published: where it is and what exactly it was.

    Attributes:
        file: The report's path in the run folder (its draft: `reports/<name>.docx`).
        id: Its id where it landed (a Drive file id, or its name in `final/`).
        link: The address a person opens.
        sha256: The SHA-256 of the final published.
        draft_sha256: The SHA-256 of the draft that was reviewed (as in `manifest.json`).
    """

    file: str
    id: str
    link: str
    sha256: str
    draft_sha256: str


class Publication(_Record):
    """One `stc-report publish` (or approval): who, when, where, and what was published.

    Attributes:
        published_at: When, with the time zone.
        reviewer: Who reviewed and approved the drafts.
        note: The reviewer's note, if any.
        as_of: The run's "data as of" day.
        manifest_sha256: The SHA-256 of the run's `manifest.json` (which run this was).
        destination: Where the finals went (a Drive folder id, a local folder).
        files: Every final published.
        not_published: Why each other report of the run was not published.
    """

    published_at: datetime
    reviewer: str
    note: str | None
    as_of: date
    manifest_sha256: str
    destination: str
    files: list[PublishedReport]
    not_published: list[str]


class PublishedHistory(_Record):
    """`published.json`: every publication of the run folder, oldest first."""

    publications: list[Publication] = []


@dataclass
class PublishResult:
    """What a publish did.

    Attributes:
        destination: Where the finals went, in words.
        publication: The entry added to `published.json` (None: nothing was published).
        failures: Why each report of the run was not published.
    """

    destination: str
    publication: Publication | None
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every report was published, 1 when some was not (interface.md)."""
        return EXIT_SOME_FAILED if self.failures else EXIT_PUBLISHED


@dataclass(frozen=True)
class _Run:
    """What a run wrote that publishing needs, checked against its manifest."""

    manifest_sha256: str
    rollups: Rollups
    texts: ReportTexts
    reports: list[WrittenFile]


def publish_run(
    run_dir: Path,
    publisher: Publisher,
    reviewer: str,
    note: str | None = None,
    *,
    templates: Path = TEMPLATES_DIR,
    now: datetime | None = None,
    wait_seconds: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> PublishResult:
    """Publish the finals of the reviewed run in `run_dir` (see the module docstring).

    Args:
        run_dir: The run's output folder (`stc-report run --out`).
        publisher: Where the finals go (`publisher_factory.publisher_for`).
        reviewer: Who reviewed the drafts and approves them.
        note: The reviewer's note, recorded with the publication.
        templates: Folder of the Word templates and labels (the run's, normally).
        now: The time recorded (default: now).
        wait_seconds: How long to wait for a run writing into the folder.
        on_wait: Told once, in a sentence, when publishing has to wait for a run.

    Returns:
        What was published and why any report was not.

    Raises:
        PublishRunError: Not a run folder, its figures changed, or `published.json`
            cannot be read; nothing was published.
        FolderBusyError: A run kept the folder for longer than `wait_seconds`.
    """
    reviewer = reviewer.strip()
    if not reviewer:
        raise PublishRunError("--reviewer must name the person who reviewed the drafts")
    if not (run_dir / MANIFEST).is_file():
        raise PublishRunError(
            f"{run_dir} has no {MANIFEST}: it is not the output folder of a run "
            "(give the --out folder of `stc-report run`)"
        )
    holder = f"stc-report publish (reviewer {reviewer})"
    with OutputFolder(run_dir).open(holder, wait_seconds, on_wait) as session:
        run = _read_run(run_dir)
        history = _read_history(run_dir)
        reviewed, failures = _reviewed_drafts(run_dir, run.reports)
        finals, render_failures = _finals(run, reviewed, templates)
        failures += render_failures
        with session.scratch() as scratch:
            staged = [_stage(scratch, final) for final in finals]
            outcome = publisher.publish(scratch, staged)
        failures += outcome.failures
        result = PublishResult(publisher.destination, None, failures)
        if outcome.published:
            result.publication = Publication(
                published_at=now or datetime.now().astimezone().replace(microsecond=0),
                reviewer=reviewer,
                note=note or None,
                as_of=run.rollups.as_of,
                manifest_sha256=run.manifest_sha256,
                destination=publisher.destination,
                files=_published_reports(run, outcome.published),
                not_published=failures,
            )
            _record(session, history, result.publication)
        return result


# --- Reading the run ----------------------------------------------------------------------


def _read_run(run_dir: Path) -> _Run:
    manifest_bytes = _read(run_dir / MANIFEST, "its manifest")
    try:
        files = read_manifest(manifest_bytes)
    except ValidationError as error:
        raise PublishRunError(f"{run_dir / MANIFEST} cannot be read: {error}") from error
    by_kind = {f.kind: f for f in files if f.kind not in REPORT_KINDS}
    rollups_entry = by_kind.get(DocumentKind.ROLLUPS.value)
    texts_entry = by_kind.get(DocumentKind.REPORT_TEXTS.value)
    if rollups_entry is None or texts_entry is None:
        raise PublishRunError(
            f"the run in {run_dir} did not keep rollups.json and {REPORT_TEXTS_FILE} "
            "(a run of an older version): run it again, review the new drafts, then publish"
        )
    try:
        rollups = Rollups.model_validate_json(_checked(run_dir, rollups_entry))
        texts = read_report_texts(_checked(run_dir, texts_entry))
    except ValidationError as error:
        raise PublishRunError(f"the run in {run_dir} cannot be read back: {error}") from error
    reports = [f for f in files if f.kind in REPORT_KINDS]
    if not reports:
        raise PublishRunError(f"the run in {run_dir} made no funder reports: nothing to publish")
    return _Run(hashlib.sha256(manifest_bytes).hexdigest(), rollups, texts, reports)


def _checked(run_dir: Path, entry: WrittenFile) -> bytes:
    """A file of the run, refused unless it is exactly as the run wrote it."""
    content = _read(run_dir / entry.path, entry.path)
    if hashlib.sha256(content).hexdigest() != entry.sha256:
        raise PublishRunError(
            f"{run_dir / entry.path} changed after the run wrote it (its SHA-256 is not the "
            f"one in {MANIFEST}): run again, review the new drafts, then publish"
        )
    return content


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise PublishRunError(f"{what} ({path}) cannot be read: {error.strerror}") from error


def _read_history(run_dir: Path) -> PublishedHistory:
    """The publications so far; a damaged file stops the publish before anything is uploaded."""
    path = run_dir / PUBLISHED_FILE
    if not path.exists():
        return PublishedHistory()
    try:
        return PublishedHistory.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as error:
        raise PublishRunError(
            f"{path} cannot be read ({error}); it records what was published before, so "
            "nothing is published until it is repaired or moved away"
        ) from error


# --- The drafts and the finals ----------------------------------------------------------


def _reviewed_drafts(
    run_dir: Path, reports: Sequence[WrittenFile]
) -> tuple[dict[str, bytes], list[str]]:
    """The drafts still exactly as the run wrote them, by path; a message for each other one."""
    unchanged: dict[str, bytes] = {}
    failures: list[str] = []
    for report in reports:
        try:
            content = (run_dir / report.path).read_bytes()
        except OSError:
            failures.append(
                f"{report.path} was not published: the reviewed draft is missing from "
                f"{run_dir}; run again, review the new draft, then publish"
            )
            continue
        if hashlib.sha256(content).hexdigest() != report.sha256:
            failures.append(
                f"{report.path} was not published: the draft changed after the run wrote it "
                f"(its SHA-256 is not the one in {MANIFEST}), so it is not the draft the run "
                "made; run again, review the new draft, then publish"
            )
            continue
        unchanged[report.path] = content
    return unchanged, failures


def _finals(
    run: _Run, reviewed: dict[str, bytes], templates: Path
) -> tuple[list[RenderedDocument], list[str]]:
    """The final of each reviewed draft, made only when its draft renders identically."""
    if not reviewed:
        return [], []
    drafts = render_reports_from(run.rollups, run.texts, templates, is_draft=True)
    finals = render_reports_from(run.rollups, run.texts, templates, is_draft=False)
    draft_of = {d.path: d for d in drafts.documents}
    final_of = {f.path: f for f in finals.documents}
    made, failures = [], []
    for path, reviewed_content in reviewed.items():
        draft, final = draft_of.get(path), final_of.get(path)
        if draft is None or final is None:
            reasons = "; ".join(drafts.failures + finals.failures) or "it was not made"
            failures.append(f"{path} was not published: its final cannot be made ({reasons})")
        elif draft.content != reviewed_content:
            failures.append(
                f"{path} was not published: rendered again from the run's figures it "
                "differs from the reviewed draft (the program, its templates or labels "
                "changed since the run); run again, review the new draft, then publish"
            )
        else:
            made.append(final)
    return made, failures


def _stage(folder: Path, final: RenderedDocument) -> WrittenFile:
    """Write a final into the scratch folder and describe it for the publisher."""
    path = folder / final.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(final.content)
    return WrittenFile(
        path=final.path,
        kind=final.kind.value,
        collaborative=final.collaborative,
        sha256=hashlib.sha256(final.content).hexdigest(),
        bytes=len(final.content),
    )


def _published_reports(run: _Run, published: Sequence[PublishedFile]) -> list[PublishedReport]:
    draft_sha256 = {report.path: report.sha256 for report in run.reports}
    return [
        PublishedReport(
            file=p.path, id=p.id, link=p.link, sha256=p.sha256, draft_sha256=draft_sha256[p.path]
        )
        for p in published
    ]


def _record(session: FolderSession, history: PublishedHistory, publication: Publication) -> None:
    """Append the publication to `published.json`, atomically, keeping every earlier one."""
    updated = PublishedHistory(publications=[*history.publications, publication])
    with session.transaction() as transaction:
        transaction.put(PUBLISHED_FILE, json_bytes(updated.model_dump(mode="json")))
        transaction.commit()
