"""Template injection is refused: tracker text that looks like Jinja prints as typed, everywhere.

Every text a person types that can reach an output carries a payload: the shared lesson,
the milestone description and the indicator name (funder reports), the activity title,
notes, organization and funding source (never printed today, checked all the same), a
wrong choice, an ID and an extra column's header (the data-quality report and pages
print these). One whole run renders every report, Word and HTML; no file it writes may
show a payload evaluated, and each printed payload must be there literally.
"""

from __future__ import annotations

import html
from datetime import date

import pytest

from tests.builders import OPTIONAL_HEADERS, activity, minimal_tabs, partner
from tests.reporting import DomainRun, docx_text, run_domain

pytestmark = pytest.mark.contract

CONFIG = "{{ config }}"
LOOP = "{% for x in range(3) %}again{% endfor %}"
CLASS = "{{ ''.__class__.__mro__ }}"
SUM = "{{ 7*191 }}"
SCRIPT = "<script>alert(1)</script>{{ self }}"
EVALUATED = ("1337", "againagain", "<class", "TemplateReference", "Undefined")
"""What any payload would print if a template ran it: never in any output."""


def injecting_tracker() -> dict[str, list[list[object]]]:
    """A valid tracker whose every free-text field, plus a choice, an ID and a header, injects."""
    tabs = minimal_tabs(
        [
            activity("A1", title=CONFIG, notes=LOOP, participants=40, lived=5),
            activity("A2", status=SCRIPT),  # not a choice: printed in the data-quality pages
            activity(SUM, day=date(2021, 2, 1), participants=30),
        ],
        [partner("P1", organization=CLASS)],
    )
    tabs["Activities"][0] = [*tabs["Activities"][0], LOOP]
    tabs["Activities"][1] = [*tabs["Activities"][1], "extra"]
    tabs["Milestones"] += [["M1", date(2021, 2, 1), "Strategic plan", "Local", "Achieved", LOOP]]
    tabs["Funding"] += [["F1", CONFIG, "Foundation", "Secured", 5000, date(2021, 3, 1)]]
    tabs["Indicators"] += [["I1", CLASS, "Greater capacity", "Count", "Sum", None, 0, 5, 9]]
    tabs["Measurements"] += [["I1", date(2021, 3, 1), 4, SUM]]
    tabs["Lessons"] += [["L1", date(2021, 5, 1), "Insight", None, SUM + " " + CONFIG, "Yes"]]
    assert tabs["Funding"][0] == OPTIONAL_HEADERS["Funding"]
    return tabs


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DomainRun:
    """The injecting collaborative and a plain one, reports and data-quality pages rendered."""
    plain = minimal_tabs([activity("A1", participants=25)], [partner()])
    return run_domain(
        tmp_path_factory.mktemp("injection"), {"injecting": injecting_tracker(), "plain": plain}
    )


def written_text(run: DomainRun) -> dict[str, str]:
    """Every file the run wrote, as the text a person reads (HTML unescaped, Word as text)."""
    texts = {}
    for path in sorted(run.out.rglob("*")):
        if not path.is_file() or ".stc" in path.parts:
            continue
        relative = str(path.relative_to(run.out))
        if path.suffix == ".docx":
            texts[relative] = docx_text(path)
        elif path.suffix in (".html", ".csv", ".json", ".md", ".txt"):
            texts[relative] = path.read_text(encoding="utf-8")
    return texts


def test_the_run_renders_every_report(run: DomainRun) -> None:
    """Nothing failed to render: the payloads broke no template."""
    assert run.reports.failures == []
    assert run.rollups.collaboratives_failed == []


def test_no_output_shows_a_payload_evaluated(run: DomainRun) -> None:
    """No `1337`, no repeated loop text, no Python class or template object, anywhere."""
    for name, text in written_text(run).items():
        readable = html.unescape(text) if name.endswith(".html") else text
        for trace in EVALUATED:
            assert trace not in readable, f"{name} shows {trace!r}"


def test_the_funder_report_prints_each_payload_literally(run: DomainRun) -> None:
    """The shared lesson, the milestone description and the indicator name, exactly as typed."""
    text = docx_text(run.out / "reports/collaborative-injecting.docx")
    for payload in (SUM + " " + CONFIG, LOOP, CLASS):
        assert payload in text


def test_the_data_quality_pages_print_choices_ids_and_headers_literally(run: DomainRun) -> None:
    """Word as typed; HTML escaped, so `<script>` is text on the page, never a tag."""
    page = (run.out / "data-quality/injecting.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert html.escape(SCRIPT, quote=False) in page or html.escape(SCRIPT) in page
    assert LOOP in html.unescape(page)
    words = docx_text(run.out / "data-quality/injecting.docx")
    assert SCRIPT in words and LOOP in words
