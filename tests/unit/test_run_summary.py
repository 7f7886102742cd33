"""A run's closing summary stays readable at 500 collaboratives: the worst first, the rest counted.

The CLI's last lines, the run page's summary artifact and the approval form list at
most `SHOWN_AT_MOST` collaboratives (failures first, then the most errors) and count
the others in a line each; a run of a few collaboratives looks as it always did.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

import flows.cli
from stc_reporting.figures.document import Rollups
from stc_reporting.outputs.run_page import (
    links_to_show,
    review_markdown,
    run_links,
    summary_markdown,
)
from stc_reporting.outputs.summary import SHOWN_AT_MOST, files_written, rows_to_show
from stc_reporting.outputs.writer import WrittenFile
from tests.builders import portfolio_summary

pytestmark = pytest.mark.unit

FAILED = (499, 500)
WITH_PROBLEMS = tuple(range(10, 70))  # 60 collaboratives with errors and a warning


def _rollups() -> Rollups:
    return Rollups(
        program="P",
        funder="F",
        as_of=date(2021, 10, 31),
        periods={"Y3": (date(2020, 11, 1), date(2021, 10, 31))},
        collaboratives={},
        program_totals={"Y3": None},
        collaboratives_failed=[],
    )


def test_at_500_the_table_lists_failures_then_the_most_errors_and_counts_the_rest() -> None:
    """2 failed and 60 with problems of 500: 25 rows, then two lines of counts."""
    rows = rows_to_show(portfolio_summary(500, FAILED, WITH_PROBLEMS).collaboratives)
    assert len(rows.shown) == SHOWN_AT_MOST
    assert [c.id for c in rows.shown[:4]] == ["c499", "c500", "c069", "c068"]
    assert [c.errors for c in rows.shown[2:]] == list(range(69, 69 - 23, -1))
    assert rows.more == [
        "and 37 more collaboratives reported with errors, warnings or privacy issues: "
        "the data-quality report counts them",
        "and 438 more collaboratives reported with no problem",
    ]


def test_failures_beyond_the_cap_are_counted_apart_and_one_is_singular() -> None:
    """30 failures: 25 listed, 5 counted as failed; one clean collaborative is 'collaborative'."""
    summary = portfolio_summary(31, failed=range(1, 31))
    assert rows_to_show(summary.collaboratives).more == [
        "and 5 more collaboratives failed: the data-quality report says why",
        "and 1 more collaborative reported with no problem",
    ]


def test_a_run_of_five_lists_all_in_config_order_as_before() -> None:
    """Nothing is reordered or counted while every row fits."""
    summary = portfolio_summary(5, failed=(2,), with_problems=(4,))
    rows = rows_to_show(summary.collaboratives)
    assert [c.id for c in rows.shown] == ["c001", "c002", "c003", "c004", "c005"]
    assert rows.more == []
    assert files_written(summary.files) == summary.files


def test_the_run_page_summary_of_500_is_short_and_links_only_the_pages_it_lists(
    tmp_path: Path,
) -> None:
    """The artifact has 25 rows, the counts, and 25 page links then how many more."""
    summary = portfolio_summary(500, FAILED, WITH_PROBLEMS, out_dir=str(tmp_path))
    files = [
        WrittenFile(path, "data-quality-page", path.split("/")[1].split(".")[0], "0" * 64, 1)
        for path in summary.files
        if path.startswith("data-quality/")
    ]
    names = {c.id: c.name for c in summary.collaboratives}
    links = run_links(tmp_path, files, names)
    text = summary_markdown(summary, _rollups(), "run", links)
    table = [line for line in text.splitlines() if line.startswith("| Group")]
    assert len(table) == SHOWN_AT_MOST
    assert table[0] == "| Group 499 | **failed**: no Partners tab | | | |"
    assert "… and 438 more collaboratives reported with no problem." in text
    [pages] = [line for line in text.splitlines() if "Data-quality page" in line]
    assert pages.count("](file://") == SHOWN_AT_MOST
    assert pages.endswith("and 475 more in the run's `data-quality/` folder")
    assert len(text.splitlines()) < 60
    review = review_markdown(summary, {}, links, 7)
    assert len([line for line in review.splitlines() if line.startswith("- **")]) == 25
    assert "- … and 438 more collaboratives reported with no problem." in review


def test_at_500_the_page_links_the_program_files_and_the_listed_collaboratives_only(
    tmp_path: Path,
) -> None:
    """1,000 link artifacts are 1,000 API calls: 25 drafts, 25 pages, the rest counted."""
    summary = portfolio_summary(500, FAILED, WITH_PROBLEMS, out_dir=str(tmp_path))
    ids = [c.id for c in summary.collaboratives]
    files = [
        WrittenFile("reports/program-report-draft.docx", "program-report", None, "0" * 64, 1),
        WrittenFile("data-quality-report.html", "data-quality-report", None, "0" * 64, 1),
        *(
            WrittenFile(f"reports/{i}-draft.docx", "collaborative-report", i, "0" * 64, 1)
            for i in ids
        ),
        *(WrittenFile(f"data-quality/{i}.html", "data-quality-page", i, "0" * 64, 1) for i in ids),
    ]
    names = {c.id: c.name for c in summary.collaboratives}
    links = run_links(tmp_path, files, names)
    shown = links_to_show(links, summary)
    listed = {c.name for c in rows_to_show(summary.collaboratives).shown}
    assert len(shown) == 2 + 2 * SHOWN_AT_MOST
    assert {link.name for link in shown if link.name} == listed
    text = summary_markdown(summary, _rollups(), "run", links)
    assert text.count("-draft.docx)") == 1 + SHOWN_AT_MOST
    assert "- … and 475 more report drafts in the run's `reports/` folder" in text
    few = portfolio_summary(5, out_dir=str(tmp_path))
    assert links_to_show(links, few) == links


def test_the_cli_summary_of_500_fits_a_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """25 table rows, the counts, files per folder, and the two failures named."""
    console = Console(record=True, width=120)
    monkeypatch.setattr(flows.cli, "console", console)
    flows.cli._print_run_summary(portfolio_summary(500, FAILED, WITH_PROBLEMS))
    text = console.export_text()
    assert text.count("Group ") == SHOWN_AT_MOST
    assert "… and 438 more collaboratives reported with no problem." in text
    assert "data-quality/ (1,000 files)" in text
    assert "data-quality/c001.html" not in text
    assert "2 collaborative(s) failed: c499, c500" in text
    assert len(text.splitlines()) < 50
