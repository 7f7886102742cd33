"""The valid choices a value not in a choice list most likely meant.

A fix that lists all eighteen sectors makes a person read them all to find the one
they meant; one that says "did you mean Labor and worker rights?" is done in a
second. A value is near a choice when it begins the choice ("Labor" for "Labor
and worker rights"), when its words are all words of the choice ("worker rights"),
or when it is spelt almost like it (`difflib`, "Helth care" for "Health care").
Only a few near choices are ever suggested; when none is near (or too many are,
"health" is in three sectors), the fix lists every choice, as it always did.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from stc_reporting.contract.tabs import normalise_choice

MAX_SUGGESTIONS = 2
"""More near choices than this is no suggestion: the person picks from the list."""
SPELLING_CUTOFF = 0.8
"""How alike a value and a choice must be (difflib's ratio) to count as a misspelling."""
_MIN_PREFIX = 3
"""A prefix shorter than this ("L") is too short to mean one choice."""


def near_choices(value: str, choices: Sequence[str]) -> list[str]:
    """The choices `value` most likely meant, closest first; empty when none is near.

    Args:
        value: The value as typed (any case and spacing).
        choices: The valid choices, as the tracker's list gives them.

    Returns:
        Up to `MAX_SUGGESTIONS` choices, as the list spells them; empty when none is
        near or more than that many are equally near.
    """
    wanted = normalise_choice(value)
    if len(wanted) < _MIN_PREFIX:
        return []
    # A prefix and a words match are equally near: "health" begins one sector and is a
    # word of two more, so it names none of them.
    found = list(dict.fromkeys(_begins(wanted, choices) + _has_words(wanted, choices)))
    found = found or _spelt_like(wanted, choices)
    return found if len(found) <= MAX_SUGGESTIONS else []


def _begins(wanted: str, choices: Sequence[str]) -> list[str]:
    return [c for c in choices if normalise_choice(c).startswith(wanted)]


def _has_words(wanted: str, choices: Sequence[str]) -> list[str]:
    words = set(wanted.split())
    return [c for c in choices if words <= set(normalise_choice(c).split())]


def _spelt_like(wanted: str, choices: Sequence[str]) -> list[str]:
    by_form = {normalise_choice(c): c for c in choices}
    close = difflib.get_close_matches(wanted, list(by_form), n=len(by_form), cutoff=SPELLING_CUTOFF)
    return [by_form[form] for form in close]
