"""Draft vs final is a flag of the render: the final is the draft without its draft marks."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest

from stc_reporting.pipeline import plan_run, read_and_check, render_reports, roll_up
from stc_reporting.reports.document import RenderedDocument
from tests.builders import Grid, activity, minimal_tabs, partner
from tests.reporting import RUN_DATE, write_program

pytestmark = pytest.mark.contract

# Every part of a .docx where text a reader or a file browser shows can sit.
TEXT_PART = re.compile(r"(word/(document|header\d*|footer\d*)|docProps/(core|app))\.xml$")
COVER_MARK = re.compile(
    r"<w:p>(?:(?!<w:p>).)*?Draft for review by program staff before it is sent\.</w:t>"
    r"(?:(?!<w:p>).)*?</w:p>"
)


def text_parts(document: RenderedDocument) -> dict[str, str]:
    """The XML of every text part of a rendered .docx, by part name."""
    with zipfile.ZipFile(io.BytesIO(document.content)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if TEXT_PART.match(name)
        }


def without_draft_marks(name: str, xml: str) -> str:
    """A draft's part with its three draft marks taken out: cover line, footer, comment."""
    if name == "word/document.xml":
        return COVER_MARK.sub("", xml, count=1)
    if name.startswith("word/footer"):
        return xml.replace(" · Draft for review", "")
    if name == "docProps/core.xml":
        return xml.replace(" Draft for review.", "")
    return xml


@pytest.fixture(scope="module")
def renders(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[RenderedDocument], list[RenderedDocument]]:
    """The draft and the final reports of the same figures (two collaboratives)."""
    tmp = tmp_path_factory.mktemp("draft")
    tabs: dict[str, Grid] = dict(
        minimal_tabs(
            [activity("A1", day=date(2020, 3, 1), participants=40), activity("A2")], [partner()]
        )
    )
    config = write_program(tmp, {"alpha": tabs, "beta": tabs})
    plan = plan_run(config, tmp / "out", date(2021, 10, 31), run_date=RUN_DATE)
    checked = read_and_check(plan.config, plan.selection.collaboratives, plan.run_date)
    rollups = roll_up(plan, checked.trackers, checked.issues).rollups
    draft = render_reports(plan, rollups, checked.trackers, checked.issues, is_draft=True)
    final = render_reports(plan, rollups, checked.trackers, checked.issues, is_draft=False)
    assert draft.failures == [] and final.failures == []
    return draft.documents, final.documents


def test_a_draft_carries_its_marks_on_cover_footer_and_properties(
    renders: tuple[list[RenderedDocument], list[RenderedDocument]],
) -> None:
    """Each draft says so on the cover, in the footer and in its core properties."""
    drafts, _ = renders
    assert len(drafts) == 3
    for draft in drafts:
        parts = text_parts(draft)
        assert COVER_MARK.search(parts["word/document.xml"]), draft.path
        assert any(
            " · Draft for review" in xml for name, xml in parts.items() if "footer" in name
        ), draft.path
        assert "Draft for review." in parts["docProps/core.xml"], draft.path


def test_a_final_has_no_draft_mark_anywhere(
    renders: tuple[list[RenderedDocument], list[RenderedDocument]],
) -> None:
    """No part of a final report (document, headers, footers, properties) says draft."""
    _, finals = renders
    assert len(finals) == 3
    for final in finals:
        for name, xml in text_parts(final).items():
            assert "draft" not in xml.lower(), f"{final.path}: {name}"


def test_a_final_is_the_draft_without_its_marks(
    renders: tuple[list[RenderedDocument], list[RenderedDocument]],
) -> None:
    """Same figures, same words, same layout: only the draft marks differ."""
    drafts, finals = renders
    assert [d.path for d in drafts] == [f.path for f in finals]
    for draft, final in zip(drafts, finals, strict=True):
        draft_parts, final_parts = text_parts(draft), text_parts(final)
        assert draft_parts.keys() == final_parts.keys()
        for name, xml in draft_parts.items():
            assert without_draft_marks(name, xml) == final_parts[name], f"{draft.path}: {name}"
        assert draft.content != final.content
