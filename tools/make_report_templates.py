"""Bootstrap: make a FIRST version of the Word report templates, then never again.

Run as `python -m tools.make_report_templates` (or `make report-templates`).

The templates in `templates/` are the source of truth: program managers edit
them in Word, and the next run prints their edits. This script is kept only as a
tool to make a first version (or to start over): running it OVERWRITES
`program-report.docx`, `collaborative-report.docx` and `data-quality-report.docx`
and every edit made in them. No test and no build step runs it; `make
report-templates` says that it overwrites edits. After running it, copy any edits
back in Word.

`--language es` writes the templates made in another language too
(`TRANSLATED_TEMPLATES`: `collaborative-report.es.docx`, `data-quality-report.es.docx`):
the same document, each fixed text replaced by its reviewed translation from
`tools/template-text.es.yaml`; nothing is written while a text has no translation (all
of them are listed). The hand-written HTML page `data-quality-report.html.j2`
(`TRANSLATED_PAGES`) is translated with the same table into
`data-quality-report.es.html.j2`.

Every Jinja tag is written as a single run, so Word never splits one (a contract
test checks). Variables are listed in docs/template-variables.md; the words the
code places into tables and charts are in `templates/labels.<language>.yaml`, not
here. Total rows are the rows whose context sets `is_total`, never a row matched
by its label.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports.accessibility import TR_PROPERTY_ORDER
from stc_reporting.reports.labels import load_labels

HERE = TEMPLATES_DIR
NAVY = RGBColor(0x1F, 0x38, 0x64)
BLUE = RGBColor(0x2E, 0x75, 0xB6)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "1F3864"
NAVY_HEX = "1F3864"
TOTAL_FILL = "EEF2F8"
QUOTE_RULE = "9DC3E6"
RULE_COLOUR = "BFBFBF"
BODY_WIDTH_CM = 16.9

PERIOD_COLUMNS = [
    "{{ headers.first }}",
    "{{ headers.last }}",
    "{{ headers.combined }}",
    "{{ headers.change }}",
]
PERIOD_CELLS = ["{{ row.first }}", "{{ row.last }}", "{{ row.combined }}", "{{ row.change }}"]
TOTAL_ROW = "row.is_total"
"""Marks total rows: the context flags them, so a renamed label never loses its bold."""


# --- Styles -------------------------------------------------------------------------


def _styles(document: DocumentType) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, colour, before in (
        ("Title", 30, NAVY, 0),
        ("Subtitle", 15, BLUE, 0),
        ("Heading 1", 16, NAVY, 18),
        ("Heading 2", 12.5, BLUE, 12),
        ("Heading 3", 11, NAVY, 10),
    ):
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        style.font.bold = name.startswith("Heading")
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
        _east_asian_font(style, "Calibri")
    subtitle = styles["Subtitle"]
    subtitle.font.italic = False
    for spacing in subtitle.element.get_or_add_rPr().findall(qn("w:spacing")):
        spacing.getparent().remove(spacing)  # no letter-spacing: plain, like the rest
    title = styles["Title"]
    title.paragraph_format.space_after = Pt(4)
    title_border = title.element.get_or_add_pPr()
    _put(title_border, _edges("pBdr", {"bottom": ("12", NAVY_HEX)}, space="4"))
    caption = styles["Caption"]
    caption.font.size = Pt(8.5)
    caption.font.italic = True
    caption.font.bold = False
    caption.font.color.rgb = GREY
    caption.paragraph_format.space_after = Pt(14)
    quote = styles["Quote"]
    quote.font.italic = False
    quote.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    quote.paragraph_format.left_indent = Cm(0.5)
    quote.paragraph_format.space_before = Pt(6)
    quote.paragraph_format.space_after = Pt(1)
    quote.paragraph_format.keep_with_next = True  # a lesson stays with its attribution
    _put(quote.element.get_or_add_pPr(), _edges("pBdr", {"left": ("18", QUOTE_RULE)}, space="8"))
    styles["List Bullet"].paragraph_format.space_after = Pt(3)


def _east_asian_font(style: object, name: str) -> None:
    element = style.element  # type: ignore[attr-defined]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


# --- Small builders ---------------------------------------------------------------------

# Where each property element goes inside its parent: Word rejects a document whose
# properties are out of schema order, so every element is put in its place.
_ORDER = {
    "tblPr": [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    ],
    "trPr": list(TR_PROPERTY_ORDER),
    "tcPr": [
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
    ],
    "pPr": [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ],
}


def _local(element: object) -> str:
    return str(element.tag).split("}")[-1]  # type: ignore[attr-defined]


def _put(parent: object, element: object) -> None:
    """Put `element` in `parent` at its schema place, replacing one of the same kind."""
    order = _ORDER[_local(parent)]
    name = _local(element)
    for old in parent.findall(qn(f"w:{name}")):  # type: ignore[attr-defined]
        parent.remove(old)  # type: ignore[attr-defined]
    later = set(order[order.index(name) + 1 :])
    for child in parent:  # type: ignore[attr-defined]
        if _local(child) in later:
            child.addprevious(element)
            return
    parent.append(element)  # type: ignore[attr-defined]


def _element(tag: str, **attributes: str) -> object:
    element = OxmlElement(f"w:{tag}")
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _edges(tag: str, edges: dict[str, tuple[str, str]], space: str = "0") -> object:
    """A border element (tblBorders, tcBorders, pBdr): edge -> (size in 1/8 pt, colour).

    `space` is the gap between a paragraph border and its text, in points.
    """
    borders = _element(tag)
    for edge, (size, colour) in edges.items():
        if size == "nil":
            borders.append(_element(edge, val="nil"))  # type: ignore[attr-defined]
        else:
            borders.append(  # type: ignore[attr-defined]
                _element(edge, val="single", sz=size, space=space, color=colour)
            )
    return borders


def _paragraph(
    document: DocumentType,
    text: str = "",
    style: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    size: float | None = None,
    colour: RGBColor | None = None,
    keep: bool = False,
) -> Paragraph:
    paragraph = document.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if colour:
            run.font.color.rgb = colour
    if align is not None:
        paragraph.alignment = align
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _tag(document: DocumentType, tag: str) -> None:
    """A paragraph holding only a `{%p ... %}` block tag (docxtpl removes it)."""
    document.add_paragraph().add_run(tag)


def _shade(cell: object, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    _put(properties, _element("shd", val="clear", color="auto", fill=fill))


def _borders(table: Table) -> None:
    """Thin horizontal rules only, and a little air in every cell: quiet tables that print well."""
    properties = table._tbl.tblPr
    rule = ("4", RULE_COLOUR)
    edges = {"top": rule, "left": ("nil", ""), "bottom": rule, "right": ("nil", "")}
    edges |= {"insideH": rule, "insideV": ("nil", "")}
    _put(properties, _edges("tblBorders", edges))
    margins = _element("tblCellMar")
    for edge, width in (("top", "28"), ("left", "85"), ("bottom", "28"), ("right", "85")):
        margins.append(_element(edge, w=width, type="dxa"))  # type: ignore[attr-defined]
    _put(properties, margins)


def _row_properties(row: object, header: bool = False) -> None:
    """A row never breaks across pages; a header row repeats on every page."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    _put(properties, _element("cantSplit"))
    if header:
        _put(properties, _element("tblHeader"))


def _cell_text(
    cell: object,
    text: str,
    bold: bool = False,
    colour: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float = 9,
) -> Paragraph:
    paragraph: Paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    # Keep a table with what follows it, so a short table never leaves one row behind.
    paragraph.paragraph_format.keep_with_next = True
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    if colour is not None:
        run.font.color.rgb = colour
    return paragraph


ALIGN = {
    "L": WD_ALIGN_PARAGRAPH.LEFT,
    "R": WD_ALIGN_PARAGRAPH.RIGHT,
    "C": WD_ALIGN_PARAGRAPH.CENTER,
}


def _loop_table(
    document: DocumentType,
    headers: list[str],
    cells: list[str],
    loop: str,
    widths: list[float],
    aligns: str | None = None,
    header_size: float = 8.5,
    total: str | None = None,
    groups: list[tuple[str, int]] | None = None,
    centre: bool = True,
) -> Table:
    """A table: a shaded header row, then one row repeated for each item of `loop`.

    Args:
        document: The document.
        headers: Header texts (may hold tags).
        cells: One tag per column for the repeated row.
        loop: The `for` clause, e.g. `row in summary`.
        widths: Column widths in cm (at most the body width, 16.9).
        aligns: `L`, `R` or `C` per column; by default the first column left, the rest
            right (numbers).
        header_size: Font size of the header row, in points.
        total: A condition on the loop variable marking total rows (`row.is_total`):
            those rows come last, in bold, under a rule.
        groups: An extra header row above the headers: (text, columns spanned).
        centre: Centre the table on the page (else flush left).
    """
    assert sum(widths) <= BODY_WIDTH_CM + 0.01, f"table wider than the page: {headers}"
    aligns = aligns or "L" + "R" * (len(headers) - 1)
    loops = [loop] if total is None else [f"{loop} if not ({total})", f"{loop} if {total}"]
    head_rows = 2 if groups else 1
    table: Table = document.add_table(rows=head_rows + 3 * len(loops), cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER if centre else WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _borders(table)
    white = RGBColor(0xFF, 0xFF, 0xFF)
    rows = list(table.rows)
    if groups:
        column = 0
        for text, span in groups:
            cell = rows[0].cells[column]
            if span > 1:
                cell = cell.merge(rows[0].cells[column + span - 1])
            _shade(cell, HEADER_FILL)
            paragraph = _cell_text(
                cell, text, bold=True, colour=white, size=header_size, align=ALIGN["L"]
            )
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if span > 1 else ALIGN["L"]
            column += span
        _row_properties(rows[0], header=True)
    head = rows[head_rows - 1]
    _row_properties(head, header=True)
    for index, header in enumerate(headers):
        _shade(head.cells[index], HEADER_FILL)
        _cell_text(
            head.cells[index],
            header,
            bold=True,
            colour=white,
            align=ALIGN[aligns[index]],
            size=header_size,
        )
    for number, clause in enumerate(loops):
        start, body, end = rows[head_rows + 3 * number : head_rows + 3 * number + 3]
        emphasis = number == 1
        _cell_text(start.cells[0], f"{{%tr for {clause} %}}")
        _row_properties(body)
        for index, cell in enumerate(cells):
            _cell_text(body.cells[index], cell, align=ALIGN[aligns[index]], bold=emphasis)
            if emphasis:
                _shade(body.cells[index], TOTAL_FILL)
                properties = body.cells[index]._tc.get_or_add_tcPr()
                _put(properties, _edges("tcBorders", {"top": ("8", NAVY_HEX)}))
        _cell_text(end.cells[0], "{%tr endfor %}")
    _fixed_widths(table, widths)
    # No blank line under the table (Word's accessibility checker flags one): the report
    # renderer gives whatever follows a table space above it (reports/accessibility.py).
    return table


def _fixed_widths(table: Table, widths: list[float]) -> None:
    """Fix column widths in the grid (LibreOffice) and in every cell (Word)."""
    _put(table._tbl.tblPr, _element("tblLayout", type="fixed"))
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            span = int(tc.grid_span)
            tc.width = Cm(sum(widths[column : column + span]))
            column += span


def _period_table(
    document: DocumentType, first_header: str, loop: str, total: str | None = None
) -> None:
    _loop_table(
        document,
        [first_header, *PERIOD_COLUMNS],
        ["{{ row.label }}", *PERIOD_CELLS],
        loop,
        [7.3, 2.2, 2.2, 2.4, 2.8],
        total=total,
    )


def _chart(document: DocumentType, key: str) -> None:
    picture = _paragraph(document, f"{{{{ charts.{key}.image }}}}", align=WD_ALIGN_PARAGRAPH.CENTER)
    picture.paragraph_format.keep_with_next = True
    picture.paragraph_format.space_before = Pt(6)
    picture.paragraph_format.space_after = Pt(2)
    picture.paragraph_format.line_spacing = 1.0
    _paragraph(
        document,
        f"{{{{ charts.{key}.caption }}}}",
        style="Caption",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) that Word fills in when it lays out pages.

    Each part of the field is its own run with the footer's small grey font, as Word
    writes them (one run holding the whole field loses its font in LibreOffice).
    """
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    parts = [
        _element("fldChar", fldCharType="begin"),
        text,
        _element("fldChar", fldCharType="separate"),
        placeholder,
        _element("fldChar", fldCharType="end"),
    ]
    for part in parts:
        run = paragraph.add_run()
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
        run._r.append(part)


# --- Page furniture and cover -------------------------------------------------------------


def _furniture_style(document: DocumentType, name: str) -> None:
    """Header and Footer styles: small grey text, one right tab at the margin."""
    style = document.styles[name]
    style.font.size = Pt(8)
    style.font.color.rgb = GREY
    tabs = style.paragraph_format.tab_stops
    tabs.clear_all()
    tabs.add_tab_stop(Cm(BODY_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)


def _page_setup(
    document: DocumentType,
    header: str = "{{ program }} · {{ scope_name }}",
    footer_note: str = "{% if is_draft %} · Draft for review{% endif %}",
) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # US Letter
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    section.different_first_page_header_footer = True
    _furniture_style(document, "Header")
    _furniture_style(document, "Footer")
    header_paragraph = section.header.paragraphs[0]
    run = header_paragraph.add_run(header)
    run.font.size, run.font.color.rgb = Pt(8), GREY
    header_paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    properties = header_paragraph._p.get_or_add_pPr()
    _put(properties, _edges("pBdr", {"bottom": ("4", RULE_COLOUR)}, space="3"))
    footer = section.footer.paragraphs[0]
    run = footer.add_run(f"Data as of {{{{ data_as_of }}}}{footer_note}\tPage ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "PAGE")
    run = footer.add_run(" of ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "NUMPAGES")


def _cover(document: DocumentType, collaborative: bool) -> None:
    title = _paragraph(document, "{{ program }}", style="Title")
    title.paragraph_format.space_before = Pt(150)
    _paragraph(document, "{{ report_title }}", style="Subtitle")
    name = _paragraph(
        document,
        "{{ scope_name }}" if collaborative else "All collaboratives",
        bold=True,
        size=20,
        colour=NAVY,
    )
    name.paragraph_format.space_before = Pt(30)
    name.paragraph_format.space_after = Pt(2)
    if collaborative:
        _paragraph(document, "{{ city }}, California", size=12, colour=GREY)
    label = _paragraph(document, "PREPARED FOR", bold=True, size=8.5, colour=GREY)
    label.paragraph_format.space_before = Pt(30)
    label.paragraph_format.space_after = Pt(0)
    funder = _paragraph(document, "{{ funder }}", size=13, colour=NAVY, keep=True)
    funder.paragraph_format.space_after = Pt(18)
    _loop_table(
        document,
        ["Period", "Dates"],
        ["{{ row.name }}", "{{ row.dates }}{% if row.note %} ({{ row.note }}){% endif %}"],
        "row in periods",
        [3.2, 8.3],
        aligns="LL",
        centre=False,
    )
    made = _paragraph(
        document, "Data as of {{ data_as_of }} · made on {{ made_on }}", colour=GREY, size=9.5
    )
    made.paragraph_format.space_before = Pt(6)
    # Draft marks are a flag of the render: the final version is the same document
    # without them (reports.md).
    _tag(document, "{%p if is_draft %}")
    _paragraph(
        document,
        "Draft for review by program staff before it is sent.",
        colour=GREY,
        size=9.5,
    )
    _tag(document, "{%p endif %}")


# --- Sections -------------------------------------------------------------------------------


def _intro(document: DocumentType, text: str) -> Paragraph:
    """A sentence that introduces a table or chart: it stays on the page with it."""
    return _paragraph(document, text, keep=True)


def _summary(document: DocumentType, collaborative: bool) -> None:
    heading = document.add_heading("1. Summary", level=1)
    heading.paragraph_format.page_break_before = True  # the cover stands alone
    # The written overview (made from the figures), then what a person wrote: both data,
    # printed as plain paragraphs.
    _tag(document, "{%p for paragraph in overview %}")
    _paragraph(document, "{{ paragraph }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p for paragraph in narrative %}")
    _paragraph(document, "{{ paragraph }}")
    _tag(document, "{%p endfor %}")
    _intro(
        document,
        "Headline figures for {{ headers.first }}, {{ headers.last }} and the two years "
        "together. Change is {{ headers.last }} minus {{ headers.first }}. Participants "
        "count attendances: a person at two activities counts twice.",
    )
    _period_table(document, "Figure", "row in summary")
    if not collaborative:
        _tag(document, "{%p if coverage_note %}")
        _paragraph(document, "{{ coverage_note }}", colour=GREY, size=9)
        _tag(document, "{%p endif %}")


def _glance(document: DocumentType) -> None:
    document.add_heading("2. Collaboratives at a glance", level=1)
    _intro(
        document,
        "Each collaborative over {{ headers.combined }}: completed activities, participant "
        "attendances at them, active partners, sectors engaged, funding secured, "
        "milestones achieved, and reporting completeness (the share of months whose "
        "tracker update was declared complete).",
    )
    table = _loop_table(
        document,
        [
            "Collaborative",
            "Activities",
            "Participants",
            "Partners",
            "Sectors",
            "Funding",
            "Milestones",
            "Reporting",
        ],
        [
            "{{ row.name }}",
            "{{ row.activities }}",
            "{{ row.participants }}",
            "{{ row.partners }}",
            "{{ row.sectors }}",
            "{{ row.funding }}",
            "{{ row.milestones }}",
            "{{ row.completeness }}",
        ],
        "row in glance",
        [5.3, 1.6, 1.9, 1.5, 1.4, 1.8, 1.8, 1.6],
        aligns="LRRRRRRR",
        header_size=8,
        total=TOTAL_ROW,
    )
    # A collaborative that reports gets no status (it would say the same on every row);
    # one that cannot says so under its name, small and grey, with the reason.
    paragraph = table.rows[2].cells[0].paragraphs[0]
    paragraph.add_run("{%r if row.status %}")
    paragraph.add_run().add_break()
    note = paragraph.add_run("{{ row.status }}{% if row.note %}: {{ row.note }}{% endif %}")
    note.font.size, note.font.color.rgb = Pt(8), GREY
    paragraph.add_run("{%r endif %}")


def _strategy(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Strategy implementation", level=1)
    document.add_heading("Activities by core component", level=2)
    _period_table(document, "Core component", "row in components")
    _chart(document, "components")
    document.add_heading("Activities by strategy", level=2)
    _period_table(document, "Strategy", "row in strategies")
    _chart(document, "strategies")
    document.add_heading("Participation", level=2)
    _intro(
        document,
        "Attendances at completed activities (a person at two activities counts twice), "
        "and how many of them were by people who bring lived experience.",
    )
    _period_table(document, "Participants", "row in people")


def _partnerships(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Multisector partnerships", level=1)
    _intro(
        document,
        "The partner organizations: how many were active and how many were new, how many "
        "had not worked on intimate partner violence (IPV) prevention before, how many made "
        "a formal commitment, the sectors they come from, and the activities that brought "
        "sectors together.",
    )
    _period_table(document, "Partners", "row in partnerships")
    _paragraph(
        document,
        "Sectors engaged over {{ headers.combined }}: {{ sectors_engaged }}.",
        keep=True,
    )
    _chart(document, "sectors")


def _sustainability(document: DocumentType, number: int, collaborative: bool) -> None:
    document.add_heading(f"{number}. Sustainability", level=1)
    document.add_heading("Funding secured", level=2)
    _period_table(
        document,
        "Source type",
        "row in funding",
        total=TOTAL_ROW,
    )
    _chart(document, "funding")
    document.add_heading("Milestones achieved", level=2)
    _period_table(document, "Milestone type", "row in milestones")
    if collaborative:
        _tag(document, "{%p if milestone_list %}")
        _intro(document, "Each milestone achieved over {{ headers.combined }}, by month:")
        _loop_table(
            document,
            ["Month", "Type", "Level", "Milestone"],
            ["{{ row.date }}", "{{ row.type }}", "{{ row.level }}", "{{ row.description }}"],
            "row in milestone_list",
            [3.0, 3.6, 2.3, 8.0],  # a month such as "septiembre de 2021" on one line
            aligns="LLLL",
        )
        _tag(document, "{%p endif %}")


def _grouped_table(
    document: DocumentType,
    headers: list[str],
    cells: list[str],
    outer: str,
    label: str,
    inner: str,
    widths: list[float],
    aligns: str,
    total: list[str] | None = None,
    groups: list[tuple[str, int]] | None = None,
) -> Table:
    """A table whose rows come in groups: a group's name across the row, then its rows.

    Args:
        document: The document.
        headers: Header texts.
        cells: One tag per column for the rows of a group.
        outer: The `for` clause over the groups, e.g. `group in indicator_groups`.
        label: The tag of a group's name, e.g. `{{ group.outcome }}`.
        inner: The `for` clause over a group's rows, e.g. `row in group.indicators`.
        widths: Column widths in cm.
        aligns: `L`, `R` or `C` per column.
        total: One tag per column of a row closing each group (bold, under a rule).
        groups: An extra header row above the headers: (text, columns spanned).
    """
    table = _loop_table(document, headers, cells, inner, widths, aligns=aligns, groups=groups)
    for cell in table.rows[-2].cells:  # an empty cell as tall as a full one
        marks = _element("rPr")
        marks.append(_element("sz", val="18"))  # type: ignore[attr-defined]
        _put(cell.paragraphs[0]._p.get_or_add_pPr(), marks)
    start, body, end = (row._tr for row in table.rows[-3:])
    # Around the inner loop: the outer loop's rows, a group's name, and its total.
    for text, new in ((f"{{%tr for {outer} %}}", True), ("{%tr endfor %}", False)):
        row = copy.deepcopy(start)
        row.xpath(".//w:t")[0].text = text
        (start.addprevious if new else end.addnext)(row)
    name_row = copy.deepcopy(body)
    start.addprevious(name_row)
    if total is not None:
        total_row = copy.deepcopy(body)
        end.addnext(total_row)
        _total_cells(table.rows[list(table._tbl.tr_lst).index(total_row)], total)
    _group_name(table.rows[list(table._tbl.tr_lst).index(name_row)], label)
    return table


GROUP_FILL = "F2F2F2"


def _group_name(row: object, label: str) -> None:
    """Turn a copy of a body row into a group's name across the whole row, in bold."""
    cells = row.cells  # type: ignore[attr-defined]
    for cell in cells:
        for paragraph in cell.paragraphs:
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)
    merged = cells[0].merge(cells[-1])
    for extra in merged.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    _shade(merged, GROUP_FILL)
    paragraph = merged.paragraphs[0]
    paragraph.alignment = ALIGN["L"]
    run = paragraph.add_run(label)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(9), NAVY


def _total_cells(row: object, tags: list[str]) -> None:
    """Turn a copy of a body row into a total row: these tags, bold, shaded, under a rule."""
    for cell, tag in zip(row.cells, tags, strict=True):  # type: ignore[attr-defined]
        run = cell.paragraphs[0].runs[0]
        run.text, run.bold = tag, True
        _shade(cell, TOTAL_FILL)
        _put(cell._tc.get_or_add_tcPr(), _edges("tcBorders", {"top": ("8", NAVY_HEX)}))


def _outcomes(document: DocumentType, number: int, collaborative: bool) -> None:
    document.add_heading(f"{number}. Outcomes", level=1)
    _intro(
        document,
        "The program works toward four intended outcomes: greater capacity, short-term "
        "outcomes, multisector value and continued change. Each indicator "
        + ("the collaborative" if collaborative else "a collaborative")
        + " set measures one of them; here they are grouped by outcome, over "
        "{{ headers.combined }}.",
    )
    if collaborative:
        _tag(document, "{%p if indicator_groups %}")
        _paragraph(document, "{{ outcome_summary }}", keep=True)
        _grouped_table(
            document,
            ["Indicator", "Baseline", "Target", "Value", "% of target", "Status"],
            [
                "{{ row.name }}",
                "{{ row.baseline }}",
                "{{ row.target }}",
                "{{ row.value }}",
                "{{ row.pct_of_target }}",
                "{{ row.status }}",
            ],
            "group in indicator_groups",
            "{{ group.outcome }}",
            "row in group.indicators",
            [6.9, 1.8, 1.8, 1.8, 2.0, 2.6],
            aligns="LRRRRC",
        )
        _unmeasured(document)
        _chart(document, "indicators")
        document.add_heading("Year by year", level=2)
        _grouped_table(
            document,
            ["Indicator", "Value", "Target", "Status", "Value", "Target", "Status"],
            [
                "{{ row.name }}",
                "{{ row.first_value }}",
                "{{ row.first_target }}",
                "{{ row.first_status }}",
                "{{ row.last_value }}",
                "{{ row.last_target }}",
                "{{ row.last_status }}",
            ],
            "group in indicator_groups",
            "{{ group.outcome }}",
            "row in group.years",
            [5.5, 1.6, 1.6, 2.1, 1.6, 1.6, 2.3],
            aligns="LRRCRRC",
            groups=[("", 1), ("{{ headers.first }}", 3), ("{{ headers.last }}", 3)],
        )
        _tag(document, "{%p else %}")
        _paragraph(
            document,
            "The collaborative's tracker lists no indicators for these periods yet.",
            colour=GREY,
        )
        _tag(document, "{%p endif %}")
    else:
        _tag(document, "{%p if outcome_standing %}")
        _paragraph(document, "{{ outcome_summary }}", keep=True)
        _intro(
            document,
            "Under each outcome, each collaborative's indicators by status, and how close "
            "those behind are to their targets (value as a percent of target). Each "
            "collaborative's report lists its indicators.",
        )
        _grouped_table(
            document,
            [
                "Collaborative",
                "Indicators",
                "On track",
                "Behind",
                "How close those behind are",
                "No target",
                "No data",
            ],
            [
                "{{ row.name }}",
                "{{ row.indicators }}",
                "{{ row.on_track }}",
                "{{ row.behind }}",
                "{{ row.closeness }}",
                "{{ row.no_target }}",
                "{{ row.no_data }}",
            ],
            "group in outcome_standing",
            "{{ group.outcome }}",
            "row in group.rows",
            [4.8, 1.7, 1.6, 1.5, 4.3, 1.5, 1.5],
            aligns="LRRRLRR",
            total=[
                "{{ group.total.name }}",
                "{{ group.total.indicators }}",
                "{{ group.total.on_track }}",
                "{{ group.total.behind }}",
                "{{ group.total.closeness }}",
                "{{ group.total.no_target }}",
                "{{ group.total.no_data }}",
            ],
        )
        _unmeasured(document)
        _chart(document, "statuses")
        _tag(document, "{%p else %}")
        _paragraph(
            document,
            "The collaboratives' trackers list no indicators for these periods yet.",
            colour=GREY,
        )
        _tag(document, "{%p endif %}")


def _unmeasured(document: DocumentType) -> None:
    """The line naming the intended outcomes no indicator measures, if any."""
    _tag(document, "{%p if unmeasured_outcomes %}")
    _paragraph(document, "{{ unmeasured_outcomes }}", colour=GREY, size=9)
    _tag(document, "{%p endif %}")


def _lessons(document: DocumentType, number: int, collaborative: bool) -> None:
    document.add_heading(f"{number}. Lessons learned", level=1)
    _paragraph(
        document,
        "Lessons {{ scope_name }} chose to share with {{ funder }}, in its own words."
        if collaborative
        else "Lessons the collaboratives chose to share with {{ funder }}, in their own words.",
    )
    _tag(document, "{%p if not has_lessons %}")
    _paragraph(document, "No lessons were shared for these periods.", colour=GREY)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for group in lessons %}")
    document.add_heading("{{ group.kind }}", level=2)
    _tag(document, "{%p for item in group.lessons %}")
    _paragraph(document, "{{ item.text }}", style="Quote")
    source = _paragraph(document, "{{ item.source }}", colour=GREY, size=8.5)
    source.paragraph_format.left_indent = Cm(0.5)
    source.paragraph_format.space_after = Pt(6)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")


DEFINITIONS = (
    (
        "Periods",
        "Each program year runs for twelve months from the anniversary of the program's "
        "start; the cover gives the dates of every period. No period counts anything "
        "after the data-as-of date ({{ data_as_of }}).",
    ),
    (
        "Activities completed",
        "Activities marked Completed and dated in the period. By core component: each "
        "activity under its one component. By strategy: only activities with a strategy "
        "recorded, so the strategies may add up to fewer than all activities.",
    ),
    (
        "Participants",
        "Attendances at completed activities: the people who took part in each activity, "
        "added up over the activities. A person at two activities counts twice, so this is "
        "not the number of different people reached.",
    ),
    (
        "Participants with lived experience",
        "The attendances, among the participants, of people the collaborative recorded as "
        "bringing lived experience. Share with lived experience: these as a percent of all "
        "participants.",
    ),
    (
        "Partners active",
        "Partner organizations that had joined by the end of the period and had not left "
        "before it began. New partners joined during the period.",
    ),
    ("Sectors engaged", "The different sectors the active partners belong to."),
    (
        "Partners for whom IPV prevention is new",
        "Active partners that had not prioritized intimate partner violence (IPV) "
        "prevention before joining.",
    ),
    (
        "Partners with a formal commitment",
        "Active partners with a formal commitment to the work dated by the end of the period.",
    ),
    ("Cross-sector activities", "Completed activities with partners from at least two sectors."),
    (
        "Funding secured",
        "Amounts with status Secured, dated in the period. Requested or pending "
        "counts requests still open as well. Declined amounts are not counted.",
    ),
    ("Milestones achieved", "Milestones marked Achieved and dated in the period, by type."),
    (
        "Lessons shared",
        "Lessons dated in the period that the collaborative marked Share with funder; "
        "only these are printed, under Lessons learned.",
    ),
    (
        "Indicators",
        "Each indicator combines its measurements in the period as its tracker "
        "says (sum, latest, mean or maximum). Over both years, a summed indicator's target is "
        "the sum of the yearly targets; any other indicator's is the last year's. Baseline: "
        "the value the collaborative recorded before the program. Percent of target: the "
        "value divided by the target. On track: the value has reached the target (or stayed "
        "at or below it, for an indicator meant to decrease); Behind: it has not; No "
        "target: none was set; No data: no measurement in the period.",
    ),
    (
        "Reporting completeness and timeliness",
        "Months the collaborative declared complete, and declared within 15 days of the "
        "month's end, out of the months expected: the whole calendar months in the period "
        "up to the data-as-of date.",
    ),
    (
        "Data quality",
        "Errors: problems that keep a row out of every figure until fixed. Warnings: "
        "values worth a second look, still counted. Rows left out: rows with an error.",
    ),
)


def _data_notes(document: DocumentType, number: int) -> None:
    heading = document.add_heading(f"{number}. Data notes", level=1)
    heading.paragraph_format.page_break_before = True  # reference notes: a page of their own
    document.add_heading("Reporting completeness and timeliness", level=2)
    _period_table(document, "Monthly tracker updates", "row in reporting")
    document.add_heading("Data quality", level=2)
    _intro(
        document,
        "Tracker issues (counts only): rows with errors are left out of every figure until "
        "fixed; warnings are counted. Program staff resolve issues with each collaborative "
        "monthly. Updates submitted and on time are out of the months expected.",
    )
    _loop_table(
        document,
        ["Collaborative", "Errors", "Warnings", "Rows left out", "Submitted", "On time"],
        [
            "{{ row.name }}",
            "{{ row.errors }}",
            "{{ row.warnings }}",
            "{{ row.rows_excluded }}",
            "{{ row.months }}",
            "{{ row.on_time }}",
        ],
        "row in quality",
        # Room for the longest name in one line, and for "Advertencias" (the Spanish
        # template) without breaking a word.
        [5.8, 1.6, 2.1, 2.4, 2.5, 2.5],
        header_size=8,
    )
    _tag(document, "{%p if unusual_values_note %}")
    _paragraph(document, "{{ unusual_values_note }}", size=9)
    _tag(document, "{%p endif %}")
    document.add_heading("Small numbers", level=2)
    _paragraph(
        document,
        "To protect the people the program serves, small counts of people are never printed.",
        keep=True,
    )
    _tag(document, "{%p for line in suppression_legend %}")
    _paragraph(document, "{{ line }}", style="List Bullet", size=9, keep=True)
    _tag(document, "{%p endfor %}")
    document.add_heading("Definitions", level=2)
    for term, meaning in DEFINITIONS:  # reference notes: a size smaller than the body
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(3)
        term_run = paragraph.add_run(f"{term}. ")
        term_run.bold, term_run.font.size = True, Pt(9)
        paragraph.add_run(meaning).font.size = Pt(9)


def build_template(collaborative: bool) -> DocumentType:
    """Build the collaborative report template, or the program report's."""
    document = Document()
    _styles(document)
    _page_setup(document)
    _cover(document, collaborative)
    _summary(document, collaborative)
    number = 2
    if not collaborative:
        _glance(document)
        number = 3
    _strategy(document, number)
    _partnerships(document, number + 1)
    _sustainability(document, number + 2, collaborative)
    _outcomes(document, number + 3, collaborative)
    _lessons(document, number + 4, collaborative)
    _data_notes(document, number + 5)
    properties = document.core_properties
    properties.title = "Safety Through Connection report template"
    properties.author = "Safety Through Connection"
    return document


def _grid(document: DocumentType) -> None:
    """The month-by-month submission grid: a header row of months, a symbol row per year."""
    table = document.add_table(rows=4, cols=13)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    header, start, symbols, end = table.rows
    _row_properties(header, header=True)
    _row_properties(symbols)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _shade(header.cells[0], "F2F2F2")
    _cell_text(header.cells[0], "Program year", size=7.5, colour=GREY)
    _cell_text(start.cells[0], "{%tr for year in s.grid %}")
    _cell_text(symbols.cells[0], "{{ year.label }} ({{ year.calendar_years }})", bold=True, size=8)
    for month in range(12):
        _shade(header.cells[month + 1], "F2F2F2")
        _cell_text(
            header.cells[month + 1],
            f"{{{{ s.grid_months[{month}] }}}}",
            size=7.5,
            colour=GREY,
            align=center,
        )
        _cell_text(
            symbols.cells[month + 1],
            f"{{{{ year.months[{month}].symbol }}}}",
            size=8.5,
            bold=True,
            align=center,
        )
    _cell_text(end.cells[0], "{%tr endfor %}")
    _fixed_widths(table, [3.1] + [1.15] * 12)
    legend = _paragraph(
        document,
        "✓ on time (within 15 days of the month's end) · late · ✗ missing · "
        "blank: not due yet. Missing: {{ s.missing_months }}. Late: {{ s.late_months }}.",
        colour=GREY,
        size=8.5,
    )
    legend.paragraph_format.space_before = Pt(4)


SEVERITY_WIDTH = 1.8
"""Wide enough for `structural` in bold on one line: a narrower column hyphen-breaks it."""

SEVERITY_COLOURS = (
    ("structural", RGBColor(0x8A, 0x1C, 0x12)),
    ("error", RGBColor(0xB4, 0x26, 0x1A)),
    ("privacy", RGBColor(0x6A, 0x3D, 0x9A)),
    ("warning", RGBColor(0x8A, 0x5A, 0x00)),
)


def _severity_cell(table: Table, row: int, item: str = "i") -> None:
    """Colour the severity of the loop's `item` in its own colour, as the HTML page does."""
    cell = table.rows[row].cells[0]
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    for index, (severity, colour) in enumerate(SEVERITY_COLOURS):
        keyword = "if" if index == 0 else "elif"
        paragraph.add_run(f"{{%r {keyword} {item}.severity == '{severity}' %}}")
        run = paragraph.add_run(f"{{{{ {item}.severity_label }}}}")
        run.bold, run.font.size, run.font.color.rgb = True, Pt(9), colour
    paragraph.add_run("{%r else %}")
    paragraph.add_run(f"{{{{ {item}.severity_label }}}}").font.size = Pt(9)
    paragraph.add_run("{%r endif %}")


def _health_line(document: DocumentType) -> None:
    """Errors: 2 · warnings: 1 · …, the numbers in bold."""
    paragraph = _paragraph(document, keep=True)
    parts = (
        ("Errors: ", "{{ s.errors }}"),
        (" · warnings: ", "{{ s.warnings }}"),
        (" · privacy: ", "{{ s.privacy }}"),
        (" · rows left out of the figures: ", "{{ s.rows_excluded }}"),
        (" · reporting completeness: ", "{{ s.completeness }}"),
        (" · timeliness: ", "{{ s.timeliness }}"),
    )
    for label, value in parts:
        paragraph.add_run(label)
        paragraph.add_run(value).bold = True


def _change_tables(document: DocumentType, collaborative_column: bool) -> None:
    """The tables of new and of fixed issues, with or without the collaborative column."""
    first = ["Collaborative"] if collaborative_column else []
    name = ["{{ c.collaborative }}"] if collaborative_column else []
    _tag(document, "{%p if new_issues %}")
    document.add_heading("New this time", level=2)
    _loop_table(
        document,
        [*first, "Tab", "Column", "Where", "Rule"],
        [*name, "{{ c.tab }}", "{{ c.column }}", "{{ c.detail }}", "{{ c.rule }}"],
        "c in new_issues",
        [4.2, 2.6, 3.4, 2.2, 4.5] if collaborative_column else [3.5, 4.2, 2.8, 6.4],
        aligns="LLLLL"[: 4 + collaborative_column],
    )
    _tag(document, "{%p if new_more %}")
    _paragraph(document, "{{ new_more }}.", colour=GREY, size=9.5)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if fixed_issues %}")
    document.add_heading("Fixed since the last check", level=2)
    _loop_table(
        document,
        [*first, "Tab", "Column", "Rule", "History"],
        [*name, "{{ c.tab }}", "{{ c.column }}", "{{ c.rule }}", "{{ c.detail }}"],
        "c in fixed_issues",
        [4.2, 2.6, 3.4, 4.2, 2.5] if collaborative_column else [3.5, 4.2, 5.4, 3.8],
        aligns="LLLLL"[: 4 + collaborative_column],
    )
    _tag(document, "{%p if fixed_more %}")
    _paragraph(document, "{{ fixed_more }}.", colour=GREY, size=9.5)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")


def _dq_overview(document: DocumentType) -> None:
    """The internal report's table of every collaborative (not on a collaborative's page)."""
    document.add_heading("Overview", level=1)
    _tag(document, "{%p if detailed %}")
    _intro(
        document,
        "Open issues by collaborative, and how complete and timely its monthly tracker "
        "updates were. Each collaborative's issues follow, one collaborative per page.",
    )
    _tag(document, "{%p else %}")
    _intro(
        document,
        "Open issues by collaborative, and how complete and timely its monthly tracker "
        "updates were: those that could not report first, then those with the most errors. "
        "Each collaborative's issues, cell by cell, are on its own page in the run's "
        "data-quality folder.",
    )
    _tag(document, "{%p endif %}")
    table = _loop_table(
        document,
        [
            "Collaborative",
            "Errors",
            "Warnings",
            "Privacy",
            "Rows left out",
            "Completeness",
            "Timeliness",
        ],
        [
            "{{ s.name }}",
            "{{ s.errors }}",
            "{{ s.warnings }}",
            "{{ s.privacy }}",
            "{{ s.rows_excluded }}",
            "{{ s.completeness }}",
            "{{ s.timeliness }}",
        ],
        "s in overview",
        [5.1, 1.3, 1.6, 1.4, 2.1, 2.3, 2.1],
    )
    _may_split(table)
    paragraph = table.rows[2].cells[0].paragraphs[0]
    paragraph.add_run("{%r if s.status == 'failed' %}")
    run = paragraph.add_run()
    run.add_break()
    run = paragraph.add_run("Could not report this month")
    run.bold, run.font.size = True, Pt(8)
    run.font.color.rgb = RGBColor(0xB4, 0x26, 0x1A)
    paragraph.add_run("{%r endif %}")
    _tag(document, "{%p for line in overview_more %}")
    _paragraph(document, "{{ line }}.", colour=GREY, size=9.5)
    _tag(document, "{%p endfor %}")
    _dq_by_rule(document)


def _dq_by_rule(document: DocumentType) -> None:
    """A program summary's open issues counted by rule (not in a detailed report)."""
    _tag(document, "{%p if by_rule %}")
    document.add_heading("Issues by rule", level=1)
    _intro(
        document,
        "Every open issue of the run, counted by the rule it breaks. Each collaborative's "
        "page says which cells to fix.",
    )
    table = _loop_table(
        document,
        ["Severity", "Rule", "Issues", "Collaboratives"],
        ["{{ r.severity_label }}", "{{ r.rule }}", "{{ r.issues }}", "{{ r.collaboratives }}"],
        "r in by_rule",
        [SEVERITY_WIDTH, 8.0, 2.4, 3.2],
        aligns="LLRR",
    )
    _severity_cell(table, 2, "r")
    _may_split(table)
    _tag(document, "{%p endif %}")


def _may_split(table: Table) -> None:
    """Let a long table run on to the next page (its header repeats), not jump there whole.

    Every cell's text keeps with the next by default, which holds a small table
    together; a table of 25 collaboratives would then leave a page blank before it.
    """
    for cell in table.rows[2].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = False


def _dq_changes(document: DocumentType) -> None:
    """What changed since the last check: counts, then what is new and what was fixed."""
    document.add_heading("What changed since the last check", level=1)
    _tag(document, "{%p if compared %}")
    _paragraph(
        document,
        "{{ new_count }} new · {{ open_count }} still open · {{ fixed_count }} "
        "fixed · {{ acknowledged_count }} acknowledged.",
        bold=True,
        size=12,
    )
    _tag(document, "{%p if scope %}")
    _change_tables(document, collaborative_column=False)
    _tag(document, "{%p else %}")
    _change_tables(document, collaborative_column=True)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p else %}")
    _tag(document, "{%p if scope %}")
    _paragraph(
        document,
        "There is no earlier check of this tracker to compare with: every issue below "
        "is new ({{ new_count }} in all). Next month this section shows what was fixed and "
        "what is new.",
    )
    _tag(document, "{%p else %}")
    _paragraph(
        document,
        "This is the first run in this output folder: every issue below is new "
        "({{ new_count }} in all). Next month this section shows what was fixed and what "
        "is new.",
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for p in acknowledgement_problems %}")
    _paragraph(document, "Acknowledgement not applied: {{ p }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if structural and not scope %}")
    document.add_heading("Trackers that could not report", level=1)
    _loop_table(
        document,
        ["Collaborative", "Tab", "Column", "What to do"],
        ["{{ c.collaborative }}", "{{ c.tab }}", "{{ c.column }}", "{{ c.detail }}"],
        "c in structural",
        [3.8, 2.4, 2.8, 7.9],
        aligns="LLLL",
    )
    _tag(document, "{%p endif %}")


def _dq_section(document: DocumentType) -> None:
    """One collaborative: health, month grid, open issues by tab, acknowledged ones."""
    _tag(document, "{%p if scope %}")
    document.add_heading("Issues and monthly updates", level=1)
    _tag(document, "{%p else %}")
    heading = document.add_heading("{{ s.name }}", level=1)
    heading.paragraph_format.page_break_before = True  # one page (or more) each, to share
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if s.status == 'failed' %}")
    _paragraph(
        document,
        "Could not report this month. {{ s.reason }}",
        bold=True,
        colour=RGBColor(0xB4, 0x26, 0x1A),
    )
    _tag(document, "{%p endif %}")
    _health_line(document)
    document.add_heading("Monthly tracker updates", level=2)
    # A tracker that could not be read tells nothing about its months: no grid of ✗.
    _tag(document, "{%p if s.status == 'failed' %}")
    _paragraph(document, "Which months were updated shows here again once the tracker can be read.")
    _tag(document, "{%p else %}")
    _grid(document)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for t in s.tabs %}")
    document.add_heading("{{ t.tab }}", level=2)
    table = _loop_table(
        document,
        ["Severity", "Row", "Column", "Cell", "Value", "What to fix", "Status"],
        [
            "{{ i.severity_label }}",
            "{{ i.row }}",
            "{{ i.column }}",
            "{{r i.cell }}",
            "{{ i.value }}",
            "{{ i.message }}",
            "{{ i.status }}",
        ],
        "i in t.issues",
        [SEVERITY_WIDTH, 0.9, 2.3, 1.0, 2.4, 6.7, 1.8],
        aligns="LLLLLLL",
        header_size=8,
    )
    _severity_cell(table, 2)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not s.tabs %}")
    _paragraph(document, "No open issues. Thank you!")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if s.acknowledged %}")
    document.add_heading("Acknowledged (not counted as open)", level=2)
    table = _loop_table(
        document,
        ["Severity", "Row", "Column", "What it was", "Why acknowledged"],
        [
            "{{ i.severity_label }}",
            "{{ i.row }}",
            "{{ i.column }}",
            "{{ i.message }}",
            "{{ i.status }}",
        ],
        "i in s.acknowledged",
        [SEVERITY_WIDTH, 0.9, 2.3, 7.2, 4.7],
        aligns="LLLLL",
        header_size=8,
    )
    _severity_cell(table, 2)
    _tag(document, "{%p endif %}")


def build_dq_template() -> DocumentType:
    """Build the data-quality report template (internal, never for the funder).

    The same template makes each collaborative's own page: there `scope` is its
    name, and the overview of every collaborative and the collaborative columns are
    left out.
    """
    document = Document()
    _styles(document)
    _page_setup(
        document,
        header="{{ program }} · Data-quality report{% if scope %}: {{ scope }}{% endif %} · "
        "Internal",
        footer_note=" · Internal",
    )
    document.sections[0].different_first_page_header_footer = False
    _paragraph(document, "Data-quality report{% if scope %}: {{ scope }}{% endif %}", style="Title")
    _paragraph(
        document, "{{ program }} · data as of {{ data_as_of }} · made on {{ made_on }}", colour=GREY
    )
    _paragraph(
        document,
        "Internal: for program staff and collaboratives, never for the funder.",
        bold=True,
        colour=RGBColor(0x8A, 0x1C, 0x12),
        size=9.5,
    )
    _tag(document, "{%p if scope %}")
    _paragraph(
        document,
        "What needs fixing in the tracker of {{ scope }}: what changed since the last check, "
        "then each issue with its row, its cell and what to do, and the months the tracker "
        "was updated.",
    )
    _tag(document, "{%p else %}")
    _dq_overview(document)
    _tag(document, "{%p endif %}")
    _dq_changes(document)
    _dq_severities(document)
    _tag(document, "{%p for s in collaboratives %}")
    _dq_section(document)
    _tag(document, "{%p endfor %}")
    return document


def _dq_severities(document: DocumentType) -> None:
    """What each severity means, before the issues (a short legend, not a last page of its own)."""
    document.add_heading("Severities", level=1)
    severities = (
        ("structural", "the collaborative cannot report until this is fixed."),
        ("error", "the row is left out of every figure until fixed."),
        ("privacy", "personal details were found and withheld; remove them from the tracker."),
        ("warning", "worth a look; the row still counts."),
    )
    for index, (term, meaning) in enumerate(severities):
        paragraph = _paragraph(document, keep=index < len(severities) - 1)
        paragraph.paragraph_format.space_after = Pt(3)
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(meaning)


# --- Templates in another language ---------------------------------------------------------

TRANSLATED_TEMPLATES: dict[str, Callable[[], DocumentType]] = {
    "collaborative-report": lambda: build_template(collaborative=True),
    "data-quality-report": build_dq_template,
}
"""The templates made in other languages too (the program report stays in the funder's)."""

TRANSLATED_PAGES = ("data-quality-report.html.j2",)
"""The HTML page templates (hand-written in English) made in other languages too."""

_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
_WORD_PARTS = ("document", "header", "footer")


class TranslationError(Exception):
    """The translation table is incomplete or breaks a template tag; the message lists all."""


def translation_table_path(language: str) -> Path:
    """Where the reviewed translations of the templates' fixed text live."""
    return Path(__file__).with_name(f"template-text.{language}.yaml")


def load_translations(path: Path) -> dict[str, str]:
    """Read a translation table: a list of `en:`/`es:`-style pairs, English first.

    Raises:
        TranslationError: The file is missing, or an entry is not a pair of texts.
    """
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TranslationError(f"{path.name}: no translation table") from error
    table: dict[str, str] = {}
    for index, entry in enumerate(entries or []):
        texts = list(entry.values()) if isinstance(entry, dict) else []
        if len(texts) != 2 or not all(isinstance(text, str) for text in texts):
            raise TranslationError(f"{path.name}: entry {index + 1} is not a pair of texts")
        table[texts[0].strip()] = texts[1].strip()
    return table


def needs_translation(text: str) -> bool:
    """Whether a piece of template text holds words (not only tags, numbers and marks)."""
    return any(character.isalpha() for character in _TEMPLATE_TAG.sub("", text))


def _text_elements(document: DocumentType) -> list[Any]:
    """Every `w:t` of the body, headers and footers, in document order."""
    elements = []
    for part in document.part.package.iter_parts():
        name = str(part.partname).rsplit("/", 1)[-1]
        if name.startswith(_WORD_PARTS) and hasattr(part, "element"):
            elements.extend(part.element.iter(qn("w:t")))
    return elements


def _translated(text: str, table: dict[str, str], missing: list[str], broken: list[str]) -> str:
    """One text in the table's language, its surrounding spaces kept.

    A text without words comes back as it is; one missing from the table, or whose
    translation changes a template tag, comes back as it is and is noted in `missing`
    or `broken`.
    """
    source = text.strip()
    if not needs_translation(source):
        return text
    if source not in table:
        missing.append(source)
        return text
    translation = table[source]
    if sorted(_TEMPLATE_TAG.findall(source)) != sorted(_TEMPLATE_TAG.findall(translation)):
        broken.append(source)
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return lead + translation + trail


def _refuse_broken_tags(broken: list[str]) -> None:
    if broken:
        raise TranslationError(
            "these translations change a template tag ({{ }}, {% %}): "
            + "; ".join(repr(text) for text in broken)
        )


def translate_document(document: DocumentType, table: dict[str, str], tag: str) -> list[str]:
    """Translate every fixed text of a built template in place, and set its language.

    Each text of the document (one run, as the builders write it) is looked up without
    its surrounding spaces, which are kept. Tags must come through unchanged.

    Args:
        document: A template as `build_template` made it, in English.
        table: English text -> its translation.
        tag: The language tag Word and screen readers use (`es-US`).

    Returns:
        The texts with words that the table does not translate (empty when complete).

    Raises:
        TranslationError: A translation drops, adds or changes a template tag.
    """
    missing: list[str] = []
    broken: list[str] = []
    for element in _text_elements(document):
        element.text = _translated(element.text or "", table, missing, broken)
    _refuse_broken_tags(broken)
    for language in document.styles.element.iter(qn("w:lang")):
        language.set(qn("w:val"), tag)
    document.core_properties.language = tag
    return list(dict.fromkeys(missing))


_HTML_MARKUP = re.compile(r"<style\b.*?</style>|<[^>]*>|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
"""What a page template holds besides its texts: the style sheet, HTML tags, Jinja statements.

`{{ }}` stays inside the texts, so a sentence and the values it places are one text,
as in the Word templates.
"""


def translate_page(page: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """Translate every fixed text of an HTML page template (between tags and statements).

    Args:
        page: The English Jinja page template.
        table: English text -> its translation, the table of the Word templates.

    Returns:
        The translated page, and the texts with words the table does not translate.

    Raises:
        TranslationError: A translation drops, adds or changes a template tag.
    """
    missing: list[str] = []
    broken: list[str] = []
    pieces: list[str] = []
    position = 0
    for markup in _HTML_MARKUP.finditer(page):
        pieces += [_translated(page[position : markup.start()], table, missing, broken)]
        pieces += [markup.group()]
        position = markup.end()
    pieces += [_translated(page[position:], table, missing, broken)]
    _refuse_broken_tags(broken)
    return "".join(pieces), list(dict.fromkeys(missing))


def build_translated_template(name: str, language: str) -> DocumentType:
    """Build a template in English, then translate it with `tools/template-text.<language>.yaml`.

    Raises:
        TranslationError: A text has no translation (all are listed) or a tag is broken.
    """
    path = translation_table_path(language)
    table = load_translations(path)
    document = TRANSLATED_TEMPLATES[name]()
    tag = load_labels(language).locale.replace("_", "-")
    missing = translate_document(document, table, tag)
    if missing:
        listed = "\n".join(f"  - {text!r}" for text in missing)
        raise TranslationError(f"{path.name} has no translation for:\n{listed}")
    return document


def localized_name(name: str, language: str) -> str:
    """`data-quality-report.html.j2` in Spanish is `data-quality-report.es.html.j2`."""
    stem, _, extension = name.partition(".")
    return f"{stem}.{language}.{extension}"


def build_translated_page(name: str, language: str) -> str:
    """Translate the English page template `name` with `tools/template-text.<language>.yaml`.

    Raises:
        TranslationError: A text has no translation (all are listed) or a tag is broken.
    """
    path = translation_table_path(language)
    english = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    page, missing = translate_page(english, load_translations(path))
    if missing:
        listed = "\n".join(f"  - {text!r}" for text in missing)
        raise TranslationError(f"{path.name} has no translation for:\n{listed}")
    # A Jinja comment, so the page the pipeline writes does not carry it.
    notice = (
        f"{{# Made from {name} by `python -m tools.make_report_templates --language "
        f"{language}`: change the English page or {path.name}, not this file. -#}}\n"
    )
    return notice + page


def main(argv: list[str] | None = None) -> None:
    """Write the report templates into `templates/`, overwriting them and any edits.

    With `--language es`, write the templates made in that language instead
    (`collaborative-report.es.docx`, `data-quality-report.es.docx` and
    `data-quality-report.es.html.j2`), translated with `tools/template-text.es.yaml`.
    """
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--language"] and len(arguments) == 2:
        _write_translated(arguments[1])
        return
    if arguments:
        raise SystemExit("usage: python -m tools.make_report_templates [--language CODE]")
    _write_english()


def _write_translated(language: str) -> None:
    for name in TRANSLATED_TEMPLATES:
        path = HERE / f"{name}.{language}.docx"
        try:
            document = build_translated_template(name, language)
        except TranslationError as error:
            raise SystemExit(f"{path.name} was not written: {error}") from error
        document.save(str(path))
        sys.stdout.write(f"wrote {path}\n")
    for name in TRANSLATED_PAGES:
        path = HERE / localized_name(name, language)
        try:
            page = build_translated_page(name, language)
        except TranslationError as error:
            raise SystemExit(f"{path.name} was not written: {error}") from error
        path.write_text(page, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")


def _write_english() -> None:
    for name, collaborative in (("program-report", False), ("collaborative-report", True)):
        path = HERE / f"{name}.docx"
        build_template(collaborative).save(str(path))
        sys.stdout.write(f"wrote {path}\n")
    path = HERE / "data-quality-report.docx"
    build_dq_template().save(str(path))
    sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
