"""No word a funder reads is written in the report code: it is in the templates or labels.

The scan reads every string literal of `stc_reporting/reports/*.py` (an f-string is
one literal, its `{fields}` taken as placeholders, its format specs not scanned),
`quality.py` included: its per-collaborative pages are forwarded to collaboratives,
some in Spanish, so their words are in the templates and labels too. Only
`accessibility.py` is skipped: its messages name broken rules for staff, never printed.
A literal is NOT report wording when it sits:

1. in a docstring or another bare string statement (attribute docstrings);
2. in a `description=` keyword (a field's description, for template authors);
3. in a `raise` or `assert` statement, in the body of an exception class (a class
   whose base is named `...Error` or `...Exception`), or in a `.failures.append(...)`
   call: messages to program staff about a run, not text of a report;
4. as a dict key, a subscript, or an operand of a comparison: identifiers and
   tracker values such as `counts["on track"]` or `status == "Achieved"`.

Anywhere else, a literal reads as words for the report when, with its placeholders
removed, it holds a word of two letters or more and either a space (`no change`,
`data to {date}`, `{points} pts`) or is one capitalised word (`Reporting`).
Lower-case single words are identifiers (`grouped`, `participants`) and pass.

The allowlist holds the only literals that look like words but are not report
text, each with its reason.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPORTS = Path(__file__).resolve().parents[2] / "stc_reporting" / "reports"
INTERNAL = {"accessibility.py"}
"""The accessibility checker, whose problems are told to program staff, never printed."""

ALLOWED = {
    "Agg": "matplotlib's drawing backend",
    "DejaVu Sans": "the charts' font",
    "lower left": "where matplotlib anchors a legend",
}

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z]{2,}")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")


@dataclass(frozen=True)
class Wording:
    """A literal that reads as report wording, and where it is."""

    file: str
    line: int
    text: str


def reads_as_words(text: str) -> bool:
    """Whether a literal (placeholders aside) is words a reader would read."""
    rest = _PLACEHOLDER.sub("", text)
    if not _WORD.search(rest):
        return False
    return " " in rest or bool(_CAPITALISED.fullmatch(rest))


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return None


def _is_exception_class(node: ast.ClassDef) -> bool:
    names = [base.id if isinstance(base, ast.Name) else ast.unparse(base) for base in node.bases]
    return any(name.endswith(("Error", "Exception")) for name in names)


def _is_failure_message(node: ast.Call) -> bool:
    function = node.func
    return (
        isinstance(function, ast.Attribute)
        and function.attr == "append"
        and isinstance(function.value, ast.Attribute)
        and function.value.attr == "failures"
    )


def _skipped_whole(node: ast.AST) -> bool:
    """Rules 1 to 3: a docstring, a description, a message to program staff."""
    if isinstance(node, ast.Expr):
        return _literal_text(node.value) is not None
    if isinstance(node, ast.keyword):
        return node.arg == "description"
    if isinstance(node, ast.ClassDef):
        return _is_exception_class(node)
    if isinstance(node, ast.Call):
        return _is_failure_message(node)
    return isinstance(node, ast.Raise | ast.Assert)


def _excluded(tree: ast.AST) -> set[int]:
    """The ids of every node whose literals are not report wording (rules 1-4)."""
    skipped: list[ast.AST] = []
    for node in ast.walk(tree):
        if _skipped_whole(node):
            skipped.append(node)
        elif isinstance(node, ast.Dict):
            skipped += [key for key in node.keys if key is not None]
        elif isinstance(node, ast.Subscript):
            skipped.append(node.slice)
        elif isinstance(node, ast.Compare):
            skipped += [node.left, *node.comparators]
        elif isinstance(node, ast.JoinedStr):
            skipped += node.values  # the f-string is read whole, not part by part
    return {id(inner) for node in skipped for inner in ast.walk(node)}


def find_wording(source: str, file: str) -> list[Wording]:
    """Every literal of a module that reads as report wording (see the module docstring)."""
    tree = ast.parse(source)
    skipped = _excluded(tree)
    found = []
    for node in ast.walk(tree):
        text = _literal_text(node)
        if text is None or id(node) in skipped or text in ALLOWED:
            continue
        if reads_as_words(text):
            found.append(Wording(file, getattr(node, "lineno", 0), text))
    return found


def report_modules() -> list[Path]:
    """The funder-report modules the scan reads."""
    return sorted(p for p in REPORTS.glob("*.py") if p.name not in INTERNAL)


def test_no_funder_report_wording_is_written_in_python() -> None:
    """Every word a funder reads comes from templates/ (Word or labels.<language>.yaml)."""
    modules = report_modules()
    assert {"sections.py", "chart_slots.py", "context.py"} <= {p.name for p in modules}
    found = [w for path in modules for w in find_wording(path.read_text(), path.name)]
    assert found == [], "\n".join(f"{w.file}:{w.line}: {w.text!r}" for w in found)


SAMPLE = '''
"""A module docstring with words."""
from pydantic import Field


class Row:
    """A class docstring."""

    label: str = Field(description="What the row counts.")


class StrangeError(Exception):
    def explain(self) -> str:
        return "words for staff"


def rows(status: str, counts: dict[str, int], result: object) -> list[object]:
    if status == "Not started":
        raise ValueError(f"no figures for {status}")
    assert counts["on track"] >= 0, "counts are never negative"
    result.failures.append(f"{status} was not made")
    style = {"Legend words": "grouped", "loc": "lower left"}
    total = "Program total"
    change = f"Change {status} to {status}"
    points = "{points} pts"
    heading = "Reporting"
    identifier = "lived_experience_participants"
    number = f"{len(counts):,}"
    return [total, change, points, heading, identifier, number, style]
'''


def test_the_scan_finds_wording_and_passes_everything_else() -> None:
    """Labels, sentences and a capitalised word are found; nothing else in the sample is.

    Docstrings, descriptions, error messages, keys, comparisons, identifiers and
    number formats are not report wording.
    """
    found = [w.text for w in find_wording(SAMPLE, "sample.py")]
    assert found == ["Program total", "Change {} to {}", "{points} pts", "Reporting"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("no change", True),
        ("data to {date}", True),
        (" and ", True),
        ("Participants", True),
        ("(indicator name withheld)", True),
        ("participants", False),
        ("program-report.docx", False),
        ("{day} {month} {year}", False),
        ("n<30", False),
        ("#0072B2", False),
        ("", False),
    ],
)
def test_what_reads_as_words(text: str, words: bool) -> None:
    """A space between words, or one capitalised word, reads as wording; identifiers do not."""
    assert reads_as_words(text) is words
