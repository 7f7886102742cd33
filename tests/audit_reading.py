"""Reading `audit.xlsx` back and recomputing every figure from its own rows.

Independent of the code that wrote it: only the workbook's cells and the methods it
names. `reconcile` returns every difference from `rollups.json` (none when it agrees).
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from openpyxl import load_workbook

PROGRAM = "(program)"


@dataclass(frozen=True)
class FigureLine:
    """One line of the Figures sheet."""

    scope: str
    period: str
    figure: str
    key: str
    value: Any
    method: str
    numerator: Any
    numerator_of: str
    denominator: Any
    denominator_of: str
    rows_counted: Any
    link: str | None


@dataclass
class Audit:
    """The workbook's Figures lines, its Rows by figure, and its other sheets' cells."""

    figures: list[FigureLine]
    amounts: dict[tuple[str, str, str, str], list[Any]]
    rows: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    about: list[str]


def _records(sheet: Any) -> Iterator[dict[str, Any]]:
    lines = sheet.iter_rows(values_only=True)
    header = next(lines)
    for line in lines:
        yield {
            name: ("" if value is None else value) for name, value in zip(header, line, strict=True)
        }


def read_audit(content: bytes) -> Audit:
    """Read `audit.xlsx` from its bytes."""
    workbook = load_workbook(io.BytesIO(content))
    figures = [FigureLine(*(line[name] for name in line)) for line in _records(workbook["Figures"])]
    rows = list(_records(workbook["Rows"]))
    amounts: dict[tuple[str, str, str, str], list[Any]] = defaultdict(list)
    for row in rows:
        key = (row["Period"], row["Figure"], row["Key"], row["Collaborative"])
        amounts[key].append(row["Amount"])
    about = [str(line[0]) for line in workbook["About"].iter_rows(values_only=True) if line[0]]
    return Audit(figures, amounts, rows, list(_records(workbook["Excluded"])), about)


def value_in(rollups: dict[str, Any], line: FigureLine) -> Any:
    """The value `rollups.json` gives the figure of a Figures line."""
    periods = (
        rollups["program_totals"]
        if line.scope == PROGRAM
        else rollups["collaboratives"][line.scope]["periods"]
    )
    figures = periods[line.period]
    if line.figure.startswith("indicators."):
        return figures["indicators"][line.key][line.figure.removeprefix("indicators.")]
    value = figures[line.figure][line.key] if line.key else figures[line.figure]
    return "; ".join(value) if isinstance(value, list) else value


def _sum(values: list[Any]) -> Any:
    if all(isinstance(v, int) for v in values):
        return sum(values)
    return math.fsum(values)


def _from_rows(method: str, amounts: list[Any]) -> Any:
    """A collaborative's figure from its rows' amounts, by the method the workbook names."""
    if method == "count of rows":
        assert all(amount == 1 for amount in amounts)
        return len(amounts)
    if method == "sum of amounts":
        return _sum(amounts)
    if method == "distinct labels":
        return "; ".join(sorted(set(amounts)))
    if method == "count of distinct labels":
        return len(set(amounts))
    if not amounts:
        return None
    if method == "sum of amounts (blank: no rows)":
        return _sum(amounts)
    if method == "mean of amounts":
        return fmean(amounts)
    if method == "largest amount":
        return max(amounts)
    if method == "amount of the latest row":
        assert len(amounts) == 1
        return amounts[0]
    if method.startswith("target"):
        return math.fsum(amounts)
    raise AssertionError(f"unknown method {method!r}")


def _shown(value: Any) -> Any:
    return None if value == "" else value


def recompute(audit: Audit) -> dict[tuple[str, str, str, str], Any]:
    """Every figure of the workbook recomputed from its rows (program: from collaboratives).

    A share is recomputed from its numerator's and denominator's own recomputed figures
    (the workbook shows numbers to 16 digits, as spreadsheets keep them); a denominator
    that is no figure of its own (months expected of a tracker with the tab) as shown.
    """
    values: dict[tuple[str, str, str, str], Any] = {}
    by_figure: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    scopes: dict[str, set[str]] = defaultdict(set)
    shares = [line for line in audit.figures if line.method == "numerator ÷ denominator"]
    for line in audit.figures:
        if line.scope == PROGRAM or line in shares or line.method.startswith("status"):
            continue
        scopes[line.period].add(line.scope)
        place = (line.period, line.figure, line.key, line.scope)
        values[place] = _from_rows(line.method, audit.amounts.get(place, []))
        by_figure[(line.period, line.figure, line.key)].append(values[place])
    for line in audit.figures:
        if line.scope == PROGRAM and line not in shares:
            place = (line.period, line.figure, line.key, PROGRAM)
            values[place] = _program(line, by_figure, audit, scopes[line.period])
    for line in shares:
        numerator = values.get(
            (line.period, line.numerator_of, line.key, line.scope), _shown(line.numerator)
        )
        denominator = values.get(
            (line.period, line.denominator_of, line.key, line.scope), _shown(line.denominator)
        )
        values[(line.period, line.figure, line.key, line.scope)] = (
            numerator / denominator if numerator is not None and denominator else None
        )
    return values


def _program(
    line: FigureLine,
    by_figure: dict[tuple[str, str, str], list[Any]],
    audit: Audit,
    scopes: set[str],
) -> Any:
    """A program total from the collaboratives' recomputed figures or their rows."""
    parts = by_figure[(line.period, line.figure, line.key)]
    if line.method == "sum over the collaboratives":
        return _sum(parts) if parts else 0
    if line.method == "union over the collaboratives":
        union = {label for part in parts for label in part.split("; ") if label}
        return "; ".join(sorted(union))
    if line.method == "count of distinct labels":
        return len(
            {
                amount
                for scope in scopes
                for amount in audit.amounts.get((line.period, line.figure, "", scope), [])
            }
        )
    if line.method == "count of rows":  # collaboratives_reporting
        return len(scopes)
    raise AssertionError(f"unknown program method {line.method!r}")


def as_stored(value: Any) -> Any:
    """A number as a spreadsheet file keeps it (16 significant digits)."""
    return float(f"{value:.16g}") if isinstance(value, float) else value


def reconcile(content: bytes, rollups: dict[str, Any]) -> list[str]:
    """Every figure whose workbook value or recomputed value differs from `rollups.json`."""
    audit = read_audit(content)
    recomputed = recompute(audit)
    problems = []
    for line in audit.figures:
        expected = value_in(rollups, line)
        shown = _shown(line.value)
        if shown != as_stored(expected) and not (shown is None and expected == ""):
            problems.append(f"{line}: shown {shown!r}, rollups.json {expected!r}")
        place = (line.period, line.figure, line.key, line.scope)
        if place in recomputed and recomputed[place] != expected:
            problems.append(f"{line}: recomputed {recomputed[place]!r}, rollups.json {expected!r}")
    shown_values = {(f.scope, f.period, f.figure, f.key): f.value for f in audit.figures}
    for line in audit.figures:
        for part, of in (
            (line.numerator, line.numerator_of),
            (line.denominator, line.denominator_of),
        ):
            named = shown_values.get((line.scope, line.period, of, line.key))
            if of and named is not None and as_stored(part) != as_stored(named):
                problems.append(f"{line}: {of} is {named!r}, the share used {part!r}")
    return problems
