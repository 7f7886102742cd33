"""The accessibility checker catches each broken rule, and the fixer mends what it can."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from PIL import Image

from stc_reporting.reports.accessibility import AIR_AFTER_TABLE, make_accessible, problems
from stc_reporting.reports.labels import load_labels, word_language

pytestmark = pytest.mark.unit


def good_document() -> DocumentObject:
    """A small document that follows every rule: the base each test breaks one rule of."""
    document = Document()
    document.core_properties.title = "A report"
    document.add_paragraph("Program", style="Title")
    document.add_heading("1. Summary", level=1)
    document.add_paragraph("Figures for the year.")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Figure", "Value"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Activities", "12"
    document.add_heading("Activities", level=2)
    document.add_picture(png(), width=Pt(100))
    document.inline_shapes[0]._inline.docPr.set("descr", "Bar chart. Activities: 12.")
    make_accessible(document, "en-US")
    return document


def png() -> io.BytesIO:
    """A tiny picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def saved(document: DocumentObject) -> bytes:
    """The document's .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def body(document: DocumentObject) -> list[str]:
    """The body's elements in order: `p:<text>` or `tbl`."""
    return [
        "tbl"
        if child.tag == qn("w:tbl")
        else f"p:{''.join(t.text or '' for t in child.iter(qn('w:t')))}"
        for child in document.element.body
        if child.tag in (qn("w:p"), qn("w:tbl"))
    ]


def test_a_document_that_follows_every_rule_has_no_problem() -> None:
    """The positive control: the checker has nothing to say about a good document."""
    assert problems(saved(good_document())) == []


def no_title(document: DocumentObject) -> None:
    document.core_properties.title = ""


def no_language(document: DocumentObject) -> None:
    language = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    language.getparent().remove(language)


def skipped_heading(document: DocumentObject) -> None:
    document.add_heading("Detail", level=4)


def first_heading_too_deep(document: DocumentObject) -> None:
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p")))[:2]:  # the Title and the Heading 1
        body.remove(paragraph)


def empty_heading(document: DocumentObject) -> None:
    document.add_heading("", level=1)


def picture_without_alt_text(document: DocumentObject) -> None:
    document.add_picture(png(), width=Pt(50))
    document.inline_shapes[1]._inline.docPr.attrib.pop("descr", None)


def picture_named_by_its_file(document: DocumentObject) -> None:
    document.inline_shapes[0]._inline.docPr.set("descr", "chart.png")


def table_without_header_row(document: DocumentObject) -> None:
    document.add_table(rows=2, cols=2).rows[0].cells[0].text = "Month"
    document.add_paragraph("After the table.")


def header_row_below_a_data_row(document: DocumentObject) -> None:
    row = OxmlElement("w:tr")
    properties = OxmlElement("w:trPr")
    properties.append(OxmlElement("w:tblHeader"))
    row.append(properties)
    document.tables[0]._tbl.append(row)


def blank_line_for_spacing(document: DocumentObject) -> None:
    document.add_paragraph("Before.")
    document.add_paragraph("   ")
    document.add_paragraph("After.")


def coloured_mark_without_words(document: DocumentObject) -> None:
    run = document.add_paragraph("Status: ").add_run("●")
    run.font.color.rgb = RGBColor(0xB4, 0x26, 0x1A)


def shaded_empty_cell(document: DocumentObject) -> None:
    cell = document.tables[0].rows[1].cells[1]
    cell.text = ""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "C00000")
    properties.append(shading)


@pytest.mark.parametrize(
    ("breakage", "rules"),
    [
        (no_title, {"title"}),
        (no_language, {"language"}),
        (skipped_heading, {"headings"}),
        (first_heading_too_deep, {"headings"}),
        (empty_heading, {"headings", "empty paragraph"}),
        (picture_without_alt_text, {"alt text"}),
        (picture_named_by_its_file, {"alt text"}),
        (table_without_header_row, {"table header"}),
        (header_row_below_a_data_row, {"table header"}),
        (blank_line_for_spacing, {"empty paragraph"}),
        (coloured_mark_without_words, {"colour alone"}),
        (shaded_empty_cell, {"colour alone"}),
    ],
)
def test_the_checker_names_the_rule_each_breakage_breaks(
    breakage: Callable[[DocumentObject], None], rules: set[str]
) -> None:
    """Break one rule in a good document: the checker reports that rule, and nothing else.

    An empty heading is a blank line too.
    """
    document = good_document()
    breakage(document)
    found = problems(saved(document))
    assert found, breakage.__name__
    assert {problem.split(":")[0] for problem in found} == rules, found


def test_a_problem_says_where_it_is() -> None:
    """A blank line is placed by the text before it, a table by its first row."""
    document = good_document()
    blank_line_for_spacing(document)
    table_without_header_row(document)
    found = problems(saved(document))
    assert any("'Before.'" in problem for problem in found), found
    assert any("'Month | '" in problem for problem in found), found


def test_the_fixer_marks_header_rows_removes_blank_lines_and_sets_the_language() -> None:
    """A table gets its first row as header; blank lines go; the language is the one given."""
    document = Document()
    document.core_properties.title = "A report"
    document.add_paragraph("Before.")
    document.add_paragraph("")
    document.add_table(rows=2, cols=1).rows[0].cells[0].text = "Month"
    document.add_paragraph("")
    document.add_paragraph("After.")
    make_accessible(document, "es-US")
    assert body(document) == ["p:Before.", "tbl", "p:After."]
    assert problems(saved(document)) == []
    language = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert language.get(qn("w:val")) == "es-US"
    assert document.tables[0].rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_air_after_a_table_replaces_the_blank_line() -> None:
    """The paragraph after a table gets space above it, unless it sets its own."""
    document = Document()
    document.add_table(rows=1, cols=1)
    plain = document.add_paragraph("Plain.")
    document.add_table(rows=1, cols=1)
    own = document.add_paragraph("Own spacing.")
    own.paragraph_format.space_before = Pt(4)
    make_accessible(document, "en-US")
    assert plain.paragraph_format.space_before == AIR_AFTER_TABLE
    assert own.paragraph_format.space_before == Pt(4)


def test_the_blank_paragraph_between_two_tables_stays() -> None:
    """Word joins two tables with nothing between them, so that blank line is not spacing."""
    document = Document()
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "One"
    document.add_paragraph("")
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "Two"
    document.add_paragraph("")
    make_accessible(document, "en-US")
    assert body(document) == ["tbl", "p:", "tbl", "p:"]
    assert [p for p in problems(saved(document)) if p.startswith("empty")] == []


def test_a_cell_keeps_its_only_paragraph_even_when_empty() -> None:
    """An empty cell is not a blank line: the cell must hold a paragraph."""
    document = Document()
    document.add_table(rows=2, cols=2).rows[0].cells[0].text = "Month"
    make_accessible(document, "en-US")
    assert all(len(cell.paragraphs) == 1 for row in document.tables[0].rows for cell in row.cells)


def test_the_english_labels_make_american_english_reports_and_spanish_defaults_to_us() -> None:
    """`document_language` of labels.en.yaml is en-US; a file without one gets its default."""
    assert load_labels("en").report.document_language == "en-US"
    assert word_language("es") == "es-US"
    assert word_language("es-MX") == "es-MX"
