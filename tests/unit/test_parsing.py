"""Cell parsers accept exactly the spellings the contract lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stc_reporting.contract.tabs import MAX_AMOUNT_USD, MAX_COUNT, MAX_NUMBER
from stc_reporting.ingest.parsing import (
    SHEETS_EPOCH,
    CellError,
    clean_text,
    is_blank,
    is_spreadsheet_error,
    parse_choice,
    parse_date,
    parse_list,
    parse_money,
    parse_month,
    parse_number,
    parse_whole_number,
    parse_yes_no,
)

pytestmark = pytest.mark.unit

dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))


class TestDates:
    @given(dates)
    def test_every_accepted_spelling_reads_back_the_same_day(self, day: date) -> None:
        """A date cell, a serial number, ISO text and US text all give the same day."""
        serial = (day - SHEETS_EPOCH).days
        spellings = [
            day,
            datetime(day.year, day.month, day.day),
            serial,
            float(serial),
            day.isoformat(),
            f"{day.month}/{day.day}/{day.year}",
            f"{day.month:02d}/{day.day:02d}/{day.year}",
            f"  {day.isoformat()} ",
        ]
        assert {parse_date(spelling) for spelling in spellings} == {day}

    def test_a_serial_with_a_time_of_day_keeps_the_day(self) -> None:
        """Sheets serials carry time as a fraction; only the day counts."""
        assert parse_date(43831.75) == date(2020, 1, 1)

    @pytest.mark.parametrize(
        "cell",
        [
            "TBD",
            "marzo 2020",
            "2020/03/15",
            "15/3/2020",
            "3/15/20",
            "2020-02-30",
            "13/1/2020",
            "2020-3-5",
            "March 15, 2020",
            True,
            -5,
            0,
            10**9,
        ],
    )
    def test_anything_else_is_a_bad_date(self, cell: object) -> None:
        """Words, day-first, two-digit years and impossible days are errors."""
        with pytest.raises(CellError) as caught:
            parse_date(cell)
        assert caught.value.rule == "bad-date"

    def test_a_leap_day_is_a_date(self) -> None:
        """29 February exists in leap years, in every spelling."""
        assert parse_date("2/29/2020") == parse_date("2020-02-29") == date(2020, 2, 29)

    @given(st.text())
    def test_any_text_is_a_date_or_a_cell_error_never_a_crash(self, text: str) -> None:
        """Arbitrary text never raises anything but CellError."""
        try:
            value = parse_date(text)
        except CellError:
            return
        assert isinstance(value, date)


class TestMonths:
    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("2020-03", date(2020, 3, 1)),
            (" 2020-03 ", date(2020, 3, 1)),
            (datetime(2020, 3, 17), date(2020, 3, 1)),
            ("3/17/2020", date(2020, 3, 1)),
            ("2020-03-17", date(2020, 3, 1)),
        ],
    )
    def test_a_month_or_any_date_gives_the_first_of_the_month(
        self, cell: object, expected: date
    ) -> None:
        """`YYYY-MM` text or a date, whose month is taken."""
        assert parse_month(cell) == expected

    @pytest.mark.parametrize("cell", ["2020-13", "March", "2020/03", "20-03"])
    def test_anything_else_is_a_bad_month(self, cell: object) -> None:
        """Other spellings are errors."""
        with pytest.raises(CellError) as caught:
            parse_month(cell)
        assert caught.value.rule == "bad-month"


class TestWholeNumbers:
    @given(st.integers(min_value=0, max_value=MAX_COUNT))
    def test_numbers_and_comma_text_read_as_the_same_count(self, count: int) -> None:
        """12, 12.0, "12", "12.0" and "1,200" style text are all whole numbers."""
        spellings = (count, float(count), str(count), f"{count:,}", f" {count:,} ", f"{count}.0")
        for spelling in spellings:
            assert parse_whole_number(spelling) == count

    @pytest.mark.parametrize(
        "cell",
        [
            "N/A",
            "about 30",
            12.5,
            "12.5",
            "12.01",
            "12.",
            -3,
            "-3",
            "1,20",
            "12,00,000",
            True,
            "",
            "1e3",
            10**19,
            "10000000000000000000",
            1e19,
        ],
    )
    def test_fractions_negatives_and_words_are_errors(self, cell: object) -> None:
        """The contract's rejected spellings raise a cell error."""
        with pytest.raises(CellError) as caught:
            parse_whole_number(cell)
        assert caught.value.rule == "bad-whole-number"

    @given(st.text())
    def test_any_text_is_a_count_or_a_cell_error_never_a_crash(self, text: str) -> None:
        """Arbitrary text never raises anything but CellError."""
        try:
            value = parse_whole_number(text)
        except CellError:
            return
        assert isinstance(value, int)


class TestMoney:
    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("$12,500.50", 12500.5),
            ("12500", 12500.0),
            ("$ 12,500", 12500.0),
            (12500.25, 12500.25),
            (300, 300.0),
            ("-$50", -50.0),
            ("$-50", -50.0),
        ],
    )
    def test_dollar_signs_commas_and_decimals_are_accepted(
        self, cell: object, expected: float
    ) -> None:
        """Whole numbers plus decimals and an optional leading $."""
        assert parse_money(cell) == expected

    @given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
    def test_formatted_amounts_round_trip(self, amount: object) -> None:
        """`$1,234.56` reads back as 1234.56."""
        assert parse_money(f"${amount:,.2f}") == pytest.approx(float(amount))  # type: ignore[arg-type]

    @pytest.mark.parametrize("cell", ["TBD", "12 500", "$12.500,50", "USD 100", "--5", "-$-5"])
    def test_anything_else_is_bad_money(self, cell: object) -> None:
        """Other spellings are errors."""
        with pytest.raises(CellError) as caught:
            parse_money(cell)
        assert caught.value.rule == "bad-money"


class TestNumbers:
    @pytest.mark.parametrize(
        ("cell", "expected"),
        [
            ("42", 42.0),
            ("12.5", 12.5),
            ("1,200.5", 1200.5),
            ("45%", 45.0),
            (3.25, 3.25),
            ("-2", -2.0),
        ],
    )
    def test_decimals_commas_and_a_trailing_percent_are_numbers(
        self, cell: object, expected: float
    ) -> None:
        """Numbers may have decimals; a trailing % is dropped, not divided."""
        assert parse_number(cell) == expected

    @pytest.mark.parametrize("cell", ["about 30", "N/A", "", "12..5", float("nan")])
    def test_words_are_bad_numbers(self, cell: object) -> None:
        """Text that is not a number is an error."""
        with pytest.raises(CellError):
            parse_number(cell)


class TestYesNo:
    @pytest.mark.parametrize("cell", ["Yes", "yes", "Y", "y", "TRUE", "true", True, " YES "])
    def test_yes_spellings(self, cell: object) -> None:
        """Yes, Y and TRUE in any case, and a spreadsheet TRUE."""
        assert parse_yes_no(cell) is True

    @pytest.mark.parametrize("cell", ["No", "no", "N", "n", "FALSE", "false", False])
    def test_no_spellings(self, cell: object) -> None:
        """No, N and FALSE in any case, and a spreadsheet FALSE."""
        assert parse_yes_no(cell) is False

    @pytest.mark.parametrize("cell", ["maybe", 1, 0, "si", "x"])
    def test_anything_else_is_an_error(self, cell: object) -> None:
        """Numbers and other words are not Yes or No."""
        with pytest.raises(CellError) as caught:
            parse_yes_no(cell)
        assert caught.value.rule == "bad-yes-no"


class TestTextListsAndChoices:
    def test_text_is_trimmed_and_inner_whitespace_collapsed(self) -> None:
        """Runs of spaces, tabs and newlines become one space."""
        assert clean_text("  Partner \n\t convening  ") == "Partner convening"

    def test_whole_valued_numbers_print_without_a_fraction(self) -> None:
        """An ID typed as a number matches the same ID typed as text."""
        assert clean_text(12.0) == clean_text(12) == "12"

    def test_lists_split_on_semicolons_and_commas(self) -> None:
        """Items are trimmed and blanks dropped."""
        assert parse_list(" P1; P2 ,,P3 ;") == ("P1", "P2", "P3")

    def test_a_numeric_list_cell_is_one_id(self) -> None:
        """A single partner ID typed as a number."""
        assert parse_list(7.0) == ("7",)

    def test_choices_match_case_and_space_insensitively(self) -> None:
        """The canonical label is stored."""
        choices = ("Strategy implementation", "Sustainability")
        assert parse_choice("  strategy   IMPLEMENTATION ", choices) == "Strategy implementation"

    def test_an_unknown_choice_is_kept_as_text_for_the_rules(self) -> None:
        """Membership is a rule (so the message names every allowed label)."""
        assert parse_choice(" Labor ", ("Labor and worker rights",)) == "Labor"

    @pytest.mark.parametrize("cell", [None, "", "   ", "\t\n"])
    def test_empty_and_whitespace_cells_are_blank(self, cell: object) -> None:
        """Blank means nothing but whitespace."""
        assert is_blank(cell)

    @pytest.mark.parametrize("cell", ["#REF!", "#DIV/0!", " #N/A ", "#VALUE!"])
    def test_spreadsheet_errors_are_recognised(self, cell: object) -> None:
        """Formula errors are never mistaken for values."""
        assert is_spreadsheet_error(cell)


def test_serial_number_epoch_matches_google_sheets() -> None:
    """Serial 43831 is 2020-01-01 in Sheets (days since 1899-12-30)."""
    assert parse_date(43831) == date(2020, 1, 1)
    assert SHEETS_EPOCH + timedelta(days=43831) == date(2020, 1, 1)


HUGE_CELLS = [
    1e308,  # two of them add up to infinity
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    10**400,  # a workbook or a Google Sheet can hold a whole number with no float
    "9" * 400,
    "9" * 5_000,  # more digits than Python turns into a whole number
    "-" + "9" * 400,
    "1e999",
    "inf",
    "nan",
    "Infinity",
]


class TestBoundedNumbers:
    """Every value read is finite and plausible, so no sum of them can overflow."""

    @pytest.mark.parametrize("cell", HUGE_CELLS, ids=repr)
    def test_a_huge_or_infinite_count_is_a_cell_error(self, cell: object) -> None:
        """An error for its cell, never a crash or an infinite figure."""
        with pytest.raises(CellError) as caught:
            parse_whole_number(cell)
        assert caught.value.rule == "bad-whole-number"

    @pytest.mark.parametrize("cell", HUGE_CELLS, ids=repr)
    def test_a_huge_or_infinite_value_is_a_cell_error(self, cell: object) -> None:
        """Baseline, targets and Values alike."""
        with pytest.raises(CellError) as caught:
            parse_number(cell)
        assert caught.value.rule == "bad-number"

    @pytest.mark.parametrize("cell", [*HUGE_CELLS, "$" + "9" * 400], ids=repr)
    def test_a_huge_or_infinite_amount_is_a_cell_error(self, cell: object) -> None:
        """Funding amounts alike, with or without a dollar sign."""
        with pytest.raises(CellError) as caught:
            parse_money(cell)
        assert caught.value.rule == "bad-money"

    @pytest.mark.parametrize("cell", [10**400, 1e308, float("inf"), float("nan")], ids=repr)
    def test_a_huge_number_in_a_date_column_is_not_a_date(self, cell: object) -> None:
        """A serial date of 400 digits is refused before it is turned into a float."""
        with pytest.raises(CellError) as caught:
            parse_date(cell)
        assert caught.value.rule == "bad-date"

    def test_the_bounds_themselves_read_and_one_more_is_too_large(self) -> None:
        """The bounds are inclusive; the message says what the bound is."""
        assert parse_whole_number(MAX_COUNT) == MAX_COUNT
        assert parse_whole_number(f"{MAX_COUNT:,}") == MAX_COUNT
        assert parse_money(f"${MAX_AMOUNT_USD:,}") == MAX_AMOUNT_USD
        assert parse_number(-MAX_NUMBER) == -MAX_NUMBER
        assert parse_number(f"{MAX_NUMBER}%") == MAX_NUMBER
        for parse, cell, bound in (
            (parse_whole_number, MAX_COUNT + 1, "10,000,000"),
            (parse_whole_number, f"{MAX_COUNT + 1:,}", "10,000,000"),
            (parse_money, float(MAX_AMOUNT_USD) + 0.01, "$1,000,000,000"),
            (parse_money, f"-${MAX_AMOUNT_USD + 1}", "$1,000,000,000"),
            (parse_number, f"{MAX_NUMBER + 1}", "1,000,000,000,000"),
            (parse_number, -(MAX_NUMBER + 1), "1,000,000,000,000"),
        ):
            with pytest.raises(CellError) as caught:
                parse(cell)
            assert "too large" in caught.value.message and bound in caught.value.message

    @given(st.one_of(st.floats(), st.integers(), st.text(alphabet="0123456789.,-$%e ")))
    def test_whatever_the_cell_a_value_read_is_finite_and_within_its_bound(
        self, cell: object
    ) -> None:
        """Floats of any size, whole numbers of any length and numeric-looking text."""
        for parse, bound in (
            (parse_whole_number, MAX_COUNT),
            (parse_number, MAX_NUMBER),
            (parse_money, MAX_AMOUNT_USD),
        ):
            try:
                value = parse(cell)
            except CellError:
                continue
            assert abs(value) <= bound
