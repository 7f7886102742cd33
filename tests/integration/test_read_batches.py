"""Trackers are read in a few batches, not one task each, and the run's progress counts them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.sorting import ArtifactSort

from flows.monthly_report import run_to_folder
from stc_reporting.config import CollaborativeConfig, load_config
from tasks.outputs import PROGRESS_KEY, RunProgress
from tasks.sources import batch_name, read_batches

pytestmark = pytest.mark.integration


def collaboratives(sample_config: Path, count: int) -> list[CollaborativeConfig]:
    """`count` collaboratives: the samples' configs over and over, each with an id of its own."""
    samples = load_config(sample_config).collaboratives
    return [samples[i % len(samples)].model_copy(update={"id": f"c{i:03d}"}) for i in range(count)]


@pytest.mark.parametrize(
    ("trackers", "sizes"),
    [(0, []), (1, [1]), (5, [1] * 5), (50, [4] * 12 + [2]), (500, [32] * 15 + [20])],
)
def test_trackers_are_split_into_at_most_sixteen_even_batches_in_order(
    sample_config: Path, trackers: int, sizes: list[int]
) -> None:
    """Four threads, four batches each: 500 trackers are 16 tasks, not 500; order kept."""
    chosen = collaboratives(sample_config, trackers)
    batches = read_batches(chosen, 16)
    assert [len(batch) for batch in batches] == sizes
    assert [c for batch in batches for c in batch] == chosen


def test_a_batch_task_is_named_for_its_first_trackers(sample_config: Path) -> None:
    """`read c000` alone; `read c000, c001, c002 and 2 more` for five."""
    chosen = collaboratives(sample_config, 5)
    assert batch_name(chosen[:1]) == "read c000"
    assert batch_name(chosen) == "read c000, c001, c002 and 2 more"


def test_the_progress_bar_counts_reads_checks_reports_and_the_writing() -> None:
    """Each tracker read, checked and rendered for is a step; writing is the last one."""
    progress = RunProgress(uuid4(), trackers=4)
    progress.read = 2
    assert progress.percent() == pytest.approx(100 * 2 / 13)
    assert progress.description() == "Read 2 of 4 trackers"
    progress.read, progress.checked, progress.rendered = 4, 4, 3
    assert progress.percent() == pytest.approx(100 * 12 / 13)
    progress.written = True
    assert progress.percent() == 100
    assert progress.description() == (
        "Read 4 of 4 trackers; checked 4; rendered 3 funder reports and the data-quality "
        "report; wrote the outputs"
    )
    skipping = RunProgress(uuid4(), trackers=4, with_reports=False, read=4, checked=4)
    skipping.written = True
    assert skipping.percent() == 100


def test_a_run_without_reports_ends_with_its_progress_bar_full(
    sample_config: Path, tmp_path: Path
) -> None:
    """`no_reports`: the figures are written, no report is, and the bar reaches 100 %."""
    out = tmp_path / "out"
    summary = run_to_folder(
        config_path=str(sample_config),
        as_of=date(2021, 10, 31),
        out_dir=str(out),
        only=["fresno", "oakland"],
        no_reports=True,
    )
    assert summary.exit_code == 0
    assert (out / "rollups.json").is_file()
    assert not list(out.rglob("*.docx")) and not list(out.rglob("*.html"))
    with get_client(sync_client=True) as client:
        (latest,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[PROGRESS_KEY])),
            sort=ArtifactSort.CREATED_DESC,
            limit=1,
        )
    assert latest.data == 100
    assert latest.description == "Read 2 of 2 trackers; checked 2; wrote the outputs"
