"""The Summary's written overview: true to the printed figures, safe, and silent without them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stc_reporting.figures.document import (
    CollaborativeFigures,
    FailedCollaborative,
    IndicatorFigures,
    ReportingCollaborative,
    Rollups,
)
from stc_reporting.figures.periods import reporting_periods
from stc_reporting.figures.rollups import (
    CollaborativePeriod,
    collaborative_figures,
    program_totals,
)
from stc_reporting.ingest.failure import FailureKind
from stc_reporting.ingest.records import TrackerRecords
from stc_reporting.issues import DataQualityCounts
from stc_reporting.reports.context import build_report_context
from stc_reporting.reports.context_models import ReportContext
from stc_reporting.reports.formatting import fmt_count, fmt_money, fmt_rate
from stc_reporting.reports.labels import load_labels
from stc_reporting.reports.people_counts import PROGRAM, people_suppression
from stc_reporting.reports.suppression import Cell
from stc_reporting.reports.texts import CollaborativeTexts, ProgramTexts

pytestmark = pytest.mark.unit

WORDING = load_labels()
START = date(2018, 11, 1)
END_OF_Y3 = date(2021, 10, 31)
QUALITY = DataQualityCounts(errors=0, warnings=0, privacy=0, structural=0, rows_excluded=0)
ABOUT = ProgramTexts(organization="Prevention Institute", serves="community collaboratives")
NUMBER = re.compile(r"\$?\d+(?:,\d{3})*(?:\.\d+)?%?")


@dataclass(frozen=True)
class Year:
    """What one collaborative did in one year (the figures the overview speaks of)."""

    activities: int = 20
    participants: int = 300
    partners: int = 8
    sectors: int = 4
    funding: float = 10_000.0
    months_submitted: int = 11


@dataclass(frozen=True)
class Spec:
    """One collaborative of a test run: its two years, or failed."""

    years: tuple[Year, Year] = (Year(), Year())
    failed: bool = False


def figures_for(year: Year, empty: CollaborativeFigures) -> CollaborativeFigures:
    """Empty figures of a period with the year's values in them."""
    return empty.model_copy(
        update={
            "activities_completed": year.activities,
            "participants": year.participants,
            "partners_active": year.partners,
            "sector_count": year.sectors,
            "funding_secured_usd": year.funding,
            "months_submitted": year.months_submitted,
            "months_on_time": year.months_submitted,
            "reporting_completeness": (
                year.months_submitted / empty.months_expected if empty.months_expected else None
            ),
        }
    )


def combined(first: CollaborativeFigures, last: CollaborativeFigures) -> CollaborativeFigures:
    """The two years together, as the rollups add them."""
    months = first.months_expected + last.months_expected
    submitted = first.months_submitted + last.months_submitted
    return first.model_copy(
        update={
            name: getattr(first, name) + getattr(last, name)
            for name in (
                "activities_completed",
                "participants",
                "funding_secured_usd",
                "months_submitted",
                "months_on_time",
            )
        }
        | {
            "partners_active": max(first.partners_active, last.partners_active),
            "sector_count": max(first.sector_count, last.sector_count),
            "months_expected": months,
            "reporting_completeness": submitted / months if months else None,
        }
    )


def build_rollups(specs: Mapping[str, Spec], as_of: date = END_OF_Y3) -> Rollups:
    """A run's rollups with the given collaboratives (the figures the overview reads)."""
    periods = reporting_periods(START, [2, 3], as_of)
    empty = TrackerRecords(tabs_present=frozenset({"Activities", "Partners", "Submissions"}))
    entries: dict[str, ReportingCollaborative | FailedCollaborative] = {}
    for cid, spec in specs.items():
        if spec.failed:
            entries[cid] = FailedCollaborative(
                name=f"{cid.title()} group",
                city=cid.title(),
                reason="unreadable",
                reason_kind=FailureKind.UNREADABLE,
                reason_tabs=[],
                data_quality=QUALITY,
            )
            continue
        by_year: dict[str, CollaborativeFigures | None] = {}
        for period, year in zip(periods[:2], spec.years, strict=True):
            base = collaborative_figures(empty, period)
            by_year[period.label] = figures_for(year, base) if base else None
        first, last = by_year["Y2"], by_year["Y3"]
        together = None
        if first is not None:
            together = combined(first, last) if last is not None else first
        by_year["Y2-Y3"] = together
        entries[cid] = ReportingCollaborative(
            name=f"{cid.title()} group", city=cid.title(), data_quality=QUALITY, periods=by_year
        )
    totals = {}
    for period in periods:
        parts = [
            CollaborativePeriod(figures, True)
            for entry in entries.values()
            if isinstance(entry, ReportingCollaborative)
            and (figures := entry.periods[period.label]) is not None
        ]
        totals[period.label] = program_totals(parts) if period.started else None
    return Rollups(
        program="Safety Through Connection",
        funder="Test Foundation",
        as_of=as_of,
        periods={p.label: (p.start, p.end) for p in periods},
        collaboratives=entries,
        program_totals=totals,
        collaboratives_failed=[cid for cid, spec in specs.items() if spec.failed],
    )


def texts_for(rollups: Rollups) -> dict[str, CollaborativeTexts]:
    """Empty shareable texts for each reporting collaborative."""
    return {cid: CollaborativeTexts(e.name, (), (), {}) for cid, e in rollups.reporting.items()}


def context(
    rollups: Rollups, collaborative: str | None, about: ProgramTexts = ABOUT
) -> ReportContext:
    """The report context of the program (None) or one collaborative."""
    return build_report_context(
        rollups,
        texts_for(rollups),
        collaborative,
        date(2021, 11, 5),
        WORDING,
        program_texts=about,
    )


def overview_text(rollups: Rollups, collaborative: str | None = None, **kw: object) -> str:
    """The overview's paragraphs joined."""
    return "\n".join(context(rollups, collaborative, **kw).overview)  # type: ignore[arg-type]


# --- The property: every number is a printed figure; no suppressed count in words ---------


def printed_figures(rollups: Rollups, scope: str, hidden: frozenset[Cell]) -> set[str]:
    """Every figure the report of a scope prints, formatted as printed, from rollups.json."""
    periods = rollups.program_totals if scope == PROGRAM else rollups.reporting[scope].periods
    printed = {"2", "3"}  # the year numbers of Year 2, Year 3, Years 2–3
    for label, figures in periods.items():
        if figures is None:
            continue
        printed |= {
            fmt_count(figures.activities_completed),
            fmt_count(figures.partners_active),
            fmt_count(figures.sector_count),
            fmt_money(figures.funding_secured_usd),
            fmt_count(figures.months_submitted),
            fmt_count(figures.months_expected),
            fmt_count(figures.months_on_time),
            fmt_rate(figures.reporting_completeness),
        }
        if Cell(scope, label, "participants") not in hidden:
            printed.add(fmt_count(figures.participants))
    return printed


people = st.integers(min_value=0, max_value=40) | st.integers(min_value=1, max_value=10)
years = st.builds(
    Year,
    activities=st.integers(0, 60),
    participants=people,
    partners=st.integers(0, 15),
    sectors=st.integers(0, 18),
    funding=st.floats(0, 50_000, allow_nan=False).map(lambda x: round(x, 2)),
    months_submitted=st.integers(0, 12),
)
runs = st.dictionaries(
    st.sampled_from(["alpha", "beta", "gamma"]),
    st.builds(Spec, years=st.tuples(years, years), failed=st.booleans()),
    min_size=1,
    max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=runs)
def test_the_overview_states_only_printed_figures_and_never_a_suppressed_count(
    specs: dict[str, Spec],
) -> None:
    """Every number in an overview is a figure of rollups.json as its report prints it.

    And no participant count the run suppresses is written next to the word participants.
    """
    rollups = build_rollups(specs)
    hidden = people_suppression(rollups)
    scopes: list[tuple[str | None, str]] = [(None, PROGRAM)]
    scopes += [(cid, cid) for cid in rollups.reporting]
    for collaborative, key in scopes:
        text = overview_text(rollups, collaborative)
        allowed = printed_figures(rollups, key, hidden)
        stated = set(NUMBER.findall(text))
        assert stated <= allowed, f"{key}: {sorted(stated - allowed)} in {text!r}"
        periods = rollups.program_totals if key == PROGRAM else rollups.reporting[key].periods
        for cell in (c for c in hidden if c.scope == key and c.figure == "participants"):
            figures = periods[cell.period]
            assert figures is not None
            assert f" {figures.participants:,} participant" not in text
            if cell.period in ("Y2", "Y3"):  # a year hidden: participants are not compared
                assert "participant attendances rose" not in text
                assert "participant attendances fell" not in text
                assert "participant attendances stayed" not in text
        assert "<11" not in text and "—" not in text


def test_a_small_participant_count_leaves_its_clause_and_the_change_out() -> None:
    """Seven participants in Y3 are suppressed: neither year's count is compared in words."""
    rollups = build_rollups({"alpha": Spec(years=(Year(participants=120), Year(participants=7)))})
    text = overview_text(rollups, "alpha")
    assert "7 participant" not in text
    assert "In Year 3, Alpha group completed 20 activities and worked with" in text
    assert "participant attendances rose" not in text
    assert "participant attendances fell" not in text
    assert "completed activities stayed at 20" in text


# --- Each sentence's conditions -----------------------------------------------------------


def test_the_program_overview_says_who_runs_it_for_whom_and_its_collaboratives() -> None:
    """Organization, funder, whom it supports, every collaborative, and up front who is left out."""
    rollups = build_rollups({"alpha": Spec(), "beta": Spec(failed=True)})
    first = context(rollups, None).overview[0]
    assert first == (
        "Safety Through Connection is run by Prevention Institute with funding from the Test "
        "Foundation. It supports community collaboratives. Its collaboratives are Alpha group "
        "and Beta group. The program's figures do not include Beta group: no data was "
        "available for this report."
    )


def test_without_organization_or_serves_those_words_are_left_out() -> None:
    """An old config (no organization, no serves): nothing is invented in their place."""
    rollups = build_rollups({"alpha": Spec()})
    program = context(rollups, None, ProgramTexts()).overview[0]
    assert program.startswith("Safety Through Connection is funded by the Test Foundation.")
    assert "run by" not in program and "supports" not in program
    own = context(rollups, "alpha", ProgramTexts()).overview[0]
    assert own == (
        "Alpha group, in Alpha, is one of the collaboratives of Safety Through Connection, "
        "funded by the Test Foundation."
    )


def test_each_year_that_ran_gets_a_sentence_with_its_printed_figures() -> None:
    """Activities, participant attendances, partners and sectors, as the table prints them."""
    rollups = build_rollups(
        {"alpha": Spec(years=(Year(participants=1234), Year(activities=1, sectors=1)))}
    )
    text = overview_text(rollups, "alpha")
    assert (
        "In Year 2, Alpha group completed 20 activities, with 1,234 participant attendances, "
        "and worked with 8 active partners from 4 sectors."
    ) in text
    assert "In Year 3, Alpha group completed 1 activity, with 300 participant" in text
    assert "from 1 sector." in text
    assert "a person at two activities counts twice" in text


def test_a_year_not_started_has_no_sentence_and_nothing_is_compared() -> None:
    """Data as of Y2: no Year 3 sentence, no change sentence."""
    rollups = build_rollups({"alpha": Spec()}, as_of=date(2020, 6, 30))
    text = overview_text(rollups, "alpha")
    assert "Year 3" not in text
    assert " rose " not in text and " fell " not in text and "stayed at" not in text
    assert "In Year 2 (to 30 Jun 2020), Alpha group completed" in text


def test_a_year_cut_short_is_not_compared_with_a_whole_one() -> None:
    """Data as of mid Y3: both years are told, but no change sentence."""
    rollups = build_rollups({"alpha": Spec()}, as_of=date(2021, 3, 31))
    text = overview_text(rollups, "alpha")
    assert "In Year 3 (to 31 Mar 2021)" in text
    assert "From Year 2 to Year 3" not in text


def test_rose_and_fell_compare_the_printed_values() -> None:
    """$100.40 and $100.20 both print as $100: the funding stayed; more activities rose."""
    rollups = build_rollups(
        {
            "alpha": Spec(
                years=(
                    Year(funding=100.4, activities=20, partners=9),
                    Year(funding=100.2, activities=21, partners=8),
                )
            )
        }
    )
    text = overview_text(rollups, "alpha")
    assert "funding secured stayed at $100" in text
    assert "completed activities rose from 20 to 21" in text
    assert "active partners fell from 9 to 8" in text


def test_reporting_completeness_is_told_only_when_months_were_expected() -> None:
    """Months submitted of expected, as the data notes print them; none expected: no sentence."""
    rollups = build_rollups({"alpha": Spec()})
    figures = rollups.reporting["alpha"].periods["Y2-Y3"]
    assert figures is not None
    text = overview_text(rollups, "alpha")
    share = fmt_rate(figures.reporting_completeness)
    assert (
        f"Over Years 2–3, Alpha group submitted monthly tracker updates for 22 of the "
        f"{figures.months_expected} months expected ({share}), 22 of them on time."
    ) in text
    early = build_rollups({"alpha": Spec()}, as_of=date(2019, 11, 20))  # no whole month yet
    assert "monthly tracker updates" not in overview_text(early, "alpha")


def test_the_coverage_note_is_there_exactly_when_a_collaborative_is_missing() -> None:
    """A failed collaborative is named under the totals and in the overview; else no note."""
    complete = context(build_rollups({"alpha": Spec(), "beta": Spec()}), None)
    assert complete.coverage_note == ""
    assert "do not include" not in "\n".join(complete.overview)
    partial = context(build_rollups({"alpha": Spec(), "beta": Spec(failed=True)}), None)
    assert partial.coverage_note == (
        "These totals cover 1 of the program's 2 collaboratives; they do not include "
        "Beta group (see Collaboratives at a glance)."
    )
    assert "The program's figures do not include Beta group" in partial.overview[0]
    own = context(build_rollups({"alpha": Spec(), "beta": Spec(failed=True)}), "alpha")
    assert own.coverage_note == ""


def test_the_unusual_values_note_counts_flagged_values_in_the_reported_window() -> None:
    """Two flagged values in the periods, one before them: the note counts two."""
    rollups = build_rollups({"alpha": Spec()})
    texts = texts_for(rollups)
    texts["alpha"] = CollaborativeTexts(
        "Alpha group",
        (),
        (),
        {},
        unusual_values=(date(2019, 5, 1), date(2020, 1, 10), date(2021, 2, 3)),
    )
    made = date(2021, 11, 5)
    own = build_report_context(rollups, texts, "alpha", made, WORDING)
    assert own.unusual_values_note.startswith("Of the warnings counted above, 2 are values flagged")
    program = build_report_context(rollups, texts, None, made, WORDING)
    assert program.unusual_values_note == own.unusual_values_note
    quiet = build_report_context(rollups, texts_for(rollups), "alpha", made, WORDING)
    assert quiet.unusual_values_note == ""


def indicator(outcome: str, status: str, pct: float | None = None) -> IndicatorFigures:
    """One indicator of the combined period, as the rollups record it."""
    return IndicatorFigures(
        value=1.0 if status != "no data" else None,
        target=1.0,
        pct_of_target=pct,
        status=status,
        baseline=None,
        unit="Count",
        aggregation="Sum",
        direction="Increase",
        outcome=outcome,
        measurements=1,
    )


def with_indicators(rollups: Rollups, cid: str, entries: dict[str, IndicatorFigures]) -> Rollups:
    """The rollups with these indicators in one collaborative's combined period."""
    entry = rollups.reporting[cid]
    figures = entry.periods["Y2-Y3"]
    assert figures is not None
    periods = entry.periods | {"Y2-Y3": figures.model_copy(update={"indicators": entries})}
    collaboratives = rollups.collaboratives | {cid: entry.model_copy(update={"periods": periods})}
    return rollups.model_copy(update={"collaboratives": collaboratives})


def test_the_indicators_stand_by_outcome_with_how_close_the_ones_behind_are() -> None:
    """Counts per outcome; the widest gap on the printed percents; none when one has none."""
    rollups = with_indicators(
        build_rollups({"alpha": Spec(), "beta": Spec()}),
        "alpha",
        {
            "I1": indicator("Greater capacity", "on track", 1.1),
            "I2": indicator("Greater capacity", "behind", 0.86),
            "I3": indicator("Greater capacity", "behind", 0.925),
            "I4": indicator("Short-term outcomes", "behind", None),
            "I5": indicator("Multisector value", "no data"),
            "I6": indicator("Continued change", "behind", 0.955),
        },
    )
    expected = (
        "Over Years 2–3, the indicators stand as follows, by the program's intended outcomes. "
        "Greater capacity: 1 on track and 2 behind (86% and 93% of target). "
        "Short-term outcomes: 1 behind (1 with a target of 0). "
        "Multisector value: 1 with no data. "
        "Continued change: 1 behind (96% of target)."
    )
    assert expected in context(rollups, "alpha").overview
    assert expected in context(rollups, None).overview  # beta has no indicator
    assert not any("intended outcomes" in p for p in context(rollups, "beta").overview)


def test_whom_the_program_supports_is_said_in_the_reports_language_or_not_at_all() -> None:
    """The program's own phrase in its language, a translation in another, none without one."""
    texts = ProgramTexts(
        serves="community collaboratives",
        language="en",
        serves_translations={"es": "colaborativos comunitarios"},
    )
    assert texts.serves_in("en") == "community collaboratives"
    assert texts.serves_in("es") == "colaborativos comunitarios"
    assert texts.serves_in("vi") == ""
