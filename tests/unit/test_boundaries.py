"""The unit tier stays fast and the domain package free of Prefect.

Import-linter forbids Prefect in the domain package; this also keeps Great Expectations
(loaded only when the suites run) out of every domain module and every unit test.
tests/conftest.py checks whole runs of the unit tier the same way.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import stc_reporting

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def test_importing_the_domain_and_the_unit_tests_loads_neither_prefect_nor_gx() -> None:
    """Import each module in a fresh interpreter and look at sys.modules."""
    domain = [m.name for m in pkgutil.walk_packages(stc_reporting.__path__, "stc_reporting.")]
    here = str(Path(__file__).parent)
    unit_tests = [f"tests.unit.{m.name}" for m in pkgutil.iter_modules([here])]
    assert "stc_reporting.figures.rollups" in domain and "tests.unit.test_rollups" in unit_tests
    script = (
        "import json, sys\n"
        + "".join(f"import {m}\n" for m in domain + unit_tests)
        + "print(json.dumps(sorted({'prefect', 'great_expectations'} & set(sys.modules))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert json.loads(result.stdout) == []
