"""Handing a run's large values to a task without Prefect walking through them."""

from __future__ import annotations

from typing import TypeVar, cast

from prefect.utilities.annotations import quote

Value = TypeVar("Value")


def as_is(value: Value) -> Value:
    """`value` as a task's argument, handed over whole: Prefect does not look inside it.

    Prefect visits every element of every argument of a task twice before the task runs
    (to find upstream futures, then to resolve them). The run's trackers, issues and
    figures hold hundreds of thousands of objects: walking them cost as much as the
    steps themselves (docs/performance.md). The flows pass values, never futures, so
    there is nothing in them to find; the task receives `value` itself.
    """
    return cast("Value", quote(value))
