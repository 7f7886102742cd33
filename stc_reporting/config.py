"""The program config (`config/program.yaml`), typed and validated.

Every config error stops a run before any tracker is read, with a message that
names the file, the entry and the key (docs/configuration.md).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from stc_reporting.locations import TEMPLATES_DIR
from stc_reporting.strict_yaml import load_yaml

DEFAULT_LANGUAGE = "en"
"""The program's language unless the config says otherwise: English."""


def report_languages(templates: Path = TEMPLATES_DIR) -> list[str]:
    """The languages reports can be written in: those with a `labels.<language>.yaml`."""
    return sorted(path.name.split(".")[1] for path in templates.glob("labels.*.yaml"))


def _known_language(language: str) -> str:
    known = report_languages()
    if language not in known:
        raise ValueError(
            f"language {language!r} has no labels file (templates/labels.{language}.yaml); "
            f"reports can be written in: {', '.join(known)}"
        )
    return language


Language = Annotated[str, AfterValidator(_known_language)]
"""A language code with a labels file beside the templates: `en`, `es`."""


class ConfigError(Exception):
    """The config cannot be used; the message names the file, entry and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramConfig(_Strict):
    """The program: its name, who runs it, funder, window and the years to report."""

    name: str
    funder: str
    organization: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="Who runs the program; the reports' overview names it (optional)."
    )
    serves: Annotated[str, Field(min_length=1)] | None = Field(
        None,
        description="Whom the program supports, a phrase after 'It supports' (optional).",
    )
    serves_translations: dict[str, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description=(
            "`serves` in another report language, by language code (`es: ...`); a report "
            "in a language without one leaves that sentence out (optional)."
        ),
    )
    start: date = Field(description="First day of program year 1.")
    end: date = Field(description="Last day of the program window.")
    years: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
    language: Language = Field(
        DEFAULT_LANGUAGE, description="The funder's language: the program report's."
    )

    @model_validator(mode="after")
    def _check_window(self) -> Self:
        if self.end < self.start:
            raise ValueError("end is before start")
        if self.years != sorted(set(self.years)):
            raise ValueError("years must be listed once each, in increasing order")
        beyond = [year for year in self.years if not self._starts_in_window(year)]
        if beyond:
            last = max(year for year in range(1, self.years[-1]) if self._starts_in_window(year))
            raise ValueError(
                f"years: year {beyond[0]} starts after the program window ends ({self.end}); "
                f"the window holds years 1 to {last}"
            )
        return self

    def _starts_in_window(self, year: int) -> bool:
        """Whether program year `year` starts on or before the window's last day."""
        first_year = self.start.year + year - 1
        if first_year > self.end.year:
            return False  # also keeps far years (9000) from overflowing a date
        try:
            first_day = self.start.replace(year=first_year)
        except ValueError:  # 29 February
            first_day = self.start.replace(year=first_year, day=28)
        return first_day <= self.end


class CollaborativeConfig(_Strict):
    """One collaborative and where its tracker is kept (exactly one source)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    name: str
    city: str
    workbook: Path | None = None
    sheet_id: Annotated[str, Field(min_length=1)] | None = None
    language: Language | None = Field(
        None, description="Its report's language; the program's when not given."
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.workbook is None) == (self.sheet_id is None):
            raise ValueError("give exactly one of 'workbook' (an .xlsx path) or 'sheet_id'")
        return self


class GoogleConfig(_Strict):
    """Google access, needed only for Google Sheets trackers or Drive publishing."""

    credentials: Path | None = None
    sheets_endpoint: str = "https://sheets.googleapis.com"
    drive_endpoint: str = "https://www.googleapis.com"
    token_uri: str = "https://oauth2.googleapis.com/token"
    drive_folder_id: str | None = None
    drafts_folder_id: str | None = Field(
        None, description="A Drive folder for reviewers: each run's drafts are put there."
    )
    timeout_seconds: float = Field(
        30.0, gt=0, description="Longest one tracker's read (or one request) may take at Google."
    )
    reads_per_minute: int = Field(
        60, ge=1, description="Sheets reads this run may make per minute (Google's quota)."
    )
    attempts: int = Field(5, ge=1, description="Tries per request on 429, 5xx, resets, time-outs.")
    backoff_seconds: float = Field(1.0, ge=0, description="First wait between tries; doubles.")
    backoff_cap_seconds: float = Field(30.0, ge=0, description="Longest wait between tries.")


class Config(_Strict):
    """The whole config file."""

    program: ProgramConfig
    collaboratives: Annotated[list[CollaborativeConfig], Field(min_length=1)]
    google: GoogleConfig | None = None

    def language_of(self, collaborative: CollaborativeConfig) -> str:
        """The language of a collaborative's report: its own, or the program's."""
        return collaborative.language or self.program.language


def load_config(path: Path) -> Config:
    """Load and validate a config file; resolve workbook paths against its folder.

    Args:
        path: The YAML config file.

    Returns:
        The validated config, with absolute workbook and credentials paths.

    Raises:
        ConfigError: The file is missing, is not YAML, or breaks a rule.
    """
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: is not valid YAML ({error})") from error
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: must be a mapping with 'program' and 'collaboratives'")
    try:
        config = Config.model_validate(document)
    except ValidationError as error:
        raise ConfigError(_describe(path, document, error)) from error
    _check_unique_ids(path, config)
    return _resolve_paths(config, path.parent)


def _describe(path: Path, document: dict[str, Any], error: ValidationError) -> str:
    lines = [f"{path}: {error.error_count()} problem(s)"]
    for problem in error.errors():
        location = list(problem["loc"])
        key = str(location[-1]) if location else ""
        entry = _entry_name(document, location)
        if problem["type"] == "value_error" and len(location) == 1:
            entry = str(location[0])  # a rule over a whole section: `program`
        if problem["type"] == "extra_forbidden":
            what = f"unknown key '{key}'"
        elif problem["type"] == "missing":
            what = f"missing key '{key}'"
        elif problem["type"] == "value_error":
            what = problem["msg"].removeprefix("Value error, ")
        else:
            what = f"key '{key}': {problem['msg']}"
        lines.append(f"  - {entry}: {what}")
    return "\n".join(lines)


def _entry_name(document: dict[str, Any], location: list[int | str]) -> str:
    """Name the config entry a problem is in: `collaboratives[2] (id 'oakland')`."""
    if not location:
        return "top level"
    section = str(location[0])
    if section == "collaboratives" and len(location) > 1 and isinstance(location[1], int):
        index = location[1]
        entries = document.get("collaboratives") or []
        entry = entries[index] if index < len(entries) else None
        identifier = entry.get("id") if isinstance(entry, dict) else None
        suffix = f" (id '{identifier}')" if identifier is not None else ""
        return f"collaboratives[{index}]{suffix}"
    return section if len(location) > 1 else "top level"


def _check_unique_ids(path: Path, config: Config) -> None:
    seen: dict[str, int] = {}
    for index, collaborative in enumerate(config.collaboratives):
        if collaborative.id in seen:
            raise ConfigError(
                f"{path}: collaboratives[{index}]: key 'id': '{collaborative.id}' is already "
                f"used by collaboratives[{seen[collaborative.id]}]; ids must be unique"
            )
        seen[collaborative.id] = index


def _resolve(path: Path, folder: Path) -> Path:
    """Resolve a path against the config's folder.

    When nothing exists there but the path exists from the current directory,
    that one is taken: the contract's own example (`config/program.yaml` naming
    `data/sample/x.xlsx`) is written relative to the repository root.
    """
    beside_config = _absolute(folder / path)
    from_cwd = _absolute(path)
    return from_cwd if not beside_config.exists() and from_cwd.exists() else beside_config


def _absolute(path: Path) -> Path:
    """The path made absolute, its links resolved where they lead somewhere.

    A symbolic link that leads back to itself cannot be resolved: it is kept as
    written, so the collaborative whose workbook it names fails alone, saying so.
    """
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a loop (RuntimeError before Python 3.13)
        return Path(os.path.abspath(path))


def _resolve_paths(config: Config, folder: Path) -> Config:
    collaboratives = [
        c.model_copy(update={"workbook": _resolve(c.workbook, folder)}) if c.workbook else c
        for c in config.collaboratives
    ]
    google = config.google
    if google is not None and google.credentials is not None:
        google = google.model_copy(update={"credentials": _resolve(google.credentials, folder)})
    return config.model_copy(update={"collaboratives": collaboratives, "google": google})


def collaborative_entry_yaml(
    identifier: str, name: str, sheet_id: str, city: str | None = None
) -> str:
    """The lines to add under `collaboratives:` for a collaborative kept in a Google Sheet.

    Valid YAML whatever the name holds (quoted as needed). Without a city, the `city`
    key (required) is left for a person to fill in, with a comment saying so.
    """
    entry = {"id": identifier, "name": name, "city": city or "CITY", "sheet_id": sheet_id}
    text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1000)
    lines = ["  " + line for line in text.splitlines()]
    if city is None:
        lines = [
            line + "  # required: the collaborative's city"
            if line.strip() == "city: CITY"
            else line
            for line in lines
        ]
    return "\n".join(lines) + "\n"


def select_collaboratives(config: Config, only: list[str] | None) -> list[CollaborativeConfig]:
    """Return the collaboratives a run covers, in config order.

    Args:
        config: The loaded config.
        only: Ids to keep; None or empty keeps all.

    Returns:
        The selected collaboratives.

    Raises:
        ConfigError: An id in `only` is not in the config.
    """
    if not only:
        return list(config.collaboratives)
    known = {c.id for c in config.collaboratives}
    unknown = [identifier for identifier in only if identifier not in known]
    if unknown:
        raise ConfigError(
            f"--only: no collaborative with id {', '.join(repr(u) for u in unknown)}; "
            f"known ids: {', '.join(sorted(known))}"
        )
    return [c for c in config.collaboratives if c.id in only]
