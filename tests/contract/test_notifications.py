"""The notification automation in config/prefect/automations.yaml, read as Prefect reads it.

The end-to-end test (tests/e2e/test_notifications.py) sends real notifications; these
check the file, the trigger's reach and each state's wording without a server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest
import yaml
from pydantic import SecretStr

from stc_reporting.locations import REPO
from tools.setup_notifications import (
    AUTOMATIONS_FILE,
    Kind,
    load_automations,
    notification_block,
)

pytestmark = pytest.mark.contract

BLOCK_ID = UUID("0f24f449-655e-4366-88cf-bf66920b9252")
UI_URL = "https://prefect.example.org"
TEAMS_URL = (
    "https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke"
    "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=signature"
)


@pytest.fixture(scope="module")
def automation() -> Any:
    """The one automation, with a block id filled in, as Prefect's model validates it."""
    (only,) = load_automations(AUTOMATIONS_FILE, BLOCK_ID)
    return only


def test_the_notification_goes_through_the_block_the_setup_saved(automation: Any) -> None:
    """Every action sends a notification through the block whose id the setup fills in."""
    assert [action.type for action in automation.actions] == ["send-notification"]
    assert automation.actions[0].block_document_id == BLOCK_ID


def test_it_fires_on_every_failed_crashed_or_late_flow_run(automation: Any) -> None:
    """The trigger reacts to each flow run that reaches one of the three states, at once."""
    trigger = automation.trigger
    assert trigger.posture == "Reactive" and trigger.threshold == 1
    assert trigger.expect == {
        "prefect.flow-run.Failed",
        "prefect.flow-run.Crashed",
        "prefect.flow-run.Late",
    }
    assert trigger.for_each == {"prefect.resource.id"}


def test_every_monthly_report_deployment_carries_the_tag_the_trigger_matches(
    automation: Any,
) -> None:
    """A deployment added to prefect.yaml without the tag would never notify.

    The one exception is read-trackers: its runs are batches of a monthly run's reads,
    whose failures fail that run (which notifies), and which turn Late whenever they
    wait for a free worker.
    """
    related = automation.trigger.match_related.root
    assert related["prefect.resource.role"] == "tag"
    tag = related["prefect.resource.id"].removeprefix("prefect.tag.")
    deployments = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"]
    assert deployments
    for deployment in deployments:
        notifies = tag in deployment["tags"]
        assert notifies == (deployment["name"] != "read-trackers"), deployment["name"]


def test_a_file_whose_notification_names_no_placeholder_is_refused(tmp_path: Any) -> None:
    """A block id written into the file by hand would point at another server's block."""
    document = yaml.safe_load(AUTOMATIONS_FILE.read_text())
    document["automations"][0]["actions"][0]["block_document_id"] = str(uuid4())
    path = tmp_path / "automations.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ValueError, match="NOTIFICATION_BLOCK_ID"):
        load_automations(path, BLOCK_ID)


@pytest.fixture
def ui_url() -> Iterator[None]:
    """The server's PREFECT_UI_URL, as the docs tell operators to set it."""
    from prefect.settings import PREFECT_UI_URL, temporary_settings

    with temporary_settings({PREFECT_UI_URL: UI_URL}):
        yield


def render(automation: Any, state_name: str, message: str | None) -> tuple[str, str]:
    """The subject and body the server sends for a run of on-demand in this state."""
    from prefect.server.events.jinja_filters import all_filters
    from prefect.server.schemas.responses import FlowRunResponse
    from prefect.server.schemas.states import State, StateType
    from prefect.server.utilities.user_templates import (
        register_user_template_filters,
        render_user_template,
    )

    register_user_template_filters(all_filters)  # as the server's actions do
    # Late is a Scheduled state with its own name, as Prefect's late-runs service sets it.
    state_type = StateType.SCHEDULED if state_name == "Late" else StateType[state_name.upper()]
    state = State(type=state_type, name=state_name, message=message)
    run = FlowRunResponse(
        id=UUID("11111111-2222-3333-4444-555555555555"),
        flow_id=uuid4(),
        name="2021-10 all collaboratives",
        state=state,
        expected_start_time=datetime(2021, 11, 1, 13, 0, tzinfo=UTC),
        labels={},
    )
    context = {
        "flow_run": run,
        "flow": SimpleNamespace(name="monthly-report"),
        "deployment": SimpleNamespace(name="monthly"),
    }
    action = automation.actions[0]

    async def both() -> list[str]:
        return [await render_user_template(t, context) for t in (action.subject, action.body)]

    subject, body = asyncio.run(both())
    return subject, body


def test_a_failed_run_says_what_went_wrong_and_links_to_the_run(
    automation: Any, ui_url: None
) -> None:
    """Which run, which state, the state's message (naming who failed), and the run's page."""
    message = (
        "Mujeres Poderosas Amorosas failed: the file is not an Excel workbook. 4 of 5 "
        "collaboratives reported; their outputs are in out/runs/2021-10/2021-11-01T0600-all"
    )
    subject, body = render(automation, "Failed", message)
    assert subject == 'STC reporting: the run "2021-10 all collaboratives" is Failed'
    assert body == (
        'The reporting run "2021-10 all collaboratives" (monthly-report/monthly) is Failed.\n\n'
        "It ended without everything working. The message below says what went wrong; when "
        "it names collaboratives, their trackers could not be used and every other "
        "collaborative's outputs were still written. Fix what it says, then run it again.\n\n"
        f"What Prefect says: {message}\n\n"
        f"Open the run: {UI_URL}/runs/flow-run/11111111-2222-3333-4444-555555555555"
    )


def test_a_late_run_says_when_it_was_due_and_to_start_the_worker(
    automation: Any, ui_url: None
) -> None:
    """A Late state has no message: the body says when the run was due and what to do."""
    _, body = render(automation, "Late", None)
    assert "It was due at 2021-11-01 13:00 UTC and has not started" in body
    assert "Start the worker" in body
    assert "What Prefect says" not in body


def test_a_crashed_run_says_to_run_it_again(automation: Any, ui_url: None) -> None:
    """A crash is the machine's doing, not the data's: the body says to run it again."""
    _, body = render(automation, "Crashed", "Process exited with status code: -9.")
    assert "stopped part-way because the process running it stopped" in body
    assert "Run it again once the worker is back." in body


def test_without_a_ui_address_the_body_says_where_to_find_the_run(automation: Any) -> None:
    """No PREFECT_UI_URL on the server: no broken link, a pointer to the Runs page instead."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    with temporary_settings(restore_defaults={PREFECT_UI_URL, PREFECT_API_URL}):
        _, body = render(automation, "Failed", "oakland: tracker cannot be read")
    assert "None" not in body and "Open the run" not in body
    assert body.endswith(
        "Find it in the Prefect UI under Runs by its name. "
        "(A link shows here once the server has PREFECT_UI_URL.)"
    )


@pytest.mark.parametrize(
    ("kind", "url", "block_type"),
    [
        (Kind.webhook, "https://relay.example.org/prefect", "Custom Webhook"),
        (Kind.slack, "https://hooks.slack.com/services/T000/B000/XXXX", "Slack Webhook"),
        (Kind.teams, TEAMS_URL, "Microsoft Teams Webhook"),
    ],
)
def test_each_kind_of_block_sends_to_the_url_given(kind: Kind, url: str, block_type: str) -> None:
    """The setup's --kind picks Prefect's block and keeps the URL as given (secret if it can)."""
    block = notification_block(kind, url)
    assert block.get_block_type_name() == block_type
    kept = block.url  # type: ignore[attr-defined]
    assert (kept.get_secret_value() if isinstance(kept, SecretStr) else kept) == url


def test_a_custom_webhook_posts_subject_and_body_as_json() -> None:
    """A relay reads `subject` and `body`, Apprise API `title` and `body`, a chat `text`."""
    block = notification_block(Kind.webhook, "https://relay.example.org/prefect")
    request = block._build_request_args(body="the body", subject="the subject")  # type: ignore[attr-defined]
    assert request["method"] == "POST"
    assert request["json"] == {
        "subject": "the subject",
        "title": "the subject",
        "body": "the body",
        "text": "the subject\n\nthe body",
    }
