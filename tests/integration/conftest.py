"""One Prefect test server for the whole session (it costs 12-16 s to start)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = REPO / "config" / "program.yaml"


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """Run every integration test against one temporary Prefect server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def sample_config(tmp_path: Path) -> Path:
    """A copy of the sample config pointing at the sample trackers."""
    config = tmp_path / "program.yaml"
    text = SAMPLE_CONFIG.read_text().replace("../data/sample/", f"{REPO}/data/sample/")
    config.write_text(text)
    return config


@pytest.fixture
def config_with_broken_tracker(tmp_path: Path, sample_config: Path) -> Path:
    """The samples, with Oakland's tracker missing its Partners tab."""
    from openpyxl import load_workbook

    broken = tmp_path / "oakland-no-partners.xlsx"
    shutil.copy(REPO / "data/sample/oakland.xlsx", broken)
    workbook = load_workbook(broken)
    del workbook["Partners"]
    workbook.save(broken)
    text = sample_config.read_text().replace(f"{REPO}/data/sample/oakland.xlsx", str(broken))
    sample_config.write_text(text)
    return sample_config
