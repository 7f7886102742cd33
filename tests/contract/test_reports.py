"""Funder reports: right figures, safe numbers, literal text, no personal data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stc_reporting.reports.formatting import fmt_count
from stc_reporting.reports.people_counts import people_suppression
from stc_reporting.reports.suppression import Cell
from tests.builders import activity, minimal_tabs, partner
from tests.reporting import DomainRun, docx_text, run_domain, table_rows

pytestmark = pytest.mark.contract

INJECTION = '{{ 7*7 }} {% if x %}<b>bold</b>{% endif %} & Sons </w:t> "quoted"'


def tracker(
    participants: list[int],
    lessons: list[list[object]] | None = None,
    milestone: str = "Plan adopted",
) -> dict[str, list[list[object]]]:
    """A tracker with one completed activity per count, half in each year."""
    days = [date(2020, 3, 1), date(2021, 3, 1)]
    rows = [
        activity(f"A{i}", day=days[i % 2], participants=n, lived=min(n, 3))
        for i, n in enumerate(participants)
    ]
    tabs = minimal_tabs(rows, [partner()])
    tabs["Lessons"] += lessons or []
    tabs["Milestones"] += [
        ["M1", date(2021, 2, 1), "Strategic plan", "Local", "Achieved", milestone]
    ]
    tabs["Indicators"] += [["I1", INJECTION, "Greater capacity", "Count", "Sum", None, 0, 5, 9]]
    return tabs


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DomainRun:
    """Three collaboratives (one small, one injecting, one with an e-mail) and one failed."""
    lessons = [
        ["L1", date(2020, 5, 1), "Insight", None, INJECTION, "Yes"],
        ["L2", date(2020, 6, 1), "Success", None, "A private lesson never shared", "No"],
        ["L3", date(2020, 7, 1), "Challenge", None, "Write to ana.r@example.org", "Yes"],
    ]
    broken = minimal_tabs([activity()], [])
    del broken["Partners"]
    return run_domain(
        tmp_path_factory.mktemp("reports"),
        {
            "small": tracker([4, 3]),
            "big": tracker([40, 55, 60, 35], lessons, milestone=INJECTION),
            "medium": tracker([20, 25]),
            "broken": broken,
        },
    )


def test_one_report_per_ok_collaborative_plus_the_program(run: DomainRun) -> None:
    """The failed collaborative gets no file; nothing failed to render."""
    assert run.reports.failures == []
    assert sorted(d.path for d in run.reports.documents) == [
        "reports/collaborative-big.docx",
        "reports/collaborative-medium.docx",
        "reports/collaborative-small.docx",
        "reports/program-report.docx",
    ]
    assert sorted(p.name for p in (run.out / "reports").iterdir()) == [
        "collaborative-big.docx",
        "collaborative-medium.docx",
        "collaborative-small.docx",
        "program-report.docx",
    ]


def test_tracker_text_prints_exactly_as_typed(run: DomainRun) -> None:
    """Template-like and XML-special text in lessons, milestones and indicators is data."""
    text = docx_text(run.out / "reports/collaborative-big.docx")
    assert text.count(INJECTION) >= 3  # lesson, milestone description, indicator name
    assert "49" not in text.replace("2,049", "")  # {{ 7*7 }} was never evaluated
    assert INJECTION in docx_text(run.out / "reports/program-report.docx")


def test_no_personal_data_unshared_lesson_or_note_reaches_a_report(run: DomainRun) -> None:
    """The e-mail is withheld at ingest; unshared lessons never print."""
    for report in (run.out / "reports").iterdir():
        text = docx_text(report)
        assert "ana.r@example.org" not in text
        assert "A private lesson never shared" not in text


def test_small_counts_of_people_never_print(run: DomainRun) -> None:
    """`small` has 4 and 3 participants: <11 wherever they would appear."""
    rows = table_rows(run.out / "reports/collaborative-small.docx", "Figure")
    assert rows["Participants"][:3] == ["<11", "<11", "<11"]
    assert rows["Participants"][3] == "—"  # the change would reveal them
    assert rows["Share with lived experience"][:3] == ["n<30", "n<30", "n<30"]
    glance = table_rows(run.out / "reports/program-report.docx", "Collaborative")
    participants = {name: cells[1] for name, cells in glance.items()}
    assert participants["Small collaborative"] == "<11"  # 4 + 3
    # with the program total printed, the next smallest (medium, 45) is withheld too,
    # shown as withheld rather than as a small count it is not
    assert participants["Medium collaborative"] == "—"
    assert participants["Big collaborative"] == "190"
    assert participants["Program total"] == "242"


def test_printed_figures_agree_with_rollups_through_the_suppression_rules(
    run: DomainRun,
) -> None:
    """Each summary cell is the rollup figure, formatted, or its suppressed stand-in."""
    hidden = people_suppression(run.rollups)
    for identifier in ("small", "big", "medium"):
        rows = table_rows(run.out / f"reports/collaborative-{identifier}.docx", "Figure")
        periods = run.rollups.reporting[identifier].periods
        for column, period in enumerate(("Y2", "Y3", "Y2-Y3")):
            figures = periods[period]
            assert figures is not None
            assert rows["Activities completed"][column] == fmt_count(figures.activities_completed)
            count = figures.participants
            expected = fmt_count(count)
            if Cell(identifier, period, "participants") in hidden:
                expected = "<11" if 1 <= count <= 10 else "—"
            assert rows["Participants"][column] == expected


def test_a_failed_collaborative_is_listed_as_data_unavailable_in_plain_words(
    run: DomainRun,
) -> None:
    """No paths, no jargon: the reason a funder can read, under its name; dashes across."""
    glance = table_rows(run.out / "reports/program-report.docx", "Collaborative")
    broken = "Broken collaborative\nData unavailable: Its tracker has no Partners tab this month."
    assert glance[broken] == ["—"] * 7
    assert "Small collaborative" in glance  # one that reports: its name alone, no status


def test_every_chart_has_alt_text(run: DomainRun) -> None:
    """Each picture carries a description naming what it shows."""
    from docx import Document

    for report in (run.out / "reports").iterdir():
        shapes = Document(str(report)).inline_shapes
        assert len(shapes) == 5
        assert all(
            s._inline.docPr.get("descr", "").startswith("Bar chart.")
            or "nothing to show" in s._inline.docPr.get("descr", "")
            for s in shapes
        )


def test_a_report_that_fails_to_render_fails_alone(tmp_path: Path) -> None:
    """A broken collaborative template: the program report is still made, no partial file."""
    import shutil

    from docx import Document

    from stc_reporting.locations import TEMPLATES_DIR
    from stc_reporting.reports.funder import render_funder_reports
    from tests.builders import write_documents

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    document = Document(str(templates / "collaborative-report.docx"))
    document.add_paragraph().add_run("{{ broken ")
    document.save(str(templates / "collaborative-report.docx"))
    first = run_domain(tmp_path / "a", {"solo": tracker([20, 30])})
    result = render_funder_reports(first.rollups, [], [], [], date(2022, 1, 1), templates=templates)
    assert [d.path for d in result.documents] == ["reports/program-report.docx"]
    assert result.failures and "collaborative-solo.docx was not made" in result.failures[0]
    write_documents(tmp_path / "out", result.documents)
    assert sorted(p.name for p in (tmp_path / "out/reports").iterdir()) == ["program-report.docx"]


def test_the_same_run_gives_byte_identical_reports(tmp_path: Path) -> None:
    """Charts and documents carry no timestamps: reruns are reproducible."""
    first = run_domain(tmp_path / "a", {"solo": tracker([20, 30])})
    second = run_domain(tmp_path / "b", {"solo": tracker([20, 30])})
    assert [d.content for d in first.reports.documents] == [
        d.content for d in second.reports.documents
    ]


def test_skipped_years_still_give_safe_reports(tmp_path: Path) -> None:
    """Years [2, 4]: the years do not add up to the combined period, and nothing breaks."""
    from stc_reporting.pipeline import plan_run, run_monthly_report
    from tests.builders import write_workbook

    rows = [activity("A1", day=date(2021, 3, 1), participants=5)]
    write_workbook(tmp_path / "a.xlsx", minimal_tabs(rows, [partner()]))
    (tmp_path / "p.yaml").write_text(
        "program: {name: P, funder: F, start: 2017-11-01, end: 2022-10-31, years: [2, 4]}\n"
        "collaboratives: [{id: a, name: A, city: C, workbook: a.xlsx}]\n"
    )
    plan = plan_run(
        tmp_path / "p.yaml", tmp_path / "out", date(2021, 12, 31), run_date=date(2022, 1, 1)
    )
    outcome = run_monthly_report(plan)
    rollups, result = outcome.rollups, outcome.reports
    assert result.failures == [] and len(result.documents) == 2
    # the figures themselves are unaffected: Y3 lies inside Y2-Y4 but is not reported
    assert {
        label: (start.isoformat(), end.isoformat())
        for label, (start, end) in rollups.periods.items()
    } == {
        "Y2": ("2018-11-01", "2019-10-31"),
        "Y4": ("2020-11-01", "2021-10-31"),
        "Y2-Y4": ("2018-11-01", "2021-10-31"),
    }
    entry = rollups.reporting["a"]
    participants = {label: f.participants if f else None for label, f in entry.periods.items()}
    assert participants == {"Y2": 0, "Y4": 5, "Y2-Y4": 5}


def test_the_milestone_list_keeps_to_the_reported_periods(tmp_path: Path) -> None:
    """A year-one milestone and one after as-of are not listed; the one in between is."""
    tabs = tracker([20, 30])
    tabs["Milestones"] += [
        ["M2", date(2019, 1, 10), "Job description", None, "Achieved", "Too early"],
        ["M3", date(2021, 9, 10), "Job description", None, "Achieved", "Too late"],
    ]
    run = run_domain(tmp_path, {"solo": tabs}, as_of=date(2021, 6, 30))
    text = docx_text(run.out / "reports/collaborative-solo.docx")
    assert "Plan adopted" in text
    assert "Too early" not in text and "Too late" not in text


def test_an_id_that_looks_like_personal_data_never_reaches_any_output(tmp_path: Path) -> None:
    """An e-mail typed as an Indicator ID is replaced by a token everywhere; links still hold."""
    tabs = tracker([20, 30])
    tabs["Indicators"] += [
        [
            "maria@home.net",
            "Reach 42 Oak Street homes",
            "Greater capacity",
            "Count",
            "Sum",
            None,
            0,
            5,
            9,
        ]
    ]
    tabs["Measurements"] += [["maria@home.net", date(2020, 5, 1), 3, None]]
    run = run_domain(tmp_path, {"solo": tabs})
    everything = run.rollups.model_dump_json() + "".join(i.message + i.value for i in run.issues)
    everything += docx_text(run.out / "reports/collaborative-solo.docx")
    assert "maria@home.net" not in everything and "42 Oak Street" not in everything
    assert not [i for i in run.issues if i.rule == "unknown-indicator"]
