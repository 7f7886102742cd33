"""What a run's page in the Prefect UI shows: its outcome, issue counts, links, approval.

Plain text and tables only (the flow turns them into artifacts and the approval form);
counts, names, rule ids and file names, never a tracker's cell (docs/privacy.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from stc_reporting.figures.document import Rollups
from stc_reporting.issues import Issue, Severity
from stc_reporting.outputs.summary import (
    SHOWN_AT_MOST,
    CollaborativeSummary,
    RunSummary,
    rows_to_show,
)
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.reports.document import DocumentKind
from stc_reporting.reports.formatting import fmt_money

# What the run page links to, in the order it lists them, and what the links say.
_LINKED_KINDS = {
    DocumentKind.PROGRAM_REPORT: "Program report (draft)",
    DocumentKind.COLLABORATIVE_REPORT: "Report draft",
    DocumentKind.DATA_QUALITY_REPORT: "Data-quality report",
    DocumentKind.DATA_QUALITY_PAGE: "Data-quality page",
}
_DRAFT_KINDS = frozenset({DocumentKind.PROGRAM_REPORT, DocumentKind.COLLABORATIVE_REPORT})
# Kinds of which the run links the HTML page only (the .docx is beside it).
_HTML_ONLY = frozenset({DocumentKind.DATA_QUALITY_REPORT, DocumentKind.DATA_QUALITY_PAGE})


@dataclass(frozen=True)
class RunLink:
    """A file of the run a person opens from the UI.

    Attributes:
        key: The artifact key: the same for the same file in every run (history).
        text: What the link says.
        url: Where it goes (`file://` on the outputs share, or a Drive address).
        kind: What the file is.
        name: The collaborative it is about, or '' for the whole program.
    """

    key: str
    text: str
    url: str
    kind: DocumentKind
    name: str = ""


def file_address(path: Path) -> str:
    """A `file://` address: opens from a file browser on the outputs share."""
    return path.resolve().as_uri()


def served_address(root: Path, base_url: str) -> Callable[[Path], str]:
    """Addresses under `base_url`, where a web server serves the outputs root.

    Args:
        root: The outputs root the web server serves.
        base_url: Its address (`https://reports.example.org/stc/`).
    """

    def address(path: Path) -> str:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
        return base_url.rstrip("/") + "/" + quote(relative)

    return address


def run_links(
    run_dir: Path,
    files: Sequence[WrittenFile],
    names: dict[str, str],
    shared: dict[str, str] | None = None,
    address: Callable[[Path], str] = file_address,
) -> list[RunLink]:
    """Links to the run's report drafts and data-quality pages, program report first.

    The internal data-quality report comes after the drafts, then each
    collaborative's own data-quality page (the one to forward to it).

    Args:
        run_dir: The run's folder.
        files: What the run wrote.
        names: Collaborative id to name, for the links' words.
        shared: A file's path to its address in the Drive drafts folder, where it was
            put there; other files are linked by `address`.
        address: A file's address on the outputs share (`file://` unless the outputs
            root is served on the web: `served_address`).
    """
    order = list(_LINKED_KINDS)
    ranked = []
    for written in shared_files(files):
        kind = DocumentKind(written.kind)
        who = names.get(written.collaborative or "", "")
        text = f"{_LINKED_KINDS[kind]}: {who}" if who else _LINKED_KINDS[kind]
        stem = Path(written.path).stem
        key = {
            DocumentKind.COLLABORATIVE_REPORT: f"draft-{stem}",
            DocumentKind.DATA_QUALITY_PAGE: f"data-quality-{stem}",
        }.get(kind, stem)
        url = (shared or {}).get(written.path) or address(run_dir / written.path)
        link = RunLink(_artifact_key(key), text, url, kind, who)
        ranked.append((order.index(kind), link))
    return [link for _, link in sorted(ranked, key=lambda pair: pair[0])]


def shared_files(files: Sequence[WrittenFile]) -> list[WrittenFile]:
    """The files reviewers open: what `run_links` links to."""
    return [
        f
        for f in files
        if DocumentKind(f.kind) in _LINKED_KINDS
        and (DocumentKind(f.kind) not in _HTML_ONLY or f.path.endswith(".html"))
    ]


def _artifact_key(text: str) -> str:
    """Prefect artifact keys: lowercase letters, digits and dashes."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def issue_rows(issues: Sequence[Issue], names: dict[str, str]) -> list[dict[str, str | int]]:
    """The issues counted per collaborative and tab, by severity: the issues table."""
    counts: Counter[tuple[str, str, Severity]] = Counter(
        (i.collaborative, i.tab or "(whole tracker)", i.severity) for i in issues
    )
    places = list(dict.fromkeys((c, t) for c, t, _ in counts))
    return [
        {
            "Collaborative": names.get(collaborative, collaborative),
            "Tab": tab,
            **{
                severity.value.capitalize(): counts[(collaborative, tab, severity)]
                for severity in (
                    Severity.STRUCTURAL,
                    Severity.ERROR,
                    Severity.WARNING,
                    Severity.PRIVACY,
                )
            },
        }
        for collaborative, tab in places
    ]


def _status_line(entry: CollaborativeSummary) -> str:
    if entry.status != "ok":
        return f"| {entry.name} | **failed**: {entry.reason} | | | |"
    return f"| {entry.name} | ok | {entry.errors} | {entry.warnings} | {entry.privacy} |"


def headline_figures(rollups: Rollups) -> list[str]:
    """The program's totals for the whole reporting window, in one line each."""
    label = list(rollups.periods)[-1] if rollups.periods else None
    totals = rollups.program_totals.get(label) if label else None
    if totals is None:
        return []
    return [
        f"Program totals, {label} ({totals.collaboratives_reporting} collaboratives "
        "reporting, exact and unsuppressed — internal):",
        f"- {totals.activities_completed:,} activities completed, "
        f"{totals.participants:,} participants",
        f"- {totals.partners_active:,} partners active in {totals.sector_count} sectors",
        f"- {totals.milestones_achieved:,} milestones achieved",
        f"- {fmt_money(totals.funding_secured_usd)} funding secured",
    ]


def summary_markdown(
    summary: RunSummary, rollups: Rollups, run_name: str, links: Sequence[RunLink]
) -> str:
    """The run's summary artifact: who reported, why others failed, issues, figures, files."""
    failed = summary.failed
    verdict = (
        f"**{len(failed)} of {len(summary.collaboratives)} collaboratives failed** — "
        "their trackers need attention before their figures count."
        if failed
        else "**Every collaborative reported.**"
    )
    rows = rows_to_show(summary.collaboratives)
    lines = [
        f"# {run_name}",
        f"Data as of {summary.as_of}. {verdict}",
        "| Collaborative | Status | Errors | Warnings | Privacy |",
        "|---|---|---:|---:|---:|",
        *(_status_line(entry) for entry in rows.shown),
        "",
        *(f"… {line}.\n" for line in rows.more),
        *(f"**Report not made:** {failure}" for failure in summary.report_failures),
        *headline_figures(rollups),
        "",
        "## Files",
        *_files_lines(links, summary),
        *_pages_line(links, {entry.name for entry in rows.shown}),
        f"- Every file of this run: `{summary.out_dir}`",
        *(f"\n> {note}" for note in summary.notes),
    ]
    return "\n".join(lines)


def links_to_show(links: Sequence[RunLink], summary: RunSummary) -> list[RunLink]:
    """The links a run's page carries: all, or beyond `SHOWN_AT_MOST` collaboratives a few.

    A program of hundreds would get a link (one artifact, one call to the Prefect API)
    per draft and per data-quality page; beyond `SHOWN_AT_MOST` collaboratives only the
    program-wide files and those of the collaboratives the summary table lists are
    linked. Every file is in the run's folder either way.
    """
    if len(summary.collaboratives) <= SHOWN_AT_MOST:
        return list(links)
    shown = {entry.name for entry in rows_to_show(summary.collaboratives).shown}
    return [link for link in links if not link.name or link.name in shown]


def _files_lines(links: Sequence[RunLink], summary: RunSummary) -> list[str]:
    """A line per draft shown (`links_to_show`), and how many more are in `reports/`."""
    drafts = [link for link in links if link.kind is not DocumentKind.DATA_QUALITY_PAGE]
    shown = links_to_show(drafts, summary)
    lines = [f"- [{link.text}]({link.url})" for link in shown]
    more = len(drafts) - len(shown)
    if more:
        lines.append(f"- … and {more:,} more report drafts in the run's `reports/` folder")
    return lines


def _pages_line(links: Sequence[RunLink], shown: set[str]) -> list[str]:
    """The collaboratives' data-quality pages in one line, not one line each.

    Beyond `SHOWN_AT_MOST` pages, only those of the collaboratives the summary table
    lists (`shown`, by name) are linked, and the others counted: they are all in the
    run's `data-quality/` folder.
    """
    pages = [link for link in links if link.kind is DocumentKind.DATA_QUALITY_PAGE]
    if not pages:
        return []
    linked = pages if len(pages) <= SHOWN_AT_MOST else [p for p in pages if p.name in shown]
    listed = " · ".join(f"[{link.name or link.text}]({link.url})" for link in linked)
    more = len(pages) - len(linked)
    if more:
        listed += f" · and {more:,} more in the run's `data-quality/` folder"
    return [f"- Data-quality page of each collaborative, to forward to it: {listed}"]


def review_markdown(
    summary: RunSummary,
    issues_by_rule: dict[str, Counter[str]],
    links: Sequence[RunLink],
    wait_days: float,
) -> str:
    """What the approval form shows above its fields: drafts, and what to look at first."""
    lines = [
        "## Review the drafts, then approve or reject",
        f"Data as of {summary.as_of}. Open each draft, read it as the funder will, then "
        "answer below. **Approve** publishes exactly these drafts, without their draft "
        "marks, to the funder's folder; a draft changed since the run is refused.",
        "",
        *(f"- [{link.text}]({link.url})" for link in links if link.kind in _DRAFT_KINDS),
        "",
        "### What to look at before approving",
    ]
    rows = rows_to_show(summary.collaboratives)
    for entry in rows.shown:
        if entry.status != "ok":
            lines.append(f"- **{entry.name}** failed and has no report: {entry.reason}")
            continue
        rules = issues_by_rule.get(entry.id, Counter())
        detail = ", ".join(f"{count} × {rule}" for rule, count in rules.most_common(5))
        counts = ", ".join(
            _count(number, word)
            for number, word in (
                (entry.warnings, "open warning"),
                (entry.privacy, "privacy issue"),
                (entry.errors, "error"),
            )
        )
        lines.append(f"- **{entry.name}**: {counts}" + (f" ({detail})" if detail else ""))
    lines += [f"- … {line}." for line in rows.more]
    quality = [link for link in links if link.kind is DocumentKind.DATA_QUALITY_REPORT]
    lines += [
        *(f"\nEvery issue, cell by cell: [{link.text}]({link.url})." for link in quality),
        "",
        f"Not answered within {wait_days:g} days, the run fails and nothing is published.",
    ]
    return "\n".join(lines)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def issues_by_rule(issues: Sequence[Issue]) -> dict[str, Counter[str]]:
    """Each collaborative's warnings, privacy issues and errors, counted by rule id."""
    counted: dict[str, Counter[str]] = {}
    for issue in issues:
        if issue.severity in (Severity.WARNING, Severity.PRIVACY, Severity.ERROR):
            counted.setdefault(issue.collaborative, Counter())[issue.rule] += 1
    return counted
