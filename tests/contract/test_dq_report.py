"""The data-quality report: self-contained, complete, actionable, and safe."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from stc_reporting.checks.followup import Acknowledgement, follow_up, issue_keys
from stc_reporting.config import ProgramConfig
from stc_reporting.ingest.records import Submission
from stc_reporting.issues import SEVERITY_ORDER, Issue, Severity
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports import quality
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.quality import (
    DOCX_TEMPLATE,
    HTML_TEMPLATE,
    DataQualityContext,
    build_dq_context,
    cell_link,
    month_grid,
    render_dq_docx,
    render_dq_html,
)
from stc_reporting.reports.render import template_environment
from tests.builders import activity, minimal_tabs, partner
from tests.contract.test_templates import split_tags
from tests.reporting import docx_text, run_domain

pytestmark = pytest.mark.contract

PROGRAM = ProgramConfig(
    name="P", funder="F", start=date(2018, 11, 1), end=date(2021, 10, 31), years=[2, 3]
)


def test_the_month_grid_marks_on_time_late_missing_and_not_due() -> None:
    """Nov 2019 on time (Dec 15), Dec late (Jan 16), Jan missing; after as-of: not due."""
    submissions = [
        Submission(date(2019, 11, 1), date(2019, 12, 15), 2),
        Submission(date(2019, 12, 1), date(2020, 1, 16), 3),
    ]
    [year2, year3] = month_grid(submissions, True, [2, 3], date(2018, 11, 1), date(2020, 12, 31))
    assert [m.state for m in year2.months[:3]] == ["on_time", "late", "missing"]
    assert year2.months[0].label == "Nov 19"
    # as-of 31 Dec 2020: November and December 2020 are due (and missing), the rest not yet
    assert [m.state for m in year3.months[:2]] == ["missing", "missing"]
    assert [m.state for m in year3.months[2:]] == ["not_due"] * 10


def test_a_google_sheets_issue_links_to_its_cell() -> None:
    """…/edit#gid=<gid>&range=<A1>; an .xlsx tracker has no link."""
    issue = Issue(
        "x",
        "Activities",
        3,
        "Date",
        "TBD",
        Severity.ERROR,
        "bad-date",
        "m",
        cell="B3",
        gid=42,
        spreadsheet_id="1AbC",
    )
    assert cell_link(issue) == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=42&range=B3"
    assert cell_link(Issue("x", "Activities", 3, "Date", "", Severity.ERROR, "r", "m")) == ""


def _two_trackers(tmp: Path) -> dict[str, Any]:
    """Two trackers (one failing), a previous run, and an acknowledged warning."""
    good = minimal_tabs(
        [
            activity("A1", partners="P9"),
            activity("A2", day="TBD"),
            activity("A3", notes="call 415-555-0123"),
        ],
        [partner()],
    )
    broken = minimal_tabs([activity()], [])
    del broken["Partners"]
    run = run_domain(tmp, {"good": good, "broken": broken})
    from stc_reporting.config import load_config
    from stc_reporting.pipeline import fetch_tracker

    config = load_config(tmp / "program.yaml")
    trackers = [fetch_tracker(c) for c in config.collaboratives]
    keys = issue_keys(run.issues, trackers)
    warning = next(k for k in keys if k.endswith("unknown-partner"))
    ack = Acknowledgement(key=warning, reason="partner joins next month", date=date(2021, 11, 1))
    followup = follow_up(run.issues, trackers, date(2021, 10, 31), None, [ack])
    return {
        "rollups": run.rollups,
        "collaboratives": config.collaboratives,
        "trackers": trackers,
        "followup": followup,
        "program": PROGRAM,
        "made_on": date(2021, 11, 5),
        "wording": load_labels(),
    }


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What `build_dq_context` takes, for the two trackers."""
    return _two_trackers(tmp_path_factory.mktemp("dq"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, Any]) -> tuple[str, Path]:
    """The report of the two trackers, every collaborative detailed."""
    context = build_dq_context(**inputs)
    html = render_dq_html(context).decode()
    docx = tmp_path_factory.mktemp("dq-docx") / "dq.docx"
    docx.write_bytes(render_dq_docx(context))
    return html, docx


@pytest.fixture(scope="module")
def program_summary(
    tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, Any]
) -> tuple[DataQualityContext, str, str]:
    """The same run as a program summary: as if it had more collaboratives than detailed.

    With at most one collaborative detailed, two make a summary that lists one.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quality, "DETAILED_AT_MOST", 1)
        context = build_dq_context(**inputs)
    docx = tmp_path_factory.mktemp("dq-summary") / "dq.docx"
    docx.write_bytes(render_dq_docx(context))
    return context, render_dq_html(context).decode(), docx_text(docx)


def test_a_program_summary_lists_the_failed_first_and_counts_the_rest(
    program_summary: tuple[DataQualityContext, str, str],
) -> None:
    """The failed tracker is listed and linked to its page; the other is counted."""
    context, html, docx = program_summary
    assert not context.detailed and context.collaboratives == []
    assert [row.name for row in context.overview] == ["Broken collaborative"]
    assert '<a href="data-quality/broken.html">Broken collaborative</a>' in html
    assert context.overview_more == ["… and 1 more with open issues"]
    for text in (html, docx):
        assert "… and 1 more with open issues." in text
        assert "Good collaborative" not in text  # no section of its own: its page has it
        assert "is not a date" not in text  # no line per issue


def test_a_program_summary_counts_open_issues_by_rule_most_serious_first(
    program_summary: tuple[DataQualityContext, str, str],
) -> None:
    """One line per rule with its issues and collaboratives; acknowledged ones left out."""
    context, html, docx = program_summary
    rules = [(r.severity, r.rule, r.issues, r.collaboratives) for r in context.by_rule]
    assert rules[0] == ("structural", "missing-tab", 1, 1)
    assert ("error", "bad-date", 1, 1) in rules
    assert "unknown-partner" not in {r.rule for r in context.by_rule}  # acknowledged
    severities = [SEVERITY_ORDER[Severity(r.severity)] for r in context.by_rule]
    assert severities == sorted(severities)
    for text in (html, docx):
        assert "Issues by rule" in text and "bad-date" in text


def test_a_detailed_report_has_no_summary_parts(rendered: tuple[str, Path]) -> None:
    """Up to `DETAILED_AT_MOST` collaboratives, the report is as it was: every section."""
    html, docx = rendered
    assert "Issues by rule" not in html and "Issues by rule" not in docx_text(docx)
    assert '<a href="#collaborative-1">' in html


def test_the_html_page_needs_nothing_from_the_network(rendered: tuple[str, Path]) -> None:
    """No stylesheet, script, image or font is loaded from anywhere."""
    html, _ = rendered
    assert not re.search(r"<(script|link|img)\b", html)
    assert "@import" not in html and "url(" not in html


def test_structural_failures_come_first_in_plain_words(rendered: tuple[str, Path]) -> None:
    """The failed tracker is named before any collaborative's section."""
    html, _ = rendered
    assert html.index("Trackers that could not report") < html.index("Good collaborative</h2>")
    assert "Its tracker has no Partners tab this month." in html


def test_every_issue_has_its_row_column_fix_and_status(rendered: tuple[str, Path]) -> None:
    """The bad date shows on its row with the fix; the acknowledged warning stands apart."""
    html, docx = rendered
    assert "is not a date: write it as 2020-03-15" in html
    assert "Acknowledged (not counted as open)" in html
    assert "acknowledged: partner joins next month" in html
    assert "is not a date" in docx_text(docx)


def test_no_personal_data_reaches_either_format(rendered: tuple[str, Path]) -> None:
    """The phone number in Notes shows only as masked."""
    html, docx = rendered
    for text in (html, docx_text(docx)):
        assert "415-555-0123" not in text
        assert "[phone number masked]" in text


@pytest.mark.parametrize("template", [DOCX_TEMPLATE, "data-quality-report.es.docx"])
def test_the_docx_template_declares_only_context_variables_and_splits_no_tag(
    template: str,
) -> None:
    """Same lint as the funder templates, for the English template and the Spanish one."""
    assert split_tags(TEMPLATES_DIR / template) == []
    names = set(DataQualityContext.model_fields)
    undeclared = DocxTemplate(TEMPLATES_DIR / template).get_undeclared_template_variables(
        jinja_env=template_environment()
    )
    assert undeclared <= names


@pytest.mark.parametrize("template", [HTML_TEMPLATE, "data-quality-report.es.html.j2"])
def test_the_html_template_uses_only_context_variables_and_the_language(template: str) -> None:
    """The page templates place nothing but the context's fields and the page's `language`."""
    environment = SandboxedEnvironment()
    source = (TEMPLATES_DIR / template).read_text(encoding="utf-8")
    undeclared = meta.find_undeclared_variables(environment.parse(source))
    assert undeclared <= set(DataQualityContext.model_fields) | {"language"}
    assert "language" in undeclared  # <html lang="{{ language }}">
