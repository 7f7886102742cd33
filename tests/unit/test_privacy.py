"""The personal-data scan: what it must catch, and ordinary program text it must leave."""

from __future__ import annotations

import pytest

from stc_reporting.privacy import find_personal_data, redact, withheld_id

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text",
    [
        "Contact maria.lopez@example.org",
        "call (559) 555-0142",
        "555-0142 ask",
        "5551234567",
        "call 555 1234",
        "call 555.2021",
        "Reach me at +44 20 7946 0958",
        "We met at 77 elm st every week",
        "123 main st",
        "500 3rd Street",
        "1200 14th Ave",
        "1234 Martin Luther King Jr Blvd",
        "4500 E. Kings Canyon Rd",
        "2200 El Camino Real",
        "45 Avenida Cesar Chavez",
        "PO Box 12",
        "Meeting at 1200 W. Shaw Ave.",
    ],
)
def test_personal_data_is_found(text: str) -> None:
    """E-mail addresses, phone numbers in many forms, street addresses, PO boxes."""
    assert find_personal_data(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "12 person healing circle",
        "Training for 20 family court staff",
        "Taller de 2020-2021",
        "Reunión con 25 promotoras",
        "Budget 2,500,000",
        "Completed 3 of 5 sessions",
        "Funding $12,500.50",
        "Nov 2019 – Oct 2021",
        "2020-03-15",
        "A-012",
        "Raised $150,000 in 2021",
        "Year 2 (2019-2020) had 1,234 participants",
        "Survey of 120 2021 graduates",
        "Served 300 2020 families",
    ],
)
def test_ordinary_program_text_is_left_alone(text: str) -> None:
    """Counts, years, money, dates and IDs are not personal data."""
    assert find_personal_data(text) is None


def test_redact_masks_only_the_personal_part() -> None:
    """The rest of a message stays readable."""
    assert redact("Date 'call 5551234567' is not a date") == (
        "Date 'call [phone number masked]' is not a date"
    )


def test_a_withheld_id_is_stable_and_reveals_nothing() -> None:
    """Same text, same token, so references between tabs still match."""
    token = withheld_id("maria@home.net")
    assert token == withheld_id("maria@home.net") and "maria" not in token
