"""narratives.yaml: optional, checked against the config's ids and the privacy scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from stc_reporting.reports.narratives import (
    Narratives,
    NarrativesError,
    load_narratives,
    narrative_paragraphs,
)

pytestmark = pytest.mark.unit

IDS = ["oakland", "fresno"]


def test_a_missing_file_means_no_narratives(tmp_path: Path) -> None:
    """No narratives.yaml beside the config: every narrative is empty."""
    assert load_narratives(tmp_path / "narratives.yaml", IDS) == Narratives()


def test_the_program_and_collaborative_texts_are_read_as_written(tmp_path: Path) -> None:
    """Template-looking text is kept exactly: it is data."""
    path = tmp_path / "narratives.yaml"
    path.write_text("program: '{{ 7*7 }} & <b>'\ncollaboratives:\n  oakland: Our year.\n")
    narratives = load_narratives(path, IDS)
    assert narratives.program == "{{ 7*7 }} & <b>"
    assert narratives.collaboratives == {"oakland": "Our year."}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("collaboratives:\n  oaklnd: text\n", "collaboratives.oaklnd: no collaborative"),
        ("programme: text\n", "programme"),
        ("program: [a, b]\n", "program"),
        ("program: 'Call 510-555-0134 to join.'\n", "program: seems to hold a phone number"),
        ("program: [unclosed\n", "cannot be read as YAML"),
    ],
)
def test_a_narrative_that_cannot_be_used_is_an_error_naming_the_key(
    tmp_path: Path, content: str, message: str
) -> None:
    """A misspelt id or key, a list, personal data or bad YAML: the message says where."""
    path = tmp_path / "narratives.yaml"
    path.write_text(content)
    with pytest.raises(NarrativesError, match=message):
        load_narratives(path, IDS)


def test_paragraphs_split_at_blank_lines_and_lines_join_with_a_space() -> None:
    """A YAML block keeps line breaks; the report reads them as one paragraph each."""
    text = "First line\nsecond line.\n\n\nSecond paragraph.\n"
    assert narrative_paragraphs(text) == ["First line second line.", "Second paragraph."]
    assert narrative_paragraphs("") == []
