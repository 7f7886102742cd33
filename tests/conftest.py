"""Shared test settings and the rules of the test tiers.

Prefect stays local, quiet and isolated from the user's own. Every test carries the
marker of its tier, which is the folder it lives in (tests/unit → `unit`, …). A run of
the unit tier alone never loads Great Expectations or Prefect, so it stays fast. The
coverage floor (`fail_under` in pyproject.toml) applies to a full run only: a run that
picks some tests (`-m unit`, `-k`, a path) would otherwise fail it for tests it skipped.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.fakes.google import FakeGoogle, GoogleAccounts

# Set before anything imports prefect: an isolated home (its database and result
# store), no telemetry, and a start-up timeout with room for a busy 2-core machine.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="stc-prefect-home-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "contract", "integration", "e2e")
SLOW_IN_UNIT_TIER = ("great_expectations", "prefect")

_run = {"deselected": 0, "unit_only": False}


def tier_problem(item: pytest.Item) -> str | None:
    """Why a test's tier marker is wrong (none, several, or not its folder's), or None."""
    path = Path(item.path).resolve()
    if not path.is_relative_to(TESTS):
        return None  # not one of ours
    tiers = sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})
    folder = path.relative_to(TESTS).parts[0]
    if tiers != [folder]:
        return f"{item.nodeid}: marked {tiers or 'with no tier'}, but lives in tests/{folder}/"
    return None


def selected_tiers(markexpr: str) -> set[str] | None:
    """The tiers a `-m` expression of tier names, `and`, `or` and brackets can select.

    None when the expression says anything else (`not`, another marker): then every
    folder is collected and pytest decides test by test.
    """
    words = markexpr.replace("(", " ").replace(")", " ").split()
    if not words or not set(words) <= {*TIERS, "and", "or"}:
        return None
    return set(words) & set(TIERS)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave out the folders of tiers `-m` cannot select, so `-m unit` never imports Prefect.

    Sound because each test carries only its folder's tier and the expression is
    and/or over tier names: a tier it does not name can never match.
    """
    tiers = selected_tiers(config.option.markexpr or "")
    if tiers is None or collection_path.parent != TESTS or collection_path.name not in TIERS:
        return None
    return collection_path.name not in tiers or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Stop the run when a test's tier marker does not match its folder."""
    problems = [problem for item in items if (problem := tier_problem(item))]
    if problems:
        raise pytest.UsageError(
            "every test needs exactly the marker of its folder's tier "
            "(pytestmark = pytest.mark.<tier>):\n  " + "\n  ".join(problems)
        )


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count tests left out by -m, -k or --deselect: such a run is partial."""
    _run["deselected"] += len(items)


def is_partial_run(config: pytest.Config) -> bool:
    """True when the run picks some tests: by marker, keyword, deselection or path."""
    return (
        bool(config.option.markexpr or config.option.keyword or _run["deselected"])
        or config.args_source is not pytest.Config.ArgsSource.TESTPATHS
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note a unit-only run; lift the coverage floor for a partial one.

    pytest-cov checks the floor when the test loop ends, so this is the last moment.
    """
    _run["unit_only"] = bool(session.items) and all(
        item.get_closest_marker("unit") for item in session.items
    )
    coverage = session.config.pluginmanager.get_plugin("_cov")
    if coverage is not None and is_partial_run(session.config):
        coverage.options.cov_fail_under = None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail a unit-only run that loaded a slow library, naming it."""
    loaded = [name for name in SLOW_IN_UNIT_TIER if name in sys.modules]
    if not (_run["unit_only"] and loaded):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"ERROR: the unit tier loaded {', '.join(loaded)}: "
            "move the test that needs it to tests/contract/",
            red=True,
        )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- the fake Google (tests/fakes/README.md) -------------------------------------------
# Imported inside the fixtures, so a run that uses none of them never loads it.


@pytest.fixture(scope="session")
def google_accounts() -> GoogleAccounts:
    """Service accounts with keys generated for this session (none is ever written to the repo)."""
    from tests.fakes.google import GoogleAccounts

    return GoogleAccounts.generate()


@pytest.fixture(scope="session")
def fake_google_server(google_accounts: GoogleAccounts) -> Iterator[FakeGoogle]:
    """One fake Google on loopback for the whole session; use `fake_google` in tests."""
    from tests.fakes.google import FakeGoogle

    with FakeGoogle(google_accounts.registered) as fake:
        yield fake


@pytest.fixture
def fake_google(fake_google_server: FakeGoogle) -> FakeGoogle:
    """The session's fake Google, emptied: no spreadsheets, files, faults or log."""
    fake_google_server.reset()
    return fake_google_server


@pytest.fixture
def google_credentials_file(
    tmp_path: Path, fake_google: FakeGoogle, google_accounts: GoogleAccounts
) -> Path:
    """The reader account's service-account JSON, its `token_uri` at the fake."""
    return google_accounts.reader.write(tmp_path / "service-account.json", fake_google.token_uri)
