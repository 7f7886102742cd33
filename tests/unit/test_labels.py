"""The labels file loads into a typed model; a missing, misspelt or wrong key is named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.reports.labels import LabelsError, ReportLabels, labels_path, load_labels

pytestmark = pytest.mark.unit


def copy_of_labels(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """A templates folder holding the English labels, with `old` replaced by `new` once."""
    text = (TEMPLATES_DIR / "labels.en.yaml").read_text(encoding="utf-8")
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "labels.en.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_english_labels_load_with_every_key() -> None:
    """The repository's labels.en.yaml is complete and its placeholders are known."""
    labels = load_labels("en")
    assert isinstance(labels, ReportLabels)
    assert labels.rows.participants == "Participants"
    assert labels.periods.data_to.format(date="15 Dec 2020") == "data to 15 Dec 2020"
    assert labels.statuses.of("on track") == "On track"
    assert labels.dates.long == "d MMMM y"


def test_a_missing_key_is_an_error_naming_the_file_and_the_key(tmp_path: Path) -> None:
    """Deleting a row label stops the load, naming `rows.participants`, not a blank cell."""
    folder = copy_of_labels(tmp_path, "  participants: Participants\n", "")
    with pytest.raises(LabelsError) as caught:
        load_labels("en", folder)
    message = str(caught.value)
    assert str(folder / "labels.en.yaml") in message
    assert "rows.participants: missing key" in message


def test_a_misspelt_key_is_an_error_naming_both_spellings(tmp_path: Path) -> None:
    """A typo is an unknown key, and the key it should have been is missing."""
    folder = copy_of_labels(tmp_path, "  no_change: no change", "  no_chnage: no change")
    with pytest.raises(LabelsError) as caught:
        load_labels("en", folder)
    assert "values.no_chnage: unknown key" in str(caught.value)
    assert "values.no_change: missing key" in str(caught.value)


def test_an_unknown_placeholder_is_an_error_listing_the_allowed_ones(tmp_path: Path) -> None:
    """`{dat}` for `{date}` would fail at render time: it fails at load, saying what is allowed."""
    folder = copy_of_labels(tmp_path, "data_to: data to {date}", "data_to: data to {dat}")
    with pytest.raises(LabelsError, match=r"periods\.data_to: .*\{dat\}.*\{date\}"):
        load_labels("en", folder)


def test_a_missing_language_is_an_error_naming_the_file(tmp_path: Path) -> None:
    """Asking for Spanish before labels.es.yaml exists says which file is missing."""
    with pytest.raises(LabelsError, match=r"labels\.es\.yaml: no labels file for language 'es'"):
        load_labels("es", tmp_path)


def test_a_language_is_a_code_never_a_path(tmp_path: Path) -> None:
    """A language such as `../x` cannot point outside the templates folder."""
    with pytest.raises(LabelsError, match="not a language code"):
        labels_path("../x", tmp_path)


def key_paths(data: object, prefix: str = "") -> set[str]:
    """Every key of a labels file as a dotted path: `rows.participants`, `choices.sectors.Other`."""
    if not isinstance(data, dict):
        return set()
    paths = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        paths |= {path} | key_paths(value, path + ".")
    return paths


def test_the_spanish_labels_have_exactly_the_keys_of_the_english_ones() -> None:
    """A key added to labels.en.yaml and not to labels.es.yaml (or the reverse) fails here."""
    english, spanish = (
        yaml.safe_load((TEMPLATES_DIR / f"labels.{language}.yaml").read_text(encoding="utf-8"))
        for language in ("en", "es")
    )
    assert sorted(key_paths(spanish) ^ key_paths(english)) == []
    assert len(spanish["suppression_legend"]) == len(english["suppression_legend"])
    assert load_labels("es").locale == "es_US"


def test_the_spanish_labels_translate_every_choice() -> None:
    """Each choice the reports print has Spanish words, not the English key left as it was."""
    choices = load_labels("es").choices
    untranslated = [
        key
        for group in (choices.core_components, choices.strategies, choices.source_types)
        for key, label in group.items()
        if key == label
    ]
    assert untranslated == []
    assert choices.sectors["Labor and worker rights"] == "Derechos laborales"


def test_a_missing_choice_is_an_error_naming_it(tmp_path: Path) -> None:
    """Dropping a sector's label stops the load, naming the choice (never a blank bar)."""
    folder = copy_of_labels(tmp_path, "    Housing: Housing\n", "")
    with pytest.raises(LabelsError, match=r"choices\.sectors: .*no label for 'Housing'"):
        load_labels("en", folder)


def test_a_choice_the_tracker_does_not_have_is_an_error_listing_the_choices(
    tmp_path: Path,
) -> None:
    """A misspelt key (`Housin`) is not a choice: the message lists the real ones."""
    folder = copy_of_labels(
        tmp_path, "    Housing: Housing\n", "    Housing: Housing\n    Housin: x\n"
    )
    with pytest.raises(LabelsError, match=r"'Housin' is not a choice.*Food and nutrition"):
        load_labels("en", folder)


def test_an_unknown_locale_or_date_pattern_is_an_error(tmp_path: Path) -> None:
    """A locale Babel does not know, or a broken date pattern, fails at load."""
    folder = copy_of_labels(tmp_path, "locale: en_US", "locale: xx_QQ")
    with pytest.raises(LabelsError, match=r"locale: .*'xx_QQ' is not a locale"):
        load_labels("en", folder)
    folder = copy_of_labels(tmp_path, "  long: d MMMM y", "  long: d MMMM 'y")
    with pytest.raises(LabelsError, match=r"dates\.long: .*not a date pattern"):
        load_labels("en", folder)
