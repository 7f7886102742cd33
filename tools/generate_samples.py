"""Generate the five sample trackers in `data/sample/` (run: `python tools/generate_samples.py`).

The trackers are fictional but shaped like the real ones: Nov 2019 - Oct 2021,
COVID moving activities online from March 2020, partners that predate the
program, Spanish in Fresno's tracker. Each tracker spells things the messy ways
people do (header case and underscores, text dates, `$` amounts, `Y`/`TRUE`) and
carries a few planted problems so `stc-report validate` has something to show;
every collaborative still reports. The same seed always gives the same cells.
`--scale N` multiplies activity rows, for benchmarks.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from stc_reporting.contract.tabs import (
    ACTIVITIES,
    FUNDING,
    INDICATORS,
    LESSONS,
    MEASUREMENTS,
    MILESTONES,
    PARTNERS,
    SUBMISSIONS,
    TABS,
    headers,
)
from stc_reporting.locations import REPO

SAMPLE_DIR = REPO / "data" / "sample"

START, END = date(2019, 11, 1), date(2021, 10, 31)
COVID = date(2020, 3, 15)
COMPONENTS = (
    "Collaborative capacity building",
    "Strategy implementation",
    "Documentation and evaluation",
    "Sustainability",
)


@dataclass
class Profile:
    """What makes one collaborative's tracker its own."""

    id: str
    city: str
    seed: int
    strategies: tuple[str, ...]
    sectors: tuple[str, ...]
    organizations: tuple[str, ...]
    titles: dict[str, tuple[str, ...]]
    lessons: tuple[tuple[str, str, bool], ...]
    indicators: tuple[tuple[str, str, str, str, str, float, float, float], ...]
    activities: int = 70
    spelling: dict[str, str] = field(default_factory=dict)
    family: str = ""

    @property
    def quirks(self) -> str:
        """Which sample's planted problems and extra columns this tracker has (its own id's)."""
        return self.family or self.id


ENGLISH_TITLES = {
    "Collaborative capacity building": (
        "Partner convening on IPV as a community issue",
        "Steering committee retreat",
        "Training: community-level drivers of IPV",
        "Peer exchange with another collaborative",
    ),
    "Strategy implementation": (
        "Community listening session on safe relationships",
        "Youth leadership cohort session",
        "Town hall on healthy relationships",
        "Story circle for narrative change",
        "Policy briefing with county supervisors",
        "Healing circle with elders and youth",
    ),
    "Documentation and evaluation": (
        "Evaluation learning session",
        "Most-significant-change story collection",
        "Data review with partners",
    ),
    "Sustainability": (
        "Funder briefing",
        "Strategic plan working group",
        "Budget advocacy planning",
    ),
}

SPANISH_TITLES = {
    "Collaborative capacity building": (
        "Encuentro de socios: la violencia de pareja es asunto de todos",
        "Capacitación de promotoras sobre relaciones sanas",
        "Retiro del comité directivo",
    ),
    "Strategy implementation": (
        "Círculo de mujeres: relaciones sanas y seguras",
        "Taller de liderazgo juvenil",
        "Foro comunitario: comunicación y respeto en la familia",
        "Sesión de sanación intergeneracional",
        "Radio comunitaria: historias de cambio",
    ),
    "Documentation and evaluation": (
        "Sesión de aprendizaje y evaluación",
        "Recolección de historias de cambio",
    ),
    "Sustainability": (
        "Reunión con fundaciones locales",
        "Grupo de trabajo del plan estratégico",
    ),
}

PROFILES = (
    Profile(
        id="mckinleyville",
        city="McKinleyville",
        seed=11,
        strategies=("Norms and culture change", "Leadership development", "Systems change"),
        sectors=(
            "Community-based organization",
            "Public health",
            "Education",
            "Faith-based",
            "Youth development",
            "Domestic violence services",
            "Health care",
        ),
        organizations=(
            "The Center at McKinleyville",
            "Humboldt County Public Health",
            "McKinleyville Union School District",
            "Arcata Interfaith Network",
            "North Coast Youth Alliance",
            "Humboldt Domestic Violence Services",
            "Open Door Community Health Centers",
            "Redwood Coast Family Resource Center",
            "Two Feathers Native American Family Services",
            "McKinleyville Parks and Recreation",
            "Cal Poly Humboldt",
            "Mad River Community Garden",
        ),
        titles=ENGLISH_TITLES,
        lessons=(
            (
                "Success",
                "Holding meetings at the family resource center brought in parents who never "
                "attend formal events.",
                True,
            ),
            (
                "Challenge",
                "Rural distances made in-person convenings hard once winter storms started.",
                True,
            ),
            (
                "Course correction",
                "We moved the youth cohort to after-school hours after attendance fell.",
                True,
            ),
            ("Insight", "Partners new to IPV engaged more when it was framed as safety.", False),
        ),
        indicators=(
            (
                "MCK-1",
                "Partners trained on IPV prevention",
                "Greater capacity",
                "Count",
                "Sum",
                4,
                20,
                30,
            ),
            (
                "MCK-2",
                "Share of partners reporting IPV is a shared priority (%)",
                "Multisector value",
                "Percent",
                "Latest",
                25,
                50,
                70,
            ),
            (
                "MCK-3",
                "Youth completing the leadership cohort",
                "Short-term outcomes",
                "Count",
                "Sum",
                0,
                15,
                20,
            ),
        ),
        spelling={"tab_case": "lower"},
    ),
    Profile(
        id="oakland",
        city="Oakland",
        seed=22,
        strategies=("Power building", "Civic engagement", "Policy change", "Systems change"),
        sectors=(
            "Community-based organization",
            "Domestic violence services",
            "Housing",
            "Government",
            "Justice",
            "Mental health",
            "Media and arts",
        ),
        organizations=(
            "Allies Against Violence",
            "East Bay Housing Justice",
            "Oakland Department of Violence Prevention",
            "Fruitvale Mental Health Collective",
            "Bay Area Legal Aid",
            "Youth Uprising Arts",
            "A Safe Place",
            "Alameda County Behavioral Health",
            "Oakland Tenants Union",
            "KPFA Community Radio",
            "Unity Council",
            "Restorative Justice for Oakland Youth",
            "Asian Women's Shelter",
            "Oakland Public Library",
        ),
        titles=ENGLISH_TITLES,
        lessons=(
            ("Success", "Tenant organizers became trusted messengers on safe relationships.", True),
            (
                "Challenge",
                "Shelter-in-place orders paused our door-knocking for four months.",
                True,
            ),
            ("Insight", "City staff needed survivor-centered language guidance first.", True),
            ("Course correction", "We shifted the budget campaign to the county level.", True),
        ),
        indicators=(
            (
                "OAK-1",
                "Residents engaged in civic actions on IPV prevention",
                "Short-term outcomes",
                "Count",
                "Sum",
                50,
                300,
                400,
            ),
            (
                "OAK-2",
                "Policy proposals introduced that address IPV",
                "Continued change",
                "Count",
                "Sum",
                0,
                2,
                3,
            ),
            (
                "OAK-3",
                "Average partner trust score",
                "Multisector value",
                "Score",
                "Mean",
                3.1,
                3.8,
                4.2,
            ),
        ),
        spelling={"header_case": "upper"},
    ),
    Profile(
        id="fresno",
        city="Fresno",
        seed=33,
        strategies=(
            "Culturally rooted intergenerational healing, education, and organizing",
            "Leadership development",
            "Norms and culture change",
        ),
        sectors=(
            "Community-based organization",
            "Food and nutrition",
            "Health care",
            "Faith-based",
            "Education",
            "Labor and worker rights",
        ),
        organizations=(
            "Mujeres Poderosas Amorosas",
            "Centro La Familia Advocacy Services",
            "Comité de Salud del Valle",
            "Fresno Metro Ministry",
            "Parroquia San Alfonso",
            "Fresno Unified Parent University",
            "United Farm Workers Foundation",
            "Huerta Comunitaria El Progreso",
            "Clínica Sierra Vista",
            "Promotoras del Valle Central",
            "Radio Bilingüe",
        ),
        titles=SPANISH_TITLES,
        lessons=(
            (
                "Success",
                "Los círculos de mujeres crearon confianza para hablar de relaciones sanas.",
                True,
            ),
            (
                "Challenge",
                "Muchas familias no tenían internet durante la pandemia; usamos llamadas.",
                True,
            ),
            (
                "Insight",
                "Las promotoras son la puerta de entrada más confiable para las familias.",
                True,
            ),
            (
                "Course correction",
                "Trasladamos los talleres a la parroquia los domingos después de misa.",
                False,
            ),
        ),
        indicators=(
            (
                "FRE-1",
                "Promotoras certificadas en prevención de violencia de pareja",
                "Greater capacity",
                "Count",
                "Sum",
                5,
                15,
                20,
            ),
            (
                "FRE-2",
                "Mujeres que participan en círculos",
                "Short-term outcomes",
                "Count",
                "Max",
                10,
                40,
                60,
            ),
            (
                "FRE-3",
                "Porcentaje de socios con compromiso formal",
                "Continued change",
                "Percent",
                "Latest",
                10,
                30,
                50,
            ),
        ),
        spelling={"dates": "text"},
    ),
    Profile(
        id="los-angeles",
        city="Los Angeles",
        seed=44,
        strategies=(
            "Power building",
            "Civic engagement",
            "Leadership development",
            "Strategic communications and narrative change",
        ),
        sectors=(
            "Labor and worker rights",
            "Community-based organization",
            "Economic development",
            "Domestic violence services",
            "Media and arts",
            "Philanthropy",
            "Business",
        ),
        organizations=(
            "LA Worker Center Network",
            "Garment Worker Center",
            "Pilipino Workers Center",
            "CLEAN Carwash Worker Center",
            "Koreatown Immigrant Workers Alliance",
            "Peace Over Violence",
            "Los Angeles Black Worker Center",
            "LA Local Initiatives Support",
            "Community Coalition Media Lab",
            "California Community Foundation",
            "Restaurant Opportunities Center LA",
            "Instituto de Educación Popular del Sur de California",
            "Downtown Small Business Alliance",
        ),
        titles=ENGLISH_TITLES,
        lessons=(
            ("Success", "Worker centers added IPV check-ins to wage-theft clinics.", True),
            ("Challenge", "Shift work makes evening sessions hard to attend.", True),
            (
                "Insight",
                "Economic security and relationship safety are one conversation for workers.",
                True,
            ),
        ),
        indicators=(
            (
                "LA-1",
                "Worker leaders trained to talk about IPV",
                "Greater capacity",
                "Count",
                "Sum",
                0,
                40,
                60,
            ),
            (
                "LA-2",
                "Worker centers with an IPV referral protocol",
                "Continued change",
                "Count",
                "Latest",
                1,
                5,
                8,
            ),
            (
                "LA-3",
                "Wage-theft cases with an IPV screen",
                "Short-term outcomes",
                "Percent",
                "Latest",
                0,
                30,
                60,
            ),
        ),
        activities=90,
        spelling={"headers": "underscores", "money": "text"},
    ),
    Profile(
        id="san-diego",
        city="San Diego",
        seed=55,
        strategies=(
            "Culturally rooted intergenerational healing, education, and organizing",
            "Norms and culture change",
            "Leadership development",
        ),
        sectors=(
            "Community-based organization",
            "Faith-based",
            "Youth development",
            "Mental health",
            "Education",
            "Government",
        ),
        organizations=(
            "East African Men and Boys Collaborative",
            "Horn of Africa Community Center",
            "Masjid Al-Ribat Youth Program",
            "City Heights Youth Soccer League",
            "Survivors of Torture International",
            "San Diego Unified Refugee Programs",
            "County of San Diego Office of Equity",
            "United Women of East Africa",
            "Somali Family Service",
            "Ethiopian Community Church",
        ),
        titles=ENGLISH_TITLES,
        lessons=(
            (
                "Success",
                "Fathers' circles opened conversations elders had avoided for years.",
                True,
            ),
            ("Challenge", "Interpreting across four languages doubled meeting length.", True),
            ("Course correction", "We paired each youth leader with an elder mentor.", True),
            ("Insight", "Faith leaders were ready to speak once they saw the data.", True),
        ),
        indicators=(
            (
                "SD-1",
                "Men and boys completing the healing circle series",
                "Short-term outcomes",
                "Count",
                "Sum",
                0,
                30,
                45,
            ),
            (
                "SD-2",
                "Faith leaders who spoke publicly on IPV",
                "Multisector value",
                "Count",
                "Sum",
                1,
                6,
                10,
            ),
            (
                "SD-3",
                "Average youth score on healthy-relationship survey",
                "Short-term outcomes",
                "Score",
                "Mean",
                62,
                70,
                75,
            ),
        ),
        spelling={"yes_no": "letters"},
    ),
)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _fmt_date(profile: Profile, rng: random.Random, day: date) -> object:
    """Most dates are date cells; some trackers type them as text."""
    if profile.spelling.get("dates") == "text" and rng.random() < 0.5:
        return f"{day.month}/{day.day}/{day.year}"
    if rng.random() < 0.05:
        return day.isoformat()
    return datetime(day.year, day.month, day.day)


def _yes_no(profile: Profile, rng: random.Random, value: bool) -> object:
    if profile.spelling.get("yes_no") == "letters":
        return "Y" if value else "n"
    return rng.choice(["Yes", "yes", True]) if value else rng.choice(["No", "NO", False])


def _header(profile: Profile, header: str) -> str:
    if profile.spelling.get("headers") == "underscores":
        return header.replace(" ", "_").lower()
    if profile.spelling.get("header_case") == "upper":
        return header.upper()
    return header


def _tab_title(profile: Profile, name: str) -> str:
    return f" {name.lower()} " if profile.spelling.get("tab_case") == "lower" else name


def partners(profile: Profile, rng: random.Random) -> list[list[object]]:
    """Partners: most predate the program; a few join in years two and three."""
    rows: list[list[object]] = []
    for index, organization in enumerate(profile.organizations, start=1):
        sector = profile.sectors[(index - 1) % len(profile.sectors)]
        joined = _day(rng, date(2017, 6, 1), date(2019, 10, 1))
        if index > len(profile.organizations) - 4:
            joined = _day(rng, date(2019, 12, 1), date(2021, 6, 30))
        left = _day(rng, joined + timedelta(days=200), date(2021, 9, 30)) if index == 5 else None
        prior = sector == "Domestic violence services" or index == 1
        commitment = (
            _day(rng, max(joined, START), END) if rng.random() < 0.45 or index == 1 else None
        )
        rows.append(
            [
                f"P{index:02d}",
                organization,
                sector,
                _fmt_date(profile, rng, joined),
                _fmt_date(profile, rng, left) if left else None,
                rng.choice(("Informed", "Consulted", "Involved", "Collaborating", "Leading")),
                _yes_no(profile, rng, prior),
                _fmt_date(profile, rng, commitment) if commitment else None,
            ]
        )
    return rows


def activities(profile: Profile, rng: random.Random, scale: int) -> list[list[object]]:
    """Activities across both years; virtual after March 2020."""
    rows: list[list[object]] = []
    partner_ids = [f"P{i:02d}" for i in range(1, len(profile.organizations) + 1)]
    for index in range(1, profile.activities * scale + 1):
        component = rng.choices(COMPONENTS, weights=(3, 6, 2, 2))[0]
        day = _day(rng, START, END)
        status = rng.choices(("Completed", "Planned", "Cancelled"), weights=(12, 1, 1))[0]
        participants = rng.randint(4, 60) if status == "Completed" else None
        lived = rng.randint(0, participants // 3) if participants else None
        chosen = rng.sample(partner_ids, k=rng.choice((0, 1, 2, 2, 3)))
        modality = (
            "Virtual"
            if COVID <= day <= date(2021, 4, 1)
            else rng.choice(("In person", "In person", "Hybrid"))
        )
        rows.append(
            [
                f"A-{index:03d}",
                _fmt_date(profile, rng, day),
                component if rng.random() > 0.05 else component.upper(),
                rng.choice(profile.strategies) if component == COMPONENTS[1] else None,
                rng.choice(profile.titles[component]),
                status,
                f"{participants:,}" if participants and participants > 999 else participants,
                lived if lived else None,
                rng.choice(("; ", ", ")).join(chosen) or None,
                modality,
                rng.choice((None, None, None, "Good turnout", "Snacks donated by partner")),
            ]
        )
    return rows


def milestones(profile: Profile, rng: random.Random) -> list[list[object]]:
    """A handful of milestones, most achieved."""
    kinds = (
        ("Mission or vision statement", "Mission statement now names safe relationships"),
        ("Strategic plan", "Three-year strategic plan includes IPV prevention"),
        ("Job description", "Coordinator role written into a partner's budget"),
        ("Policy introduced", "Resolution on IPV prevention introduced"),
        ("Systems or practice change", "Partner added IPV screening to intake"),
        ("Budget allocation", "County budget line for prevention"),
    )
    rows: list[list[object]] = []
    for index, (kind, description) in enumerate(kinds, start=1):
        rows.append(
            [
                f"M{index}",
                _fmt_date(profile, rng, _day(rng, START, END)),
                kind,
                rng.choice(("Organizational", "Local", "County")),
                "Achieved" if rng.random() < 0.75 else "In progress",
                description,
            ]
        )
    return rows


def funding(profile: Profile, rng: random.Random) -> list[list[object]]:
    """Grants and gifts across the two years."""
    sources = (
        ("Blue Shield of California Foundation", "Foundation", "Secured", 150000),
        ("County general fund", "Government", "Secured", 40000),
        ("Local community foundation", "Foundation", "Pending", 25000),
        ("Regional bank", "Corporate", "Declined", 10000),
        ("Annual gala", "Individual donors", "Secured", 8750.5),
        ("State violence prevention grant", "Government", "Requested", 120000),
        ("Donated meeting space", "In-kind", "Secured", 3600),
    )
    rows: list[list[object]] = []
    years = ((START, date(2020, 10, 31)), (date(2020, 11, 1), END))
    for index, (source, kind, status, amount) in enumerate(sources, start=1):
        first, last = years[index % 2]
        amount = round(amount * rng.uniform(0.7, 1.3), 2 if amount % 1 else -2)
        shown: object = amount
        if profile.spelling.get("money") == "text":
            shown = f"${amount:,.2f}"
        rows.append(
            [
                f"F{index}",
                source,
                kind,
                status,
                shown,
                _fmt_date(profile, rng, _day(rng, first, last)),
                rng.choice(("Staffing", "Operations", "Programs", "Mixed")),
            ]
        )
    return rows


def indicators(profile: Profile) -> list[list[object]]:
    """Indicators with baselines and year two / year three targets."""
    return [
        [ident, name, outcome, unit, aggregation, "Increase", baseline, target2, target3]
        for ident, name, outcome, unit, aggregation, baseline, target2, target3 in (
            profile.indicators
        )
    ]


def measurements(profile: Profile, rng: random.Random) -> list[list[object]]:
    """Quarterly measurements that mostly climb toward the targets."""
    rows: list[list[object]] = []
    quarters = [
        date(2020, 1, 31),
        date(2020, 4, 30),
        date(2020, 7, 31),
        date(2020, 10, 31),
        date(2021, 1, 31),
        date(2021, 4, 30),
        date(2021, 7, 31),
        date(2021, 10, 31),
    ]
    for (
        ident,
        _name,
        _outcome,
        unit,
        aggregation,
        baseline,
        target2,
        target3,
    ) in profile.indicators:
        for quarter, day in enumerate(quarters):
            target = target2 if day <= date(2020, 10, 31) else target3
            if aggregation == "Sum":
                value: float = round(target / 4 * rng.uniform(0.6, 1.3))
            else:
                progress = (quarter % 4 + 1) / 4
                value = round(baseline + (target - baseline) * progress * rng.uniform(0.8, 1.1), 1)
                if unit == "Count":
                    value = round(value)
            rows.append([ident, _fmt_date(profile, rng, day), value, None])
    return rows


def lessons(profile: Profile, rng: random.Random) -> list[list[object]]:
    """Lessons, most shared with the funder."""
    return [
        [
            f"L{index}",
            _fmt_date(profile, rng, _day(rng, START, END)),
            kind,
            rng.choice(COMPONENTS),
            text,
            _yes_no(profile, rng, shared),
        ]
        for index, (kind, text, shared) in enumerate(profile.lessons, start=1)
    ]


def submissions(profile: Profile, rng: random.Random) -> list[list[object]]:
    """Monthly submissions: mostly within two weeks, a few late, one or two missing."""
    rows: list[list[object]] = []
    month = START
    while month <= END:
        if rng.random() > 0.06:
            next_month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            delay = rng.choice((3, 7, 10, 12, 14, 20, 35)) if rng.random() < 0.3 else 8
            submitted = next_month - timedelta(days=1) + timedelta(days=delay)
            rows.append(
                [f"{month:%Y-%m}", datetime(submitted.year, submitted.month, submitted.day)]
            )
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return rows


HEADERS = {tab.name: headers(tab) for tab in TABS}


def plant_problems(profile: Profile, tabs: dict[str, list[list[object]]]) -> None:
    """Plant the realistic mistakes each sample shows in `stc-report validate`."""
    acts = tabs[ACTIVITIES.name]
    if profile.quirks == "mckinleyville":
        acts[4][7] = 70  # more lived-experience participants than participants
        acts[4][6] = 12
        acts[9][10] = "Follow up with the facilitator at jo.smith@example.org"
    elif profile.quirks == "oakland":
        acts[12][0] = acts[11][0]  # a copied row kept its Activity ID
        acts[20][8] = "P03; P99"  # P99 is not in Partners
    elif profile.quirks == "fresno":
        acts[7][1] = "marzo 2020"  # not a date
        tabs[LESSONS.name][3][4] = "Llamar a la promotora al (559) 555-0142 para el taller."
    elif profile.quirks == "los-angeles":
        acts[3][5], acts[3][6] = "Completed", "about 30"
        acts[30][5], acts[30][6] = "Completed", 640  # an extra digit: an outlier warning
        tabs[PARTNERS.name][2][2] = "Labor"  # not one of the sector labels
    elif profile.quirks == "san-diego":
        tabs[MEASUREMENTS.name].append(["SD-9", datetime(2021, 3, 31), 12, None])
        acts[15][3] = None  # strategy missing on a strategy-implementation row
        acts[15][2] = "Strategy implementation"


def build_tabs(profile: Profile, scale: int) -> dict[str, list[list[object]]]:
    """Build one collaborative's rows, tab by tab, with its planted problems."""
    rng = random.Random(profile.seed)
    tabs: dict[str, list[list[object]]] = {
        ACTIVITIES.name: activities(profile, rng, scale),
        PARTNERS.name: partners(profile, rng),
        MILESTONES.name: milestones(profile, rng),
        FUNDING.name: funding(profile, rng),
        INDICATORS.name: indicators(profile),
        MEASUREMENTS.name: measurements(profile, rng),
        LESSONS.name: lessons(profile, rng),
        SUBMISSIONS.name: submissions(profile, rng),
    }
    plant_problems(profile, tabs)
    return tabs


def build_workbook(profile: Profile, scale: int) -> Workbook:
    """Build one collaborative's tracker workbook."""
    return write_workbook(profile, build_tabs(profile, scale))


def write_workbook(profile: Profile, tabs: dict[str, list[list[object]]]) -> Workbook:
    """Lay the tabs' rows out as a workbook, headers spelled the way this tracker spells them."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in tabs.items():
        sheet = workbook.create_sheet(_tab_title(profile, name))
        headers = [_header(profile, h) for h in HEADERS[name]]
        if profile.quirks == "mckinleyville" and name == ACTIVITIES.name:
            headers.append("Room booked")  # not in the format: a warning, then ignored
            rows = [[*row, "Yes" if i % 3 else None] for i, row in enumerate(rows)]
        if profile.quirks == "san-diego" and name == PARTNERS.name:
            headers.append("Phone")  # a personal-data column: dropped at ingest
            rows = [[*row, f"619-555-01{i:02d}"] for i, row in enumerate(rows)]
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        if name == ACTIVITIES.name and len(rows) > 30:
            sheet.insert_rows(31)  # a blank row people leave between months
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
    fixed = datetime(2021, 11, 5, 9, 0, 0)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "Safety Through Connection"
    return workbook


def main() -> None:
    """Write the five trackers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--scale", type=int, default=1, help="multiply activity rows")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    for profile in PROFILES:
        path = arguments.out / f"{profile.id}.xlsx"
        build_workbook(profile, arguments.scale).save(path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
