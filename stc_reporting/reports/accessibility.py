"""Word accessibility: the rules of Word's Accessibility Checker that can be checked in the file.

`reports.md` (Accessibility) asks every report to have a document title and language,
headings in order with no level skipped, alternative text on every picture, a marked
header row on every table (repeated across pages), no empty paragraphs for spacing and
no information given by colour alone.

Two halves:

- `make_accessible` runs on every rendered .docx (funder reports and data-quality
  reports) just before it is saved. It fixes what a template cannot get right by
  itself: the language of the labels the report was made with, a header row on any
  table a template editor added without one, and the empty paragraphs a template or a
  Jinja block can leave (with air under each table given by paragraph spacing instead).
- `problems` reads a finished .docx and lists every rule it breaks, as
  `<rule>: <where>`. Tests run it on every report of a run; the title, the headings,
  the pictures' alt text (charts get theirs from `render.py`) and colour are the
  templates' and the renderers' job, so `problems` is what catches a template edit
  that breaks them.

Every table is treated as a data table: its first row is its header. The templates
lay pages out with paragraph spacing and tab stops, never with layout tables.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

AIR_AFTER_TABLE = Pt(12)
"""Space above whatever follows a table (the templates once used an empty paragraph)."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "a16": "http://schemas.microsoft.com/office/drawing/2017/decorative",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_CONTENT = {
    qn(tag)
    for tag in (
        "w:drawing",
        "w:pict",
        "w:object",
        "w:fldChar",
        "w:fldSimple",
        "w:instrText",
        "w:sym",
        "w:footnoteReference",
        "w:endnoteReference",
    )
}
"""What makes a paragraph without text more than a blank line."""
_BOOKMARKS = {qn("w:bookmarkStart"), qn("w:bookmarkEnd")}
_CONTAINERS = (qn("w:body"), qn("w:tc"), qn("w:txbxContent"))
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_FILE_NAME = re.compile(r"\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg)\s*$", re.IGNORECASE)
_NO_COLOUR = {"", "auto", "000000", "FFFFFF", "none"}
# Compiled, because python-docx's elements take no namespaces in their own `xpath`.
_DEFAULT_PARAGRAPH_STYLE = etree.XPath(
    "w:style[@w:type='paragraph'][@w:default='1']", namespaces=NAMESPACES
)
_PRECEDING_PARAGRAPHS = etree.XPath("preceding::w:p", namespaces=NAMESPACES)
TR_PROPERTY_ORDER = (  # OOXML's order of a row's properties (w:trPr), which Word enforces
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
)


# --- Fixing a rendered document -------------------------------------------------------------


def make_accessible(document: DocumentObject, language: str) -> None:
    """Fix, in place, what the rendered document cannot be trusted to have from its template.

    Args:
        document: The rendered document (python-docx), before it is saved.
        language: Its language as a Word language tag (`en-US`, `es-US`).
    """
    set_language(document, language)
    for table in document.element.body.iter(qn("w:tbl")):
        _mark_header_row(table)
    remove_blank_paragraphs(document)
    _air_after_tables(document)


def set_language(document: DocumentObject, language: str) -> None:
    """Make `language` the document's default language (`w:lang` of the default run style).

    Word's checker, screen readers and the spelling checker read it from there.
    """
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = _child(defaults, "w:rPrDefault", first=True)
    properties = _child(run_defaults, "w:rPr")
    tag = properties.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        properties.append(tag)  # last in rPr: its place in the schema
    tag.set(qn("w:val"), language)


def _child(parent: etree._Element, tag: str, first: bool = False) -> etree._Element:
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        if first:
            parent.insert(0, child)
        else:
            parent.append(child)
    return child


def _mark_header_row(table: etree._Element) -> None:
    """Mark a table's first row as its header (repeated on every page), unless one is marked."""
    rows = table.findall(qn("w:tr"))
    if not rows or _is_header(rows[0]):
        return
    properties = rows[0].find(qn("w:trPr"))
    if properties is None:
        properties = OxmlElement("w:trPr")
        position = 1 if rows[0].find(qn("w:tblPrEx")) is not None else 0
        rows[0].insert(position, properties)
    later = set(TR_PROPERTY_ORDER[TR_PROPERTY_ORDER.index("tblHeader") + 1 :])
    header = OxmlElement("w:tblHeader")
    for child in properties:
        if etree.QName(child).localname in later:
            child.addprevious(header)
            return
    properties.append(header)


def _is_header(row: etree._Element) -> bool:
    mark = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    return mark is not None and mark.get(qn("w:val"), "true") not in ("0", "false", "off")


def remove_blank_paragraphs(document: DocumentObject) -> None:
    """Remove every empty paragraph that is not needed to hold the document together.

    A template's spacer lines and the lines a Jinja block leaves behind go; a paragraph
    with a picture, a field or a section break is not empty; the one paragraph of a
    table cell and a paragraph Word needs between two tables (or after a table at the
    end) stay. Bookmarks in a removed paragraph move to its neighbour.
    """
    body = document.element.body
    containers = [body, *body.iter(qn("w:tc"), qn("w:txbxContent"))]
    for container in containers:
        for paragraph in list(container.iterchildren(qn("w:p"))):
            if _is_blank(paragraph) and not _is_structural(paragraph):
                _keep_bookmarks(paragraph)
                container.remove(paragraph)


def _keep_bookmarks(paragraph: etree._Element) -> None:
    marks = [child for child in paragraph if child.tag in _BOOKMARKS]
    if not marks:
        return
    neighbour = paragraph.getnext()
    if neighbour is not None and neighbour.tag == qn("w:p"):
        properties = neighbour.find(qn("w:pPr"))
        start = 0 if properties is None else 1
        for offset, mark in enumerate(marks):
            neighbour.insert(start + offset, mark)
        return
    neighbour = paragraph.getprevious()
    if neighbour is not None and neighbour.tag == qn("w:p"):
        neighbour.extend(marks)


def _air_after_tables(document: DocumentObject) -> None:
    """Space above what follows each table, and no page-keeping chain out of the table.

    The paragraph right after a table gets at least `AIR_AFTER_TABLE` above it, unless
    it sets its own space above (a caption or a note tied to its table). The
    templates keep each table's rows together ("keep with next" in every cell); the
    last row lets go, so a table never drags the heading after it onto the next page
    (the blank line that once followed each table used to break that chain).
    """
    styles = _Styles(document.styles.element)
    for table in document.element.body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if rows:
            for keep in rows[-1].iter(qn("w:keepNext")):
                keep.getparent().remove(keep)
        following = table.getnext()
        if following is None or following.tag != qn("w:p"):
            continue
        spacing = following.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        if spacing is not None and spacing.get(qn("w:before")) is not None:
            continue  # the template set this paragraph's own space above it: keep it
        if styles.space_before(following) < AIR_AFTER_TABLE:
            Paragraph(following, document).paragraph_format.space_before = AIR_AFTER_TABLE


# --- Checking a finished document --------------------------------------------------------------


def problems(content: bytes) -> list[str]:
    """Every accessibility rule a .docx breaks, as `<rule>: <where>` (empty when it passes).

    Args:
        content: The .docx file's bytes.

    Returns:
        One line per problem, naming the rule and the place.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    styles = _Styles(etree.fromstring(parts["word/styles.xml"]))
    found = _title_problems(parts.get("docProps/core.xml"))
    found += _language_problems(styles)
    found += _heading_problems(document, styles)
    for name, xml in sorted(parts.items()):
        if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
            found += _picture_problems(etree.fromstring(xml), name)
    found += _table_problems(document)
    found += _blank_paragraph_problems(document)
    found += _colour_problems(document)
    return found


def _title_problems(core: bytes | None) -> list[str]:
    title = None if core is None else etree.fromstring(core).find("dc:title", NAMESPACES)
    if title is None or not (title.text or "").strip():
        return ["title: the document has no title (File > Info > Properties > Title)"]
    return []


def _language_problems(styles: _Styles) -> list[str]:
    language = styles.default_language()
    if not language:
        return ["language: the document has no default language (w:lang in docDefaults)"]
    if not _LANGUAGE_TAG.fullmatch(language):
        return [f"language: {language!r} is not a language tag such as en-US"]
    return []


def _heading_problems(document: etree._Element, styles: _Styles) -> list[str]:
    found = []
    previous: int | None = None
    for paragraph in document.find("w:body", NAMESPACES).iterchildren(qn("w:p")):
        level = styles.heading_level(paragraph)
        if level is None:
            continue
        text = _text(paragraph)
        if not text.strip():
            found.append(f"headings: an empty heading after {_where(paragraph)}")
        if previous is None and level > 1:
            found.append(f"headings: the first heading {text!r} is level {level}, not 1")
        elif previous is not None and level > previous + 1:
            found.append(
                f"headings: {text!r} is level {level} right after a level {previous} heading"
            )
        previous = level
    return found


def _picture_problems(part: etree._Element, name: str) -> list[str]:
    found = []
    for number, picture in enumerate(part.iter(f"{{{NAMESPACES['wp']}}}docPr"), start=1):
        decorative = picture.find(".//a16:decorative", NAMESPACES)
        if decorative is not None and decorative.get("val") in ("1", "true"):
            continue
        description = (picture.get("descr") or "").strip()
        where = f"picture {number} ({picture.get('name', '')!r}) in {name}"
        if not description:
            found.append(f"alt text: {where} has no alternative text")
        elif _FILE_NAME.search(description):
            found.append(f"alt text: {where} is described by a file name: {description!r}")
    return found


def _table_problems(document: etree._Element) -> list[str]:
    found = []
    for number, table in enumerate(document.iter(qn("w:tbl")), start=1):
        rows = table.findall(qn("w:tr"))
        if not rows:
            continue
        where = f"table {number} (first row {_row_text(rows[0])!r})"
        marks = [_is_header(row) for row in rows]
        if not marks[0]:
            found.append(f"table header: {where} has no header row marked to repeat")
        elif False in marks and True in marks[marks.index(False) :]:
            found.append(f"table header: {where} marks a header row below a data row")
    return found


def _blank_paragraph_problems(document: etree._Element) -> list[str]:
    body = document.find("w:body", NAMESPACES)
    return [
        f"empty paragraph: a blank line used for spacing after {_where(paragraph)}"
        for paragraph in body.iter(qn("w:p"))
        if _is_blank(paragraph) and not _is_structural(paragraph)
    ]


def _colour_problems(document: etree._Element) -> list[str]:
    """Colour that carries meaning no words carry: a coloured mark, or a shaded empty cell."""
    found = []
    for run in document.iter(qn("w:r")):
        colour = run.find(f"{qn('w:rPr')}/{qn('w:color')}")
        highlight = run.find(f"{qn('w:rPr')}/{qn('w:highlight')}")
        coloured = (colour is not None and colour.get(qn("w:val"), "") not in _NO_COLOUR) or (
            highlight is not None and highlight.get(qn("w:val"), "none") != "none"
        )
        text = "".join(run.itertext(qn("w:t")))
        if coloured and text.strip() and not _has_words(text):
            found.append(f"colour alone: the coloured mark {text!r} in {_where(run)} has no words")
    for row in document.iter(qn("w:tr")):
        if _is_header(row):
            continue
        for cell in row.iterchildren(qn("w:tc")):
            fill = cell.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
            if fill is None or fill.get(qn("w:fill"), "auto") in _NO_COLOUR:
                continue
            if not _text(cell).strip() and cell.find(".//w:drawing", NAMESPACES) is None:
                found.append(f"colour alone: a shaded empty cell in the row {_row_text(row)!r}")
    return found


# --- Shared reading of the XML -------------------------------------------------------------------


def _text(element: etree._Element) -> str:
    return "".join(element.itertext(qn("w:t")))


def _row_text(row: etree._Element) -> str:
    """A table row's cells as `a | b | c`, shortened."""
    text = " | ".join(_text(cell) for cell in row.iterchildren(qn("w:tc")))
    return text if len(text) <= 60 else text[:59] + "…"


def _has_words(text: str) -> bool:
    return any(character.isalnum() for character in text)


def _is_blank(paragraph: etree._Element) -> bool:
    """A paragraph with no text (or only spaces and tabs), picture, field or section break."""
    if _text(paragraph).strip():
        return False
    if paragraph.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
        return False
    for element in paragraph.iter():
        if element.tag in _CONTENT:
            return False
        if element.tag == qn("w:br") and element.get(qn("w:type")) in ("page", "column"):
            return False
    return True


def _is_structural(paragraph: etree._Element) -> bool:
    """Whether Word needs this blank paragraph where it is.

    A table cell must hold a paragraph, and two tables with nothing between them become
    one: so a cell's only paragraph, and one after a table that is followed by another
    table or ends its container, stay.
    """
    container = paragraph.getparent()
    if container is None or container.tag not in _CONTAINERS:
        return True  # inside something else (a field result, a content control): leave it
    siblings = [child for child in container if child.tag in (qn("w:p"), qn("w:tbl"))]
    if container.tag == qn("w:tc") and sum(child.tag == qn("w:p") for child in siblings) == 1:
        return True
    index = siblings.index(paragraph)
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    after_table = before is not None and before.tag == qn("w:tbl")
    return after_table and (after is None or after.tag == qn("w:tbl"))


def _where(element: etree._Element) -> str:
    """The table or the nearest text before an element, so a reader can find the place."""
    previous = element.getprevious()
    if previous is not None and previous.tag == qn("w:tbl"):
        first_row = previous.find(qn("w:tr"))
        return f"the table {'' if first_row is None else _row_text(first_row)!r}"
    for paragraph in reversed(_PRECEDING_PARAGRAPHS(element)):
        text = _text(paragraph).strip()
        if text:
            return repr(text[:50])
    return "the start of the document"


class _Styles:
    """What a paragraph's style says: its heading level and its space before."""

    def __init__(self, styles: etree._Element) -> None:
        self._root = styles
        self._by_id = {s.get(qn("w:styleId")): s for s in styles.iterchildren(qn("w:style"))}
        default = _DEFAULT_PARAGRAPH_STYLE(styles)
        self._default = default[0] if default else None

    def default_language(self) -> str:
        tag = self._root.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NAMESPACES)
        return "" if tag is None else tag.get(qn("w:val"), "")

    def _chain(self, paragraph: etree._Element) -> Iterator[etree._Element]:
        """The paragraph's style, then the styles it is based on."""
        reference = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style = (
            self._by_id.get(reference.get(qn("w:val"))) if reference is not None else self._default
        )
        seen = set()
        while style is not None and id(style) not in seen:
            seen.add(id(style))
            yield style
            based_on = style.find(qn("w:basedOn"))
            style = None if based_on is None else self._by_id.get(based_on.get(qn("w:val")))

    def heading_level(self, paragraph: etree._Element) -> int | None:
        """0 for the Title, 1 to 9 for a heading, None for any other paragraph."""
        outline = paragraph.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None:
            return _outline_level(outline)
        for style in self._chain(paragraph):
            name = style.find(qn("w:name"))
            label = "" if name is None else name.get(qn("w:val"), "").lower()
            if label == "title":
                return 0
            if match := re.fullmatch(r"heading ([1-9])", label):
                return int(match.group(1))
            outline = style.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if outline is not None:
                return _outline_level(outline)
        return None

    def space_before(self, paragraph: etree._Element) -> Length:
        """The space above a paragraph: its own, its styles', or the document default."""
        sources = [paragraph, *self._chain(paragraph)]
        defaults = self._root.find("w:docDefaults/w:pPrDefault", NAMESPACES)
        sources += [] if defaults is None else [defaults]
        for source in sources:
            spacing = source.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
            if spacing is not None and spacing.get(qn("w:before")) is not None:
                return Twips(int(spacing.get(qn("w:before"))))
        return Twips(0)


def _outline_level(outline: etree._Element) -> int | None:
    level = int(outline.get(qn("w:val"), "9"))
    return None if level >= 9 else level + 1
