"""Approval before anything reaches the funder (interface.md v1.1, "Approval").

With `publish` asked, a run writes its drafts, then suspends for the reviewer's form
(`Approval`: approve, reviewer, note). Suspended, it holds no worker process, for days if
need be, and survives a worker restart: on resume the flow starts again from the top and
finds what it wrote in `recall_drafts` (its folder, its drafts' hashes, its outcome, the
review text; never tracker content). Only `approve` with a reviewer's name publishes,
exactly the drafts reviewed (`publish_approved`); a rejection or no answer in time
publishes nothing.
"""

from __future__ import annotations

from prefect import get_run_logger, suspend_flow_run
from prefect.client.schemas.objects import State
from prefect.input import RunInput
from prefect.results import ResultStore, get_default_result_storage
from prefect.runtime import flow_run
from prefect.serializers import JSONSerializer
from prefect.states import Completed, Failed
from pydantic import BaseModel, Field, ValidationError

from flows.run_states import final_state
from flows.settings import DeploymentSettings
from stc_reporting.config import Config
from stc_reporting.outputs.publisher_factory import drive_folder_of
from stc_reporting.outputs.runs import DraftRun
from stc_reporting.outputs.summary import RunSummary
from tasks.publishing import publish_approved
from tasks.sources import google_secret_json


class Approval(RunInput):
    """The reviewer's answer (interface.md: `approve`, `reviewer`, `note`)."""

    approve: bool = Field(
        default=False,
        title="Approve and publish",
        description="Yes publishes these drafts, as they are, to the funder's folder. "
        "No publishes nothing.",
    )
    reviewer: str = Field(
        title="Your name",
        description="Recorded with your answer, whichever it is (the server has no logins).",
    )
    note: str = Field(
        default="",
        title="Note",
        description="Optional: what you checked, or why you did not approve.",
    )


class Drafted(BaseModel):
    """A run's outcome, the drafts it put up for review, and the review form's text."""

    summary: RunSummary
    draft: DraftRun
    review: str


def _draft_key() -> str:
    return f"stc-draft-run-{flow_run.id}"


def remember_drafts(written: Drafted) -> None:
    """Keep the run folder, the drafts' hashes, the outcome and the review text.

    Stored in Prefect's result storage under the flow run's id while the run waits for
    approval, so a resumed run (a new process, maybe on another worker) finds them:
    counts, names and hashes only, no tracker content.
    """
    _waiting_store().write(written.model_dump_json(), key=_draft_key())


def _waiting_store() -> ResultStore:
    """Prefect's default result storage (`PREFECT_LOCAL_STORAGE_PATH`, or a shared block).

    The flow persists no results of its own (they would hold tracker content), so this
    store is named explicitly; with workers on several machines, point
    `PREFECT_DEFAULT_RESULT_STORAGE_BLOCK` at storage they share (docs/operations.md).
    """
    return ResultStore(result_storage=get_default_result_storage(), serializer=JSONSerializer())


def recall_drafts() -> Drafted | None:
    """What this run wrote before it waited for approval, if it is resuming."""
    store = _waiting_store()
    if not store.exists(_draft_key()):
        return None
    return Drafted.model_validate_json(store.read(_draft_key()).result)


def approve_and_publish(written: Drafted, config: Config, settings: DeploymentSettings) -> State:
    """Wait for the reviewer (the worker is freed meanwhile); publish only on approval."""
    logger = get_run_logger()
    draft, description = written.draft, written.review
    if not draft.drafts:
        logger.error("No funder report was written, so there is nothing to approve")
        return final_state(draft.summary)
    answer = _answer(description, settings)
    if not answer.approve or not answer.reviewer.strip():
        who = answer.reviewer.strip() or "the reviewer"
        note = f" Note: {answer.note}" if answer.note else ""
        logger.warning("Not approved by %s: nothing was published.%s", who, note)
        return Completed(
            name="Not approved",
            message=f"Not approved by {who}: nothing was published.{note}",
        )
    reviewer = answer.reviewer.strip()
    secret = google_secret_json() if drive_folder_of(config) else None
    result = publish_approved(draft, config, reviewer, answer.note or None, secret)
    published = len(result.publication.files) if result.publication else 0
    outcome = f"Approved by {reviewer}: {published} finals published to {result.destination}"
    if result.failures:
        message = f"{outcome}; not published: {'; '.join(result.failures)}"
        logger.error(message)
        return Failed(message=message, data=draft.summary)
    drafted = final_state(draft.summary)
    if drafted.is_failed():
        return Failed(message=f"{drafted.message}. {outcome}", data=draft.summary)
    return Completed(name="Published", message=outcome)


_ASK_AGAIN = "**Please give your name: every answer is recorded with the reviewer's name.**"
_MOST_ASKS = 3


def _answer(description: str, settings: DeploymentSettings) -> Approval:
    """Ask until the reviewer's answer carries a name (a few times at most).

    The form's fields are checked only after the run resumes (Prefect validates run
    input on load), so an answer without a name is asked again, never taken.
    """
    text = description
    for attempt in range(1, _MOST_ASKS + 1):
        key = "approval" if attempt == 1 else f"approval-{attempt}"
        try:
            answer = _ask(text, settings, key)
        except ValidationError:
            answer = None
        if answer is not None and answer.reviewer.strip():
            return answer
        text = f"{_ASK_AGAIN}\n\n{description}"
    return Approval(approve=False, reviewer="", note="no reviewer's name was given")


def _ask(description: str, settings: DeploymentSettings, key: str) -> Approval:
    """Suspend the run until the reviewer answers the form (the process exits meanwhile)."""
    return suspend_flow_run(
        wait_for_input=Approval.with_initial_data(description=description),
        timeout=int(settings.approval_timeout_hours * 3600),
        key=key,
    )
