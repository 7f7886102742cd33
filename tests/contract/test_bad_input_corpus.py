"""The bad-input corpus (`tests/bad_input_corpus.py`): each case gives exactly what it expects.

Every tracker case is read, checked and rolled up in ONE run beside the five sample
trackers, as its own collaborative (Great Expectations costs the same for one tracker or
seventy: ≈ 1.5 s per run). That run must finish and serialise; each case must add exactly
its expected issues to those of the sample it was built from, or fail with exactly its
reason; and the five samples' issues and figures must be those of a run of the samples
alone. A few cases also run literally in place of the sample's own tracker, and must give
what they gave beside it.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from stc_reporting.config import CollaborativeConfig, Config, ConfigError, load_config
from stc_reporting.figures.build import RunSelection, build_rollups
from stc_reporting.figures.document import FailedCollaborative, Rollups, rollups_json
from stc_reporting.ingest.reading import ParsedTracker
from stc_reporting.issues import Issue
from stc_reporting.pipeline import check_trackers, fetch_tracker
from tests.bad_input_corpus import (
    BASE_ID,
    CONFIG_CASES,
    HUGE_CONFIG,
    HUGE_CONFIG_ENTRIES,
    SAMPLE_CONFIG,
    TRACKER_CASES,
    Case,
    Fails,
    Found,
    IssueKey,
    with_table,
)

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.contract,
    # The date-serial-beyond-calendar case: openpyxl warns, then reads the cell as an error.
    pytest.mark.filterwarnings("ignore:Cell .* is marked as a date but the serial value"),
]

RUN_DATE = date(2021, 11, 20)
AS_OF = date(2021, 10, 31)
IN_PLACE = (
    "date-as-words",
    "formula-without-saved-value",
    "required-tab-missing",
    "encrypted-workbook",
)
"""Cases also run in place of the sample's own tracker (one run each)."""
ALONE = ("hundred-thousand-rows",)
"""Cases too big to share the corpus run: each runs in place of the sample, on its own."""
BATCHED = tuple(case for case in TRACKER_CASES if case.id not in ALONE)


@dataclass(frozen=True)
class Run:
    """One run of the domain steps that matter here: read, check, roll up."""

    trackers: dict[str, ParsedTracker]
    issues: list[Issue]
    rollups: Rollups
    cpu_seconds: float

    def keys(self, collaborative: str) -> Counter[IssueKey]:
        """A collaborative's issues as cases expect them."""
        return Counter(
            (i.tab, i.row, i.column, str(i.severity), i.rule)
            for i in self.issues
            if i.collaborative == collaborative
        )

    def of(self, collaborative: str) -> list[Issue]:
        """A collaborative's issues, in order."""
        return [i for i in self.issues if i.collaborative == collaborative]


def run(config: Config, collaboratives: list[CollaborativeConfig]) -> Run:
    """Read, check and roll up these collaboratives' trackers; the document must serialise."""
    started = time.process_time()  # CPU seconds: a busy machine does not slow them
    chosen = config.model_copy(update={"collaboratives": collaboratives})
    trackers = {c.id: fetch_tracker(c) for c in collaboratives}
    issues = check_trackers(chosen, list(trackers.values()), RUN_DATE)
    selection = RunSelection(tuple(collaboratives), AS_OF)
    rollups = build_rollups(chosen, selection, list(trackers.values()), issues)
    rollups_json(rollups)  # finite numbers only: the document is written as it is
    return Run(trackers, issues, rollups, time.process_time() - started)


def as_case(base: CollaborativeConfig, case: Case, path: Path) -> CollaborativeConfig:
    """The base collaborative's entry, under the case's id, reading the case's input."""
    return base.model_copy(update={"id": case.id, "workbook": path, "name": case.id})


@pytest.fixture(scope="module")
def config() -> Config:
    """The sample program."""
    return load_config(SAMPLE_CONFIG)


@pytest.fixture(scope="module")
def samples(config: Config) -> Run:
    """The five sample trackers alone: what every other collaborative must still give."""
    return run(config, list(config.collaboratives))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every tracker case's input, built once."""
    folder = tmp_path_factory.mktemp("corpus")
    return {case.id: case.build(folder / f"{case.id}.xlsx") for case in BATCHED}


@pytest.fixture(scope="module")
def corpus(config: Config, inputs: dict[str, Path]) -> Run:
    """The five samples and every tracker case, in one run."""
    base = next(c for c in config.collaboratives if c.id == BASE_ID)
    cases = [as_case(base, case, inputs[case.id]) for case in BATCHED]
    return run(config, [*config.collaboratives, *cases])


def test_the_corpus_has_sixty_distinct_cases_or_more() -> None:
    """Ids are unique; there are at least 60 tracker cases and the config ones."""
    ids = [case.id for case in (*TRACKER_CASES, *CONFIG_CASES)]
    assert len(ids) == len(set(ids))
    assert len(TRACKER_CASES) >= 60


def test_the_reliability_doc_lists_every_case_as_the_corpus_has_it() -> None:
    """docs/reliability.md's case table is the corpus's own (`make corpus-docs` rewrites it)."""
    document = (REPO / "docs" / "reliability.md").read_text()
    assert with_table(document) == document


def test_every_sample_gives_the_same_issues_and_figures_beside_the_corpus(
    samples: Run, corpus: Run
) -> None:
    """No bad tracker changes another collaborative's issues or figures."""
    for collaborative, entry in samples.rollups.collaboratives.items():
        assert corpus.of(collaborative) == samples.of(collaborative), collaborative
        assert corpus.rollups.collaboratives[collaborative] == entry, collaborative


@pytest.mark.parametrize("case", BATCHED, ids=lambda case: case.id)
def test_each_case_gives_exactly_what_it_expects(
    case: Case, samples: Run, corpus: Run, inputs: dict[str, Path]
) -> None:
    """The issues the case adds to the sample's, or its structural reason, exactly."""
    expect_outcome(case, samples, corpus, case.id, inputs[case.id])


def expect_outcome(case: Case, samples: Run, result: Run, collaborative: str, path: Path) -> None:
    """Check one case's collaborative in a run against what the case expects.

    A structural reason is compared whole, or up to where the case's expected text ends
    when the rest is the file format library's own detail (a damaged file).
    """
    tracker = result.trackers[collaborative]
    entry = result.rollups.collaboratives[collaborative]
    if isinstance(case.expected, Fails):
        assert tracker.failure is not None, f"{case.id} read without failing"
        reason = case.expected.reason.format(name=path.name)
        assert (tracker.failure.kind, tracker.failure.reason[: len(reason)]) == (
            case.expected.kind,
            reason,
        )
        assert isinstance(entry, FailedCollaborative)
        assert any(i.severity == "structural" for i in result.of(collaborative))
        return
    assert isinstance(case.expected, Found)
    assert tracker.failure is None, tracker.failure
    added = result.keys(collaborative) - samples.keys(BASE_ID)
    lost = samples.keys(BASE_ID) - result.keys(collaborative)
    assert (sorted(added.elements(), key=str), sorted(lost.elements(), key=str)) == (
        sorted(case.expected.issues, key=str),
        [],
    )
    assert not isinstance(entry, FailedCollaborative)


def in_place(config: Config, workbook: Path) -> Run:
    """A run of the five samples with this workbook as the base sample's own tracker."""
    replaced = [
        c.model_copy(update={"workbook": workbook}) if c.id == BASE_ID else c
        for c in config.collaboratives
    ]
    return run(config, replaced)


def assert_others_exact(samples: Run, result: Run) -> None:
    """Every collaborative but the base sample gives the issues and figures it gives alone."""
    for collaborative, entry in samples.rollups.collaboratives.items():
        if collaborative != BASE_ID:
            assert result.of(collaborative) == samples.of(collaborative), collaborative
            assert result.rollups.collaboratives[collaborative] == entry, collaborative


@pytest.mark.parametrize("case_id", IN_PLACE)
def test_a_case_in_place_of_the_sample_leaves_the_others_exact(
    case_id: str, config: Config, samples: Run, corpus: Run, inputs: dict[str, Path]
) -> None:
    """The bad tracker as the sample collaborative's own gives what it gave beside it."""
    result = in_place(config, inputs[case_id])
    assert_others_exact(samples, result)
    assert result.keys(BASE_ID) == corpus.keys(case_id)


@pytest.mark.parametrize(
    "case", [c for c in TRACKER_CASES if c.id in ALONE], ids=lambda case: case.id
)
def test_a_big_case_runs_alone_in_place_of_the_sample(
    case: Case, config: Config, samples: Run, tmp_path: Path
) -> None:
    """100,000 more rows: read, checked and rolled up in bounded time, the others exact.

    Measured at 15-40 CPU seconds (reading the XML is most of it); the bound, in CPU
    seconds so that a busy machine cannot trip it, only catches a blow-up (a quadratic
    step would take hours).
    """
    result = in_place(config, case.build(tmp_path / f"{case.id}.xlsx"))
    assert_others_exact(samples, result)
    expect_outcome(case, samples, result, BASE_ID, tmp_path / f"{case.id}.xlsx")
    assert result.cpu_seconds < 180


@pytest.mark.parametrize("case", CONFIG_CASES, ids=lambda case: case.id)
def test_each_config_attack_is_refused_with_a_plain_message(case: Case, tmp_path: Path) -> None:
    """ConfigError, never a traceback or a config that loads."""
    path = case.build(tmp_path / f"{case.id}.xlsx")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert case.expected.describe()  # a row of the table
    assert getattr(case.expected, "says", "") in str(refused.value)


def test_a_huge_config_loads_in_seconds(tmp_path: Path) -> None:
    """5,000 collaboratives (≈ 300 KB of YAML; a program has five) is large, not hostile."""
    (tmp_path / "w.xlsx").touch()
    started = time.process_time()
    config = load_config(HUGE_CONFIG(tmp_path / "huge.xlsx"))
    assert len(config.collaboratives) == HUGE_CONFIG_ENTRIES
    assert time.process_time() - started < 30
