"""Reporting periods: program years, the combined period, and `as_of` clipping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    """One reporting period.

    Attributes:
        label: `Y2`, `Y3`, or the combined `Y2-Y3`.
        start: First day (calendar bound).
        end: Last day (calendar bound, unclipped).
        years: The program years the period spans.
        as_of: The run's data-as-of date.
    """

    label: str
    start: date
    end: date
    years: tuple[int, ...]
    as_of: date

    @property
    def started(self) -> bool:
        """Whether the period begins on or before `as_of` (else it is written as null)."""
        return self.start <= self.as_of

    @property
    def effective_end(self) -> date:
        """`e = min(end, as_of)`: the last day that counts."""
        return min(self.end, self.as_of)

    def contains(self, day: date | None) -> bool:
        """Whether a date is in the period: `start <= day <= e`."""
        return day is not None and self.start <= day <= self.effective_end

    @property
    def is_combined(self) -> bool:
        """Whether the period spans more than one program year."""
        return len(self.years) > 1


def add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def program_year(start: date, year: int) -> tuple[date, date]:
    """Return the first and last day of program year `year` (1-based).

    Year N runs from `start + (N-1) years` to the day before `start + N years`.
    """
    return add_years(start, year - 1), add_years(start, year) - timedelta(days=1)


def reporting_periods(program_start: date, years: list[int], as_of: date) -> list[Period]:
    """Return each listed year's period, then the combined period.

    Args:
        program_start: First day of program year 1.
        years: The program years to report, increasing.
        as_of: The data-as-of date that clips every period.

    Returns:
        `Y<N>` for each year, plus `Y<first>-Y<last>` spanning them all.
    """
    periods = [
        Period(f"Y{year}", *program_year(program_start, year), years=(year,), as_of=as_of)
        for year in years
    ]
    first, last = years[0], years[-1]
    combined = Period(
        f"Y{first}-Y{last}",
        program_year(program_start, first)[0],
        program_year(program_start, last)[1],
        years=tuple(years),
        as_of=as_of,
    )
    return [*periods, combined]


def last_day_of_previous_month(today: date) -> date:
    """Return the default `as_of`: the last day of the month before `today`."""
    return today.replace(day=1) - timedelta(days=1)


def last_day_of_month(day: date) -> date:
    """Return the last day of `day`'s month."""
    first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def as_of_for_month(month: date | None, today: date) -> date:
    """Return the `as_of` of a run asked for by month (the Prefect form's date picker).

    Args:
        month: Any day of the month to report; None for the month before `today`'s.
        today: The day of the run.

    Returns:
        The month's last day, or `today` for the month still under way (its records so
        far). A later month is refused by `check_as_of`, not here.
    """
    if month is None:
        return last_day_of_previous_month(today)
    return min(last_day_of_month(month), max(today, month))


def as_of_problem(as_of: date, program_start: date, today: date) -> str | None:
    """Say why `as_of` cannot be reported, in a sentence a program manager acts on.

    Args:
        as_of: The last day whose records count.
        program_start: The first day of program year 1.
        today: The day of the run.

    Returns:
        None when it can be: on or after the program's start and not after today.
    """
    if as_of > today:
        return (
            f"{as_of:%-d %B %Y} is in the future: choose a day up to today ({today:%-d %B %Y}),"
            " or leave it blank for last month"
        )
    if as_of < program_start:
        return (
            f"{as_of:%-d %B %Y} is before the program started ({program_start:%-d %B %Y}): "
            "there is nothing to report yet"
        )
    return None
