"""Config errors stop a run and name the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from stc_reporting.config import ConfigError, load_config, select_collaboratives
from stc_reporting.ingest.reading import read_tracker
from stc_reporting.sources.workbook_file import LINK_LOOP
from stc_reporting.sources.xlsx import XlsxSource

pytestmark = pytest.mark.unit

PROGRAM = """\
program:
  name: Safety Through Connection
  funder: Blue Shield of California Foundation
  start: 2018-11-01
  end: 2021-10-31
  years: [2, 3]
"""


def write(tmp_path: Path, collaboratives: str, extra: str = "") -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM + extra + "collaboratives:\n" + collaboratives)
    return path


GOOD = """\
  - id: fresno
    name: Mujeres Poderosas Amorosas
    city: Fresno
    workbook: trackers/fresno.xlsx
  - id: oakland
    name: Allies Against Violence
    city: Oakland
    sheet_id: 1AbC
"""


def test_a_good_config_loads_with_workbook_paths_beside_the_config(tmp_path: Path) -> None:
    """Workbook paths resolve relative to the config file's folder."""
    config = load_config(write(tmp_path, GOOD))
    assert config.collaboratives[0].workbook == (tmp_path / "trackers/fresno.xlsx").resolve()
    assert config.collaboratives[1].sheet_id == "1AbC"
    assert config.program.years == [2, 3]


def test_a_workbook_that_is_a_link_loop_loads_and_fails_its_tracker_alone(tmp_path: Path) -> None:
    """Resolving a looping link raises in pathlib: the config still loads, the read says why."""
    (tmp_path / "trackers").mkdir()
    loop = tmp_path / "trackers/fresno.xlsx"
    loop.symlink_to(loop)
    config = load_config(write(tmp_path, GOOD))
    workbook = config.collaboratives[0].workbook
    assert workbook == loop
    assert workbook is not None
    tracker = read_tracker(XlsxSource(workbook), "fresno")
    assert tracker.failure is not None
    assert tracker.failure.reason.endswith(LINK_LOOP.format(name="fresno.xlsx"))


@pytest.mark.parametrize(
    ("collaboratives", "expected"),
    [
        (
            GOOD.replace("    city: Fresno\n", "    city: Fresno\n    colour: red\n"),
            "collaboratives[0] (id 'fresno'): unknown key 'colour'",
        ),
        (GOOD.replace("id: oakland", "id: Oakland"), "collaboratives[1] (id 'Oakland'): key 'id'"),
        (
            GOOD.replace("    sheet_id: 1AbC\n", ""),
            "collaboratives[1] (id 'oakland'): give exactly one of 'workbook'",
        ),
        (
            GOOD.replace("    sheet_id: 1AbC\n", "    sheet_id: 1AbC\n    workbook: x.xlsx\n"),
            "collaboratives[1] (id 'oakland'): give exactly one of 'workbook'",
        ),
        (
            GOOD.replace("id: oakland", "id: fresno"),
            "collaboratives[1]: key 'id': 'fresno' is already used by collaboratives[0]",
        ),
        (
            GOOD.replace("    name: Allies Against Violence\n", ""),
            "collaboratives[1] (id 'oakland'): missing key 'name'",
        ),
        (
            GOOD.replace("    city: Fresno\n", "    city: Fresno\n    language: fr\n"),
            "collaboratives[0] (id 'fresno'): language 'fr' has no labels file "
            "(templates/labels.fr.yaml); reports can be written in: en, es",
        ),
    ],
)
def test_config_errors_name_the_file_the_entry_and_the_key(
    tmp_path: Path, collaboratives: str, expected: str
) -> None:
    """Unknown keys, bad or duplicate ids and missing sources are config errors."""
    path = write(tmp_path, collaboratives)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_an_unknown_top_level_or_program_key_is_named(tmp_path: Path) -> None:
    """Typos outside the collaboratives list are caught too."""
    path = write(tmp_path, GOOD, extra="reportz: {}\n")
    with pytest.raises(ConfigError, match="top level: unknown key 'reportz'"):
        load_config(path)


def test_a_missing_or_malformed_file_is_a_config_error(tmp_path: Path) -> None:
    """Neither a missing file nor broken YAML gets past loading."""
    with pytest.raises(ConfigError, match="cannot be read"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("program: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_a_collaborative_report_is_in_its_own_language_else_the_programs(
    tmp_path: Path,
) -> None:
    """Fresno says `language: es`; Oakland says nothing and gets the program's English."""
    spanish = GOOD.replace("    city: Fresno\n", "    city: Fresno\n    language: es\n")
    config = load_config(write(tmp_path, spanish))
    fresno, oakland = config.collaboratives
    assert config.program.language == "en"
    assert (config.language_of(fresno), config.language_of(oakland)) == ("es", "en")


def test_only_keeps_config_order_and_rejects_unknown_ids(tmp_path: Path) -> None:
    """--only oakland fresno runs fresno then oakland; an unknown id is an error."""
    config = load_config(write(tmp_path, GOOD))
    assert [c.id for c in select_collaboratives(config, ["oakland", "fresno"])] == [
        "fresno",
        "oakland",
    ]
    with pytest.raises(ConfigError, match="no collaborative with id 'sacramento'"):
        select_collaboratives(config, ["sacramento"])


def test_organization_and_serves_are_optional_and_read_when_given(tmp_path: Path) -> None:
    """An old config without them still loads; given, they are kept as written."""
    assert load_config(write(tmp_path, GOOD)).program.organization is None
    described = PROGRAM.replace(
        "  start:", "  organization: Prevention Institute\n  serves: five collaboratives\n  start:"
    )
    path = tmp_path / "described.yaml"
    path.write_text(described + "collaboratives:\n" + GOOD)
    program = load_config(path).program
    assert (program.organization, program.serves) == ("Prevention Institute", "five collaboratives")
    path.write_text(described.replace("Prevention Institute", "''") + "collaboratives:\n" + GOOD)
    with pytest.raises(ConfigError, match="organization"):
        load_config(path)
