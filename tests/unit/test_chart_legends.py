"""A chart's legend names only series that show something: no entry without a bar."""

from __future__ import annotations

import pytest

from stc_reporting.reports.charts import draw_chart, legend_entries
from stc_reporting.reports.context_models import ChartSlot

pytestmark = pytest.mark.unit


def slot(series: dict[str, list[float]], style: str, unit: str = "count") -> ChartSlot:
    """A chart of two collaboratives with these series."""
    return ChartSlot.model_validate(
        {
            "caption": "",
            "alt": "",
            "title": "A chart",
            "categories": ["Alpha", "Beta"],
            "series": series,
            "style": style,
            "unit": unit,
            "empty_note": "Nothing",
            "numbers": {
                "locale": "en_US",
                "thousands_of_dollars": "${amount}k",
                "millions_of_dollars": "${amount}M",
            },
        }
    )


def test_a_stacked_chart_leaves_a_status_no_indicator_has_out_of_its_legend() -> None:
    """No target is zero everywhere: only On track and Behind are listed."""
    statuses = {"On track": [2.0, 0.0], "Behind": [1.0, 3.0], "No target": [0.0, 0.0]}
    assert legend_entries(draw_chart(slot(statuses, "stacked"))) == ["On track", "Behind"]


def test_a_stacked_chart_of_one_status_still_names_it() -> None:
    """Every indicator behind: the legend says what the bars are."""
    assert legend_entries(draw_chart(slot({"Behind": [1.0, 3.0]}, "stacked"))) == ["Behind"]


def test_a_year_with_no_dollars_draws_nothing_and_is_not_listed() -> None:
    """An empty dollar bar has no label, so its year would be an empty legend entry."""
    years = {"Year 2": [100.0, 50.0], "Year 3": [0.0, 0.0]}
    assert legend_entries(draw_chart(slot(years, "grouped", "dollars"))) == ["Year 2"]


def test_a_year_of_zero_counts_is_listed_for_its_zero_labels() -> None:
    """Zero counts are printed as 0 beside the axis: the legend says which year they are."""
    years = {"Year 2": [4.0, 5.0], "Year 3": [0.0, 0.0]}
    assert legend_entries(draw_chart(slot(years, "grouped"))) == ["Year 2", "Year 3"]
