"""The run's reporting periods as the reports name and head them."""

from __future__ import annotations

from dataclasses import dataclass

from stc_reporting.figures.document import Rollups
from stc_reporting.reports.context_models import Headers, PeriodInfo
from stc_reporting.reports.formatting import period_name, short_date


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


def period_infos(rollups: Rollups) -> list[PeriodInfo]:
    """Each period for the cover: its name, dates, and whether as-of cuts it short."""
    as_of = rollups.as_of
    infos = []
    for label, (first, last) in rollups.periods.items():
        note = ""
        if first > as_of:
            note = "not yet started"
        elif last > as_of:
            note = f"data to {short_date(as_of)}"
        infos.append(
            PeriodInfo(
                label=label,
                name=period_name(label),
                dates=f"{short_date(first)} – {short_date(last)}",
                note=note,
            )
        )
    return infos


def period_headers(labels: PeriodLabels) -> Headers:
    """The column headings of the period tables."""
    return Headers(
        first=period_name(labels.first),
        last=period_name(labels.last),
        combined=period_name(labels.combined),
        change=f"Change {labels.first} to {labels.last}",
    )
