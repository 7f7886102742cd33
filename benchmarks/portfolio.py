"""Write a synthetic portfolio: N collaboratives' trackers and a config, the same from a seed.

Usage: python benchmarks/portfolio.py --collaboratives 500 --seed 7 --out DIR [--json PATH]

Each collaborative's tracker is built by the sample generator (tools/generate_samples.py)
from one of the five sample collaboratives, its "family", in turn: the family's tracker
habits (header and tab spellings, text dates and amounts, Y/N), its planted problems, its
extra columns and, for Fresno's family, Spanish and `language: es`. What makes each one
its own comes from the seed: its random stream, how many activities it logged (tens to a
few hundred across program years 2 and 3), which and how many partners it has. About one
tracker in ten gets one more everyday mistake (a date typed as words, a status that is not
a choice, a copied Activity ID). One or two trackers cannot be used at all, as happens in a
real portfolio: one lost its Partners tab (a required tab), one was given as a CSV export
instead of a workbook; the run must report them and go on with the others.

DIR gets `program.yaml` (the program of config/program.yaml, these collaboratives),
`narratives.yaml` (the sample's) and `trackers/<id>.xlsx`. Every tracker is built cell by
cell (no copies): about 17 s of CPU for 500 trackers and 130,000 rows on a 2-core machine.
The cells are the same for the same seed; only the "modified" time openpyxl stamps in each
file's properties differs between two writes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stc_reporting.contract.tabs import ACTIVITIES, PARTNERS  # noqa: E402
from tools.generate_samples import PROFILES, Profile, build_tabs, write_workbook  # noqa: E402

CONFIG_SOURCE = REPO / "config" / "program.yaml"
NARRATIVES_SOURCE = REPO / "config" / "narratives.yaml"
SPANISH_FAMILY = "fresno"
EXTRA_MISTAKE_SHARE = 0.1
FEWEST_ACTIVITIES, MOST_ACTIVITIES = 40, 320
FEWEST_PARTNERS = 9  # the fifth partner leaves; the last four join late

# Column positions in the Activities rows tools/generate_samples.py builds.
ACTIVITY_ID, ACTIVITY_DATE, ACTIVITY_STATUS = 0, 1, 5


@dataclass(frozen=True)
class Member:
    """One collaborative of the portfolio, as the config lists it.

    Attributes:
        profile: How its tracker is built (its family's habits, its own seed and sizes).
        name: Its name in the config.
        workbook: Its tracker's file name under `trackers/`.
        language: `es` for a report in Spanish, else None (the program's).
        failure: Why its tracker cannot be used ("" when it can).
        mistake: The extra everyday mistake planted in it ("" when none).
    """

    profile: Profile
    name: str
    workbook: str
    language: str | None
    failure: str = ""
    mistake: str = ""


@dataclass(frozen=True)
class Portfolio:
    """What `write_portfolio` wrote.

    Attributes:
        config: The config file listing every collaborative.
        members: The collaboratives, in config order.
        rows: The data rows written, all trackers and tabs (the unusable ones included).
        seconds: How long writing took.
    """

    config: Path
    members: list[Member]
    rows: int
    seconds: float

    def figures(self) -> dict[str, object]:
        """The portfolio in numbers, for a benchmark's JSON."""
        return {
            "collaboratives": len(self.members),
            "rows": self.rows,
            "spanish": sum(1 for m in self.members if m.language == "es"),
            "extra_mistakes": sum(1 for m in self.members if m.mistake),
            "unusable": {m.profile.id: m.failure for m in self.members if m.failure},
            "seconds_to_write": round(self.seconds, 2),
        }


def plan_members(count: int, seed: int) -> list[Member]:
    """Decide every collaborative of the portfolio from the seed (nothing is written)."""
    failures = _failures(count)
    members = []
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        family = PROFILES[index % len(PROFILES)]
        profile = _variant(family, index, rng)
        failure = failures.get(index, "")
        mistake = "" if failure or rng.random() >= EXTRA_MISTAKE_SHARE else _mistake(rng)
        suffix = "csv" if failure == "csv export" else "xlsx"
        members.append(
            Member(
                profile=profile,
                name=f"{profile.organizations[0]} ({profile.city} {index + 1})",
                workbook=f"{profile.id}.{suffix}",
                language="es" if family.id == SPANISH_FAMILY else None,
                failure=failure,
                mistake=mistake,
            )
        )
    return members


def _failures(count: int) -> dict[int, str]:
    """The unusable trackers: one in three at most, two at most, at the end of the list."""
    kinds = ("missing Partners tab", "csv export")[: min(2, count // 3)]
    return {count - 1 - offset: kind for offset, kind in enumerate(kinds)}


def _variant(family: Profile, index: int, rng: random.Random) -> Profile:
    organizations = list(family.organizations)
    rng.shuffle(organizations)
    partners = rng.randint(FEWEST_PARTNERS, len(organizations))
    return replace(
        family,
        id=f"{family.id}-{index + 1:03d}",
        seed=rng.randrange(2**31),
        organizations=tuple(organizations[:partners]),
        activities=rng.randint(FEWEST_ACTIVITIES, MOST_ACTIVITIES),
        family=family.id,
    )


def _mistake(rng: random.Random) -> str:
    return rng.choice(("date in words", "unknown status", "copied activity id"))


def build_tracker(member: Member) -> dict[str, list[list[object]]]:
    """The tracker's rows tab by tab: its family's planted problems, plus its own mistake."""
    tabs = build_tabs(member.profile, 1)
    activities = tabs[ACTIVITIES.name]
    row = len(activities) // 2
    if member.mistake == "date in words":
        activities[row][ACTIVITY_DATE] = "sometime in spring"
    elif member.mistake == "unknown status":
        activities[row][ACTIVITY_STATUS] = "Done-ish"
    elif member.mistake == "copied activity id":
        activities[row][ACTIVITY_ID] = activities[row - 1][ACTIVITY_ID]
    return tabs


def write_tracker(member: Member, folder: Path) -> int:
    """Write one tracker into `folder`; return its data rows."""
    tabs = build_tracker(member)
    path = folder / member.workbook
    if member.failure == "csv export":
        with path.open("w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows(tabs[ACTIVITIES.name])
        return len(tabs[ACTIVITIES.name])
    if member.failure == "missing Partners tab":
        del tabs[PARTNERS.name]
    write_workbook(member.profile, tabs).save(path)
    return sum(len(rows) for rows in tabs.values())


def config_text(members: list[Member]) -> str:
    """The config: the sample program's section, then these collaboratives."""
    program = CONFIG_SOURCE.read_text(encoding="utf-8").split("\ncollaboratives:")[0]
    lines = [program.rstrip(), "", "collaboratives:"]
    for member in members:
        lines += [
            f"  - id: {member.profile.id}",
            f"    name: {json.dumps(member.name, ensure_ascii=False)}",
            f"    city: {member.profile.city}",
            f"    workbook: trackers/{member.workbook}",
        ]
        lines += [f"    language: {member.language}"] if member.language else []
    return "\n".join(lines) + "\n"


def write_portfolio(count: int, seed: int, out: Path) -> Portfolio:
    """Write the portfolio's trackers, config and narratives into `out` (made if missing).

    Args:
        count: How many collaboratives.
        seed: The seed everything is drawn from: the same seed, the same cells.
        out: The folder (its `trackers/` is emptied first).
    """
    started = time.perf_counter()
    members = plan_members(count, seed)
    trackers = out / "trackers"
    shutil.rmtree(trackers, ignore_errors=True)
    trackers.mkdir(parents=True)
    rows = sum(write_tracker(member, trackers) for member in members)
    config = out / "program.yaml"
    config.write_text(config_text(members), encoding="utf-8")
    shutil.copyfile(NARRATIVES_SOURCE, out / "narratives.yaml")
    return Portfolio(config, members, rows, time.perf_counter() - started)


def main() -> None:
    """Write the portfolio and say what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collaboratives", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--json", type=Path, help="also write these figures as JSON")
    arguments = parser.parse_args()
    portfolio = write_portfolio(arguments.collaboratives, arguments.seed, arguments.out)
    figures = portfolio.figures()
    print(
        f"wrote {figures['collaboratives']} trackers ({figures['rows']} rows; "
        f"{figures['spanish']} in Spanish; {figures['extra_mistakes']} with an extra mistake; "
        f"unusable: {figures['unusable'] or 'none'}) and {portfolio.config} "
        f"in {figures['seconds_to_write']} s"
    )
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
