"""The tracker contract (v1) as data: tabs, columns, types, choice lists and rules.

This module is the one machine-readable description of `docs/tracker-format.md`.
The reader (`reading.py`) types cells from it, the Great Expectations suites in
`expectations/` are generated from it (`suites.py`), and later the blank tracker
template. Change the format here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is read (see the reading rules in docs/tracker-format.md)."""

    ID = "id"
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    MONTH = "month"
    WHOLE = "whole number"
    MONEY = "money"
    NUMBER = "number"
    YES_NO = "yes/no"
    LIST = "list"


# The largest value a cell may hold, beyond which it is a typing error (an extra digit or
# three, a pasted ID): an error naming the cell, never a figure. The bounds also keep every
# sum finite (a sheet's million rows at the bound are far from a float's 1.8 x 10^308),
# and counts and dollars exact (a million rows at their bound stay under 9 x 10^15, up to
# which a float holds every whole number).
MAX_COUNT = 10_000_000
"""People one row may count (Participants): more than live in Los Angeles County."""
MAX_AMOUNT_USD = 1_000_000_000
"""Dollars one Funding row may hold: more than the funder gives in a decade."""
MAX_NUMBER = 1_000_000_000_000
"""The size of a Baseline, Target or Value, in any unit (counts, dollars, percent, score)."""


CORE_COMPONENTS = (
    "Collaborative capacity building",
    "Strategy implementation",
    "Documentation and evaluation",
    "Sustainability",
)
STRATEGIES = (
    "Leadership development",
    "Civic engagement",
    "Power building",
    "Norms and culture change",
    "Culturally rooted intergenerational healing, education, and organizing",
    "Strategic communications and narrative change",
    "Systems change",
    "Policy change",
    "Other",
)
SECTORS = (
    "Community-based organization",
    "Domestic violence services",
    "Public health",
    "Health care",
    "Mental health",
    "Education",
    "Youth development",
    "Faith-based",
    "Labor and worker rights",
    "Housing",
    "Food and nutrition",
    "Economic development",
    "Government",
    "Justice",
    "Media and arts",
    "Philanthropy",
    "Business",
    "Other",
)
ACTIVITY_STATUSES = ("Completed", "Planned", "Cancelled")
MODALITIES = ("In person", "Virtual", "Hybrid")
ENGAGEMENT_LEVELS = ("Informed", "Consulted", "Involved", "Collaborating", "Leading")
MILESTONE_TYPES = (
    "Mission or vision statement",
    "Strategic plan",
    "Job description",
    "Policy introduced",
    "Policy adopted",
    "Systems or practice change",
    "Budget allocation",
    "Other",
)
MILESTONE_LEVELS = ("Organizational", "Local", "County", "State")
MILESTONE_STATUSES = ("In progress", "Achieved")
SOURCE_TYPES = (
    "Foundation",
    "Government",
    "Corporate",
    "Individual donors",
    "Earned revenue",
    "In-kind",
)
FUNDING_STATUSES = ("Requested", "Pending", "Secured", "Declined")
FUNDING_PURPOSES = ("Staffing", "Operations", "Programs", "Mixed")
OUTCOMES = (
    "Greater capacity",
    "Short-term outcomes",
    "Multisector value",
    "Continued change",
)
UNITS = ("Count", "Percent", "Dollars", "Score")
AGGREGATIONS = ("Sum", "Latest", "Mean", "Max")
DIRECTIONS = ("Increase", "Decrease")
LESSON_KINDS = ("Success", "Challenge", "Course correction", "Insight")
INDICATOR_STATUSES = ("on track", "behind", "no target", "no data")

# Normalised headers of columns that hold personal data: dropped at ingest.
PRIVACY_HEADERS = frozenset(
    {
        "name",
        "first name",
        "last name",
        "full name",
        "participant",
        "participant name",
        "client",
        "client name",
        "survivor",
        "email",
        "e mail",
        "email address",
        "phone",
        "phone number",
        "address",
        "street address",
        "date of birth",
        "dob",
        "ssn",
    }
)

_TARGET_HEADER = re.compile(r"^target y(\d+)$")
_TRAILING_UNIT = re.compile(r"\(([^()]*)\)\s*$")
"""A unit in parentheses at the end of a header: `Amount (USD)`."""

CURRENCY_UNITS = {"usd": frozenset({"$", "us$", "usd$", "$usd", "u.s.$"})}
"""The ways people write a currency unit, by the code the contract spells it with:
a currency sign in a header's parentheses counts as that unit (`Amount ($)`,
`Amount (US$)`), compared without spaces and in lower case."""
_CURRENCY_CODES = {sign: code for code, signs in CURRENCY_UNITS.items() for sign in signs}


def normalise_header(header: object) -> str:
    """Normalise a header cell the way the contract compares headers.

    Lower-case, trimmed, `_` and `-` treated as spaces, runs of spaces collapsed,
    and the parentheses of a trailing unit dropped (`Amount (USD)` -> `amount usd`), a
    currency sign there read as its code (`Amount ($)`, `Amount (US$)` -> `amount usd`).

    Args:
        header: The raw header cell (usually text; numbers are stringified).

    Returns:
        The normalised header, `""` for a blank cell.
    """
    text = "" if header is None else str(header)
    text = text.lower().replace("_", " ").replace("-", " ")
    text = _TRAILING_UNIT.sub(_unit_words, text.strip())
    return " ".join(text.split())


def _unit_words(unit: re.Match[str]) -> str:
    """A trailing unit without its parentheses, a currency sign as its code (`($)` -> `usd`)."""
    words = unit.group(1)
    return " " + _CURRENCY_CODES.get("".join(words.split()), words)


def header_spellings(header: str) -> frozenset[str]:
    """Every normalised spelling that names a contract column.

    A header with a trailing unit in parentheses also matches without the unit
    (`Amount (USD)` = `amount usd` = `Amount`): dropping the unit is what the
    contract's reading rule says, and its examples keep the unit's word.

    Args:
        header: The header as the contract spells it.

    Returns:
        The normalised spellings that match it.
    """
    without_unit = _TRAILING_UNIT.sub("", header)
    return frozenset({normalise_header(header), normalise_header(without_unit)})


def normalise_choice(value: str) -> str:
    """Normalise a choice label for case- and space-insensitive comparison."""
    return " ".join(value.split()).lower()


def target_year(normalised_header: str) -> int | None:
    """Return N for a `Target Y<N>` header (already normalised), else None."""
    match = _TARGET_HEADER.match(normalised_header)
    return int(match.group(1)) if match else None


def target_field(year: int) -> str:
    """Return the field name of the `Target Y<year>` column."""
    return f"target_y{year}"


@dataclass(frozen=True)
class Condition:
    """`field == value`: when a conditional rule applies."""

    field: str
    value: str


@dataclass(frozen=True)
class Column:
    """One column of a tab.

    Attributes:
        header: The header as the contract spells it.
        field: The snake_case name the pipeline uses.
        kind: How cells are read.
        required: The cell must be filled on every row.
        required_when: The cell must be filled on rows meeting this condition.
        choices: The canonical labels of a choice column.
        unique: Values must not repeat within the tab.
        default: The canonical value a blank optional choice takes.
        min_value: Smallest allowed number (inclusive unless `strict_min`).
        strict_min: `min_value` itself is not allowed.
        in_program_window: The date must fall between program start and end.
        not_after_run_date: The date may not be after the day of the run.
        not_after_run_date_when: ...only on rows meeting this condition.
    """

    header: str
    field: str
    kind: Kind
    required: bool = False
    required_when: Condition | None = None
    choices: tuple[str, ...] = ()
    unique: bool = False
    default: str | None = None
    min_value: float | None = None
    strict_min: bool = False
    in_program_window: bool = False
    not_after_run_date: bool = False
    not_after_run_date_when: Condition | None = None

    @property
    def must_be_present(self) -> bool:
        """Whether a tab without this column is a structural problem.

        Only always-required columns must exist. A conditionally required column
        (`Strategy`, `Participants`) may be left out: its cells read as blank, so
        only the rows that need it are errors, and a tracker with no such row
        reports as usual.
        """
        return self.required

    @property
    def is_free_text(self) -> bool:
        """Whether cells are free text that is scanned for personal data."""
        return self.kind is Kind.TEXT


@dataclass(frozen=True)
class PairRule:
    """`field_a >= field_b` (or `>`), checked where both cells are filled.

    Attributes:
        rule: The stable rule id.
        field_a: The field that must be the larger.
        field_b: The field that must be the smaller.
        reported_field: The field the issue names (the one most likely wrong).
        message: What is wrong and how to fix it.
        or_equal: Whether equal values pass.
    """

    rule: str
    field_a: str
    field_b: str
    reported_field: str
    message: str
    or_equal: bool = True


@dataclass(frozen=True)
class Tab:
    """One tab of the tracker."""

    name: str
    columns: tuple[Column, ...]
    required: bool = False
    pair_rules: tuple[PairRule, ...] = ()
    dynamic_targets: bool = False

    @property
    def id_field(self) -> str | None:
        """The field whose values identify a row, if the tab has one."""
        return next((c.field for c in self.columns if c.unique), None)

    def column(self, field_name: str) -> Column:
        """Return the column with this field name."""
        return next(c for c in self.columns if c.field == field_name)

    @property
    def slug(self) -> str:
        """The tab name in lower case, used for file names."""
        return self.name.lower()


_COMPLETED = Condition("status", "Completed")

ACTIVITIES = Tab(
    name="Activities",
    required=True,
    columns=(
        Column("Activity ID", "activity_id", Kind.ID, required=True, unique=True),
        Column(
            "Date",
            "date",
            Kind.DATE,
            required=True,
            in_program_window=True,
            not_after_run_date_when=_COMPLETED,
        ),
        Column(
            "Core component", "core_component", Kind.CHOICE, required=True, choices=CORE_COMPONENTS
        ),
        Column(
            "Strategy",
            "strategy",
            Kind.CHOICE,
            required_when=Condition("core_component", "Strategy implementation"),
            choices=STRATEGIES,
        ),
        Column("Title", "title", Kind.TEXT, required=True),
        Column("Status", "status", Kind.CHOICE, required=True, choices=ACTIVITY_STATUSES),
        Column("Participants", "participants", Kind.WHOLE, required_when=_COMPLETED),
        Column("Lived experience participants", "lived_experience_participants", Kind.WHOLE),
        Column("Partner IDs", "partner_ids", Kind.LIST),
        Column("Modality", "modality", Kind.CHOICE, choices=MODALITIES),
        Column("Notes", "notes", Kind.TEXT),
    ),
    pair_rules=(
        PairRule(
            "lived-experience-within-participants",
            "participants",
            "lived_experience_participants",
            "lived_experience_participants",
            "Lived experience participants cannot be more than Participants: check both numbers.",
        ),
    ),
)

PARTNERS = Tab(
    name="Partners",
    required=True,
    columns=(
        Column("Partner ID", "partner_id", Kind.ID, required=True, unique=True),
        Column("Organization", "organization", Kind.TEXT, required=True),
        Column("Sector", "sector", Kind.CHOICE, required=True, choices=SECTORS),
        Column("Joined", "joined", Kind.DATE, required=True, not_after_run_date=True),
        Column("Left", "left", Kind.DATE, not_after_run_date=True),
        Column("Engagement level", "engagement_level", Kind.CHOICE, choices=ENGAGEMENT_LEVELS),
        Column("Prior IPV focus", "prior_ipv_focus", Kind.YES_NO, required=True),
        Column(
            "Formal commitment date", "formal_commitment_date", Kind.DATE, not_after_run_date=True
        ),
    ),
    pair_rules=(
        PairRule(
            "left-on-or-after-joined",
            "left",
            "joined",
            "left",
            "Left is before Joined: a partner cannot leave before it joined; check both dates.",
        ),
        PairRule(
            "commitment-on-or-after-joined",
            "formal_commitment_date",
            "joined",
            "formal_commitment_date",
            "Formal commitment date is before Joined: check both dates.",
        ),
    ),
)

MILESTONES = Tab(
    name="Milestones",
    columns=(
        Column("Milestone ID", "milestone_id", Kind.ID, required=True, unique=True),
        Column("Date", "date", Kind.DATE, required=True, in_program_window=True),
        Column("Type", "type", Kind.CHOICE, required=True, choices=MILESTONE_TYPES),
        Column("Level", "level", Kind.CHOICE, choices=MILESTONE_LEVELS),
        Column("Status", "status", Kind.CHOICE, required=True, choices=MILESTONE_STATUSES),
        Column("Description", "description", Kind.TEXT, required=True),
    ),
)

FUNDING = Tab(
    name="Funding",
    columns=(
        Column("Funding ID", "funding_id", Kind.ID, required=True, unique=True),
        Column("Source", "source", Kind.TEXT, required=True),
        Column("Source type", "source_type", Kind.CHOICE, required=True, choices=SOURCE_TYPES),
        Column("Status", "status", Kind.CHOICE, required=True, choices=FUNDING_STATUSES),
        Column(
            "Amount (USD)", "amount_usd", Kind.MONEY, required=True, min_value=0, strict_min=True
        ),
        Column("Date", "date", Kind.DATE, required=True, in_program_window=True),
        Column("Purpose", "purpose", Kind.CHOICE, choices=FUNDING_PURPOSES),
    ),
)

INDICATORS = Tab(
    name="Indicators",
    dynamic_targets=True,
    columns=(
        Column("Indicator ID", "indicator_id", Kind.ID, required=True, unique=True),
        Column("Indicator", "indicator", Kind.TEXT, required=True),
        Column("Outcome", "outcome", Kind.CHOICE, required=True, choices=OUTCOMES),
        Column("Unit", "unit", Kind.CHOICE, required=True, choices=UNITS),
        Column("Aggregation", "aggregation", Kind.CHOICE, required=True, choices=AGGREGATIONS),
        Column("Direction", "direction", Kind.CHOICE, choices=DIRECTIONS, default="Increase"),
        Column("Baseline", "baseline", Kind.NUMBER),
    ),
)

MEASUREMENTS = Tab(
    name="Measurements",
    columns=(
        Column("Indicator ID", "indicator_id", Kind.ID, required=True),
        Column("Date", "date", Kind.DATE, required=True, in_program_window=True),
        Column("Value", "value", Kind.NUMBER, required=True, min_value=0),
        Column("Note", "note", Kind.TEXT),
    ),
)

LESSONS = Tab(
    name="Lessons",
    columns=(
        Column("Lesson ID", "lesson_id", Kind.ID, required=True, unique=True),
        Column("Date", "date", Kind.DATE, required=True, in_program_window=True),
        Column("Kind", "kind", Kind.CHOICE, required=True, choices=LESSON_KINDS),
        Column("Core component", "core_component", Kind.CHOICE, choices=CORE_COMPONENTS),
        Column("Lesson", "lesson", Kind.TEXT, required=True),
        Column("Share with funder", "share_with_funder", Kind.YES_NO, required=True),
    ),
)

SUBMISSIONS = Tab(
    name="Submissions",
    columns=(
        Column("Month", "month", Kind.MONTH, required=True, unique=True, in_program_window=True),
        Column("Submitted on", "submitted_on", Kind.DATE, required=True, not_after_run_date=True),
    ),
    pair_rules=(
        PairRule(
            "submitted-on-or-after-month-start",
            "submitted_on",
            "month",
            "submitted_on",
            "Submitted on is before the first day of Month: a month cannot be submitted "
            "before it starts; check both cells.",
        ),
    ),
)

TABS: tuple[Tab, ...] = (
    ACTIVITIES,
    PARTNERS,
    MILESTONES,
    FUNDING,
    INDICATORS,
    MEASUREMENTS,
    LESSONS,
    SUBMISSIONS,
)
TAB_ORDER = {tab.name: position for position, tab in enumerate(TABS)}


def tab_named(name: str) -> Tab:
    """Return the contract tab with this canonical name."""
    return next(tab for tab in TABS if tab.name == name)


def headers(tab: Tab, target_years: tuple[int, ...] = (2, 3)) -> list[str]:
    """The header row a tracker tab has, as the template writes it.

    Args:
        tab: The contract tab.
        target_years: Program years that get a `Target Y<N>` column (Indicators only).
    """
    names = [column.header for column in tab.columns]
    if tab.dynamic_targets:
        names += [f"Target Y{year}" for year in target_years]
    return names
