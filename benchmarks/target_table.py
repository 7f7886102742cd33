"""The benchmarks' common output: a table of figures with their targets, and its JSON.

Each benchmark script builds `TargetRow`s (what was measured, the target, their ratio)
and hands them to `print_and_write` with its detailed figures: the table is printed for
a person, the JSON (`rows` plus `details`) is written for the performance doc and CI.
A ratio is measured / target for a ceiling ("at most"), so 1.0 or less meets it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel


class TargetRow(BaseModel):
    """One figure against its target (a ceiling: the figure should not exceed it).

    Attributes:
        figure: What was measured, in words.
        unit: The unit of `measured` and `target` (`s`, `requests`, `×`).
        measured: The figure measured in this run.
        target: The ceiling the issue sets for it.
    """

    figure: str
    unit: str
    measured: float
    target: float

    @property
    def ratio(self) -> float | None:
        """Measured / target: 1.0 or less meets the target (None for a target of zero)."""
        return round(self.measured / self.target, 3) if self.target else None

    @property
    def met(self) -> bool:
        """Whether the figure is within its target."""
        return self.measured <= self.target

    def as_json(self) -> dict[str, Any]:
        """The row with its ratio and verdict, for the JSON file."""
        return {**self.model_dump(), "ratio": self.ratio, "met": self.met}


def table(title: str, rows: list[TargetRow]) -> str:
    """The rows as an aligned text table under a title."""
    header = ("figure", "target", "measured", "ratio", "met")
    cells = [
        (
            row.figure,
            f"≤ {row.target:g} {row.unit}",
            f"{row.measured:g} {row.unit}",
            "-" if row.ratio is None else f"{row.ratio:.2f}",
            "yes" if row.met else "NO",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines)


def print_and_write(
    title: str, rows: list[TargetRow], details: dict[str, Any], json_path: Path
) -> None:
    """Print the table and write `{"benchmark", "rows", "details"}` as JSON."""
    print(table(title, rows))
    document = {"benchmark": title, "rows": [row.as_json() for row in rows], "details": details}
    write_json(document, json_path)


def write_json(document: dict[str, Any], json_path: Path) -> None:
    """Write the figures as JSON, making the folder if needed, and say where."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"figures written to {json_path}")
