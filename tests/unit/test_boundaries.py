"""The domain package never imports Prefect (also enforced by import-linter)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import stc_reporting

pytestmark = pytest.mark.unit


def test_importing_every_domain_module_leaves_prefect_unloaded() -> None:
    """Import each module in a fresh interpreter and look at sys.modules."""
    modules = [m.name for m in pkgutil.walk_packages(stc_reporting.__path__, "stc_reporting.")]
    assert "stc_reporting.figures.rollups" in modules
    script = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + ("print('prefect' in sys.modules)")
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
