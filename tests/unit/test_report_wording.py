"""Why a collaborative has no data, in a funder's words, picked by the failure's kind."""

from __future__ import annotations

import pytest

from stc_reporting.ingest.failure import FailureKind
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.sections import plain_reason

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("kind", "tabs", "words"),
    [
        (FailureKind.MISSING_TAB, ("Partners",), "Its tracker has no Partners tab this month."),
        (
            FailureKind.MISSING_TAB,
            ("Activities", "Partners"),
            "Its tracker has no Activities tab this month.",
        ),
        (
            FailureKind.MISSING_COLUMNS,
            ("Activities",),
            "Its tracker is missing required columns this month.",
        ),
        (FailureKind.UNREADABLE, (), "Its tracker could not be read this month."),
    ],
)
def test_the_wording_follows_the_kind_never_the_english_reason(
    kind: FailureKind, tabs: tuple[str, ...], words: str
) -> None:
    """Each kind has its sentence; a missing tab is named (the first, when several)."""
    assert plain_reason(kind, tabs, load_labels().failures) == words
