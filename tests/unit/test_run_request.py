"""The run form's request: months, collaboratives by name, and dates checked first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from stc_reporting.config import ConfigError, load_config
from stc_reporting.figures.periods import as_of_for_month, as_of_problem, last_day_of_month
from stc_reporting.run_request import ReportRequest, choice_label, request_form, scope_words

pytestmark = pytest.mark.unit

CONFIG = load_config(Path(__file__).resolve().parents[2] / "config" / "program.yaml")
TODAY = date(2026, 11, 30)


def test_a_blank_month_means_last_month() -> None:
    """The form's blank is the month before the run's."""
    assert ReportRequest().as_of(TODAY) == date(2026, 10, 31)
    assert ReportRequest().as_of(date(2026, 3, 1)) == date(2026, 2, 28)


def test_any_day_of_a_past_month_reports_to_its_last_day() -> None:
    """A date picker gives a day; the run counts records to the end of its month."""
    assert ReportRequest(month=date(2021, 10, 3)).as_of(TODAY) == date(2021, 10, 31)
    assert ReportRequest(month=date(2020, 2, 10)).as_of(TODAY) == date(2020, 2, 29)


def test_the_month_under_way_reports_up_to_today() -> None:
    """This month is not over: its records so far, never days still to come."""
    assert as_of_for_month(date(2026, 11, 2), TODAY) == TODAY


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_the_last_day_of_a_month_is_in_it_and_the_next_day_is_not(day: date) -> None:
    """Whatever the month, leap years included."""
    last = last_day_of_month(day)
    assert (last.year, last.month) == (day.year, day.month)
    assert last.day >= day.day
    assert date.fromordinal(last.toordinal() + 1).day == 1


def test_a_future_day_or_one_before_the_program_is_refused_in_words() -> None:
    """Checked before anything runs, with what to do instead."""
    future = as_of_problem(date(2027, 1, 31), date(2018, 11, 1), TODAY)
    assert future is not None and "in the future" in future and "blank" in future
    early = as_of_problem(date(2018, 10, 31), date(2018, 11, 1), TODAY)
    assert early is not None and "before the program started" in early
    assert as_of_problem(date(2021, 10, 31), date(2018, 11, 1), TODAY) is None


def test_collaboratives_are_chosen_by_name_and_run_by_id_in_config_order() -> None:
    """The form's labels map back to ids; blank means every collaborative."""
    fresno, oakland = CONFIG.collaboratives[2], CONFIG.collaboratives[1]
    request = ReportRequest(collaboratives=[choice_label(fresno), choice_label(oakland)])
    assert request.collaborative_ids(CONFIG) == ["oakland", "fresno"]
    assert ReportRequest().collaborative_ids(CONFIG) == []


def test_a_name_no_longer_configured_says_to_redeploy() -> None:
    """The choices are fixed at deploy time; a stale one gets a message, not a crash."""
    with pytest.raises(ConfigError, match="redeploy"):
        ReportRequest(collaboratives=["Somewhere Else (Nowhere)"]).collaborative_ids(CONFIG)


@pytest.mark.parametrize("choice", ["../../etc", "oakland/../fresno", "/tmp", "oakland\n"])
def test_a_path_typed_as_a_collaborative_in_the_form_is_refused(choice: str) -> None:
    """The form's only free text maps to configured ids: no path reaches the output folder."""
    with pytest.raises(ConfigError, match="no collaborative"):
        ReportRequest(collaboratives=[choice]).collaborative_ids(CONFIG)


def test_the_form_offers_only_configured_collaboratives() -> None:
    """A mistyped name is refused when the run is asked for, before anything runs."""
    form = request_form(CONFIG)
    label = choice_label(CONFIG.collaboratives[0])
    assert form(collaboratives=[label, label]).collaboratives == [label]
    with pytest.raises(ValidationError):
        form(collaboratives=["fresno"])
    assert request_form(None) is ReportRequest


def test_a_run_is_named_by_its_scope_in_a_few_words() -> None:
    """All of them, or their ids."""
    assert scope_words([], CONFIG) == "all collaboratives"
    assert scope_words([c.id for c in CONFIG.collaboratives], CONFIG) == "all collaboratives"
    assert scope_words(["fresno", "oakland"], CONFIG) == "fresno, oakland"
