"""Shared fixtures of the end-to-end tests (the processes themselves: tests/e2e/harness.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.harness import prefect_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A Prefect server of the module's own on loopback (SQLite); yields the environment."""
    with prefect_server(tmp_path_factory.mktemp("prefect-home")) as env:
        yield env
