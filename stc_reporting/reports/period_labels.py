"""The run's reporting periods as the reports name and head them."""

from __future__ import annotations

from dataclasses import dataclass

from stc_reporting.figures.document import Rollups
from stc_reporting.reports.context_models import Headers, PeriodInfo
from stc_reporting.reports.formatting import period_name, short_date
from stc_reporting.reports.labels import ReportLabels


@dataclass(frozen=True)
class PeriodLabels:
    """The run's period labels: each year, the first and last, and the combined one."""

    years: tuple[str, ...]
    combined: str

    @property
    def first(self) -> str:
        """The first reported year."""
        return self.years[0]

    @property
    def last(self) -> str:
        """The last reported year."""
        return self.years[-1]

    @property
    def consecutive(self) -> bool:
        """Whether the years follow each other, so that they add up to the combined period."""
        numbers = [int(label[1:]) for label in self.years]
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def period_labels(rollups: Rollups) -> PeriodLabels:
    """Read the period labels from the rollups document (years first, combined last)."""
    labels = list(rollups.periods)
    return PeriodLabels(tuple(labels[:-1]), labels[-1])


def period_infos(rollups: Rollups, wording: ReportLabels) -> list[PeriodInfo]:
    """Each period for the cover: its name, dates, and whether as-of cuts it short."""
    as_of = rollups.as_of
    words, dates, locale = wording.periods, wording.dates, wording.locale
    infos = []
    for label, (first, last) in rollups.periods.items():
        note = ""
        if first > as_of:
            note = words.not_yet_started
        elif last > as_of:
            note = words.data_to.format(date=short_date(as_of, dates, locale))
        infos.append(
            PeriodInfo(
                label=label,
                name=period_name(label, words),
                dates=words.dates.format(
                    start=short_date(first, dates, locale), end=short_date(last, dates, locale)
                ),
                note=note,
            )
        )
    return infos


def period_headers(labels: PeriodLabels, wording: ReportLabels) -> Headers:
    """The column headings of the period tables."""
    words = wording.periods
    return Headers(
        first=period_name(labels.first, words),
        last=period_name(labels.last, words),
        combined=period_name(labels.combined, words),
        change=words.change.format(
            first=labels.first,
            last=labels.last,
            first_number=labels.first[1:],
            last_number=labels.last[1:],
        ),
    )
