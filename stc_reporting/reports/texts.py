"""Tracker text a funder report may print: shared lessons, milestones, indicator names.

Only valid rows, and only the columns the contract allows in reports. Text the
privacy scan withheld is left out entirely, as are unshared lessons and Notes.
Besides the trackers' words, a report prints who runs the program and whom it
supports (the config), the narratives a person wrote (`narratives.py`), and how many
values flagged as unusual its figures include (the dates of those values only).

A run keeps these texts, with the day the reports were made, in `report-texts.json`
(`ReportTexts`): `stc-report publish` makes the finals from that file and
`rollups.json`, never from the trackers again (which may have changed since the
drafts were reviewed). It holds only what this module lets reports print.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from stc_reporting.config import CollaborativeConfig
from stc_reporting.contract.rules import Rule
from stc_reporting.contract.tabs import ACTIVITIES, FUNDING, MEASUREMENTS
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.ingest.records import TrackerRecords, build_records
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
        unusual_values: The dates of the valid values the outlier check flagged
            (`checks/outliers.py`): the data notes count those in the reported periods.
        narrative: What a person wrote about the collaborative (`narratives.yaml`), or ''.
    """

    name: str
    lessons: tuple[SharedLesson, ...]
    milestones: tuple[AchievedMilestone, ...]
    indicator_names: dict[str, str | None]
    unusual_values: tuple[date, ...] = ()
    narrative: str = ""


@dataclass(frozen=True)
class ProgramTexts:
    """What the reports say about the program in words besides its name and funder.

    Attributes:
        organization: Who runs the program (config `program.organization`), or ''.
        serves: Whom the program supports (config `program.serves`), or ''.
        narrative: What a person wrote about the program (`narratives.yaml`), or ''.
        language: The language `serves` is written in (the program's).
        serves_translations: `serves` in other languages, by language code.
    """

    organization: str = ""
    serves: str = ""
    narrative: str = ""
    language: str = "en"
    serves_translations: dict[str, str] = field(default_factory=dict)

    def serves_in(self, language: str) -> str:
        """Whom the program supports, in a report's language; '' when not written in it."""
        if language == self.language:
            return self.serves
        return self.serves_translations.get(language, "")


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
            unusual_values=_unusual_value_dates(records, issues, collaborative.id),
        )
    return texts


def _unusual_value_dates(
    records: TrackerRecords, issues: Sequence[Issue], collaborative: str
) -> tuple[date, ...]:
    """The dates of the valid rows an outlier warning is about, in sheet order."""
    dated = {(ACTIVITIES.name, a.row): a.date for a in records.activities}
    dated |= {(FUNDING.name, f.row): f.date for f in records.funding}
    dated |= {(MEASUREMENTS.name, m.row): m.date for m in records.measurements}
    flagged = sorted(
        {
            (issue.tab, issue.row)
            for issue in issues
            if issue.collaborative == collaborative
            and issue.rule == Rule.OUTLIER
            and issue.row is not None
        }
    )
    return tuple(dated[key] for key in flagged if key in dated)


REPORT_TEXTS_FILE = "report-texts.json"
REPORT_TEXTS_SCHEMA_VERSION = 1


class ReportTexts(BaseModel):
    """What a run's funder reports are made from besides `rollups.json` (`report-texts.json`).

    Attributes:
        made_on: The day the reports were made (their cover says it).
        language: The program's language (`labels.<language>.yaml`): the program
            report's, and any collaborative report's not in `languages`.
        program_report: Whether the run made the program report (a full run).
        collaboratives: The printable texts by collaborative id (failed ones absent).
        languages: Each collaborative report's language, by collaborative id, as the
            config said when the drafts were made (absent in files of earlier runs:
            then every report is in `language`).
        program: Who runs the program, whom it supports, and its narrative.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = REPORT_TEXTS_SCHEMA_VERSION
    made_on: date
    language: str
    program_report: bool
    collaboratives: dict[str, CollaborativeTexts]
    languages: dict[str, str] = {}
    program: ProgramTexts = ProgramTexts()

    def language_of(self, collaborative: str | None) -> str:
        """The language of a collaborative's report, or of the program report (None)."""
        if collaborative is None:
            return self.language
        return self.languages.get(collaborative, self.language)


def report_texts_json(texts: ReportTexts) -> bytes:
    """Serialise `report-texts.json`: UTF-8, 2-space indent, like every JSON file of a run."""
    text = json.dumps(texts.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def read_report_texts(content: bytes) -> ReportTexts:
    """Read `report-texts.json` back.

    Raises:
        pydantic.ValidationError: The content does not match the model.
    """
    return ReportTexts.model_validate_json(content)


def _printable(text: str) -> bool:
    return text != WITHHELD_TEXT
