"""The personal-data scan against its corpus, and its linear time on hostile text.

The corpus (tests/privacy_corpus.py) holds personal-data formats in English and Spanish
and ordinary program text. Time is measured by benchmarks/privacy_scan.py, not here:
these tests check the structure that makes the scan linear and run it on the
32,767-character cells that made the previous patterns backtrack for seconds.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]  # no stubs
import re._parser as sre_parse  # type: ignore[import-not-found]  # no stubs
from collections.abc import Iterator
from typing import Any

import pytest

from stc_reporting import privacy
from stc_reporting.privacy import PersonalData, find_personal_data, redact
from tests.privacy_corpus import HOSTILE_CELLS, MAX_FALSE_ALARMS, ORDINARY, PERSONAL

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "kind"), PERSONAL, ids=[text for text, _ in PERSONAL])
def test_every_personal_data_format_in_the_corpus_is_caught_as_its_kind(
    text: str, kind: PersonalData
) -> None:
    """E-mail addresses, phone numbers and addresses as people type them, in both languages."""
    assert find_personal_data(text) is kind


@pytest.mark.parametrize(("text", "kind"), PERSONAL, ids=[text for text, _ in PERSONAL])
def test_once_masked_nothing_personal_is_left_in_the_text(text: str, kind: PersonalData) -> None:
    """The mask covers the whole address or number, not a part that still reads as one."""
    masked = redact(text)
    assert privacy.mask(kind) in masked
    assert find_personal_data(masked) is None


def test_the_corpus_holds_at_least_fifty_formats_in_english_and_spanish() -> None:
    """The issue asks for fifty; each kind is represented."""
    assert len(PERSONAL) >= 50
    assert {kind for _, kind in PERSONAL} == set(PersonalData)


def test_ordinary_program_text_raises_no_more_false_alarms_than_documented() -> None:
    """Titles, lessons, counts, years, money, dates, times, ranges and IDs stay readable."""
    flagged = [text for text in ORDINARY if find_personal_data(text) is not None]
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged


def test_text_with_nothing_personal_comes_back_from_redact_unchanged() -> None:
    """Full-width or zero-width characters in clean text are not normalised away."""
    for text in (*ORDINARY, "ＡＢＣ 2020", "Reunión\u200b de socios"):
        assert redact(text) == text


def test_a_mask_replaces_exactly_the_characters_typed_in_full_width() -> None:
    """The text around a full-width address is kept as typed."""
    assert redact("Correo ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ, gracias") == (
        "Correo [e-mail address masked], gracias"
    )


@pytest.mark.parametrize("text", HOSTILE_CELLS.values(), ids=HOSTILE_CELLS.keys())
def test_a_full_cell_of_hostile_text_is_scanned_and_masked(text: str) -> None:
    """Cells that made the old patterns backtrack finish (benchmarks/privacy_scan.py times them)."""
    find_personal_data(text)
    assert find_personal_data(redact(text)) is None


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for name, value in vars(privacy).items():
        if isinstance(value, re.Pattern):
            yield name, value


def _unbounded_backtracking_repeats(items: Any) -> Iterator[str]:
    """Repetitions without an upper bound that the engine may backtrack into."""
    for op, argument in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            _, upper, inner = argument
            if upper == sre_constants.MAXREPEAT:
                yield str(inner)
            yield from _unbounded_backtracking_repeats(inner)
        elif op is sre_constants.POSSESSIVE_REPEAT:
            yield from _unbounded_backtracking_repeats(argument[2])
        elif op is sre_constants.SUBPATTERN:
            yield from _unbounded_backtracking_repeats(argument[3])
        elif op is sre_constants.BRANCH:
            for branch in argument[1]:
                yield from _unbounded_backtracking_repeats(branch)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            yield from _unbounded_backtracking_repeats(argument[1])
        elif op is sre_constants.ATOMIC_GROUP:
            yield from _unbounded_backtracking_repeats(argument)


def test_every_pattern_repeats_only_a_bounded_number_of_times_or_possessively() -> None:
    """The structure behind linear time: no attempt can backtrack over an unbounded stretch.

    A bounded repetition costs a constant per starting position, whatever the text; an
    unbounded one is only allowed possessively, so it is never tried twice.
    """
    patterns = dict(_patterns())
    assert len(patterns) >= 8  # the scan's patterns are module-level, where this finds them
    offending = {
        name: found
        for name, pattern in patterns.items()
        if (found := list(_unbounded_backtracking_repeats(sre_parse.parse(pattern.pattern))))
    }
    assert offending == {}
