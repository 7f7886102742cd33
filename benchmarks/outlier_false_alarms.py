"""Count the outlier rule's false alarms and missed outliers, on the samples and on made-up data.

Usage: python benchmarks/outlier_false_alarms.py [--histories 400] [--seed 11] [--previous-rule]

(a) The five sample trackers (config/program.yaml), read and checked as a run does
(`stc_reporting.pipeline.read_and_check`). The sample generator plants one true outlier
(an extra digit: Los Angeles, 640 participants at one activity); every other flag is a
false alarm.

(b) Generated histories with no outliers but the ones this script injects: per
collaborative, participants per completed activity and monthly indicator counts
(negative binomial, some with a trend), funding amounts (log-normal dollars) and a
monthly percentage (beta). A third of the series get one injected outlier: a digit too
many or too few (x10 or /10), the mistake the warning exists for. Each series goes
through the rule's own `flag_outliers`.

The false-alarm rate is flags on clean values / clean values checked (series with at
least the rule's minimum number of values); the detection rate is injected outliers
flagged / injected. `--previous-rule` judges the generated histories with the rule used
before (a modified z-score above 3.5 on the values themselves) for comparison.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stc_reporting.checks.outliers import (  # noqa: E402
    MIN_VALUES,
    THRESHOLD,
    ValueKind,
    flag_outliers,
    modified_z_scores,
)
from stc_reporting.config import load_config  # noqa: E402
from stc_reporting.pipeline import read_and_check  # noqa: E402

PLANTED = {("los-angeles", "Activities", "640")}
"""The samples' true outliers (tools/generate_samples.py, `plant_problems`)."""

INJECTED_SHARE = 1 / 3


@dataclass
class Tally:
    """Flags and values of one kind of series."""

    checked: int = 0
    false_alarms: int = 0
    injected: int = 0
    caught: int = 0
    injected_up: int = 0
    caught_up: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.checked += other.checked
        self.false_alarms += other.false_alarms
        self.injected += other.injected
        self.caught += other.caught
        self.injected_up += other.injected_up
        self.caught_up += other.caught_up

    def line(self, name: str) -> str:
        """One line of the report."""
        rate = self.false_alarms / self.checked if self.checked else 0.0
        found = self.caught / self.injected if self.injected else 0.0
        warnings = self.false_alarms + self.caught
        wasted = self.false_alarms / warnings if warnings else 0.0
        return (
            f"{name:<22} {self.checked:>6} values {self.false_alarms:>4} false alarms "
            f"({rate:6.2%}); injected {self.injected:>3}, caught {self.caught:>3} ({found:6.1%}); "
            f"{wasted:4.0%} of warnings false; x10 caught {self.caught_up}/{self.injected_up}"
        )


def samples() -> None:
    """Report the outlier warnings on the five sample trackers."""
    config = load_config(REPO / "config/program.yaml")
    checked = read_and_check(config, config.collaboratives, date(2021, 10, 31))
    outliers = [issue for issue in checked.issues if issue.rule == "outlier"]
    true = [i for i in outliers if (i.collaborative, i.tab, i.value) in PLANTED]
    print(f"(a) samples: {len(outliers)} outlier warnings, {len(true)} of them true")
    for issue in outliers:
        kind = "true " if issue in true else "FALSE"
        print(f"    {kind} {issue.collaborative} {issue.tab} row {issue.row}: {issue.message}")
    print(f"    planted outliers caught: {len(true)} of {len(PLANTED)}")


Rule = Callable[[list[float]], list[int]]


def previous_rule(values: list[float]) -> list[int]:
    """The rule before the log scale: modified z-score above 3.5 on the values themselves."""
    scores = modified_z_scores(values)
    return [] if scores is None else [i for i, z in enumerate(scores) if abs(z) > THRESHOLD]


def negative_binomial(rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
    """Overdispersed counts around the given means (a gamma-Poisson mixture)."""
    shape = rng.uniform(2, 10)
    return rng.poisson(rng.gamma(shape, means / shape)).astype(float)


def participants(rng: np.random.Generator) -> np.ndarray:
    """Participants at each completed activity of one collaborative."""
    mean = rng.lognormal(np.log(25), 0.6)
    return negative_binomial(rng, np.full(int(rng.integers(15, 90)), mean))


def monthly_counts(rng: np.random.Generator) -> np.ndarray:
    """A monthly count indicator, flat or growing up to threefold over the months."""
    months = int(rng.integers(8, 37))
    growth = np.linspace(1, rng.choice([1.0, rng.uniform(1, 3)]), months)
    return negative_binomial(rng, rng.lognormal(np.log(30), 0.8) * growth)


def funding_amounts(rng: np.random.Generator) -> np.ndarray:
    """Grant and in-kind amounts in whole dollars."""
    size = int(rng.integers(8, 31))
    return np.round(rng.lognormal(np.log(rng.uniform(2_000, 60_000)), rng.uniform(0.3, 1.0), size))


def monthly_percent(rng: np.random.Generator) -> np.ndarray:
    """A monthly percentage (e.g. share of participants reporting a change), one decimal."""
    share, concentration = rng.uniform(0.2, 0.9), rng.uniform(15, 80)
    months = int(rng.integers(8, 37))
    draws = rng.beta(share * concentration, (1 - share) * concentration, months)
    return np.round(100 * draws, 1)


GENERATORS: dict[str, tuple[Callable[[np.random.Generator], np.ndarray], ValueKind]] = {
    "participants/activity": (participants, ValueKind.COUNT),
    "monthly counts": (monthly_counts, ValueKind.COUNT),
    "funding amounts": (funding_amounts, ValueKind.MONEY),
    "monthly percent": (monthly_percent, ValueKind.OTHER),
}


def inject(rng: np.random.Generator, values: np.ndarray) -> tuple[int, bool] | None:
    """Maybe replace one value by a digit slip; return its position and whether it was x10."""
    candidates = np.flatnonzero(values >= 10)
    if rng.random() >= INJECTED_SHARE or candidates.size == 0:
        return None
    where = int(rng.choice(candidates))
    up = bool(rng.random() < 0.5)
    values[where] = values[where] * 10 if up else np.round(values[where] / 10, 1)
    return where, up


def judge(rng: np.random.Generator, name: str, rule: Rule) -> Tally:
    """Generate one series, maybe inject an outlier, and count what the rule flags."""
    generate, kind = GENERATORS[name]
    values = generate(rng)
    if kind is ValueKind.OTHER:
        values = np.minimum(values, 100.0)
    injected = inject(rng, values)
    where, up = injected if injected else (None, False)
    tally = Tally()
    if values.size < MIN_VALUES:
        return tally
    flagged = set(rule([float(v) for v in values]))
    tally.checked = values.size - (where is not None)
    tally.false_alarms = len(flagged - {where})
    tally.injected = where is not None
    tally.caught = where in flagged
    tally.injected_up = up
    tally.caught_up = up and where in flagged
    return tally


def histories(count: int, seed: int, rule: Rule) -> None:
    """Report the rule's rates on generated histories."""
    rng = np.random.default_rng(seed)
    tallies: dict[str, Tally] = {name: Tally() for name in GENERATORS}
    for _ in range(count):
        for name in GENERATORS:
            tallies[name].add(judge(rng, name, rule))
    total = Tally()
    print(f"(b) {count} generated collaborative histories (seed {seed}):")
    for name, tally in tallies.items():
        print("    " + tally.line(name))
        total.add(tally)
    print("    " + total.line("all"))


def main() -> None:
    """Print both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--previous-rule", action="store_true")
    args = parser.parse_args()
    samples()
    histories(args.histories, args.seed, previous_rule if args.previous_rule else flag_outliers)


if __name__ == "__main__":
    main()
