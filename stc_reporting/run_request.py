"""What a program manager asks of a run in the Prefect UI's form, in plain words.

The deployment's flow takes one `ReportRequest`: which month, which collaboratives (by
name, as people know them) and whether to publish after approval. The config file and
the outputs root are not asked: the deployment fixes them (docs/operations.md), so the
form never shows a path of the worker's machine.

`request_form(config)` makes the form's model for one config: its collaboratives become
the choices of a multi-select, so a name cannot be mistyped. The choices are fixed when
the flow is deployed; a collaborative added to the config appears after a redeploy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    create_model,
    field_validator,
)

from stc_reporting.config import CollaborativeConfig, Config, ConfigError
from stc_reporting.figures.periods import as_of_for_month

MONTH_HELP = (
    "Pick any day of the month to report. Leave blank for last month. "
    "Records dated up to the end of that month are counted."
)
COLLABORATIVES_HELP = "Leave blank for all of them. Choose some to check only their trackers."
PUBLISH_HELP = (
    "Yes: after the drafts are written, the run waits for a reviewer to approve them here, "
    "then sends the final reports to the funder's folder. No: drafts only."
)


class ReportRequest(BaseModel):
    """A run as a program manager asks for it.

    Attributes:
        month: Any day of the month to report; None for last month.
        collaboratives: The collaboratives to include, by their choice label
            (`choice_label`); empty for all.
        publish: Wait for approval after the drafts, then publish the finals.
    """

    model_config = ConfigDict(extra="forbid", title="Monthly report")

    # Shown as a plain date picker: the UI would show `date | None` as a type switch
    # ("date" / "None"), which means nothing to a program manager. Blank is None.
    month: Annotated[
        date | None,
        WithJsonSchema({"type": "string", "format": "date"}),
    ] = Field(
        default=None,
        title="Month to report",
        description=MONTH_HELP,
        json_schema_extra={"position": 0},
    )
    collaboratives: list[str] = Field(
        default_factory=list,
        title="Collaboratives",
        description=COLLABORATIVES_HELP,
        json_schema_extra={"position": 1},
    )
    publish: bool = Field(
        default=False,
        title="Publish to the funder after approval",
        description=PUBLISH_HELP,
        json_schema_extra={"position": 2},
    )

    @field_validator("collaboratives", mode="after")
    @classmethod
    def _each_once(cls, chosen: list[str]) -> list[str]:
        return list(dict.fromkeys(chosen))

    def as_of(self, today: date) -> date:
        """The last day whose records count (a month still under way: today)."""
        return as_of_for_month(self.month, today)

    def collaborative_ids(self, config: Config) -> list[str]:
        """The ids of the collaboratives chosen, in config order; empty for all.

        Raises:
            ConfigError: A choice is no collaborative of `config` (the config changed
                since the flow was deployed).
        """
        by_label = {choice_label(c): c.id for c in config.collaboratives}
        by_label.update({c.id: c.id for c in config.collaboratives})
        unknown = [label for label in self.collaboratives if label not in by_label]
        if unknown:
            raise ConfigError(
                f"no collaborative {', '.join(repr(u) for u in unknown)} in the config; "
                "it may have changed since the flow was deployed: redeploy "
                "(docs/operations.md) and choose again"
            )
        chosen = {by_label[label] for label in self.collaboratives}
        return [c.id for c in config.collaboratives if c.id in chosen]


def choice_label(collaborative: CollaborativeConfig) -> str:
    """How the form lists a collaborative: its name, and its city for those who know it so.

    A name that says its city already is not followed by it again.
    """
    if collaborative.city.lower() in collaborative.name.lower():
        return collaborative.name
    return f"{collaborative.name} ({collaborative.city})"


def request_form(config: Config | None) -> type[ReportRequest]:
    """The form's model for `config`: `ReportRequest` with its collaboratives as choices.

    Args:
        config: The deployment's config; None when it cannot be loaded (the run then
            stops with the config's own error), which leaves the choices free text.
    """
    if config is None:
        return ReportRequest
    return _with_choices([choice_label(c) for c in config.collaboratives])


def _with_choices(labels: Sequence[str]) -> type[ReportRequest]:
    choices: Any = Literal[tuple(labels)]  # a Literal of values known only at run time
    field = ReportRequest.model_fields["collaboratives"]
    model = create_model(
        "ReportRequest",
        __base__=ReportRequest,
        collaboratives=(
            list[choices],
            Field(
                default_factory=list,
                title=field.title,
                description=field.description,
                json_schema_extra={"position": 1},
            ),
        ),
    )
    return cast("type[ReportRequest]", model)


def scope_words(collaborative_ids: Sequence[str], config: Config) -> str:
    """A run's collaboratives in a few words: "all collaboratives", or their ids."""
    if not collaborative_ids or len(collaborative_ids) == len(config.collaboratives):
        return "all collaboratives"
    return ", ".join(collaborative_ids)
