"""YAML files are read strictly: a repeated key or an alias is refused, with where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stc_reporting.config import ConfigError, load_config
from stc_reporting.strict_yaml import load_yaml

pytestmark = pytest.mark.unit

CONFIG = """\
program:
  name: Safety Through Connection
  funder: Blue Shield of California Foundation
  start: 2018-11-01
  end: 2021-10-31
  years: [2, 3]
collaboratives:
  - id: fresno
    name: Mujeres Poderosas Amorosas
    city: Fresno
    workbook: trackers/fresno.xlsx
"""


def test_ordinary_yaml_reads_as_safe_load_reads_it() -> None:
    """Nothing changes for a file without repeated keys or aliases."""
    assert load_yaml(CONFIG) == yaml.safe_load(CONFIG)


def test_a_second_workbook_under_one_collaborative_is_refused_naming_both_lines(
    tmp_path: Path,
) -> None:
    """safe_load would keep the second path silently: another tracker's figures."""
    path = tmp_path / "program.yaml"
    path.write_text(CONFIG + "    workbook: trackers/oakland.xlsx\n")
    with pytest.raises(ConfigError, match=r"'workbook' is given twice \(first on line 11\)"):
        load_config(path)


def test_a_repeated_top_level_key_is_refused() -> None:
    """Two `program:` blocks are as wrong as two workbooks."""
    with pytest.raises(yaml.YAMLError, match="'program' is given twice"):
        load_yaml(CONFIG + "program: {}\n")


def test_an_alias_is_refused_so_a_few_lines_cannot_expand_to_billions() -> None:
    """The 'billion laughs' shape: each level repeats the one before through aliases."""
    bomb = 'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    with pytest.raises(yaml.YAMLError, match="an alias"):
        load_yaml(bomb)


def test_an_unhashable_key_is_still_refused_by_the_yaml_library() -> None:
    """A list as a key is not ours to judge: the safe loader's own error stands."""
    with pytest.raises(yaml.YAMLError, match="unhashable"):
        load_yaml("? [a, b]\n: value\n")
