"""Small, readable trackers for tests: tabs as lists of rows, header first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from stc_reporting.contract.tabs import ACTIVITIES, PARTNERS, TABS, headers
from stc_reporting.outputs.folder import OutputFolder
from stc_reporting.outputs.summary import CollaborativeSummary, RunSummary
from stc_reporting.outputs.writer import WrittenFile, write_run
from stc_reporting.reports.document import RenderedDocument
from stc_reporting.sources import RawTab, RawTracker, rows_from_grid

Grid = Sequence[Sequence[Any]]

ACTIVITIES_HEADER = headers(ACTIVITIES)
PARTNERS_HEADER = headers(PARTNERS)
OPTIONAL_HEADERS = {tab.name: headers(tab) for tab in TABS if not tab.required}


def activity(
    identifier: str = "A1",
    day: Any = date(2020, 1, 15),
    component: str = "Collaborative capacity building",
    strategy: str | None = None,
    title: str | None = "Partner convening",
    status: str = "Completed",
    participants: Any = 10,
    lived: Any = None,
    partners: Any = None,
    modality: str | None = None,
    notes: str | None = None,
) -> list[Any]:
    """One Activities row with sensible defaults."""
    return [
        identifier,
        day,
        component,
        strategy,
        title,
        status,
        participants,
        lived,
        partners,
        modality,
        notes,
    ]


def partner(
    identifier: str = "P1",
    organization: str = "Community clinic",
    sector: str = "Health care",
    joined: Any = date(2019, 1, 1),
    left: Any = None,
    level: str | None = None,
    prior_ipv: Any = "No",
    commitment: Any = None,
) -> list[Any]:
    """One Partners row with sensible defaults."""
    return [identifier, organization, sector, joined, left, level, prior_ipv, commitment]


def minimal_tabs(
    activities: Sequence[Sequence[Any]] = (), partners: Sequence[Sequence[Any]] = ()
) -> dict[str, list[list[Any]]]:
    """A tracker with these Activities and Partners rows and every optional tab empty."""
    return {
        "Activities": [ACTIVITIES_HEADER, *[list(r) for r in activities]],
        "Partners": [PARTNERS_HEADER, *[list(r) for r in partners]],
        **{name: [list(header)] for name, header in OPTIONAL_HEADERS.items()},
    }


PLANTED = {
    # Personal data a test plants in a tracker, by where it is planted.
    "email column": "rosa.martinez@example.org",
    "email in title": "write to lupe.g@example.net",
    "phone in notes": "call her at 559-555-0142",
    "email as ID": "ana.r@example.com",
    "phone in list": "(415) 555-0199",
    "address as a date": "1234 Olive Ave",
    "phone as a choice": "510-555-0123",
    "email in extra column": "j.doe@example.com",
    "email as a header": "boss@example.com",
    "street in another tab": "77 Elm St",
}


def personal_tabs() -> dict[str, list[list[Any]]]:
    """A tracker with personal data wherever a person could type it (values in `PLANTED`)."""
    tabs = minimal_tabs(
        [
            activity("A1", title=PLANTED["email in title"], notes=PLANTED["phone in notes"]),
            activity(PLANTED["email as ID"], partners=f"P1; {PLANTED['phone in list']}"),
            activity("A3", day=PLANTED["address as a date"], modality=PLANTED["phone as a choice"]),
            [None] * len(ACTIVITIES_HEADER) + [PLANTED["email in extra column"]],
        ],
        [[*partner(), PLANTED["email column"]]],
    )
    tabs["Activities"][0] = [*ACTIVITIES_HEADER, PLANTED["email as a header"]]
    tabs["Partners"][0] = [*tabs["Partners"][0], "Email"]
    tabs["Contacts"] = [["Who", "Where"], ["Rosa", PLANTED["street in another tab"]]]
    return tabs


def raw_tracker(tabs: Mapping[str, Grid], spreadsheet_id: str | None = None) -> RawTracker:
    """A tracker as a source would return it."""
    return RawTracker(
        description="test tracker",
        tabs=tuple(
            RawTab(
                title=name,
                header=tuple(grid[0]) if grid else (),
                rows=rows_from_grid([tuple(r) for r in grid]),
            )
            for name, grid in tabs.items()
        ),
        spreadsheet_id=spreadsheet_id,
    )


def write_workbook(path: Path, tabs: Mapping[str, Grid]) -> Path:
    """Save tabs as an .xlsx workbook, dates as date cells."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, grid in tabs.items():
        sheet = workbook.create_sheet(name)
        for row in grid:
            sheet.append(
                [
                    datetime(v.year, v.month, v.day)
                    if isinstance(v, date) and not isinstance(v, datetime)
                    else v
                    for v in row
                ]
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_documents(out: Path, documents: Sequence[RenderedDocument]) -> list[WrittenFile]:
    """Write documents into `out` as a run does: a locked transaction of the folder."""
    with OutputFolder(out).open() as session, session.transaction() as transaction:
        return write_run(transaction, documents)


def portfolio_summary(
    size: int, failed: Sequence[int] = (), with_problems: Sequence[int] = (), out_dir: str = "out"
) -> RunSummary:
    """The summary of a run of `size` collaboratives `c001`…: a few failed, some with problems.

    Collaborative `i` (from 1) failed when `i` is in `failed`; it has `i` errors and
    one warning when in `with_problems`; the others reported with no problem. Each
    wrote its draft and its data-quality pages.
    """
    entries = []
    for number in range(1, size + 1):
        identifier = f"c{number:03d}"
        if number in failed:
            entry = CollaborativeSummary(
                id=identifier, name=f"Group {number}", status="failed", reason="no Partners tab"
            )
        else:
            problems = number in with_problems
            entry = CollaborativeSummary(
                id=identifier,
                name=f"Group {number}",
                status="ok",
                errors=number if problems else 0,
                warnings=int(problems),
            )
        entries.append(entry)
    files = ["rollups.json", "issues.csv", "data-quality-report.html", "manifest.json"]
    for entry in entries:
        files += [f"data-quality/{entry.id}.html", f"data-quality/{entry.id}.docx"]
        if entry.status == "ok":
            files.append(f"reports/collaborative-{entry.id}.docx")
    return RunSummary(out_dir=out_dir, as_of="2021-10-31", collaboratives=entries, files=files)
