"""Templates in another language are the English ones with every fixed text translated."""

from __future__ import annotations

import pytest
from docx import Document

from stc_reporting.locations import TEMPLATES_DIR
from tools.make_report_templates import (
    TranslationError,
    build_template,
    build_translated_page,
    build_translated_template,
    load_translations,
    needs_translation,
    translate_document,
    translate_page,
    translation_table_path,
)

pytestmark = pytest.mark.contract


def texts_of(document: object) -> list[str]:
    """Every text run of a document's body, headers and footers, in order."""
    found = []
    for paragraph in document.paragraphs:  # type: ignore[attr-defined]
        found += [run.text for run in paragraph.runs]
    for table in document.tables:  # type: ignore[attr-defined]
        for row in table.rows:
            for cell in row.cells:
                found += [run.text for p in cell.paragraphs for run in p.runs]
    return found


def test_the_spanish_table_translates_every_text_of_the_collaborative_template() -> None:
    """The committed table is complete for the template the script builds today."""
    document = build_translated_template("collaborative-report", "es")
    assert "1. Resumen" in texts_of(document)
    assert "1. Summary" not in texts_of(document)


def test_the_spanish_table_translates_every_text_of_the_data_quality_template() -> None:
    """The page's title, headings and table headers come out in Spanish, none left in English."""
    texts = texts_of(build_translated_template("data-quality-report", "es"))
    spanish = ["Qué cambió desde la revisión anterior", "Problemas y actualizaciones mensuales"]
    assert all(heading in texts for heading in [*spanish, "Cómo corregirlo", "Pestaña"])
    english = ["What changed since the last check", "Issues and monthly updates", "What to fix"]
    assert not any(heading in texts for heading in english)


@pytest.mark.parametrize("name", ["collaborative-report", "data-quality-report"])
def test_the_committed_spanish_template_is_what_the_script_makes(name: str) -> None:
    """The committed `<name>.es.docx` holds the texts of a fresh build: rerun after a change."""
    fresh = build_translated_template(name, "es")
    committed = Document(str(TEMPLATES_DIR / f"{name}.es.docx"))
    assert texts_of(committed) == texts_of(fresh)


def test_the_committed_spanish_page_is_what_the_script_makes() -> None:
    """data-quality-report.es.html.j2 is the English page translated: rerun after a change."""
    committed = (TEMPLATES_DIR / "data-quality-report.es.html.j2").read_text(encoding="utf-8")
    assert committed == build_translated_page("data-quality-report.html.j2", "es")


def test_the_page_is_translated_between_its_tags_and_its_style_sheet_is_kept() -> None:
    """Texts between HTML tags and Jinja statements are translated; markup and CSS are not."""
    page = (
        "<style>h1 { color: red; }</style>"
        '<h1 class="title">Overview</h1>{% if scope %}<p>Row {{ s.row }}</p>{% endif %}'
    )
    table = {"Overview": "Resumen general", "Row {{ s.row }}": "Fila {{ s.row }}"}
    translated, missing = translate_page(page, table)
    assert translated == (
        "<style>h1 { color: red; }</style>"
        '<h1 class="title">Resumen general</h1>{% if scope %}<p>Fila {{ s.row }}</p>{% endif %}'
    )
    assert missing == []


def test_a_page_text_missing_from_the_table_is_listed() -> None:
    """Dropping one entry makes the page's translation list exactly that English text."""
    table = load_translations(translation_table_path("es"))
    del table["No open issues. Thank you!"]
    english = (TEMPLATES_DIR / "data-quality-report.html.j2").read_text(encoding="utf-8")
    _, missing = translate_page(english, table)
    assert missing == ["No open issues. Thank you!"]


def test_a_page_translation_that_changes_a_tag_is_refused() -> None:
    """A translated `{{ scope }}` would leave the page without the collaborative's name."""
    table = {"Data-quality report: {{ scope }}": "Informe de calidad: {{ alcance }}"}
    with pytest.raises(TranslationError, match="change a template tag"):
        translate_page("<h1>Data-quality report: {{ scope }}</h1>", table)


@pytest.mark.parametrize("name", ["collaborative-report", "data-quality-report"])
def test_the_spanish_template_says_it_is_in_spanish(name: str) -> None:
    """Word and screen readers read the document as US Spanish."""
    document = Document(str(TEMPLATES_DIR / f"{name}.es.docx"))
    languages = {
        element.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val")
        for element in document.styles.element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"
        )
    }
    assert languages == {"es-US"}
    assert document.core_properties.language == "es-US"


def test_a_text_missing_from_the_table_is_listed_and_nothing_else_is_reported() -> None:
    """Dropping one entry makes the build list exactly that English text."""
    table = load_translations(translation_table_path("es"))
    del table["Small numbers"]
    missing = translate_document(build_template(collaborative=True), table, "es-US")
    assert missing == ["Small numbers"]


def test_a_translation_that_changes_a_tag_is_refused() -> None:
    """`{{ headers.combined }}` translated as well would break the template: it is an error."""
    table = load_translations(translation_table_path("es"))
    source = "Each milestone achieved over {{ headers.combined }}, by month:"
    table[source] = "Cada hito alcanzado en {{ encabezados.combinado }}, por mes:"
    with pytest.raises(TranslationError, match="change a template tag"):
        translate_document(build_template(collaborative=True), table, "es-US")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("{{ row.first }}", False), ("{%tr endfor %}", False), ("1.", False), ("Page", True)],
)
def test_only_texts_with_words_need_a_translation(text: str, expected: bool) -> None:
    """Tags, numbers and marks are left as they are; words are translated."""
    assert needs_translation(text) is expected
