"""The roll-up pauses Python's cycle collector and always turns it back on."""

from __future__ import annotations

import gc

import pytest

from stc_reporting.figures.build import cycle_collector_paused

pytestmark = pytest.mark.unit


def test_the_collector_is_off_inside_and_back_on_after_even_when_building_fails() -> None:
    """A failure inside must not leave the whole process without its cycle collector."""
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), cycle_collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()


def test_a_caller_that_had_it_off_finds_it_off() -> None:
    """The collector is left as the caller had it."""
    gc.disable()
    try:
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
