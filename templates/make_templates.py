"""Build the Word templates for the funder reports: `python templates/make_templates.py`.

This made the first versions of `program-report.docx` and
`collaborative-report.docx`. Once a program manager edits a template in Word, the
edited .docx is the source of truth: rerun this only to start over. Every Jinja
tag is written as a single run, so Word never splits one (a contract test checks).
Variables are listed in docs/template-variables.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
NAVY = RGBColor(0x1F, 0x38, 0x64)
BLUE = RGBColor(0x2E, 0x75, 0xB6)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "1F3864"
RULE_COLOUR = "BFBFBF"
BODY_WIDTH_CM = 16.9

PERIOD_COLUMNS = [
    "{{ headers.first }}",
    "{{ headers.last }}",
    "{{ headers.combined }}",
    "{{ headers.change }}",
]
PERIOD_CELLS = ["{{ row.first }}", "{{ row.last }}", "{{ row.combined }}", "{{ row.change }}"]


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
    caption = styles["Caption"]
    caption.font.size = Pt(8.5)
    caption.font.italic = True
    caption.font.bold = False
    caption.font.color.rgb = GREY
    caption.paragraph_format.space_after = Pt(12)
    quote = styles["Quote"]
    quote.font.italic = False
    quote.font.color.rgb = RGBColor(0x26, 0x26, 0x26)
    quote.paragraph_format.left_indent = Cm(0.6)
    quote.paragraph_format.space_after = Pt(2)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)


def _east_asian_font(style: object, name: str) -> None:
    element = style.element  # type: ignore[attr-defined]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


# --- Small builders ---------------------------------------------------------------------


def _paragraph(
    document: DocumentType,
    text: str = "",
    style: str | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    bold: bool = False,
    size: float | None = None,
    colour: RGBColor | None = None,
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
    return paragraph


def _tag(document: DocumentType, tag: str) -> None:
    """A paragraph holding only a `{%p ... %}` block tag (docxtpl removes it)."""
    document.add_paragraph().add_run(tag)


def _shade(cell: object, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _borders(table: Table) -> None:
    """Thin horizontal rules only: quiet tables that print well."""
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom", "insideH"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:color"), RULE_COLOUR)
        borders.append(element)
    for edge in ("left", "right", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _repeat_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cell_text(
    cell: object,
    text: str,
    bold: bool = False,
    colour: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float = 9,
) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    if colour is not None:
        run.font.color.rgb = colour


def _loop_table(
    document: DocumentType,
    headers: list[str],
    cells: list[str],
    loop: str,
    widths: list[float],
    first_left: int = 1,
    header_size: float = 9,
) -> Table:
    """A table: a shaded header row, then one row repeated for each item of `loop`.

    Args:
        document: The document.
        headers: Header texts (may hold tags).
        cells: One tag per column for the repeated row.
        loop: The `for` clause, e.g. `row in summary`.
        widths: Column widths in cm.
        first_left: How many leading columns are text (left-aligned).
        header_size: Font size of the header row, in points.
    """
    table = document.add_table(rows=4, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    head, start, body, end = table.rows
    _repeat_header(head)
    for index, (header, cell) in enumerate(zip(headers, cells, strict=True)):
        align = WD_ALIGN_PARAGRAPH.LEFT if index < first_left else WD_ALIGN_PARAGRAPH.RIGHT
        _shade(head.cells[index], HEADER_FILL)
        _cell_text(
            head.cells[index],
            header,
            bold=True,
            colour=RGBColor(0xFF, 0xFF, 0xFF),
            align=align,
            size=header_size,
        )
        _cell_text(body.cells[index], cell, align=align)
    _cell_text(start.cells[0], f"{{%tr for {loop} %}}")
    _cell_text(end.cells[0], "{%tr endfor %}")
    _fixed_widths(table, widths)
    document.add_paragraph().paragraph_format.space_after = Pt(4)
    return table


def _fixed_widths(table: Table, widths: list[float]) -> None:
    """Fix column widths in the grid (LibreOffice) and in every cell (Word)."""
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for index, width in enumerate(widths):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def _period_table(document: DocumentType, first_header: str, loop: str) -> None:
    _loop_table(
        document,
        [first_header, *PERIOD_COLUMNS],
        ["{{ row.label }}", *PERIOD_CELLS],
        loop,
        [6.2, 2.6, 2.6, 2.8, 2.8],
    )


def _chart(document: DocumentType, key: str) -> None:
    picture = _paragraph(document, f"{{{{ charts.{key}.image }}}}", align=WD_ALIGN_PARAGRAPH.CENTER)
    picture.paragraph_format.keep_with_next = True
    picture.paragraph_format.space_after = Pt(0)
    _paragraph(
        document,
        f"{{{{ charts.{key}.caption }}}}",
        style="Caption",
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) that Word fills in when it lays out pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)
    run.font.size = Pt(8)
    run.font.color.rgb = GREY


# --- Page furniture and cover -------------------------------------------------------------


def _page_setup(
    document: DocumentType,
    header: str = "{{ program }} · {{ scope_name }}",
    footer_note: str = " · Draft for review",
) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # US Letter
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.3))
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    section.different_first_page_header_footer = True
    header_paragraph = section.header.paragraphs[0]
    run = header_paragraph.add_run(header)
    run.font.size, run.font.color.rgb = Pt(8), GREY
    header_paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(BODY_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
    run = footer.add_run(f"Data as of {{{{ data_as_of }}}}{footer_note}\tPage ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "PAGE")
    run = footer.add_run(" of ")
    run.font.size, run.font.color.rgb = Pt(8), GREY
    _field(footer, "NUMPAGES")


def _cover(document: DocumentType, collaborative: bool) -> None:
    for _ in range(4):
        _paragraph(document)
    _paragraph(document, "{{ program }}", style="Title")
    _paragraph(document, "{{ report_title }}", style="Subtitle")
    _paragraph(document)
    if collaborative:
        _paragraph(document, "{{ scope_name }}", bold=True, size=20, colour=NAVY)
        _paragraph(document, "{{ city }}, California", size=12, colour=GREY)
    else:
        _paragraph(document, "All collaboratives", bold=True, size=20, colour=NAVY)
    _paragraph(document)
    _paragraph(document, "Prepared for {{ funder }}", size=12)
    _loop_table(
        document,
        ["Period", "Dates", ""],
        ["{{ row.name }}", "{{ row.dates }}", "{{ row.note }}"],
        "row in periods",
        [4.0, 6.5, 5.5],
        first_left=3,
    )
    _paragraph(document, "Data as of {{ data_as_of }}. Made on {{ made_on }}.", colour=GREY)
    _paragraph(
        document, "Draft for review by program staff before it is sent.", colour=GREY, size=9
    )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- Sections -------------------------------------------------------------------------------


def _summary(document: DocumentType) -> None:
    document.add_heading("1. Summary", level=1)
    _paragraph(
        document,
        "Headline figures for each program year and for the two years "
        "together. Change is the last year minus the first.",
    )
    _period_table(document, "Figure", "row in summary")


def _glance(document: DocumentType) -> None:
    document.add_heading("2. Collaboratives at a glance", level=1)
    _paragraph(
        document,
        "Each collaborative over {{ headers.combined }}. Participants are "
        "people who took part in completed activities.",
    )
    _loop_table(
        document,
        [
            "Collaborative",
            "Status",
            "Activities",
            "Participants",
            "Partners",
            "Sectors",
            "Funding secured",
            "Milestones",
            "Reporting",
        ],
        [
            "{{ row.name }}",
            "{{ row.status }}{% if row.note %}: {{ row.note }}{% endif %}",
            "{{ row.activities }}",
            "{{ row.participants }}",
            "{{ row.partners }}",
            "{{ row.sectors }}",
            "{{ row.funding }}",
            "{{ row.milestones }}",
            "{{ row.completeness }}",
        ],
        "row in glance",
        [3.5, 2.2, 1.6, 1.9, 1.5, 1.4, 2.0, 1.6, 1.5],
        first_left=2,
        header_size=7.5,
    )


def _strategy(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Strategy implementation", level=1)
    document.add_heading("Activities by core component", level=2)
    _period_table(document, "Core component", "row in components")
    _chart(document, "components")
    document.add_heading("Activities by strategy", level=2)
    _period_table(document, "Strategy", "row in strategies")
    _chart(document, "strategies")
    document.add_heading("Participation", level=2)
    _paragraph(
        document,
        "People who took part in completed activities, and how many of them "
        "bring lived experience.",
    )
    _period_table(document, "Participants", "row in people")


def _partnerships(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Multisector partnerships", level=1)
    _period_table(document, "Partners", "row in partnerships")
    _paragraph(document, "Sectors engaged over {{ headers.combined }}: {{ sectors_engaged }}.")
    _chart(document, "sectors")


def _sustainability(document: DocumentType, number: int, collaborative: bool) -> None:
    document.add_heading(f"{number}. Sustainability", level=1)
    document.add_heading("Funding secured", level=2)
    _period_table(document, "Source type", "row in funding")
    _chart(document, "funding")
    document.add_heading("Milestones achieved", level=2)
    _period_table(document, "Milestone type", "row in milestones")
    if collaborative:
        _tag(document, "{%p if milestone_list %}")
        _loop_table(
            document,
            ["Month", "Type", "Level", "Milestone"],
            ["{{ row.date }}", "{{ row.type }}", "{{ row.level }}", "{{ row.description }}"],
            "row in milestone_list",
            [2.4, 3.6, 2.6, 8.3],
            first_left=4,
        )
        _tag(document, "{%p endif %}")


def _outcomes(document: DocumentType, number: int, collaborative: bool) -> None:
    document.add_heading(f"{number}. Short-term outcomes", level=1)
    if collaborative:
        _paragraph(
            document,
            "Each indicator over {{ headers.combined }}: its value against "
            "the target the collaborative set.",
        )
        _loop_table(
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
            "row in indicators",
            [6.6, 2.0, 2.0, 2.0, 2.2, 2.2],
        )
        _chart(document, "indicators")
        document.add_heading("Year by year", level=2)
        _loop_table(
            document,
            [
                "Indicator",
                "{{ headers.first }} value",
                "Target",
                "Status",
                "{{ headers.last }} value",
                "Target",
                "Status",
            ],
            [
                "{{ row.name }}",
                "{{ row.first_value }}",
                "{{ row.first_target }}",
                "{{ row.first_status }}",
                "{{ row.last_value }}",
                "{{ row.last_target }}",
                "{{ row.last_status }}",
            ],
            "row in indicator_years",
            [5.0, 2.0, 1.8, 2.0, 2.0, 1.8, 2.4],
        )
    else:
        _paragraph(
            document,
            "How many of each collaborative's indicators are on track over "
            "{{ headers.combined }}. Each collaborative's report lists its indicators.",
        )
        _loop_table(
            document,
            ["Collaborative", "On track", "Behind", "No target", "No data"],
            [
                "{{ row.name }}",
                "{{ row.on_track }}",
                "{{ row.behind }}",
                "{{ row.no_target }}",
                "{{ row.no_data }}",
            ],
            "row in status_counts",
            [7.0, 2.5, 2.5, 2.5, 2.5],
        )
        _chart(document, "statuses")


def _lessons(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Lessons learned", level=1)
    _paragraph(document, "Lessons the collaboratives chose to share, in their own words.")
    _tag(document, "{%p if not has_lessons %}")
    _paragraph(document, "No lessons were shared for these periods.", colour=GREY)
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for group in lessons %}")
    document.add_heading("{{ group.kind }}", level=2)
    _tag(document, "{%p for item in group.lessons %}")
    _paragraph(document, "{{ item.text }}", style="Quote")
    _paragraph(document, "— {{ item.source }}", colour=GREY, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")


DEFINITIONS = (
    (
        "Periods",
        "Program year 2 runs from 1 November 2019 to 31 October 2020 and year 3 from "
        "1 November 2020 to 31 October 2021 (from the program's start date). Every period stops "
        "at the data-as-of date.",
    ),
    (
        "Activities",
        "Completed activities dated in the period. By strategy counts activities "
        "with a strategy recorded.",
    ),
    (
        "Participants",
        "People who took part in completed activities; people with lived "
        "experience are counted among them.",
    ),
    (
        "Partners active",
        "Partners that had joined by the end of the period and had not left "
        "before it began. New partners joined during the period.",
    ),
    (
        "Partners new to IPV prevention",
        "Active partners that had not prioritised IPV prevention before joining.",
    ),
    ("Cross-sector activities", "Completed activities with partners from at least two sectors."),
    (
        "Funding secured",
        "Amounts with status Secured, dated in the period; requested includes "
        "pending requests. Declined amounts are not counted.",
    ),
    (
        "Indicators",
        "Each indicator combines its measurements in the period as its tracker "
        "says (sum, latest, mean or maximum). Over both years a summed indicator's target is the "
        "sum of the yearly targets; otherwise it is the last year's.",
    ),
    (
        "Reporting completeness and timeliness",
        "Months the collaborative declared complete, and "
        "declared within 15 days of the month's end, out of the whole months in the period.",
    ),
    (
        "Data quality",
        "Rows with errors are left out of every figure until they are fixed; "
        "warnings are counted. Program staff resolve issues with each collaborative monthly.",
    ),
)


def _data_notes(document: DocumentType, number: int) -> None:
    document.add_heading(f"{number}. Data notes", level=1)
    document.add_heading("Reporting completeness and timeliness", level=2)
    _period_table(document, "Monthly tracker updates", "row in reporting")
    document.add_heading("Data quality", level=2)
    _loop_table(
        document,
        [
            "Collaborative",
            "Errors",
            "Warnings",
            "Privacy",
            "Rows left out",
            "Months submitted",
            "On time",
        ],
        [
            "{{ row.name }}",
            "{{ row.errors }}",
            "{{ row.warnings }}",
            "{{ row.privacy }}",
            "{{ row.rows_excluded }}",
            "{{ row.months }}",
            "{{ row.on_time }}",
        ],
        "row in quality",
        [5.0, 1.6, 1.8, 1.6, 2.2, 2.6, 2.2],
    )
    document.add_heading("Small numbers", level=2)
    _paragraph(
        document,
        "To protect the people the program serves, small counts of people are never printed.",
    )
    _tag(document, "{%p for line in suppression_legend %}")
    _paragraph(document, "{{ line }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    document.add_heading("Definitions", level=2)
    for term, meaning in DEFINITIONS:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}. ").bold = True
        paragraph.add_run(meaning)


def build_template(collaborative: bool) -> DocumentType:
    """Build the collaborative report template, or the program report's."""
    document = Document()
    _styles(document)
    _page_setup(document)
    _cover(document, collaborative)
    _summary(document)
    number = 2
    if not collaborative:
        _glance(document)
        number = 3
    _strategy(document, number)
    _partnerships(document, number + 1)
    _sustainability(document, number + 2, collaborative)
    _outcomes(document, number + 3, collaborative)
    _lessons(document, number + 4)
    _data_notes(document, number + 5)
    properties = document.core_properties
    properties.title = "Safety Through Connection report template"
    properties.author = "Safety Through Connection"
    return document


def _grid(document: DocumentType) -> None:
    """The month-by-month submission grid: a label row and a symbol row per year."""
    table = document.add_table(rows=4, cols=13)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    start, labels, symbols, end = table.rows
    _cell_text(start.cells[0], "{%tr for year in s.grid %}")
    _cell_text(labels.cells[0], "{{ year.label }}", bold=True, size=8)
    for month in range(12):
        center = WD_ALIGN_PARAGRAPH.CENTER
        _cell_text(
            labels.cells[month + 1],
            f"{{{{ year.months[{month}].label }}}}",
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
    _fixed_widths(table, [1.9] + [1.25] * 12)
    _paragraph(
        document,
        "✓ on time (within 15 days of the month's end) · late · ✗ missing · "
        "blank: not due yet. Missing: {{ s.missing_months }}. Late: {{ s.late_months }}.",
        colour=GREY,
        size=8.5,
    )


def build_dq_template() -> DocumentType:
    """Build the data-quality report template (internal, never for the funder)."""
    document = Document()
    _styles(document)
    _page_setup(
        document, header="{{ program }} · Data-quality report · Internal", footer_note=" · Internal"
    )
    document.sections[0].different_first_page_header_footer = False
    _paragraph(document, "Data-quality report", style="Title")
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
    document.add_heading("What changed since the last run", level=1)
    _tag(document, "{%p if compared %}")
    _paragraph(
        document,
        "{{ new_count }} new · {{ open_count }} still open · {{ fixed_count }} "
        "fixed · {{ acknowledged_count }} acknowledged.",
        bold=True,
        size=12,
    )
    _tag(document, "{%p if new_issues %}")
    document.add_heading("New this time", level=2)
    _loop_table(
        document,
        ["Collaborative", "Tab", "Column", "Where", "Rule"],
        [
            "{{ c.collaborative }}",
            "{{ c.tab }}",
            "{{ c.column }}",
            "{{ c.detail }}",
            "{{ c.rule }}",
        ],
        "c in new_issues",
        [4.2, 2.6, 3.4, 2.2, 4.5],
        first_left=5,
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if fixed_issues %}")
    document.add_heading("Fixed since the last run", level=2)
    _loop_table(
        document,
        ["Collaborative", "Tab", "Column", "Rule", ""],
        [
            "{{ c.collaborative }}",
            "{{ c.tab }}",
            "{{ c.column }}",
            "{{ c.rule }}",
            "{{ c.detail }}",
        ],
        "c in fixed_issues",
        [4.2, 2.6, 3.4, 4.2, 2.5],
        first_left=5,
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p else %}")
    _paragraph(
        document,
        "This is the first run in this output folder: every issue below is new "
        "({{ new_count }} in all). Next month this section shows what was fixed and what "
        "is new.",
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for p in acknowledgement_problems %}")
    _paragraph(document, "Acknowledgement not applied: {{ p }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if structural %}")
    document.add_heading("Trackers that could not report", level=1)
    _loop_table(
        document,
        ["Collaborative", "Tab", "Column", "What to do"],
        ["{{ c.collaborative }}", "{{ c.tab }}", "{{ c.column }}", "{{ c.detail }}"],
        "c in structural",
        [3.8, 2.4, 2.8, 7.9],
        first_left=4,
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p for s in collaboratives %}")
    document.add_heading("{{ s.name }}", level=1)
    _tag(document, "{%p if s.status == 'failed' %}")
    _paragraph(
        document,
        "Could not report this month. {{ s.reason }}",
        bold=True,
        colour=RGBColor(0xB4, 0x26, 0x1A),
    )
    _tag(document, "{%p endif %}")
    _paragraph(
        document,
        "Errors: {{ s.errors }} · warnings: {{ s.warnings }} · privacy: {{ s.privacy }} · "
        "rows left out of the figures: {{ s.rows_excluded }} · reporting completeness: "
        "{{ s.completeness }} · timeliness: {{ s.timeliness }}",
        bold=True,
    )
    document.add_heading("Monthly tracker updates", level=2)
    _grid(document)
    _tag(document, "{%p for t in s.tabs %}")
    document.add_heading("{{ t.tab }}", level=2)
    _loop_table(
        document,
        ["Severity", "Row", "Column", "Cell", "Value", "What to fix", "Status"],
        [
            "{{ i.severity }}",
            "{{ i.row }}",
            "{{ i.column }}",
            "{{ i.cell }}",
            "{{ i.value }}",
            "{{ i.message }}",
            "{{ i.status }}",
        ],
        "i in t.issues",
        [1.6, 1.0, 2.3, 1.1, 2.2, 6.3, 2.4],
        first_left=7,
        header_size=8,
    )
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not s.tabs %}")
    _paragraph(document, "No open issues. Thank you!")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if s.acknowledged %}")
    document.add_heading("Acknowledged (not counted as open)", level=2)
    _loop_table(
        document,
        ["Severity", "Row", "Column", "What it was", "Why acknowledged"],
        ["{{ i.severity }}", "{{ i.row }}", "{{ i.column }}", "{{ i.message }}", "{{ i.status }}"],
        "i in s.acknowledged",
        [1.6, 1.0, 2.3, 7.5, 4.5],
        first_left=5,
        header_size=8,
    )
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endfor %}")
    document.add_heading("Severities", level=1)
    for term, meaning in (
        ("structural", "the collaborative cannot report until this is fixed."),
        ("error", "the row is left out of every figure until fixed."),
        ("privacy", "personal details were found and withheld; remove them from the tracker."),
        ("warning", "worth a look; the row still counts."),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}: ").bold = True
        paragraph.add_run(meaning)
    return document


def main() -> None:
    """Write the three report templates next to this script."""
    for name, collaborative in (("program-report", False), ("collaborative-report", True)):
        path = HERE / f"{name}.docx"
        build_template(collaborative).save(str(path))
        sys.stdout.write(f"wrote {path}\n")
    path = HERE / "data-quality-report.docx"
    build_dq_template().save(str(path))
    sys.stdout.write(f"wrote {path}\n")


if __name__ == "__main__":
    main()
