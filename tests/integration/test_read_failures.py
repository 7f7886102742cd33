"""A failed read says what happened: "after 4 tries" only when the read was tried 4 times."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import stc_reporting.ingest.retries
import tasks.sources
from flows.monthly_report import run_to_folder
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.pipeline import fetch_tracker
from stc_reporting.sources import TrackerTemporarilyUnavailableError

pytestmark = pytest.mark.integration


def failing_for(identifier: str, error: Exception, calls: list[str]) -> Any:
    """`fetch_tracker` that raises `error` for one collaborative and reads the others."""

    def fetch_or_fail(collaborative: Any, *args: Any) -> ParsedTracker:
        calls.append(collaborative.id)
        if collaborative.id == identifier:
            raise error
        return fetch_tracker(collaborative, *args)

    return fetch_or_fail


def reasons(config: Path, out: Path) -> dict[str, str]:
    summary = run_to_folder(
        config_path=str(config), as_of=date(2021, 10, 31), out_dir=str(out), only=None
    )
    return {c.id: c.reason or "" for c in summary.collaboratives}


def test_an_unexpected_error_is_not_retried_nor_called_a_passing_fault(
    sample_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while reading Oakland: one try, a reason naming it as such; the others report."""
    calls: list[str] = []
    monkeypatch.setattr(
        tasks.sources, "fetch_tracker", failing_for("oakland", KeyError("xl/styles.xml"), calls)
    )
    found = reasons(sample_config, tmp_path / "out")
    assert calls.count("oakland") == 1
    assert "unexpected error (KeyError)" in found["oakland"]
    assert "tries" not in found["oakland"] and "again later" not in found["oakland"]
    assert [i for i, reason in found.items() if reason] == ["oakland"]


def test_a_source_that_never_answers_is_tried_four_times_and_says_so(
    sample_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oakland's source never answering: four tries, and the reason says four."""
    calls: list[str] = []
    never = TrackerTemporarilyUnavailableError("HTTP 503")
    monkeypatch.setattr(tasks.sources, "fetch_tracker", failing_for("oakland", never, calls))
    monkeypatch.setattr(stc_reporting.ingest.retries, "READ_RETRY_SECONDS", (0.01,) * 3)
    found = reasons(sample_config, tmp_path / "out")
    assert calls.count("oakland") == stc_reporting.ingest.retries.READ_TRIES == 4
    assert "its source did not answer after 4 tries (HTTP 503)" in found["oakland"]
    assert [i for i, reason in found.items() if reason] == ["oakland"]
