"""Every report template renders with sample data, declares nothing unknown, splits no tag."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports.context import build_report_context
from stc_reporting.reports.context_models import ReportContext
from stc_reporting.reports.funder import COLLABORATIVE_TEMPLATE, PROGRAM_TEMPLATE
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.render import ReportRenderError, render_report, template_environment
from stc_reporting.reports.texts import CollaborativeTexts
from tests.builders import activity, minimal_tabs, partner
from tests.reporting import run_domain
from tools.make_template_docs import template_variables_markdown

pytestmark = pytest.mark.contract

SPANISH_COLLABORATIVE_TEMPLATE = "collaborative-report.es.docx"
TEMPLATES = [PROGRAM_TEMPLATE, COLLABORATIVE_TEMPLATE, SPANISH_COLLABORATIVE_TEMPLATE]
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def split_tags(path: Path) -> list[str]:
    """Text runs holding half a Jinja tag: Word split it, and docxtpl would fail on it."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
                continue
            xml = archive.read(name).decode("utf-8")
            for text in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml):
                rest = _TAG.sub("", text)
                if any(mark in rest for mark in ("{{", "}}", "{%", "%}")):
                    found.append(f"{name}: {text}")
    return found


@pytest.fixture(scope="module")
def contexts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ReportContext]:
    run = run_domain(
        tmp_path_factory.mktemp("ctx"), {"alpha": minimal_tabs([activity()], [partner()])}
    )
    texts = {"alpha": CollaborativeTexts("Alpha collaborative", (), (), {})}
    made = date(2022, 1, 1)
    wording = load_labels()
    return {
        PROGRAM_TEMPLATE: build_report_context(run.rollups, texts, None, made, wording),
        COLLABORATIVE_TEMPLATE: build_report_context(run.rollups, texts, "alpha", made, wording),
        SPANISH_COLLABORATIVE_TEMPLATE: build_report_context(
            run.rollups, texts, "alpha", made, load_labels("es")
        ),
    }


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_template_uses_only_variables_the_context_declares(
    template: str, contexts: dict[str, ReportContext]
) -> None:
    """Docxtpl's own check finds no variable outside the context model."""
    context = contexts[template].model_dump()
    document = DocxTemplate(TEMPLATES_DIR / template)
    assert (
        document.get_undeclared_template_variables(
            jinja_env=template_environment(), context=context
        )
        == set()
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_tag_is_split_across_word_runs(template: str) -> None:
    """Every {{ }} and {% %} sits whole in one run."""
    assert split_tags(TEMPLATES_DIR / template) == []


def test_the_split_tag_check_catches_a_split_tag(tmp_path: Path) -> None:
    """A tag typed in two runs (as Word's spell-check leaves it) is found."""
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ scope_")
    paragraph.add_run("name }}")
    document.save(str(tmp_path / "split.docx"))
    assert len(split_tags(tmp_path / "split.docx")) == 2


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_template_renders_with_sample_data(
    template: str, contexts: dict[str, ReportContext]
) -> None:
    """A whole report comes out, with every chart and its alt text."""
    context = contexts[template]
    document = Document(io.BytesIO(render_report(TEMPLATES_DIR / template, context)))
    assert context.scope_name in "\n".join(p.text for p in document.paragraphs)
    descriptions = [shape._inline.docPr.get("descr", "") for shape in document.inline_shapes]
    # the indicator charts sit under `if indicator_groups` / `if outcome_standing`: a report
    # without any indicator leaves them out
    has_indicators = {
        "indicators": bool(context.indicator_groups),
        "statuses": bool(context.outcome_standing),
    }
    shown = [key for key in context.charts if has_indicators.get(key, True)]
    assert len(descriptions) == len(shown) >= 4
    assert all(descriptions)


@pytest.mark.parametrize(
    ("broken", "message"),
    [("{{ scope_name }", "TemplateSyntaxError"), ("{{ no_such_variable }}", "Undefined")],
)
def test_a_broken_template_fails_with_a_clear_error(
    tmp_path: Path, contexts: dict[str, ReportContext], broken: str, message: str
) -> None:
    """A syntax error or an unknown variable is an error naming the template, never a blank."""
    path = tmp_path / "broken.docx"
    shutil.copy(TEMPLATES_DIR / COLLABORATIVE_TEMPLATE, path)
    document = Document(str(path))
    document.add_paragraph().add_run(broken)
    document.save(str(path))
    with pytest.raises(ReportRenderError, match=f"broken.docx: .*{message}"):
        render_report(path, contexts[COLLABORATIVE_TEMPLATE])


def test_the_variables_page_is_generated_from_the_context_model() -> None:
    """Regenerate with `python -m tools.make_template_docs` after changing the models."""
    page = Path(__file__).resolve().parents[2] / "docs" / "template-variables.md"
    assert page.read_text(encoding="utf-8") == template_variables_markdown()
