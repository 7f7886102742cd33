"""Filling a Word template with a report context (docxtpl), safely and reproducibly.

- Tracker text is data, never template: Jinja runs sandboxed with autoescaping,
  so `{{ 7*7 }}`, `<b>` and `&` in a lesson print exactly as typed.
- An undefined variable is an error (StrictUndefined), never a silent blank.
- Every chart gets alt text, and the document passes Word's accessibility rules
  (`accessibility.py`); the .docx has fixed metadata and zip timestamps, so the same
  context and template give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from stc_reporting.reports.accessibility import make_accessible
from stc_reporting.reports.charts import render_chart
from stc_reporting.reports.context_models import ChartSlot, ReportContext

CHART_WIDTH = Mm(160)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


class ReportRenderError(Exception):
    """A report could not be made; the message says which and why."""


def template_environment() -> SandboxedEnvironment:
    """The Jinja environment every report template is rendered in."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def render_report(template: Path, context: ReportContext) -> bytes:
    """Render one report to .docx bytes.

    Args:
        template: The Word template.
        context: The report's context.

    Returns:
        The finished document.

    Raises:
        ReportRenderError: The template is broken or uses an unknown variable.
    """
    document = DocxTemplate(template)
    pictures = {key: render_chart(slot) for key, slot in context.charts.items()}
    data: dict[str, Any] = context.model_dump()
    data["charts"] = {
        key: {
            "image": InlineImage(document, io.BytesIO(png), width=CHART_WIDTH),
            "caption": context.charts[key].caption,
            "title": context.charts[key].title,
        }
        for key, png in pictures.items()
    }
    try:
        document.render(data, jinja_env=template_environment(), autoescape=True)
    except Exception as error:  # jinja2 and docxtpl raise many kinds
        raise ReportRenderError(f"{template.name}: {type(error).__name__}: {error}") from error
    alt_texts = {
        hashlib.sha256(png).hexdigest(): context.charts[key] for key, png in pictures.items()
    }
    _set_alt_texts(document, alt_texts)
    _set_properties(document, context)
    make_accessible(document.docx, context.document_language)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def _set_alt_texts(document: DocxTemplate, chart_by_image: dict[str, ChartSlot]) -> None:
    """Give every picture made from a chart its alt text (Word's "description") and title."""
    docx = document.docx
    for shape in docx.inline_shapes:
        inline = shape._inline
        blips = inline.xpath(".//a:blip")
        if not blips:
            continue
        relationship = blips[0].get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
        )
        blob = docx.part.related_parts[relationship].blob
        chart = chart_by_image.get(hashlib.sha256(blob).hexdigest())
        if chart is not None:
            inline.docPr.set("descr", chart.alt)
            inline.docPr.set("title", chart.title)


def _set_properties(document: DocxTemplate, context: ReportContext) -> None:
    properties = document.docx.core_properties
    properties.title = context.document_title
    properties.subject = context.program
    properties.author = context.program
    properties.last_modified_by = context.program
    properties.comments = context.document_comments
    properties.revision = 1
    made = datetime(2000, 1, 1)
    properties.created = made
    properties.modified = made
    properties.last_printed = made


def reproducible_zip(content: bytes) -> bytes:
    """Rewrite a .docx with fixed zip timestamps so identical documents are identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()
