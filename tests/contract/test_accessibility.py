"""Every Word file a run makes passes the accessibility rules of `reports.md` (v1.1).

The rules are checked in the file by `reports/accessibility.py: problems`: a title and a
language, headings in order, alt text on every picture, a header row on every table, no
blank lines for spacing, nothing said by colour alone. The runs: the five sample
trackers (drafts as the run writes them, and the finals made from the same figures),
and a small program with a failed collaborative and one that reports almost nothing,
run twice so the data-quality report compares two runs.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from stc_reporting.pipeline import plan_run, render_reports, run_monthly_report
from stc_reporting.reports.accessibility import problems
from tests.builders import activity, minimal_tabs, partner
from tests.reporting import docx_text, run_domain

pytestmark = pytest.mark.contract

SAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "config" / "program.yaml"
Documents = dict[str, bytes]


def every_docx(out: Path) -> Documents:
    """Every .docx under a run's folder, by its path there."""
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.docx"))}


def assert_accessible(documents: Documents) -> None:
    """Fail naming each document, rule and place that breaks a rule."""
    found = [
        f"{name}: {problem}" for name, content in documents.items() for problem in problems(content)
    ]
    assert found == [], "\n".join(found)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Documents, Documents]:
    """The sample program's Word files as a run writes them, and its final reports."""
    out = tmp_path_factory.mktemp("sample") / "out"
    plan = plan_run(SAMPLE_CONFIG, out, date(2021, 10, 31), run_date=date(2021, 11, 20))
    outcome = run_monthly_report(plan)
    checked = outcome.checked
    finals = render_reports(plan, outcome.rollups, checked.trackers, checked.issues, is_draft=False)
    assert finals.failures == []
    return every_docx(out), {f"final {d.path}": d.content for d in finals.documents}


def test_every_word_file_of_the_sample_run_passes_the_accessibility_rules(
    sample_run: tuple[Documents, Documents],
) -> None:
    """The program report, the five collaborative reports and the data-quality report."""
    drafts, _ = sample_run
    kinds = {name.split("/")[-1].split("-")[0] for name in drafts}
    assert {"program", "collaborative", "data"} <= kinds, sorted(drafts)
    assert len(drafts) >= 7
    assert_accessible(drafts)


def test_fresnos_spanish_data_quality_page_is_checked_and_says_it_is_in_spanish(
    sample_run: tuple[Documents, Documents],
) -> None:
    """Its page passes every rule, with US Spanish as the language screen readers use."""
    drafts, _ = sample_run
    page = drafts["data-quality/fresno.docx"]
    assert problems(page) == []
    assert Document(io.BytesIO(page)).core_properties.language == "es-US"


def test_every_final_report_of_the_sample_run_passes_the_accessibility_rules(
    sample_run: tuple[Documents, Documents],
) -> None:
    """The finals (no draft marks) are as accessible as the drafts."""
    _, finals = sample_run
    assert len(finals) == 6
    assert_accessible(finals)


def test_the_reports_of_failed_sparse_and_compared_runs_pass_the_accessibility_rules(
    tmp_path: Path,
) -> None:
    """A failed collaborative, one with no lessons nor indicators, and a second run."""
    no_partners = minimal_tabs([activity()], [])
    del no_partners["Partners"]
    first = {"ok": minimal_tabs([activity(), activity("A2")], [partner()]), "tabless": no_partners}
    run_domain(tmp_path, first)
    second = {"ok": minimal_tabs([activity(participants=-3)], [partner()]), "tabless": no_partners}
    run = run_domain(tmp_path, second)
    documents = every_docx(run.out)
    assert any("program-report" in name for name in documents)
    assert "New this time" in docx_text(run.out / "data-quality-report.docx")
    assert_accessible(documents)
