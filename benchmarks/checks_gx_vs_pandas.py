"""The data-quality rules by Great Expectations against the same rules in plain pandas (B4).

Usage: python benchmarks/checks_gx_vs_pandas.py [--trackers 500] [--repeat 3]
       [--config PATH] [--json out/benchmarks/checks_gx_vs_pandas.json]

Reads the trackers once (the five samples of config/program.yaml, or every tracker of
`--config`), then, without `--config`, makes `--trackers` collaboratives of them: copies
of the samples in turn, each under its own id (`oakland-0002`), so the rules see a
portfolio of that size, each copy with one error planted in its rows (copy n breaks the
suites' rule n, in turn, so every rule finds rows to fail, not only the few the samples
hold: the comparison covers every rule). Then it runs the rule checks side by side,
`--repeat` times, alternating:

- GX: `stc_reporting.checks.validation.validate_trackers`, as the pipeline's checks
  stage runs it (one validation per tab for all collaboratives; GX imported beforehand,
  its import timed apart);
- pandas: the same suite files (`expectations/*.json`) interpreted here in plain pandas,
  on the same frames, turned into issues by the same code.

Both must give exactly the same issues (the same failing rows, rules and messages): the
script stops with an error if they differ, so the comparison is honest. Target (issue 13,
B4): GX at most 3× the plain-pandas time. The fastest of the repeats counts.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from target_table import TargetRow, print_and_write

if TYPE_CHECKING:
    from stc_reporting.checks.validation import CheckWindow
    from stc_reporting.ingest.reading import ParsedTracker
    from stc_reporting.issues import Issue

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_RATIO = 3.0
Rule = dict[str, Any]


# --- the portfolio ----------------------------------------------------------------------


def read_portfolio(config_path: Path, copies: int | None) -> tuple[list[ParsedTracker], date, date]:
    """Read the config's trackers; with `copies`, that many collaboratives made of them.

    Returns:
        The trackers, and the program's first and last day.
    """
    from stc_reporting.config import load_config
    from stc_reporting.pipeline import read_trackers

    config = load_config(config_path)
    read = read_trackers(config.collaboratives)
    trackers = [t for t in read if t.failure is None]
    if copies is not None:
        rules = suite_rules()
        trackers = [
            plant_error(
                dataclasses.replace(
                    trackers[n % len(trackers)],
                    collaborative=f"{trackers[n % len(trackers)].collaborative}-{n + 1:04d}",
                ),
                *rules[n % len(rules)],
                row_index=n // len(rules),
            )
            for n in range(copies)
        ]
    return trackers, config.program.start, config.program.end


# --- planted errors ---------------------------------------------------------------------

CONDITION = re.compile(r'(\w+)=="([^"]*)"')
FAR_PAST, FAR_FUTURE = date(1990, 1, 1), date(2099, 1, 1)


def suite_rules() -> list[tuple[str, Rule]]:
    """Every rule of every suite, with its tab's name, in suite order."""
    from stc_reporting.checks.validation import load_suite_json
    from stc_reporting.contract.tabs import TABS

    return [(tab.name, rule) for tab in TABS for rule in load_suite_json(tab)["expectations"]]


def plant_error(tracker: ParsedTracker, tab_name: str, rule: Rule, row_index: int) -> ParsedTracker:
    """A copy of the tracker whose row `row_index` (wrapped) of the tab breaks the rule."""
    data = tracker.tabs.get(tab_name)
    if data is None or len(data.rows) < 2:
        return tracker
    rows = [dict(row) for row in data.rows]
    index = row_index % len(rows)
    _break(rule, rows[index], rows[(index + 1) % len(rows)])
    tabs = {**tracker.tabs, tab_name: dataclasses.replace(data, rows=rows)}
    return dataclasses.replace(tracker, tabs=tabs)


def _break(rule: Rule, row: dict[str, Any], other: dict[str, Any]) -> None:
    """Change `row` so that it fails the rule (`other` is another row of the same tab)."""
    kwargs, field = rule["kwargs"], str(rule["meta"]["field"])
    if condition := CONDITION.fullmatch(kwargs.get("row_condition", "")):
        row[condition[1]] = condition[2]
    kind = rule["type"]
    if kind == "expect_column_values_to_not_be_null":
        row[field] = None
    elif kind == "expect_column_values_to_be_in_set":
        row[field] = "not a listed value"
    elif kind == "expect_column_values_to_be_null":  # partner IDs not in Partners
        row[field] = (*row[field], "P-NOT-LISTED")
    elif kind == "expect_compound_columns_to_be_unique":
        row[field] = other[field]
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kwargs["column_A"], kwargs["column_B"]
        if row[b] is not None:
            row[a] = row[b] - (timedelta(days=1) if isinstance(row[b], date) else 1)
    elif isinstance(kwargs.get("min_value"), int | float):
        row[field] = kwargs["min_value"] - 1
    else:  # dates: outside the program window, or after the run date
        row[field] = FAR_FUTURE if kwargs.get("max_value") else FAR_PAST


# --- the rules in plain pandas ----------------------------------------------------------


def _column(frame: pd.DataFrame, name: Any) -> pd.Series[Any]:
    return frame[str(name)]


def _present(series: pd.Series[Any]) -> pd.Series[bool]:
    return series.notna()


def _as_bound(value: Any, parameters: dict[str, Any], series: pd.Series[Any]) -> Any:
    """A rule's bound: a `$PARAMETER` resolved, a date string as a timestamp for dates."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        value = parameters[value["$PARAMETER"]]
    if isinstance(value, str) and pd.api.types.is_datetime64_any_dtype(series):
        return pd.Timestamp(value)
    return value


def _not_null(frame: pd.DataFrame, kwargs: Rule, _: dict[str, Any]) -> pd.Series[bool]:
    return _column(frame, kwargs["column"]).isna()


def _null(frame: pd.DataFrame, kwargs: Rule, _: dict[str, Any]) -> pd.Series[bool]:
    return _present(_column(frame, kwargs["column"]))


def _in_set(frame: pd.DataFrame, kwargs: Rule, parameters: dict[str, Any]) -> pd.Series[bool]:
    column = _column(frame, kwargs["column"])
    allowed = _as_bound(kwargs["value_set"], parameters, column)
    return _present(column) & ~column.isin(list(allowed))


def _between(frame: pd.DataFrame, kwargs: Rule, parameters: dict[str, Any]) -> pd.Series[bool]:
    column = _column(frame, kwargs["column"])
    outside = pd.Series(False, index=frame.index)
    if kwargs.get("min_value") is not None:
        low = _as_bound(kwargs["min_value"], parameters, column)
        too_low = column <= low if kwargs.get("strict_min") else column < low
        outside |= too_low.fillna(False).astype(bool)
    if kwargs.get("max_value") is not None:
        high = _as_bound(kwargs["max_value"], parameters, column)
        outside |= (column > high).fillna(False).astype(bool)
    return _present(column) & outside


def _unique(frame: pd.DataFrame, kwargs: Rule, _: dict[str, Any]) -> pd.Series[bool]:
    return frame.duplicated(subset=kwargs["column_list"], keep=False)


def _a_greater(frame: pd.DataFrame, kwargs: Rule, _: dict[str, Any]) -> pd.Series[bool]:
    a, b = _column(frame, kwargs["column_A"]), _column(frame, kwargs["column_B"])
    both = _present(a) & _present(b)
    greater = (a >= b) if kwargs.get("or_equal") else (a > b)
    return both & ~greater.fillna(False).astype(bool)


RULES: dict[str, Callable[[pd.DataFrame, Rule, dict[str, Any]], pd.Series[bool]]] = {
    "expect_column_values_to_not_be_null": _not_null,
    "expect_column_values_to_be_null": _null,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_be_between": _between,
    "expect_compound_columns_to_be_unique": _unique,
    "expect_column_pair_values_a_to_be_greater_than_b": _a_greater,
}


def failing_rows(frame: pd.DataFrame, rule: Rule, parameters: dict[str, Any]) -> list[int]:
    """The `_id`s of the rows that fail one suite rule (within its row condition)."""
    kwargs = rule["kwargs"]
    scope = frame
    if "row_condition" in kwargs:
        scope = frame.query(kwargs["row_condition"], engine="python")
    failed = RULES[rule["type"]](scope, kwargs, parameters)
    return [int(n) for n in scope.loc[failed.to_numpy(dtype=bool), "_id"]]


def validate_with_pandas(
    trackers: Sequence[ParsedTracker], window: CheckWindow, fired: set[str] | None = None
) -> list[Issue]:
    """`validate_trackers`, with every suite rule evaluated in pandas instead of GX.

    Args:
        trackers: Trackers as read.
        window: Program window and run date for the date rules.
        fired: If given, gets `<tab>#<n>` of each suite rule that failed some row.
    """
    from stc_reporting.checks import validation
    from stc_reporting.contract.tabs import TABS
    from stc_reporting.issues import Severity

    parameters = {**window.parameters(), "indicator_keys": validation._indicator_keys(trackers)}
    severities = {"critical": Severity.ERROR, "warning": Severity.WARNING}
    issues: list[Issue] = []
    for tab in TABS:
        located = [
            validation._Located(tracker, tracker.tabs[tab.name], row)
            for tracker in trackers
            if tab.name in tracker.tabs
            for row in tracker.tabs[tab.name].rows
        ]
        if not located:
            continue
        frame = validation._frame(tab, located)
        for number, rule in enumerate(validation.load_suite_json(tab)["expectations"]):
            failing = failing_rows(frame, rule, parameters)
            if failing and fired is not None:
                fired.add(f"{tab.slug}#{number}")
            for row_id in failing:
                issue = validation._issue(
                    tab, located[row_id], rule["meta"], severities[rule["severity"]], window
                )
                if issue is not None:
                    issues.append(issue)
    return issues


def build_frames(trackers: Sequence[ParsedTracker]) -> None:
    """Only the part both ways share: each tab's frame, as `validate_trackers` builds it."""
    from stc_reporting.checks import validation
    from stc_reporting.contract.tabs import TABS

    for tab in TABS:
        located = [
            validation._Located(tracker, tracker.tabs[tab.name], row)
            for tracker in trackers
            if tab.name in tracker.tabs
            for row in tracker.tabs[tab.name].rows
        ]
        if located:
            validation._frame(tab, located)


# --- the measuring ----------------------------------------------------------------------


def timed(work: Callable[[], list[Issue]]) -> tuple[float, list[Issue]]:
    """Run `work` once; return its seconds and its issues."""
    started = time.perf_counter()
    issues = work()
    return time.perf_counter() - started, issues


def compare(gx: list[Issue], pandas: list[Issue]) -> None:
    """Stop the benchmark if the two ways found different issues."""
    only_gx, only_pandas = Counter(gx) - Counter(pandas), Counter(pandas) - Counter(gx)
    if only_gx or only_pandas:
        sample = [*list(only_gx)[:3], *list(only_pandas)[:3]]
        raise SystemExit(
            f"GX and pandas disagree: {sum(only_gx.values())} issues only from GX, "
            f"{sum(only_pandas.values())} only from pandas; for example {sample}"
        )


def main() -> None:
    """Run the benchmark, print the table, write the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trackers", type=int, default=500, help="collaboratives (copies)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    parser.add_argument("--config", type=Path, help="check this config's trackers, as read")
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "out" / "benchmarks" / "checks_gx_vs_pandas.json",
        help="where to write the figures",
    )
    arguments = parser.parse_args()
    from stc_reporting.checks.validation import CheckWindow, validate_trackers

    config = arguments.config or REPO / "config" / "program.yaml"
    copies = None if arguments.config else arguments.trackers
    trackers, start, end = read_portfolio(config, copies)
    window = CheckWindow(start, end, date.today())
    rows = sum(len(data.rows) for tracker in trackers for data in tracker.tabs.values())
    print(f"{len(trackers)} collaboratives, {rows} rows")

    started = time.perf_counter()
    import great_expectations  # noqa: F401  (timed apart: the pipeline imports it once)

    import_seconds = time.perf_counter() - started
    gx_times, pandas_times = [], []
    for _ in range(arguments.repeat):
        seconds, gx_issues = timed(lambda: validate_trackers(trackers, window))
        gx_times.append(seconds)
        seconds, pandas_issues = timed(lambda: validate_with_pandas(trackers, window))
        pandas_times.append(seconds)
        compare(gx_issues, pandas_issues)
    fired: set[str] = set()
    validate_with_pandas(trackers, window, fired)
    started = time.perf_counter()
    build_frames(trackers)
    frames_seconds = time.perf_counter() - started
    gx_best, pandas_best = min(gx_times), min(pandas_times)
    table_rows = [
        TargetRow(
            figure="GX / plain pandas, rule checks",
            unit="×",
            measured=round(gx_best / pandas_best, 2),
            target=TARGET_RATIO,
        )
    ]
    details = {
        "collaboratives": len(trackers),
        "rows": rows,
        "portfolio": f"config {arguments.config}"
        if arguments.config
        else f"{arguments.trackers} copies of the five samples",
        "issues_found": len(gx_issues),
        "issues_by_rule": dict(Counter(issue.rule for issue in gx_issues).most_common()),
        "same_issues": True,
        "suite_rules": len(suite_rules()),
        "suite_rules_failing_some_row": len(fired),
        "gx_seconds": [round(s, 3) for s in gx_times],
        "pandas_seconds": [round(s, 3) for s in pandas_times],
        "gx_best_seconds": round(gx_best, 3),
        "pandas_best_seconds": round(pandas_best, 3),
        "gx_median_seconds": round(statistics.median(gx_times), 3),
        "pandas_median_seconds": round(statistics.median(pandas_times), 3),
        "gx_import_seconds": round(import_seconds, 3),
        "shared_frame_building_seconds": round(frames_seconds, 3),
    }
    print(
        f"GX {gx_best:.2f} s (import {import_seconds:.1f} s apart), plain pandas "
        f"{pandas_best:.2f} s, same {len(gx_issues)} issues; {len(fired)} of "
        f"{len(suite_rules())} suite rules failed some row"
    )
    print_and_write(
        "B4 data-quality checks: GX vs plain pandas", table_rows, details, arguments.json
    )


if __name__ == "__main__":
    main()
