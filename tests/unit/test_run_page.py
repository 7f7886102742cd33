"""What a run's page shows: links with stable keys, issue counts, a review list; no cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stc_reporting.figures.document import Rollups
from stc_reporting.issues import Issue, Severity
from stc_reporting.outputs.run_page import (
    issue_rows,
    issues_by_rule,
    review_markdown,
    run_links,
    shared_files,
    summary_markdown,
)
from stc_reporting.outputs.summary import CollaborativeSummary, RunSummary
from stc_reporting.outputs.writer import WrittenFile

pytestmark = pytest.mark.unit

NAMES = {"fresno": "Mujeres Poderosas Amorosas", "oakland": "Allies Against Violence"}


def written(path: str, kind: str, collaborative: str | None = None) -> WrittenFile:
    return WrittenFile(path, kind, collaborative, "0" * 64, 1)


def issue(collaborative: str, tab: str, severity: Severity, rule: str, value: str) -> Issue:
    return Issue(collaborative, tab, 7, "Date", value, severity, rule, "Fix it.")


FILES = [
    written("data-quality-report.docx", "data-quality-report"),
    written("data-quality-report.html", "data-quality-report"),
    written("issues.csv", "issues"),
    written("reports/collaborative-fresno.docx", "collaborative-report", "fresno"),
    written("reports/program-report.docx", "program-report"),
]


def test_links_lead_with_the_program_report_and_keep_their_keys_from_run_to_run(
    tmp_path: Path,
) -> None:
    """Program report, each collaborative's draft, then the data-quality page (HTML)."""
    links = run_links(tmp_path, FILES, NAMES)
    assert [(link.key, link.text) for link in links] == [
        ("program-report", "Program report (draft)"),
        ("draft-collaborative-fresno", "Report draft: Mujeres Poderosas Amorosas"),
        ("data-quality-report", "Data-quality report"),
    ]
    assert links[0].url == (tmp_path / "reports/program-report.docx").resolve().as_uri()


def test_the_issues_table_counts_by_collaborative_tab_and_severity_never_values() -> None:
    """A person sees where to look; the cells stay in the tracker."""
    issues = [
        issue("fresno", "Activities", Severity.ERROR, "date-missing", "555-0100"),
        issue("fresno", "Activities", Severity.WARNING, "outlier", "9999"),
        issue("oakland", "", Severity.STRUCTURAL, "tab-missing", ""),
    ]
    rows = issue_rows(issues, NAMES)
    assert rows == [
        {
            "Collaborative": "Mujeres Poderosas Amorosas",
            "Tab": "Activities",
            "Structural": 0,
            "Error": 1,
            "Warning": 1,
            "Privacy": 0,
        },
        {
            "Collaborative": "Allies Against Violence",
            "Tab": "(whole tracker)",
            "Structural": 1,
            "Error": 0,
            "Warning": 0,
            "Privacy": 0,
        },
    ]
    assert "555-0100" not in str(rows) and "9999" not in str(rows)


def test_the_review_lists_drafts_and_what_to_look_at_per_collaborative(tmp_path: Path) -> None:
    """Warnings and privacy issues by rule, failures with their reason, the time limit."""
    issues = [
        issue("fresno", "Activities", Severity.PRIVACY, "personal-data", "[masked]"),
        issue("fresno", "Activities", Severity.WARNING, "outlier", "9999"),
        issue("fresno", "Activities", Severity.WARNING, "outlier", "8888"),
    ]
    summary = RunSummary(
        out_dir=str(tmp_path),
        as_of="2021-10-31",
        collaboratives=[
            CollaborativeSummary(
                id="fresno", name=NAMES["fresno"], status="ok", warnings=2, privacy=1
            ),
            CollaborativeSummary(
                id="oakland", name=NAMES["oakland"], status="failed", reason="no Partners tab"
            ),
        ],
        files=[f.path for f in FILES],
    )
    text = review_markdown(summary, issues_by_rule(issues), run_links(tmp_path, FILES, NAMES), 7)
    assert "[Program report (draft)](file://" in text
    assert "Every issue, cell by cell: [Data-quality report](file://" in text
    assert "**Mujeres Poderosas Amorosas**: 2 open warnings, 1 privacy issue, 0 errors" in text
    assert "2 × outlier, 1 × personal-data" in text
    assert "**Allies Against Violence** failed and has no report: no Partners tab" in text
    assert "within 7 days" in text
    assert "9999" not in text


def test_links_open_on_the_web_when_the_outputs_root_is_served(tmp_path: Path) -> None:
    """STC_OUTPUTS_URL: a browser opens https links; file:// links only from a file browser."""
    from stc_reporting.outputs.run_page import served_address

    run_dir = tmp_path / "2021-10" / "2026-11-30T1018-all collaboratives-3f2a1b9c"
    address = served_address(tmp_path, "https://reports.example.org/stc/")
    links = run_links(run_dir, FILES, NAMES, address=address)
    assert links[0].url == (
        "https://reports.example.org/stc/2021-10/"
        "2026-11-30T1018-all%20collaboratives-3f2a1b9c/reports/program-report.docx"
    )


PAGES = [
    written("data-quality/fresno.docx", "data-quality-page", "fresno"),
    written("data-quality/fresno.html", "data-quality-page", "fresno"),
    written("data-quality/oakland.html", "data-quality-page", "oakland"),
    written("data-quality/oakland.docx", "data-quality-page", "oakland"),
]


def test_each_collaboratives_page_is_linked_last_with_a_key_of_its_own(tmp_path: Path) -> None:
    """The HTML page of each, after the internal report; keys keep history per collaborative."""
    links = run_links(tmp_path, FILES + PAGES, NAMES)
    assert [(link.key, link.text) for link in links][-2:] == [
        ("data-quality-fresno", "Data-quality page: Mujeres Poderosas Amorosas"),
        ("data-quality-oakland", "Data-quality page: Allies Against Violence"),
    ]
    assert links[-1].url.endswith("/data-quality/oakland.html")
    assert [f.path for f in shared_files(PAGES)] == [
        "data-quality/fresno.html",
        "data-quality/oakland.html",
    ]


def test_the_summary_lists_the_pages_in_one_line_and_the_review_leaves_them_out(
    tmp_path: Path,
) -> None:
    """Five pages do not push the drafts off the summary; approving is about drafts."""
    links = run_links(tmp_path, FILES + PAGES, NAMES)
    summary = RunSummary(out_dir=str(tmp_path), as_of="2021-10-31", collaboratives=[], files=[])
    rollups = Rollups(
        program="P",
        funder="F",
        as_of=date(2021, 10, 31),
        periods={"Y3": (date(2020, 11, 1), date(2021, 10, 31))},
        collaboratives={},
        program_totals={"Y3": None},
        collaboratives_failed=[],
    )
    text = summary_markdown(summary, rollups, "run", links)
    [line] = [line for line in text.splitlines() if "Data-quality page" in line]
    assert "[Mujeres Poderosas Amorosas](file://" in line
    assert "[Allies Against Violence](file://" in line
    review = review_markdown(summary, {}, links, 7)
    assert "data-quality/" not in review
    assert "Every issue, cell by cell: [Data-quality report](file://" in review
