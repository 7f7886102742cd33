r"""Set up run notifications on a Prefect server: the notification block and the automations.

    PREFECT_API_URL=http://127.0.0.1:4200/api STC_NOTIFY_URL=https://relay.example.org/hook \\
        .venv/bin/python -m tools.setup_notifications --kind webhook

(or `make notifications`). It saves the notification block `stc-reporting-runs` of the
chosen kind with the URL, then applies every automation in
`config/prefect/automations.yaml` with that block's id filled in: an automation of the
same name is updated, otherwise one is created. Running it again with the same
arguments changes nothing; with another URL or kind it repoints the automations.
The URL is a secret: give it through $STC_NOTIFY_URL or --url, never in the repository.
See docs/notifications.md.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import typer
import yaml
from pydantic import SecretStr

from stc_reporting.locations import REPO

if TYPE_CHECKING:
    from prefect.blocks.abstract import NotificationBlock
    from prefect.client.orchestration import PrefectClient
    from prefect.events.schemas.automations import AutomationCore

AUTOMATIONS_FILE = REPO / "config" / "prefect" / "automations.yaml"
BLOCK_NAME = "stc-reporting-runs"
# What automations.yaml says where the block's id goes; the block exists only on the server.
BLOCK_ID_PLACEHOLDER = "NOTIFICATION_BLOCK_ID"
URL_VARIABLE = "STC_NOTIFY_URL"

# A custom webhook POSTs this JSON, with names several kinds of receiver read: `subject`
# and `body` (a mail relay), `title` and `body` (an Apprise API server), `text` (Slack-,
# Mattermost- and Rocket.Chat-style incoming webhooks).
WEBHOOK_JSON = {
    "subject": "{{subject}}",
    "title": "{{subject}}",
    "body": "{{body}}",
    "text": "{{subject}}\n\n{{body}}",
}


class Kind(StrEnum):
    """The kinds of notification block the setup can save."""

    webhook = "webhook"  # any HTTP endpoint: a mail relay, a chat webhook, a ticket system
    slack = "slack"  # a Slack incoming webhook (hooks.slack.com)
    teams = "teams"  # a Microsoft Teams channel workflow (Power Automate) URL


def notification_block(kind: Kind, url: str) -> NotificationBlock:
    """The notification block of this kind that sends to `url`.

    Args:
        kind: Which Prefect notification block to use.
        url: Where it sends: the webhook, Slack or Teams workflow URL.

    Returns:
        The block, not yet saved.
    """
    from prefect.blocks.notifications import (
        CustomWebhookNotificationBlock,
        MicrosoftTeamsWebhook,
        SlackWebhook,
    )

    if kind is Kind.slack:
        return SlackWebhook(url=SecretStr(url), notify_type="warning")
    if kind is Kind.teams:
        return MicrosoftTeamsWebhook(url=SecretStr(url), notify_type="warning")
    return CustomWebhookNotificationBlock(
        name=BLOCK_NAME, url=url, method="POST", json_data=WEBHOOK_JSON
    )


def load_automations(path: Path, block_id: UUID) -> list[AutomationCore]:
    """The automations in `path`, their notifications sent through the block `block_id`.

    Args:
        path: A YAML file with an `automations` list, as `prefect automation create` reads.
        block_id: The id of the saved notification block.

    Returns:
        The automations, validated by Prefect's own model.

    Raises:
        ValueError: An action that sends a notification does not say `NOTIFICATION_BLOCK_ID`.
    """
    from prefect.events.schemas.automations import AutomationCore

    automations: list[dict[str, Any]] = yaml.safe_load(path.read_text())["automations"]
    for automation in automations:
        for action in automation["actions"]:
            if action["type"] != "send-notification":
                continue
            if action.get("block_document_id") != BLOCK_ID_PLACEHOLDER:
                raise ValueError(
                    f"{path}: automation {automation['name']!r} sends a notification but its "
                    f"block_document_id is not {BLOCK_ID_PLACEHOLDER}"
                )
            action["block_document_id"] = str(block_id)
    return [AutomationCore.model_validate(automation) for automation in automations]


async def apply_automation(client: PrefectClient, automation: AutomationCore) -> str:
    """Create the automation, or update the one of the same name; say which.

    Copies of the same name (left by `prefect automation create`, which adds one each
    time) are deleted, so exactly one remains.

    Args:
        client: A client of the Prefect server.
        automation: The automation as it should be.

    Returns:
        What was done, in words.
    """
    existing = await client.read_automations_by_name(automation.name)
    if not existing:
        await client.create_automation(automation)
        return f"created automation {automation.name!r}"
    kept, *copies = existing
    await client.update_automation(kept.id, automation)
    for copy in copies:
        await client.delete_automation(copy.id)
    done = f"updated automation {automation.name!r}"
    if copies:
        done += f", removed {len(copies)} {'copy' if len(copies) == 1 else 'copies'} of it"
    return done


app = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})


@app.command()
def main(
    url: Annotated[
        str,
        typer.Option(
            envvar=URL_VARIABLE,
            help=f"Where notifications go (default: ${URL_VARIABLE}). Never commit it.",
            show_default=False,
        ),
    ],
    kind: Annotated[Kind, typer.Option(help="The kind of notification block.")] = Kind.webhook,
    automations: Annotated[
        Path, typer.Option(help="The automations file.", show_default=False)
    ] = AUTOMATIONS_FILE,
    send_test: Annotated[
        bool, typer.Option("--send-test", help="Also send a test message through the block.")
    ] = False,
) -> None:
    """Save the notification block and apply the automations (PREFECT_API_URL: the server)."""
    from prefect.settings import get_current_settings

    # Without a server address Prefect would set up a temporary server and lose it all.
    if not get_current_settings().api.url:
        raise typer.BadParameter("set PREFECT_API_URL to the Prefect server's API address")
    asyncio.run(set_up(notification_block(kind, url), automations, send_test))


async def set_up(block: NotificationBlock, automations: Path, send_test: bool) -> None:
    """Save `block`, apply the automations that notify through it, and maybe try it."""
    from prefect.client.orchestration import get_client

    block_id = await block.asave(BLOCK_NAME, overwrite=True)
    typer.echo(f"saved {block.get_block_type_name()} block {BLOCK_NAME!r} ({block_id})")
    async with get_client() as client:
        for automation in load_automations(automations, block_id):
            typer.echo(await apply_automation(client, automation))
    if send_test:
        await block.notify(
            "A test message from the stc-reporting notification setup: notifications of "
            "failed, crashed and late runs will arrive here.",
            subject="STC reporting: test notification",
        )
        typer.echo("sent a test message")


if __name__ == "__main__":
    app()
