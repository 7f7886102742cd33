"""Detecting personal data in free text, and masking it.

Trackers hold aggregates only. Free text that looks like an e-mail address, a
phone number or a street address is withheld at ingest (the record keeps a
placeholder, never the text) and reported as a privacy issue with the value masked.
The patterns favour catching too much over too little: a false alarm costs a
program manager a glance, a miss can cost a survivor's safety.
"""

from __future__ import annotations

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


_STREET_SUFFIXES = (
    "Street",
    "St",
    "Avenue",
    "Ave",
    "Boulevard",
    "Blvd",
    "Road",
    "Rd",
    "Drive",
    "Dr",
    "Lane",
    "Ln",
    "Way",
    "Court",
    "Ct",
    "Place",
    "Pl",
    "Highway",
    "Hwy",
    "Parkway",
    "Pkwy",
    "Terrace",
    "Circle",
    "Trail",
    "Alley",
)
# Capitalised words between a house number and a suffix, as addresses are written
# ("4500 E. Kings Canyon Rd"); lower-case prose such as "12 person healing circle" passes.
_SUFFIX = "|".join(sorted({*_STREET_SUFFIXES, *(s.upper() for s in _STREET_SUFFIXES)}))
_PATTERNS: tuple[tuple[PersonalData, re.Pattern[str]], ...] = (
    (PersonalData.EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        PersonalData.PHONE,
        re.compile(
            r"(?<!\w)(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s*|\d{3}[\s.-])\d{3}[\s.-]?\d{4}(?!\w)"
            r"|(?<![\w-])\d{3}-\d{4}(?![\w-])"
        ),
    ),
    (
        PersonalData.STREET_ADDRESS,
        re.compile(
            rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z0-9'.]*\s+){{1,3}}(?:{_SUFFIX})\b"
            r"|\b[Pp]\.?\s?[Oo]\.?\s+[Bb][Oo][Xx]\s+\d+"
        ),
    ),
)

WITHHELD_TEXT = "[withheld: personal data]"


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
