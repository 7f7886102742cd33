"""Great Expectations suites, generated from the contract and kept as JSON.

`expectations/<tab>.json` holds one suite per tracker tab. They are data, not
code: anyone can read which rules apply. They are generated from `contract.py`
so the reader, the suites and the docs cannot drift; a contract test fails when
the committed JSON differs from what the contract generates. Regenerate with
`python -m stc_reporting.contract.suites`.

Every expectation carries `meta`:
    rule: the stable rule id (docs/data-quality-rules.md).
    field: the field the issue is reported against.
    message: the plain-words fix; `{value}`, `{start}`, `{end}` and `{run_date}`
        are filled in per issue.
    near_message: (choice lists only) the fix when the value is near one or two
        choices (`checks/suggestions.py`): `{near}` names them instead of the list.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from stc_reporting.contract.tabs import (
    ACTIVITIES,
    MEASUREMENTS,
    TABS,
    Column,
    Condition,
    Kind,
    Tab,
)
from stc_reporting.locations import EXPECTATIONS_DIR

SUITES_DIR = EXPECTATIONS_DIR

Expectation = dict[str, Any]

# Derived columns that `validation.py` adds before validating (cross-tab facts).
UNKNOWN_PARTNER_IDS = "unknown_partner_ids"
INDICATOR_KEY = "indicator_key"


def _expectation(
    kind: str,
    kwargs: dict[str, Any],
    *,
    rule: str,
    field: str,
    message: str,
    severity: str = "critical",
    near_message: str | None = None,
) -> Expectation:
    meta = {"rule": rule, "field": field, "message": message}
    if near_message is not None:
        meta["near_message"] = near_message
    return {
        "type": kind,
        "kwargs": kwargs,
        "meta": meta,
        "severity": severity,
        "description": message.replace("{value}", "the value").split(":")[0] + ".",
    }


def _when(condition: Condition | None) -> dict[str, Any]:
    if condition is None:
        return {}
    return {
        "row_condition": f'{condition.field}=="{condition.value}"',
        "condition_parser": "pandas",
    }


def _column_rules(column: Column) -> list[Expectation]:
    rules: list[Expectation] = []
    name, header = column.field, column.header
    if column.required:
        rules.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                {"column": name},
                rule="required",
                field=name,
                message=f"{header} is empty: it is required on every row. Fill it in.",
            )
        )
    if column.required_when is not None:
        when = column.required_when
        rules.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                {"column": name, **_when(when)},
                rule="required-when",
                field=name,
                message=f"{header} is empty: it is required when "
                f"{_header_of(when.field)} is {when.value}. Fill it in.",
            )
        )
    if column.unique:
        rules.append(
            _expectation(
                "expect_compound_columns_to_be_unique",
                {"column_list": ["collaborative", name]},
                rule="duplicate-id",
                field=name,
                message=_duplicate_message(column),
            )
        )
    if column.choices:
        labels = "; ".join(column.choices)
        rules.append(
            _expectation(
                "expect_column_values_to_be_in_set",
                {"column": name, "value_set": list(column.choices)},
                rule="not-a-choice",
                field=name,
                message=f"'{{value}}' is not an allowed {header}: use one of {labels}.",
                near_message=f"'{{value}}' is not an allowed {header}: did you mean {{near}}? "
                "Write the choice exactly as listed.",
            )
        )
    if column.min_value is not None:
        bound = "more than" if column.strict_min else "at least"
        rules.append(
            _expectation(
                "expect_column_values_to_be_between",
                {
                    "column": name,
                    "min_value": column.min_value,
                    "strict_min": column.strict_min,
                },
                rule="out-of-range",
                field=name,
                message=f"{header} {{value}} must be {bound} {column.min_value:g}: "
                "correct the number.",
            )
        )
    rules.extend(_date_rules(column))
    return rules


def _date_rules(column: Column) -> list[Expectation]:
    rules: list[Expectation] = []
    name, header = column.field, column.header
    if column.in_program_window:
        first = "window_first_month" if column.kind.value == "month" else "window_start"
        rules.append(
            _expectation(
                "expect_column_values_to_be_between",
                {
                    "column": name,
                    "min_value": {"$PARAMETER": first},
                    "max_value": {"$PARAMETER": "window_end"},
                },
                rule="outside-program-window",
                field=name,
                message=f"{header} {{value}} is outside the program ({{start}} to {{end}}): "
                "check the year and month.",
            )
        )
    condition = column.not_after_run_date_when
    if column.not_after_run_date or condition is not None:
        what = f"a {condition.value} row" if condition else "this column"
        rules.append(
            _expectation(
                "expect_column_values_to_be_between",
                {"column": name, "max_value": {"$PARAMETER": "run_date"}, **_when(condition)},
                rule="date-in-future",
                field=name,
                message=f"{header} {{value}} is after today ({{run_date}}); {what} cannot be "
                "dated in the future. Check the date.",
            )
        )
    return rules


def _duplicate_message(column: Column) -> str:
    if column.kind is Kind.MONTH:
        return (
            "Month {value} is listed on more than one row: keep one row per month. Every "
            "row for it is left out until this is fixed."
        )
    return (
        f"{column.header} '{{value}}' is used on more than one row: give each row its own "
        "ID. Every row sharing it is left out until this is fixed."
    )


def _header_of(field_name: str) -> str:
    return next(c.header for tab in TABS for c in tab.columns if c.field == field_name)


def _pair_rules(tab: Tab) -> list[Expectation]:
    return [
        _expectation(
            "expect_column_pair_values_a_to_be_greater_than_b",
            {
                "column_A": pair.field_a,
                "column_B": pair.field_b,
                "or_equal": pair.or_equal,
                "ignore_row_if": "either_value_is_missing",
            },
            rule=pair.rule,
            field=pair.reported_field,
            message=pair.message,
        )
        for pair in tab.pair_rules
    ]


def _reference_rules(tab: Tab) -> list[Expectation]:
    if tab is ACTIVITIES:
        return [
            _expectation(
                "expect_column_values_to_be_null",
                {"column": UNKNOWN_PARTNER_IDS},
                rule="unknown-partner",
                field="partner_ids",
                message="Partner IDs lists {value}, which is not in the Partners tab; it is "
                "ignored. Add the partner to Partners or correct the ID.",
                severity="warning",
            )
        ]
    if tab is MEASUREMENTS:
        return [
            _expectation(
                "expect_column_values_to_be_in_set",
                {"column": INDICATOR_KEY, "value_set": {"$PARAMETER": "indicator_keys"}},
                rule="unknown-indicator",
                field="indicator_id",
                message="Indicator ID '{value}' is not in the Indicators tab: add the "
                "indicator there or correct the ID.",
            )
        ]
    return []


def build_suite(tab: Tab) -> dict[str, Any]:
    """Return the suite for one tab as a JSON-ready dict.

    Args:
        tab: The contract tab.

    Returns:
        A Great Expectations 1.x suite (`name`, `expectations`, `meta`, `notes`).
    """
    expectations = [rule for column in tab.columns for rule in _column_rules(column)]
    expectations += _pair_rules(tab) + _reference_rules(tab)
    return {
        "name": tab.slug,
        "expectations": expectations,
        "meta": {"generated_from": "stc_reporting/contract/tabs.py", "tab": tab.name},
        "notes": f"Rules for the {tab.name} tab. Generated: do not edit by hand; "
        "run `python -m stc_reporting.contract.suites`.",
    }


def suite_path(tab: Tab, directory: Path = SUITES_DIR) -> Path:
    """Return where a tab's suite is kept."""
    return directory / f"{tab.slug}.json"


def render_suite(tab: Tab) -> str:
    """Return the suite file's exact text."""
    return json.dumps(build_suite(tab), indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    """Write every tab's suite; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for tab in TABS:
        path = suite_path(tab, directory)
        path.write_text(render_suite(tab), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_suites(Path(sys.argv[1]) if len(sys.argv) > 1 else SUITES_DIR):
        sys.stdout.write(f"wrote {written_path}\n")
