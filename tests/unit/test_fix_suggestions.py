"""Fixes never invent data: a month gets no made-up day, a near miss gets its choice."""

from __future__ import annotations

import re

import pytest

from stc_reporting.checks.suggestions import near_choices
from stc_reporting.contract.tabs import SECTORS
from stc_reporting.ingest.parsing import (
    DATE_HINT,
    CellError,
    month_without_day,
    parse_date,
    parse_month,
)

pytestmark = pytest.mark.unit


def date_fix(text: str) -> str:
    with pytest.raises(CellError) as raised:
        parse_date(text)
    return raised.value.message


@pytest.mark.parametrize("typed", ["marzo 2020", "March 2020", "Mar. 2020", "3/2020", "2020-03"])
def test_a_month_without_its_day_is_named_and_no_day_is_suggested(typed: str) -> None:
    """The fix asks for the day in March 2020; it writes no date of that month itself."""
    fix = date_fix(typed)
    assert "the day in March 2020 it happened" in fix
    assert not re.search(r"2020-03-\d|3/\d+/2020|\b\d{1,2} March", fix)
    assert DATE_HINT not in fix


def test_text_that_names_no_month_gets_the_general_date_fix() -> None:
    """'TBD' and 'next spring' name no month: how to write a date, as before."""
    assert date_fix("TBD") == f"is not a date: {DATE_HINT}."
    assert date_fix("next spring 2020") == f"is not a date: {DATE_HINT}."


def test_a_month_column_is_told_the_month_it_named_in_its_own_form() -> None:
    """A month is all a Month cell needs, so 'marzo de 2020' is told 2020-03 exactly."""
    with pytest.raises(CellError) as raised:
        parse_month("marzo de 2020")
    assert raised.value.message == "is not a month: write it as 2020-03, or use a date cell."


def test_month_names_are_read_in_english_and_spanish_any_case() -> None:
    """Full names, three letters, 'de': only to word a fix, never to read a date."""
    assert month_without_day("SEPTIEMBRE 2021") == month_without_day("Sep 2021")
    assert month_without_day("13/2020") is None
    assert month_without_day("Smarch 2020") is None


def test_a_prefix_of_a_choice_suggests_that_choice() -> None:
    """'Labor' (any case or spacing) is the start of 'Labor and worker rights'."""
    assert near_choices("Labor", SECTORS) == ["Labor and worker rights"]
    assert near_choices("  labor  ", SECTORS) == ["Labor and worker rights"]


def test_a_words_match_or_a_misspelling_is_near() -> None:
    """'worker rights' has the words of one choice; 'Helth care' is spelt almost like one."""
    assert near_choices("worker rights", SECTORS) == ["Labor and worker rights"]
    assert near_choices("Helth care", SECTORS) == ["Health care"]


def test_unrelated_or_ambiguous_text_suggests_nothing() -> None:
    """Then the fix lists every choice: 'Banana' is near none, 'health' is in three."""
    assert near_choices("Banana", SECTORS) == []
    assert near_choices("health", SECTORS) == []
    assert near_choices("L", SECTORS) == []
