"""Each collaborative's data-quality page: its own issues only, so it can be forwarded as is."""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from stc_reporting.config import load_config
from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.pipeline import RunOutcome, plan_run, run_monthly_report
from stc_reporting.reports.document import DocumentKind
from stc_reporting.reports.quality import (
    DOCX_TEMPLATE,
    HTML_TEMPLATE,
    render_dq_report,
    template_for,
)
from tests.reporting import docx_text

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
AS_OF, RUN_DATE = date(2021, 10, 31), date(2021, 11, 20)
FAILED = "oakland"
"""The sample collaborative whose copy here loses its Partners tab, so it fails."""


def sample_program(folder: Path) -> Path:
    """The sample config and trackers, copied, with Oakland's Partners tab removed."""
    shutil.copytree(REPO / "data" / "sample", folder / "data" / "sample")
    (folder / "config").mkdir()
    shutil.copy(REPO / "config" / "program.yaml", folder / "config" / "program.yaml")
    tracker = folder / "data" / "sample" / f"{FAILED}.xlsx"
    workbook = load_workbook(tracker)
    del workbook["Partners"]
    workbook.save(tracker)
    return folder / "config" / "program.yaml"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunOutcome]:
    """A full run of the samples, one collaborative failing."""
    folder = tmp_path_factory.mktemp("pages")
    config = sample_program(folder)
    out = folder / "out"
    return config, run_monthly_report(plan_run(config, out, AS_OF, run_date=RUN_DATE))


FIRST_CHECK = {
    "en": "every issue below is new ({count} in all)",
    "es": "todos los problemas que siguen son nuevos ({count} en total)",
}
"""A page's sentence with its own count of issues, in the page's language."""

SPANISH_HEADINGS = [
    "Informe de calidad de los datos: ",
    "Qué cambió desde la revisión anterior",
    "Problemas y actualizaciones mensuales",
    "Actualizaciones mensuales de la hoja de seguimiento",
    "Gravedad de los problemas",
    "Cómo corregirlo",
]
ENGLISH_HEADINGS = [
    "Data-quality report",
    "What changed since the last check",
    "Issues and monthly updates",
    "Monthly tracker updates",
    "Severities",
    "What to fix",
]


def pages_of(files: list[WrittenFile]) -> dict[str, list[str]]:
    """Collaborative id to the paths of its data-quality page files in a manifest."""
    pages: dict[str, list[str]] = {}
    for written in files:
        if written.kind == DocumentKind.DATA_QUALITY_PAGE:
            assert written.collaborative is not None
            pages.setdefault(written.collaborative, []).append(written.path)
    return pages


def page_text_and_links(path: Path) -> tuple[str, list[str]]:
    """What a person reads on a page (its text) and where its hyperlinks go."""
    if path.suffix == ".html":
        page = path.read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]*)"', page)
        return html.unescape(re.sub(r"<[^>]+>", " ", page)), links
    with zipfile.ZipFile(path) as docx:
        relations = docx.read("word/_rels/document.xml.rels").decode()
    links = re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', relations)
    return docx_text(path), links


def test_every_collaborative_gets_its_page_failed_ones_included(
    sample_run: tuple[Path, RunOutcome],
) -> None:
    """An .html and a .docx per collaborative, in the manifest with their collaborative."""
    config, outcome = sample_run
    ids = [c.id for c in load_config(config).collaboratives]
    assert FAILED in {c.id for c in outcome.summary.failed}
    assert pages_of(outcome.files) == {
        i: [f"data-quality/{i}.html", f"data-quality/{i}.docx"] for i in ids
    }
    out = config.parent.parent / "out"
    for identifier in ids:
        assert (out / f"data-quality/{identifier}.docx").is_file()
    assert (out / "data-quality-report.html").is_file()  # the internal report stays


def test_a_failed_collaboratives_page_says_what_is_wrong(
    sample_run: tuple[Path, RunOutcome],
) -> None:
    """Its tracker has no Partners tab: the page says so, and how to fix it."""
    config, _ = sample_run
    for suffix in (".html", ".docx"):
        text, _ = page_text_and_links(config.parent.parent / f"out/data-quality/{FAILED}{suffix}")
        assert "Could not report this month" in text
        assert "Partners" in text


def test_a_page_holds_no_other_collaboratives_data(sample_run: tuple[Path, RunOutcome]) -> None:
    """No other collaborative's name, id, issue value or link is in a page's text or links."""
    config, outcome = sample_run
    collaboratives = load_config(config).collaboratives
    funders_language = load_config(config).program.language
    out = config.parent.parent / "out"
    for mine in collaboratives:
        sentence = FIRST_CHECK[mine.language or funders_language]
        own_values = {i.value for i in outcome.checked.issues if i.collaborative == mine.id}
        others = [c for c in collaboratives if c.id != mine.id]
        # A value is another collaborative's row when it is theirs alone (not also ours).
        their_values = {
            i.value
            for i in outcome.checked.issues
            if i.collaborative != mine.id and len(i.value) >= 4 and i.value not in own_values
        }
        assert their_values, "the samples must give other collaboratives' values to look for"
        own_count = sum(1 for t in outcome.followup.tracked if t.issue.collaborative == mine.id)
        for suffix in (".html", ".docx"):
            text, links = page_text_and_links(out / f"data-quality/{mine.id}{suffix}")
            assert mine.name in text
            assert sentence.format(count=own_count) in text  # its count alone
            for other in others:
                assert other.name not in text, (mine.id, suffix, other.name)
                assert other.id not in text.lower(), (mine.id, suffix, other.id)
                assert not any(other.id in link for link in links), (mine.id, other.id)
            for value in their_values:
                assert value not in text, (mine.id, suffix, value)
            assert all(link.startswith("https://docs.google.com/") for link in links)


def test_a_run_with_only_writes_only_its_pages_and_keeps_the_others(
    tmp_path: Path, sample_run: tuple[Path, RunOutcome]
) -> None:
    """`--only fresno` remakes Fresno's page; every other page of the folder stays as it was."""
    config, _ = sample_run
    out = tmp_path / "out"
    run_monthly_report(plan_run(config, out, AS_OF, run_date=RUN_DATE))
    before = {p.name: p.read_bytes() for p in (out / "data-quality").iterdir()}
    (out / "data-quality" / "oakland.docx").write_bytes(b"a person's copy")
    outcome = run_monthly_report(plan_run(config, out, AS_OF, only=["fresno"], run_date=RUN_DATE))
    assert pages_of(outcome.files) == {
        "fresno": ["data-quality/fresno.html", "data-quality/fresno.docx"]
    }
    after = {p.name: p.read_bytes() for p in (out / "data-quality").iterdir()}
    assert after.keys() == before.keys()
    assert after["oakland.docx"] == b"a person's copy"
    assert after["san-diego.html"] == before["san-diego.html"]


def test_a_page_in_another_language_is_a_labels_file_and_templates_not_code(
    tmp_path: Path, sample_run: tuple[Path, RunOutcome]
) -> None:
    """`labels.es.yaml` and `data-quality-report.es.*` beside the templates make Fresno's page."""
    config, outcome = sample_run
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    labels = (templates / "labels.en.yaml").read_text(encoding="utf-8")
    labels = labels.replace("status_new: new", "status_new: nuevo")
    labels = labels.replace("year: Year {number}", "year: Año {number}")
    (templates / "labels.es.yaml").write_text(labels, encoding="utf-8")
    for made in ("data-quality-report.es.html.j2", "data-quality-report.es.docx"):
        (templates / made).unlink()  # this test makes its own Spanish page template
    page = (templates / HTML_TEMPLATE).read_text(encoding="utf-8")
    spanish = page.replace("What changed since the last check", "Qué cambió desde la última vez")
    assert template_for(HTML_TEMPLATE, "es", templates) == HTML_TEMPLATE  # none yet
    (templates / "data-quality-report.es.html.j2").write_text(spanish, encoding="utf-8")
    assert template_for(HTML_TEMPLATE, "es", templates) == "data-quality-report.es.html.j2"
    assert template_for(DOCX_TEMPLATE, "es", templates) == DOCX_TEMPLATE  # none: English

    documents = render_dq_report(
        outcome.rollups,
        load_config(config).collaboratives,
        outcome.checked.trackers,
        outcome.followup,
        load_config(config).program,
        RUN_DATE,
        languages={"fresno": "es"},
        templates=templates,
    )
    by_path = {d.path: d.content for d in documents}
    fresno = by_path["data-quality/fresno.html"].decode()
    assert '<html lang="es">' in fresno and "Qué cambió desde la última vez" in fresno
    assert ">nuevo<" in fresno and ">Año 2<" in fresno
    assert "nuevo" in docx_text_of(by_path["data-quality/fresno.docx"], tmp_path)
    oakland = by_path["data-quality/oakland.html"].decode()
    assert '<html lang="en">' in oakland and "nuevo" not in oakland


def docx_text_of(content: bytes, folder: Path) -> str:
    path = folder / "page.docx"
    path.write_bytes(content)
    return docx_text(path)


def test_fresnos_page_is_in_spanish_with_the_counts_of_its_english_render(
    tmp_path: Path, sample_run: tuple[Path, RunOutcome]
) -> None:
    """Fresno's config says `language: es`: the run writes its page in Spanish, figures unchanged.

    The English render of the same page is the reference for every number on it.
    """
    config, outcome = sample_run
    program = load_config(config)
    assert {c.id: c.language for c in program.collaboratives}["fresno"] == "es"
    english = render_dq_report(
        outcome.rollups,
        program.collaboratives,
        outcome.checked.trackers,
        outcome.followup,
        program.program,
        RUN_DATE,
    )
    by_path = {d.path: d.content for d in english}
    out = config.parent.parent / "out"
    for suffix in (".html", ".docx"):
        written = out / f"data-quality/fresno{suffix}"
        spanish, _ = page_text_and_links(written)
        reference = tmp_path / f"english{suffix}"
        reference.write_bytes(by_path[f"data-quality/fresno{suffix}"])
        english_text, _ = page_text_and_links(reference)
        assert all(heading in spanish for heading in SPANISH_HEADINGS), suffix
        assert not any(heading in spanish for heading in ENGLISH_HEADINGS), suffix
        assert all(heading in english_text for heading in ENGLISH_HEADINGS), suffix
        assert numbers_of(spanish) == numbers_of(english_text), suffix
    assert '<html lang="es">' in (out / "data-quality/fresno.html").read_text(encoding="utf-8")
    document = Document(str(out / "data-quality/fresno.docx"))
    assert document.core_properties.language == "es-US"
    internal = (out / "data-quality-report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in internal and "What changed since the last check" in internal


def numbers_of(text: str) -> list[str]:
    """The numbers of a page in order: counts, rows, cells, percentages, years and days."""
    return re.findall(r"\d+", text)
