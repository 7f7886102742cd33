"""Numbers and dates in the report's locale: Babel writes them, half-up rounding decides them."""

from __future__ import annotations

from datetime import date

import pytest

from stc_reporting.reports.formatting import (
    ENGLISH,
    NumberFormat,
    long_date,
    month_year,
    short_date,
)
from stc_reporting.reports.labels import load_labels

pytestmark = pytest.mark.unit

SPANISH = load_labels("es")
ENGLISH_WORDS = load_labels("en")
ES = NumberFormat(SPANISH.locale)


def test_spanish_dates_have_spanish_month_names() -> None:
    """31 October 2021 reads `31 de octubre de 2021`; a month alone `marzo de 2021`."""
    words, locale = SPANISH.dates, SPANISH.locale
    assert long_date(date(2021, 10, 31), words, locale) == "31 de octubre de 2021"
    assert month_year(date(2021, 3, 1), words, locale) == "marzo de 2021"
    assert short_date(date(2020, 1, 15), words, locale) == "15 ene 2020"


def test_english_dates_read_as_before() -> None:
    """The English reports keep `31 October 2021`, `31 Oct 2021` and `March 2021`."""
    words, locale = ENGLISH_WORDS.dates, ENGLISH_WORDS.locale
    assert long_date(date(2021, 10, 31), words, locale) == "31 October 2021"
    assert short_date(date(2021, 10, 31), words, locale) == "31 Oct 2021"
    assert month_year(date(2021, 3, 1), words, locale) == "March 2021"


@pytest.mark.parametrize("numbers", [ENGLISH, ES], ids=["en_US", "es_US"])
def test_figures_round_half_up_before_babel_writes_them(numbers: NumberFormat) -> None:
    """92.5 % is 93 % and $2.50 is $3 in both languages (Babel alone would round to even)."""
    assert numbers.rate(0.925) == "93%"
    assert numbers.money(2.5) == "$3"
    assert numbers.count(12_344.5) == "12,345"
    assert numbers.number(12.25, "Count") == "12.3"
    assert numbers.number(92.5, "Percent") == "92.5%"
    assert numbers.number(1234.5, "Dollars") == "$1,235"
    assert numbers.number(12.96, "Score") == "13"


def test_us_spanish_writes_numbers_the_way_fresno_readers_do() -> None:
    """es_US groups with a comma and marks decimals with a point, as US Spanish readers expect."""
    assert ES.count(1_234_567) == "1,234,567"
    assert ES.number(1234.25, "Count") == "1,234.3"
    assert NumberFormat("es_ES").count(1_234_567) == "1.234.567"  # what es_US is not
