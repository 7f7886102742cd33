"""docs/template-variables.md, generated from the report context's models.

Run `python -m tools.make_template_docs` (or `make template-docs`) after changing
`stc_reporting/reports/context_models.py`; a contract test checks that the page
is up to date.
"""

from __future__ import annotations

import sys

from pydantic import BaseModel

from stc_reporting.locations import DOCS_DIR
from stc_reporting.reports.context_models import (
    ChartSlot,
    FigureRow,
    GlanceRow,
    Headers,
    IndicatorGroup,
    IndicatorRow,
    IndicatorYearRow,
    LessonGroup,
    LessonItem,
    MilestoneItem,
    OutcomeStatusGroup,
    OutcomeStatusRow,
    PeriodInfo,
    QualityRow,
    ReportContext,
)

DOC_PATH = DOCS_DIR / "template-variables.md"
MODELS: tuple[type[BaseModel], ...] = (
    ReportContext,
    PeriodInfo,
    Headers,
    FigureRow,
    GlanceRow,
    IndicatorGroup,
    IndicatorRow,
    IndicatorYearRow,
    OutcomeStatusGroup,
    OutcomeStatusRow,
    LessonGroup,
    LessonItem,
    MilestoneItem,
    QualityRow,
    ChartSlot,
)
"""The models documented, in the order the page lists them."""


def template_variables_markdown() -> str:
    """Return docs/template-variables.md, generated from the context models."""
    lines = [
        "# Template variables",
        "",
        "Generated from `stc_reporting/reports/context_models.py` by "
        "`python -m tools.make_template_docs`; do not edit by hand.",
        "",
        "The funder report templates in `templates/` are Word documents with Jinja tags "
        "(docxtpl). They may use these variables and nothing else. Every figure is already "
        "formatted and every count of people already suppressed: print values as they are, "
        "e.g. `{{ scope_name }}`, `{%tr for row in summary %}` … `{{ row.first }}` … "
        "`{%tr endfor %}`, `{{ charts.components.image }}` and "
        "`{{ charts.components.caption }}`. Charts: `components`, `strategies`, `sectors`, "
        "`funding`, and `indicators` (collaborative report) or `statuses` (program report).",
        "",
        "Values are already in words: row labels, statuses, period names, chart titles and "
        "captions come from `templates/labels.<language>.yaml` (see "
        "[reports](reports.md#changing-the-look-or-the-wording-editing-templates)). Total "
        "rows have `row.is_total`: a template marks them by that flag, never by a label.",
        "",
    ]
    for model in MODELS:
        lines += [
            f"## `{model.__name__}`",
            "",
            (model.__doc__ or "").strip(),
            "",
            "| variable | meaning |",
            "|---|---|",
        ]
        for name, field in model.model_fields.items():
            lines.append(f"| `{name}` | {field.description} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write docs/template-variables.md."""
    DOC_PATH.write_text(template_variables_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC_PATH}\n")


if __name__ == "__main__":
    main()
