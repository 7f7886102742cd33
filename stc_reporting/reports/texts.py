"""Tracker text a funder report may print: shared lessons, milestones, indicator names.

Only valid rows, and only the columns the contract allows in reports. Text the
privacy scan withheld is left out entirely, as are unshared lessons and Notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from stc_reporting.config import CollaborativeConfig
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import build_records
from stc_reporting.issues import Issue
from stc_reporting.privacy import WITHHELD_TEXT


@dataclass(frozen=True)
class SharedLesson:
    """A lesson its collaborative marked Share with funder."""

    collaborative: str
    kind: str
    date: date
    text: str


@dataclass(frozen=True)
class AchievedMilestone:
    """An achieved milestone, for the collaborative report's sustainability section."""

    date: date
    type: str
    level: str | None
    description: str


@dataclass(frozen=True)
class CollaborativeTexts:
    """What one collaborative's tracker lets the reports say in words.

    Attributes:
        name: The collaborative's name (reports attribute lessons to it).
        lessons: Shared lessons, by date.
        milestones: Achieved milestones with a printable description, by date.
        indicator_names: Indicator ID -> what is measured, in words; None where the
            privacy scan withheld the name: reports print the labels' neutral words
            for it (`report.indicator_withheld`), as docs/privacy.md promises.
    """

    name: str
    lessons: tuple[SharedLesson, ...]
    milestones: tuple[AchievedMilestone, ...]
    indicator_names: dict[str, str | None]


def collect_report_texts(
    collaboratives: Sequence[CollaborativeConfig],
    trackers: Sequence[ParsedTracker],
    issues: Sequence[Issue],
) -> dict[str, CollaborativeTexts]:
    """Collect the printable text of every collaborative that can report.

    Args:
        collaboratives: The run's collaboratives, config order.
        trackers: Their trackers as read.
        issues: Every issue (rows in error are left out).

    Returns:
        Texts by collaborative id; failed collaboratives are absent.
    """
    tracker_of = {t.collaborative: t for t in trackers}
    texts = {}
    for collaborative in collaboratives:
        tracker = tracker_of[collaborative.id]
        if tracker.failed:
            continue
        records = build_records(
            tracker, [i for i in issues if i.collaborative == tracker.collaborative]
        )
        texts[collaborative.id] = CollaborativeTexts(
            name=collaborative.name,
            lessons=tuple(
                SharedLesson(collaborative.name, lesson.kind, lesson.date, lesson.lesson)
                for lesson in sorted(records.lessons, key=lambda x: (x.date, x.row))
                if lesson.share_with_funder and _printable(lesson.lesson)
            ),
            milestones=tuple(
                AchievedMilestone(m.date, m.type, m.level, m.description)
                for m in sorted(records.milestones, key=lambda x: (x.date, x.row))
                if m.status == "Achieved" and _printable(m.description)
            ),
            indicator_names={
                i.indicator_id: i.indicator if _printable(i.indicator) else None
                for i in records.indicators
            },
        )
    return texts


def _printable(text: str) -> bool:
    return text != WITHHELD_TEXT
