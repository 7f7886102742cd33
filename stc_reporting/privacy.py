"""Detecting personal data in free text, and masking it.

Trackers hold aggregates only. Free text that looks like an e-mail address, a
phone number or a street address is withheld at ingest (the record keeps a
placeholder, never the text) and reported as a privacy issue with the value masked.
The patterns favour catching too much over too little: a false alarm costs a
program manager a glance, a miss can cost a survivor's safety.
"""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum


class PersonalData(StrEnum):
    """The kinds of personal data the scan recognises."""

    EMAIL = "e-mail address"
    PHONE = "phone number"
    STREET_ADDRESS = "street address"

    @property
    def with_article(self) -> str:
        """The kind with its indefinite article, for messages."""
        return f"an {self.value}" if self is PersonalData.EMAIL else f"a {self.value}"


# Street suffixes that are rarely anything else match in any case ("77 elm st"); those
# that are common words ("12 person healing circle", "20 family court staff") only when
# written as a name, capitalised.
_PLAIN_SUFFIXES = (
    "street|st|avenue|ave|boulevard|blvd|road|rd|drive|dr|lane|ln|highway|hwy|parkway|pkwy|"
    "terrace|expressway|expy|freeway|fwy"
)
_NAME_SUFFIXES = "Way|Court|Ct|Place|Pl|Circle|Trail|Alley|Plaza|Square|Loop|Row"
_STREET_WORD = r"(?:\d+(?:st|nd|rd|th)|[A-Za-z][A-Za-z'.-]*)"
_PATTERNS: tuple[tuple[PersonalData, re.Pattern[str]], ...] = (
    (PersonalData.EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        PersonalData.PHONE,
        re.compile(
            r"(?<!\w)(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s*|\d{3}[\s.-])\d{3}[\s.-]?\d{4}(?!\w)"
            r"|(?<![\w+-])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\w)"
            r"|(?<![\w.,-])\d{10}(?![\w.,-])"
            # A local number; with a space it must not end in a year ("120 2021 graduates").
            r"|(?<![\w.,-])\d{3}(?:[.-]|\s(?!(?:19|20)\d\d(?![\w.,-])))\d{4}(?![\w.,-])"
        ),
    ),
    (
        PersonalData.STREET_ADDRESS,
        re.compile(
            rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:{_STREET_WORD}\s+){{1,5}}"
            rf"(?:(?i:{_PLAIN_SUFFIXES})|{_NAME_SUFFIXES})\b"
            r"|\b\d{1,6}\s+(?i:el\s+camino|camino|calle|avenida|paseo|via)\s+[A-Za-z]"
            r"|\b[Pp]\.?\s?[Oo]\.?\s+[Bb][Oo][Xx]\s+\d+"
        ),
    ),
)

WITHHELD_TEXT = "[withheld: personal data]"
_WITHHELD_PREFIX = "withheld-"


def withheld_id(text: str) -> str:
    """Stand in for an ID that looks like personal data, keeping it distinct and matchable.

    The same ID gives the same token in every tab, so references between tabs still
    line up; the token reveals nothing of the text.
    """
    return _WITHHELD_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def is_withheld_id(identifier: str) -> bool:
    """Whether an ID is the stand-in `withheld_id` made for personal-looking text."""
    return identifier.startswith(_WITHHELD_PREFIX)


def find_personal_data(text: str) -> PersonalData | None:
    """Return the first kind of personal data the text appears to contain, if any.

    Args:
        text: Free text from a tracker cell.

    Returns:
        The kind found, or None when the text looks clean.
    """
    return next((kind for kind, pattern in _PATTERNS if pattern.search(text)), None)


def mask(kind: PersonalData) -> str:
    """Return the masked form of a value that held personal data of this kind."""
    return f"[{kind.value} masked]"


def redact(text: str) -> str:
    """Replace every stretch of text that looks like personal data with its mask.

    Every `Issue` passes its value, column and message through this, so no issue
    can carry personal data whatever rule produced it.
    """
    for kind, pattern in _PATTERNS:
        text = pattern.sub(mask(kind), text)
    return text


def mask_if_personal(value: str) -> str:
    """Return the value, or its masked form if it looks like personal data.

    Used on every value that leaves the pipeline in an issue, as a second line of
    defence behind the ingest scan.
    """
    kind = find_personal_data(value)
    return value if kind is None else mask(kind)
