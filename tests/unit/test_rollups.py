"""Every rollup figure, on tiny hand-built records; each expected number says why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.figures.periods import Period, reporting_periods
from stc_reporting.figures.rollups import (
    CollaborativePeriod,
    activity_figures,
    collaborative_figures,
    expected_months,
    funding_figures,
    indicator_figures,
    lesson_figures,
    milestone_figures,
    partner_figures,
    program_totals,
    submission_figures,
)
from stc_reporting.ingest.records import (
    Activity,
    Funding,
    Indicator,
    Lesson,
    Measurement,
    Milestone,
    Partner,
    Submission,
    TrackerRecords,
)

pytestmark = pytest.mark.unit

TOTAL_FIGURES = (
    "activities_completed",
    "activities_by_component",
    "activities_by_strategy",
    "participants",
    "lived_experience_participants",
    "lived_experience_share",
    "cross_sector_activities",
    "partners_active",
    "partners_active_by_sector",
    "partners_new",
    "sectors_engaged",
    "sector_count",
    "partners_new_to_ipv",
    "formal_commitments",
    "funding_secured_usd",
    "funding_requested_usd",
    "funding_secured_by_source_type",
    "milestones_achieved",
    "milestones_by_type",
    "lessons_by_kind",
    "lessons_shared",
    "indicator_status_counts",
    "months_expected",
    "months_submitted",
    "months_on_time",
    "reporting_completeness",
    "reporting_timeliness",
    "collaboratives_reporting",
)
"""Program-total figures, in the order `rollups.json` lists them."""

START = date(2018, 11, 1)


def periods(as_of: date = date(2021, 10, 31)) -> dict[str, Period]:
    return {p.label: p for p in reporting_periods(START, [2, 3], as_of)}


Y2, Y3, BOTH = (periods()[label] for label in ("Y2", "Y3", "Y2-Y3"))

ACT = Activity(
    activity_id="A1",
    date=date(2020, 1, 15),
    core_component="Strategy implementation",
    strategy="Policy change",
    title="t",
    status="Completed",
    participants=10,
    lived_experience_participants=2,
    partner_ids=(),
    modality=None,
    row=2,
)
PARTNER = Partner(
    partner_id="P1",
    organization="o",
    sector="Health care",
    joined=date(2019, 1, 1),
    left=None,
    engagement_level=None,
    prior_ipv_focus=False,
    formal_commitment_date=None,
    row=2,
)


class TestPeriods:
    def test_years_run_from_start_plus_n_minus_one_years_to_the_day_before(self) -> None:
        """Start 2018-11-01: Y2 = 2019-11-01..2020-10-31, Y3 = 2020-11-01..2021-10-31."""
        assert (Y2.start, Y2.end) == (date(2019, 11, 1), date(2020, 10, 31))
        assert (Y3.start, Y3.end) == (date(2020, 11, 1), date(2021, 10, 31))
        assert (BOTH.label, BOTH.start, BOTH.end) == ("Y2-Y3", Y2.start, Y3.end)

    def test_oct_31_is_in_year_two_and_nov_1_in_year_three(self) -> None:
        """The boundary days fall on the right sides."""
        assert Y2.contains(date(2020, 10, 31)) and not Y3.contains(date(2020, 10, 31))
        assert Y3.contains(date(2020, 11, 1)) and not Y2.contains(date(2020, 11, 1))

    def test_as_of_inside_a_period_clips_it(self) -> None:
        """E = min(end, as_of): records after as_of do not count."""
        y3 = periods(date(2020, 12, 15))["Y3"]
        assert y3.effective_end == date(2020, 12, 15)
        assert y3.contains(date(2020, 12, 15)) and not y3.contains(date(2020, 12, 16))

    def test_a_period_after_as_of_is_null(self) -> None:
        """Y3 has not begun on 2020-06-30: its figures are None."""
        y3 = periods(date(2020, 6, 30))["Y3"]
        assert collaborative_figures(TrackerRecords(), y3) is None

    def test_a_leap_day_start_keeps_years_whole(self) -> None:
        """A program starting 29 Feb gets years ending 27/28 Feb."""
        [y1, _] = reporting_periods(date(2020, 2, 29), [1], date(2030, 1, 1))
        assert (y1.start, y1.end) == (date(2020, 2, 29), date(2021, 2, 27))


class TestActivities:
    def test_only_completed_activities_in_the_period_count(self) -> None:
        """Planned, cancelled and out-of-period activities are left out."""
        acts = [
            ACT,
            replace(ACT, activity_id="A2", status="Planned"),
            replace(ACT, activity_id="A3", status="Cancelled"),
            replace(ACT, activity_id="A4", date=date(2020, 11, 1)),  # Y3
        ]
        figures = activity_figures(acts, [], Y2)
        assert figures.activities_completed == 1
        assert figures.participants == 10
        assert figures.lived_experience_participants == 2
        assert figures.lived_experience_share == pytest.approx(0.2)

    def test_component_and_strategy_maps_list_every_label(self) -> None:
        """All 4 components and 9 strategies appear, zeros included."""
        figures = activity_figures([ACT, replace(ACT, strategy=None)], [], Y2)
        assert len(figures.activities_by_component) == 4
        assert figures.activities_by_component["Strategy implementation"] == 2
        assert len(figures.activities_by_strategy) == 9
        # only the activity with a Strategy filled in counts by strategy
        assert figures.activities_by_strategy["Policy change"] == 1
        assert sum(figures.activities_by_strategy.values()) == 1

    def test_blank_lived_experience_counts_zero_and_no_participants_gives_null_share(
        self,
    ) -> None:
        """Share is None when participants sum to 0."""
        figures = activity_figures(
            [replace(ACT, participants=0, lived_experience_participants=None)], [], Y2
        )
        assert figures.lived_experience_participants == 0
        assert figures.lived_experience_share is None

    def test_cross_sector_needs_two_sectors_among_valid_partners(self) -> None:
        """Unknown IDs are ignored; two partners of one sector are not cross-sector."""
        partners = [
            PARTNER,
            replace(PARTNER, partner_id="P2", sector="Health care"),
            replace(PARTNER, partner_id="P3", sector="Education"),
        ]
        acts = [
            replace(ACT, activity_id="A1", partner_ids=("P1", "P3")),  # 2 sectors: counts
            replace(ACT, activity_id="A2", partner_ids=("P1", "P2")),  # 1 sector
            replace(ACT, activity_id="A3", partner_ids=("P1", "P99")),  # P99 unknown
        ]
        assert activity_figures(acts, partners, Y2).cross_sector_activities == 1


class TestPartners:
    def test_active_means_joined_by_e_and_not_left_before_the_start(self) -> None:
        """Left on the period's first day still counts as active."""
        partners = [
            PARTNER,  # joined before: active in Y2
            replace(PARTNER, partner_id="P2", left=date(2019, 11, 1)),  # left on Y2 start
            replace(PARTNER, partner_id="P3", left=date(2019, 10, 31)),  # left before Y2
            replace(PARTNER, partner_id="P4", joined=date(2020, 11, 1)),  # joins in Y3
        ]
        figures = partner_figures(partners, Y2)
        assert figures.partners_active == 2  # P1, P2
        assert partner_figures(partners, Y3).partners_active == 2  # P1, P4

    def test_new_partners_joined_in_the_period(self) -> None:
        """Joined in [start, e] only."""
        partners = [PARTNER, replace(PARTNER, partner_id="P2", joined=date(2020, 3, 1))]
        assert partner_figures(partners, Y2).partners_new == 1

    def test_sectors_new_to_ipv_and_formal_commitments(self) -> None:
        """Sectors sorted; new to IPV = prior focus No; commitments dated by e."""
        partners = [
            replace(
                PARTNER,
                sector="Housing",
                prior_ipv_focus=True,
                formal_commitment_date=date(2020, 5, 1),
            ),
            replace(
                PARTNER,
                partner_id="P2",
                sector="Education",
                formal_commitment_date=date(2021, 5, 1),
            ),  # after Y2's end
        ]
        figures = partner_figures(partners, Y2)
        assert figures.sectors_engaged == ["Education", "Housing"]
        assert figures.sector_count == 2
        assert figures.partners_new_to_ipv == 1
        assert figures.formal_commitments == 1
        assert partner_figures(partners, Y3).formal_commitments == 2


class TestFundingMilestonesLessons:
    def test_secured_and_requested_sums(self) -> None:
        """Secured sums Secured; requested sums Requested and Pending; Declined neither."""
        base = Funding("F1", "s", "Foundation", "Secured", 100.5, date(2020, 1, 1), None, 2)
        rows = [
            base,
            replace(base, funding_id="F2", status="Pending", amount_usd=50),
            replace(base, funding_id="F3", status="Requested", amount_usd=25),
            replace(base, funding_id="F4", status="Declined", amount_usd=1000),
            replace(base, funding_id="F5", source_type="In-kind", amount_usd=0.25),
        ]
        figures = funding_figures(rows, Y2)
        assert figures.funding_secured_usd == 100.75
        assert figures.funding_requested_usd == 75
        assert figures.funding_secured_by_source_type["Foundation"] == 100.5
        assert figures.funding_secured_by_source_type["In-kind"] == 0.25
        assert len(figures.funding_secured_by_source_type) == 6

    def test_only_achieved_milestones_count(self) -> None:
        """In progress milestones are left out; all 8 types listed."""
        base = Milestone("M1", date(2020, 1, 1), "Strategic plan", None, "Achieved", "d", 2)
        figures = milestone_figures([base, replace(base, status="In progress")], Y2)
        assert figures.milestones_achieved == 1
        assert figures.milestones_by_type["Strategic plan"] == 1
        assert len(figures.milestones_by_type) == 8

    def test_lessons_by_kind_and_shared(self) -> None:
        """Every lesson dated in the period counts by kind; shared ones separately."""
        base = Lesson("L1", date(2020, 1, 1), "Insight", None, "text", True, 2)
        figures = lesson_figures([base, replace(base, kind="Success", share_with_funder=False)], Y2)
        assert figures.lessons_by_kind == {
            "Success": 1,
            "Challenge": 0,
            "Course correction": 0,
            "Insight": 1,
        }
        assert figures.lessons_shared == 1


INDICATOR = Indicator(
    "I1", "n", "Greater capacity", "Count", "Sum", "Increase", 1.0, {2: 10.0, 3: 20.0}, 2
)


def measure(day: date, value: float, row: int = 2) -> Measurement:
    return Measurement("I1", day, value, row)


class TestIndicators:
    @pytest.mark.parametrize(
        ("aggregation", "expected"),
        [("Sum", 12.0), ("Mean", 4.0), ("Max", 7.0), ("Latest", 2.0)],
    )
    def test_aggregations(self, aggregation: str, expected: float) -> None:
        """Values 3, 7, 2 (the last dated latest): sum 12, mean 4, max 7, latest 2."""
        values = [
            measure(date(2020, 1, 1), 3),
            measure(date(2020, 2, 1), 7),
            measure(date(2020, 3, 1), 2),
        ]
        entry = indicator_figures(replace(INDICATOR, aggregation=aggregation), values, Y2)
        assert entry.value == expected

    def test_latest_breaks_date_ties_by_the_row_furthest_down_the_sheet(self) -> None:
        """Same date: the row furthest down the sheet wins."""
        values = [measure(date(2020, 3, 1), 5, row=9), measure(date(2020, 3, 1), 8, row=4)]
        entry = indicator_figures(replace(INDICATOR, aggregation="Latest"), values, Y2)
        assert entry.value == 5

    def test_target_status_and_percent(self) -> None:
        """Sum 12 against target 10: 120 %, on track."""
        values = [measure(date(2020, 1, 1), 12)]
        entry = indicator_figures(INDICATOR, values, Y2)
        assert (entry.target, entry.pct_of_target, entry.status) == (10, 1.2, "on track")

    def test_combined_target_sums_years_for_sum_and_takes_the_last_otherwise(self) -> None:
        """Sum: 10 + 20; Max: Y3's 20; a missing year makes the Sum target null."""
        assert indicator_figures(INDICATOR, [], BOTH).target == 30
        assert indicator_figures(replace(INDICATOR, aggregation="Max"), [], BOTH).target == 20
        gap = replace(INDICATOR, targets={3: 20.0})
        assert indicator_figures(gap, [], BOTH).target is None

    @pytest.mark.parametrize(
        ("values", "targets", "direction", "status"),
        [
            ([], {2: 10.0}, "Increase", "no data"),
            ([5.0], {}, "Increase", "no target"),
            ([5.0], {2: 10.0}, "Increase", "behind"),
            ([5.0], {2: 10.0}, "Decrease", "on track"),
            ([10.0], {2: 10.0}, "Decrease", "on track"),
            ([11.0], {2: 10.0}, "Decrease", "behind"),
        ],
    )
    def test_status(
        self, values: list[float], targets: dict[int, float], direction: str, status: str
    ) -> None:
        """No data, then no target, then on track / behind by direction."""
        indicator = replace(INDICATOR, targets=targets, direction=direction)
        measures = [measure(date(2020, 1, 1), v) for v in values]
        assert indicator_figures(indicator, measures, Y2).status == status

    def test_a_zero_target_gives_no_percent(self) -> None:
        """pct_of_target is None when the target is 0."""
        entry = indicator_figures(
            replace(INDICATOR, targets={2: 0.0}), [measure(date(2020, 1, 1), 3)], Y2
        )
        assert entry.pct_of_target is None and entry.status == "on track"


class TestSubmissions:
    def test_expected_months_are_whole_calendar_months_inside_start_to_e(self) -> None:
        """as_of 2020-12-15 in Y3: only November 2020 is wholly inside."""
        y3 = periods(date(2020, 12, 15))["Y3"]
        assert expected_months(y3) == [date(2020, 11, 1)]
        assert len(expected_months(Y2)) == 12
        assert len(expected_months(BOTH)) == 24

    def test_completeness_and_timeliness(self) -> None:
        """On time = submitted by the 15th day after the month's last day."""
        rows = [
            Submission(date(2019, 11, 1), date(2019, 12, 15), 2),  # on time (Nov 30 + 15)
            Submission(date(2019, 12, 1), date(2020, 1, 16), 3),  # one day late
            Submission(date(2021, 1, 1), date(2021, 1, 20), 4),  # Y3
        ]
        figures = submission_figures(rows, True, Y2)
        assert (
            figures.months_expected,
            figures.months_submitted,
            figures.months_on_time,
        ) == (12, 2, 1)
        assert figures.reporting_completeness == pytest.approx(2 / 12)
        assert figures.reporting_timeliness == pytest.approx(1 / 12)

    def test_no_tab_gives_null_shares_and_zero_counts(self) -> None:
        """Without the tab, completeness and timeliness are None."""
        figures = submission_figures([], False, Y2)
        assert figures.months_submitted == figures.months_on_time == 0
        assert figures.reporting_completeness is None


def collaborative(
    participants: int, lived: int, sector: str, has_tab: bool = True
) -> CollaborativePeriod:
    records = TrackerRecords(
        activities=(replace(ACT, participants=participants, lived_experience_participants=lived),),
        partners=(replace(PARTNER, sector=sector),),
        submissions=(Submission(date(2019, 11, 1), date(2019, 12, 1), 2),),
        tabs_present=frozenset({"Activities", "Partners", *(["Submissions"] if has_tab else [])}),
    )
    figures = collaborative_figures(records, Y2)
    assert figures is not None
    return CollaborativePeriod(figures, has_tab)


class TestProgramTotals:
    def test_shares_are_recomputed_never_averaged(self) -> None:
        """(1 + 30) / (10 + 100), not the mean of 0.1 and 0.3."""
        totals = program_totals(
            [collaborative(10, 1, "Housing"), collaborative(100, 30, "Housing")]
        )
        assert totals.lived_experience_share == pytest.approx(31 / 110)

    def test_sectors_are_a_union_and_completeness_counts_only_collaboratives_with_the_tab(
        self,
    ) -> None:
        """One of two keeps Submissions: completeness is 1 of its 12 months."""
        totals = program_totals(
            [collaborative(10, 1, "Housing"), collaborative(5, 0, "Education", has_tab=False)]
        )
        assert totals.sectors_engaged == ["Education", "Housing"]
        assert totals.sector_count == 2
        assert totals.months_expected == 24
        assert totals.reporting_completeness == pytest.approx(1 / 12)
        assert totals.collaboratives_reporting == 2

    def test_no_collaboratives_gives_zeros_and_null_shares(self) -> None:
        """Every key is still present."""
        totals = program_totals([])
        assert list(totals.model_dump()) == list(TOTAL_FIGURES)
        assert totals.activities_completed == 0
        assert totals.lived_experience_share is None

    @given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), max_size=6))
    def test_every_count_is_the_sum_of_the_parts(self, people: list[tuple[int, int]]) -> None:
        """Sums equal; per-key maps add key by key; the share is recomputed."""
        parts = [collaborative(p + lived, lived, "Housing") for p, lived in people]
        totals = program_totals(parts)
        for name in (
            "activities_completed",
            "participants",
            "lived_experience_participants",
            "partners_active",
            "months_submitted",
        ):
            assert getattr(totals, name) == sum(getattr(part.figures, name) for part in parts)
        component = "Strategy implementation"
        assert totals.activities_by_component[component] == sum(
            part.figures.activities_by_component[component] for part in parts
        )
        participants = sum(p + lived for p, lived in people)
        lived = sum(lived for _, lived in people)
        assert totals.lived_experience_share == (lived / participants if participants else None)
