"""Following issues from month to month: stable keys, new / still open / fixed, acknowledgements.

An issue's key names what it is about, not where it sits: collaborative, tab, the
record (its ID, or for Measurements the indicator and date, or a digest of the
row when it has no ID), column and rule. Inserting rows above it does not change
it. Each run compares each collaborative's keys with that collaborative's last
complete check, kept in `issues-followup.json` (in the output folder, or a folder
given with `--compare-to`): an issue is new, still open (since the month it first
appeared), or fixed. Only a collaborative this run checked completely (selected,
and its tracker read) can have issues fixed; every other collaborative's history
is carried over unchanged, so a partial run (`--only`) or a tracker that could not
be read never marks anything fixed. A follow-up file that cannot be used is
reported (`FollowUp.history_problem`), never a reason for the run to fail.

Program managers may acknowledge a warning or privacy issue in
`acknowledgements.yaml` beside the config (key, reason, date). Acknowledged issues
are listed apart and stop counting as open. Errors cannot be acknowledged: they keep
their rows out of the figures until fixed. Acknowledgements that match no current
issue, or that name an error, are reported, never silently ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stc_reporting.contract.tabs import MEASUREMENTS, SUBMISSIONS, TAB_ORDER, tab_named
from stc_reporting.ingest.reading import ParsedTracker, Row
from stc_reporting.issues import Issue, Severity
from stc_reporting.privacy import redact
from stc_reporting.strict_yaml import load_yaml

FOLLOWUP_FILE = "issues-followup.json"
ACKNOWLEDGEMENTS_FILE = "acknowledgements.yaml"
ACKNOWLEDGEABLE = frozenset({Severity.WARNING, Severity.PRIVACY})

Status = Literal["new", "open", "acknowledged", "fixed"]


class Acknowledgement(BaseModel):
    """One line of acknowledgements.yaml."""

    model_config = ConfigDict(extra="forbid")
    key: str
    reason: str
    date: date


@dataclass(frozen=True)
class TrackedIssue:
    """An issue with its key and where it stands since last month."""

    key: str
    issue: Issue
    status: Status
    since: str
    acknowledgement: str = ""


@dataclass(frozen=True)
class FixedIssue:
    """An issue of the previous run that is gone now."""

    key: str
    collaborative: str
    tab: str
    column: str
    rule: str
    severity: str
    since: str


class FollowUpEntry(BaseModel):
    """One issue as `issues-followup.json` records it."""

    model_config = ConfigDict(extra="ignore")
    key: str
    collaborative: str
    tab: str
    row: int | None
    column: str
    rule: str
    severity: str
    status: Status
    since: str
    acknowledgement: str = ""


class FollowUpDocument(BaseModel):
    """`issues-followup.json`: each collaborative's issues at its last complete check.

    `checked` gives the month of that check per collaborative; files written before
    it existed count every collaborative they list as checked in `month`.
    """

    model_config = ConfigDict(extra="ignore")
    month: str
    checked: dict[str, str] | None = None
    issues: list[FollowUpEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class History:
    """What earlier runs left: each collaborative's issues at its last complete check.

    Attributes:
        source: The file it was read from, if any.
        checked: Collaborative id to the month of its last complete check.
        entries: Their issues then (fixed ones included, as that run recorded them).
        problem: Why the file could not be used (then the history is empty).
    """

    source: Path | None = None
    checked: dict[str, str] = field(default_factory=dict)
    entries: tuple[FollowUpEntry, ...] = ()
    problem: str | None = None

    @classmethod
    def from_document(cls, document: Any, source: Path | None = None) -> History:
        """Read a follow-up document (raises `ValidationError` when it is not one)."""
        parsed = FollowUpDocument.model_validate(document)
        checked = parsed.checked
        if checked is None:  # written before v1.1: one month for everything listed
            checked = {entry.collaborative: parsed.month for entry in parsed.issues}
        return cls(source, dict(checked), tuple(parsed.issues))


@dataclass
class FollowUp:
    """Every current issue's status, what was fixed, and acknowledgement problems.

    Attributes:
        compared: Collaborative id to the month of the check it was compared with
            (only this run's collaboratives that had one).
        complete: Collaboratives this run checked completely (their history is renewed).
        history: What earlier runs left, carried over for every other collaborative.
        history_problem: The earlier follow-up file could not be used, and why.
    """

    month: str
    compared_with: str | None
    tracked: list[TrackedIssue] = field(default_factory=list)
    fixed: list[FixedIssue] = field(default_factory=list)
    acknowledgement_problems: list[str] = field(default_factory=list)
    compared: dict[str, str] = field(default_factory=dict)
    complete: frozenset[str] = frozenset()
    history: History = field(default_factory=History)
    history_problem: str | None = None

    def count(self, status: Status) -> int:
        """How many issues have this status."""
        if status == "fixed":
            return len(self.fixed)
        return sum(1 for t in self.tracked if t.status == status)


# --- Keys ----------------------------------------------------------------------------


def _record(tab: str, row: Row | None) -> str:
    """What a row is about, independent of where it sits in the sheet."""
    if row is None:
        return ""
    if tab == MEASUREMENTS.name:
        if row.get("indicator_id") and row.get("date"):
            return f"{row['indicator_id']} on {row['date']}"
    elif tab == SUBMISSIONS.name:
        if row.get("month"):
            return f"month {str(row['month'])[:7]}"
    elif tab in TAB_ORDER and (id_field := tab_named(tab).id_field) and row.get(id_field):
        return f"id {row[id_field]}"
    content = json.dumps({k: str(v) for k, v in row.items() if k != "row"}, sort_keys=True)
    return "row " + hashlib.sha256(content.encode()).hexdigest()[:10]


def issue_keys(issues: Sequence[Issue], trackers: Sequence[ParsedTracker]) -> list[str]:
    """Give every issue its stable key (same order as `issues`).

    Issues that would share a key (two rows with one duplicated ID) are numbered
    in sheet order: `… #2`.
    """
    rows: dict[tuple[str, str, int], Row] = {
        (tracker.collaborative, name, int(str(row["row"]))): row
        for tracker in trackers
        for name, data in tracker.tabs.items()
        for row in data.rows
    }
    keys = []
    seen: dict[str, int] = defaultdict(int)
    for issue in issues:
        row = rows.get((issue.collaborative, issue.tab, issue.row or 0))
        record = _record(issue.tab, row) if issue.row and issue.row > 1 else "header"
        base = redact(
            " / ".join(
                part
                for part in (issue.collaborative, issue.tab, record, issue.column, issue.rule)
                if part
            )
        )
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base} #{seen[base]}")
    return keys


# --- Comparing with last month --------------------------------------------------------


def read_history(folder: Path) -> History:
    """Read the follow-up file an earlier run left in a folder.

    A missing file is an empty history; a file that cannot be read or is not a
    follow-up document is an empty history with its `problem`, never an error.
    """
    path = folder / FOLLOWUP_FILE
    if not path.is_file():
        return History()
    try:
        return History.from_document(json.loads(path.read_text(encoding="utf-8")), path)
    except (OSError, ValueError, ValidationError) as error:  # JSONDecodeError is a ValueError
        reason = str(error).splitlines()[0]
        return History(source=path, problem=f"{path} could not be used ({reason})")


def load_acknowledgements(path: Path) -> tuple[list[Acknowledgement], list[str]]:
    """Read acknowledgements.yaml (missing file: none). Returns them and any problems."""
    if not path.is_file():
        return [], []
    try:
        document = load_yaml(path.read_text(encoding="utf-8")) or []
        if not isinstance(document, list):
            return [], [f"{path.name}: must be a list of entries with key, reason and date"]
        return [Acknowledgement.model_validate(entry) for entry in document], []
    except (yaml.YAMLError, ValidationError) as error:
        return [], [f"{path.name} could not be used: {error}"]


def follow_up(
    issues: Sequence[Issue],
    trackers: Sequence[ParsedTracker],
    as_of: date,
    previous: History | None,
    acknowledgements: Sequence[Acknowledgement] = (),
) -> FollowUp:
    """Decide each issue's status against each collaborative's last complete check.

    Args:
        issues: This run's issues, sorted.
        trackers: The trackers as read, one per collaborative of the run (to name each
            issue's record, and to tell which collaboratives were checked completely).
        as_of: The run's as-of date; its month labels new issues.
        previous: What earlier runs left, or None.
        acknowledgements: Entries from acknowledgements.yaml.

    Returns:
        The follow-up of this run.
    """
    history = previous or History()
    month = as_of.strftime("%Y-%m")
    selected = {tracker.collaborative for tracker in trackers}
    complete = frozenset(t.collaborative for t in trackers if not t.failed)
    before = {
        e.key: e for e in history.entries if e.collaborative in selected and e.status != "fixed"
    }
    acknowledged = {a.key: a for a in acknowledgements}
    compared = {c: m for c, m in sorted(history.checked.items()) if c in selected}
    result = FollowUp(
        month,
        str(history.source) if compared else None,
        compared=compared,
        complete=complete,
        history=history,
        history_problem=history.problem,
    )
    keys = issue_keys(issues, trackers)
    for key, issue in zip(keys, issues, strict=True):
        since = before[key].since if key in before else month
        status: Status = "open" if key in before else "new"
        note = ""
        if key in acknowledged and issue.severity in ACKNOWLEDGEABLE:
            status, note = "acknowledged", acknowledged[key].reason
        result.tracked.append(TrackedIssue(key, issue, status, since, note))
    current = set(keys)
    result.fixed = [  # only where this run saw the whole tracker: absence means fixed
        FixedIssue(key, e.collaborative, e.tab, e.column, e.rule, e.severity, e.since)
        for key, e in before.items()
        if key not in current and e.collaborative in complete
    ]
    result.acknowledgement_problems = _acknowledgement_problems(acknowledged, keys, issues)
    return result


def _acknowledgement_problems(
    acknowledged: dict[str, Acknowledgement], keys: Sequence[str], issues: Sequence[Issue]
) -> list[str]:
    """Acknowledgements that match no current issue, or name one that cannot be acknowledged."""
    problems = []
    severity_of = {key: issue.severity for key, issue in zip(keys, issues, strict=True)}
    for key in acknowledged:
        if key not in severity_of:
            problems.append(
                f"Acknowledgement '{key}' matches no current issue (fixed, or the key is "
                "mistyped): remove it from acknowledgements.yaml."
            )
        elif severity_of[key] not in ACKNOWLEDGEABLE:
            problems.append(
                f"Acknowledgement '{key}' names a {severity_of[key].value}, which cannot be "
                "acknowledged: it keeps its row out of the figures until it is fixed."
            )
    return problems


def track_issues(
    issues: Sequence[Issue],
    trackers: Sequence[ParsedTracker],
    as_of: date,
    out_dir: Path,
    config_path: Path,
    compare_to: Path | None = None,
) -> FollowUp:
    """Follow up this run's issues against the previous run and the acknowledgements.

    Args:
        issues: This run's issues, sorted.
        trackers: The trackers as read.
        as_of: The run's as-of date.
        out_dir: The output folder (where earlier runs left their follow-up file).
        config_path: The config file (acknowledgements.yaml sits beside it).
        compare_to: Another folder holding the previous run's outputs, if given.

    Returns:
        The follow-up, with any problem in acknowledgements.yaml among its problems.
    """
    acknowledgements, problems = load_acknowledgements(config_path.parent / ACKNOWLEDGEMENTS_FILE)
    result = follow_up(
        issues, trackers, as_of, read_history(compare_to or out_dir), acknowledgements
    )
    result.acknowledgement_problems[:0] = problems
    return result


def followup_json(result: FollowUp) -> dict[str, Any]:
    """The follow-up document this run leaves for the next one (`issues-followup.json`).

    Collaboratives this run checked completely get this run's issues (and what was
    fixed); every other one keeps its entries and month from the earlier file.
    """
    entries = [
        {
            "key": t.key,
            "collaborative": t.issue.collaborative,
            "tab": t.issue.tab,
            "row": t.issue.row,
            "column": t.issue.column,
            "rule": t.issue.rule,
            "severity": t.issue.severity.value,
            "status": t.status,
            "since": t.since,
            "acknowledgement": t.acknowledgement,
        }
        for t in result.tracked
        if t.issue.collaborative in result.complete
    ]
    entries += [
        {
            "key": f.key,
            "collaborative": f.collaborative,
            "tab": f.tab,
            "row": None,
            "column": f.column,
            "rule": f.rule,
            "severity": f.severity,
            "status": "fixed",
            "since": f.since,
            "acknowledgement": "",
        }
        for f in result.fixed
    ]
    history = result.history
    entries += [e.model_dump() for e in history.entries if e.collaborative not in result.complete]
    checked = {c: m for c, m in history.checked.items() if c not in result.complete}
    checked |= {c: result.month for c in result.complete}
    return {
        "month": result.month,
        "compared_with": result.compared_with,
        "counts": {s: result.count(s) for s in ("new", "open", "acknowledged", "fixed")},
        "acknowledgement_problems": result.acknowledgement_problems,
        "checked": dict(sorted(checked.items())),
        "issues": entries,
    }
