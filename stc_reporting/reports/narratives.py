"""The narratives a person writes for the funder reports: `narratives.yaml` beside the config.

One text for the program report and one per collaborative, each optional, printed in
the Summary after the generated overview exactly as written (data, never template).
A missing file means no narratives. A narrative is checked by the same privacy scan
as tracker text: one that looks like it holds personal data is not used, and the run
says so. The texts a run used are kept in its `report-texts.json`, so the finals
print the narratives the reviewed drafts printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stc_reporting.privacy import find_personal_data
from stc_reporting.strict_yaml import load_yaml

NARRATIVES_FILE = "narratives.yaml"


class NarrativesError(Exception):
    """`narratives.yaml` cannot be used; the message names the file and the key."""


class Narratives(BaseModel):
    """The texts of `narratives.yaml`.

    Attributes:
        program: The program report's narrative, or ''.
        collaboratives: Each collaborative's narrative by config id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    program: str = ""
    collaboratives: dict[str, str] = Field(default_factory=dict)


def load_narratives(path: Path, collaborative_ids: Sequence[str]) -> Narratives:
    """Read the narratives (a missing file: none) and check them.

    Args:
        path: The narratives file, `narratives.yaml` beside the config.
        collaborative_ids: The config's collaborative ids: a narrative for another id
            is a mistake (a misspelt id would silently print nothing).

    Returns:
        The narratives, blank ones as ''.

    Raises:
        NarrativesError: The file is not YAML, has an unknown key or id, a text that
            is not text, or a text the privacy scan finds personal data in.
    """
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Narratives()
    except (OSError, yaml.YAMLError) as error:
        raise NarrativesError(f"{path}: cannot be read as YAML ({error})") from error
    try:
        narratives = Narratives.model_validate(document or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(the whole file)'}: {e['msg']}"
            for e in error.errors()
        )
        raise NarrativesError(f"{path}: {problems}") from error
    unknown = sorted(set(narratives.collaboratives) - set(collaborative_ids))
    if unknown:
        raise NarrativesError(
            f"{path}: collaboratives.{unknown[0]}: no collaborative has this id in the config"
        )
    _check_privacy(path, "program", narratives.program)
    for identifier, text in narratives.collaboratives.items():
        _check_privacy(path, f"collaboratives.{identifier}", text)
    return narratives


def _check_privacy(path: Path, key: str, text: str) -> None:
    kind = find_personal_data(text)
    if kind is not None:
        raise NarrativesError(
            f"{path}: {key}: seems to hold {kind.with_article}; "
            "reports never print personal data: remove it"
        )


def narrative_paragraphs(text: str) -> list[str]:
    """A narrative's paragraphs as typed: split at blank lines, a line break read as a space."""
    blocks = text.replace("\r\n", "\n").split("\n\n")
    paragraphs = (" ".join(line.strip() for line in block.splitlines()) for block in blocks)
    return [paragraph.strip() for paragraph in paragraphs if paragraph.strip()]
