"""What a run produced, for the CLI's closing lines and the flow's return value.

At scale (hundreds of collaboratives) a table of every collaborative is not read:
`rows_to_show` keeps a short table (failures first, then those with problems) and
counts the rest in a line or two, whose words are here, for the CLI and the run page.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from stc_reporting.figures.document import FailedCollaborative, Rollups
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.reports.document import DocumentKind
from stc_reporting.reports.funder import report_path


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


SHOWN_AT_MOST = 25
"""The most collaboratives a run's summary table lists; the others are counted."""

MORE_FAILED = "and {count} more {collaboratives} failed: the data-quality report says why"
MORE_WITH_PROBLEMS = (
    "and {count} more {collaboratives} reported with errors, warnings or privacy issues: "
    "the data-quality report counts them"
)
MORE_WITH_NO_PROBLEM = "and {count} more {collaboratives} reported with no problem"
COLLABORATIVE, COLLABORATIVES = "collaborative", "collaboratives"
FILES_IN_FOLDER = "{folder}/ ({count} files)"


class RunSummary(BaseModel):
    """A run's outcome.

    Attributes:
        out_dir: Where the outputs were written.
        as_of: The data-as-of date (ISO).
        collaboratives: Each selected collaborative's outcome, config order.
        files: Paths written, relative to `out_dir`.
        report_failures: Reports that could not be made, and why.
        notes: What the run left as it was, and why (a partial run, drafts of earlier
            runs kept, a damaged follow-up file set aside).
    """

    out_dir: str
    as_of: str
    collaboratives: list[CollaborativeSummary]
    files: list[str]
    report_failures: list[str] = []
    notes: list[str] = []

    @property
    def failed(self) -> list[CollaborativeSummary]:
        """Collaboratives that could not report."""
        return [c for c in self.collaboratives if c.status == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every selected collaborative reported, 1 when any failed or lost its report."""
        return 1 if self.failed or self.report_failures else 0


class SummaryRows(BaseModel):
    """The rows a summary table lists, and the collaboratives it only counts.

    Attributes:
        shown: The rows to list, in the order to list them.
        more: One line per group of collaboratives left out, with their number.
    """

    shown: list[CollaborativeSummary]
    more: list[str] = []


def has_problem(entry: CollaborativeSummary) -> bool:
    """Whether a collaborative failed or has an open error, warning or privacy issue."""
    return entry.status != "ok" or bool(entry.errors or entry.warnings or entry.privacy)


def rows_to_show(
    collaboratives: Sequence[CollaborativeSummary], at_most: int = SHOWN_AT_MOST
) -> SummaryRows:
    """The summary table's rows: every collaborative when they fit, else the worst first.

    Up to `at_most` collaboratives are listed as they are, in config order (a run of a
    few collaboratives looks as it always did). Beyond, the table lists failures first,
    then the collaboratives with the most errors, privacy issues and warnings, at most
    `at_most` in all, and counts the rest by what happened to them: more failures, more
    with problems, and those that reported with no problem.
    """
    if len(collaboratives) <= at_most:
        return SummaryRows(shown=list(collaboratives))
    ranked = sorted(
        (c for c in collaboratives if has_problem(c)),
        key=lambda c: (c.status == "ok", -c.errors, -c.privacy, -c.warnings),
    )
    shown, rest = ranked[:at_most], ranked[at_most:]
    failed = sum(1 for c in rest if c.status != "ok")
    counts = (
        (MORE_FAILED, failed),
        (MORE_WITH_PROBLEMS, len(rest) - failed),
        (MORE_WITH_NO_PROBLEM, len(collaboratives) - len(ranked)),
    )
    return SummaryRows(
        shown=shown,
        more=[_counted(sentence, count) for sentence, count in counts if count],
    )


def _counted(sentence: str, count: int) -> str:
    noun = COLLABORATIVE if count == 1 else COLLABORATIVES
    return sentence.format(count=f"{count:,}", collaboratives=noun)


def files_written(files: Sequence[str], at_most: int = SHOWN_AT_MOST) -> list[str]:
    """The files to name in a run's closing line: each, or per folder when there are many.

    Up to `at_most` files are named one by one; beyond, the files at the top of the run
    folder are named and each subfolder's counted (`data-quality/ (1,000 files)`).
    """
    if len(files) <= at_most:
        return list(files)
    folders: dict[str, int] = {}
    named = []
    for path in files:
        folder, slash, _ = path.partition("/")
        if slash:
            folders[folder] = folders.get(folder, 0) + 1
        else:
            named.append(path)
    return named + [
        FILES_IN_FOLDER.format(folder=folder, count=f"{count:,}")
        for folder, count in folders.items()
    ]


def summarise_run(
    rollups: Rollups,
    out_dir: str,
    files: Sequence[WrittenFile],
    report_failures: Sequence[str] = (),
    notes: Sequence[str] = (),
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
        notes=list(notes),
    )


NOTES_AT_MOST = 5
"""Report drafts named one by one in a run's notes; the rest are counted in one more note."""
NOT_MADE_MORE = "{count:,} more report drafts were not made, and there is no earlier draft of them."
KEPT_MORE = "{count:,} more report drafts are those of an earlier run, kept as they were."


def run_notes(
    folder: Path,
    rollups: Rollups,
    files: Sequence[WrittenFile],
    partial: bool,
    history_problem: str | None = None,
) -> list[str]:
    """Say what the run left as it was, so nobody mistakes an earlier draft for this run's.

    Args:
        folder: The output folder, after the run's commit.
        rollups: The run's rollups document (its collaboratives and their status).
        files: The files the run wrote.
        partial: The run covered only some of the config's collaboratives.
        history_problem: Why the earlier follow-up file could not be used, if so.

    Returns:
        Plain sentences, most important first.
    """
    written = {f.path for f in files}
    entries = rollups.collaboratives
    notes = []
    if history_problem:
        aside = [f.path for f in files if f.kind == DocumentKind.SET_ASIDE]
        kept = f"; it was kept as {aside[0]}" if aside else ""
        notes.append(
            f"{history_problem}{kept}. Issues were compared as if there were no earlier run."
        )
    if partial:
        notes.append(
            f"This run covers only {', '.join(entries)}: rollups.json, audit.xlsx, issues.csv, the "
            "data-quality report and manifest.json are about them alone. The program report, "
            "the other collaboratives' report drafts and their issue follow-up were left as "
            "they were."
        )
    expected: list[str | None] = [] if partial else [None]
    not_made: list[str] = []
    kept_earlier: list[str] = []
    for collaborative in [*expected, *entries]:
        path = report_path(collaborative)
        failed = collaborative is not None and entries[collaborative].status == "failed"
        if path in written:
            continue
        if not (folder / path).is_file():
            if not failed:
                not_made.append(f"{path} was not made, and there is no earlier draft of it.")
            continue
        why = (
            f"{entries[collaborative].name} failed"
            if failed and collaborative
            else "it could not be remade"
        )
        kept_earlier.append(
            f"{path} is the draft of an earlier run, kept as it was: {why} this time."
        )
    notes.extend(_at_most(kept_earlier, KEPT_MORE))
    notes.extend(_at_most(not_made, NOT_MADE_MORE))
    return notes


def _at_most(notes: list[str], more: str) -> list[str]:
    """The first `NOTES_AT_MOST` notes, then one counting the others (a run of 500)."""
    if len(notes) <= NOTES_AT_MOST:
        return notes
    return [*notes[:NOTES_AT_MOST], more.format(count=len(notes) - NOTES_AT_MOST)]
