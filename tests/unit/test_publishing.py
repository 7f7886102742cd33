"""Publishing into a local folder: atomic copies that never overwrite a different file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from stc_reporting.config import Config, GoogleConfig
from stc_reporting.outputs.local_publisher import LocalFolderPublisher
from stc_reporting.outputs.publisher_factory import (
    FINAL_FOLDER,
    PublisherConfigError,
    publisher_for,
)
from stc_reporting.outputs.writer import WrittenFile
from stc_reporting.reports.document import DocumentKind, RenderedDocument
from tests.builders import write_documents

pytestmark = pytest.mark.unit


def written_run(run_dir: Path, **reports: bytes) -> list[WrittenFile]:
    """Write one program report per keyword (path `reports/<name>.docx`) as a run would."""
    documents = [
        RenderedDocument(f"reports/{name}.docx", DocumentKind.PROGRAM_REPORT, None, content)
        for name, content in reports.items()
    ]
    return [f for f in write_documents(run_dir, documents) if f.kind != "manifest"]


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_each_file_lands_in_the_folder_with_its_id_link_and_hash(tmp_path: Path) -> None:
    """The copy has the written bytes; id is its name, link opens it, sha256 matches."""
    files = written_run(tmp_path / "run", program=b"final A", other=b"final B")
    outcome = LocalFolderPublisher(tmp_path / "final").publish(tmp_path / "run", files)
    assert outcome.failures == []
    assert [(p.path, p.id, p.sha256) for p in outcome.published] == [
        ("reports/program.docx", "program.docx", sha(b"final A")),
        ("reports/other.docx", "other.docx", sha(b"final B")),
    ]
    assert (tmp_path / "final/program.docx").read_bytes() == b"final A"
    assert outcome.published[0].link == (tmp_path / "final/program.docx").resolve().as_uri()
    assert sorted(p.name for p in (tmp_path / "final").iterdir()) == [
        "other.docx",
        "program.docx",
    ]


def test_publishing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    """Same content under the same name: reported where it is, no second copy."""
    files = written_run(tmp_path / "run", program=b"final A")
    publisher = LocalFolderPublisher(tmp_path / "final")
    first = publisher.publish(tmp_path / "run", files)
    second = publisher.publish(tmp_path / "run", files)
    assert second.published == first.published
    assert [p.name for p in (tmp_path / "final").iterdir()] == ["program.docx"]


def test_a_different_file_under_the_name_is_kept_and_the_new_one_gets_a_new_name(
    tmp_path: Path,
) -> None:
    """An earlier final stays as it was; the new final is `program (2).docx`, then (3)."""
    final = tmp_path / "final"
    final.mkdir()
    (final / "program.docx").write_bytes(b"published last month")
    publisher = LocalFolderPublisher(final)
    second = publisher.publish(tmp_path / "a", written_run(tmp_path / "a", program=b"v2"))
    third = publisher.publish(tmp_path / "b", written_run(tmp_path / "b", program=b"v3"))
    assert [p.id for p in second.published + third.published] == [
        "program (2).docx",
        "program (3).docx",
    ]
    assert (final / "program.docx").read_bytes() == b"published last month"
    assert (final / "program (2).docx").read_bytes() == b"v2"
    assert (final / "program (3).docx").read_bytes() == b"v3"


def test_a_file_changed_after_the_run_wrote_it_is_not_published(tmp_path: Path) -> None:
    """Its SHA-256 no longer matches: it fails alone, with a message; the others go."""
    files = written_run(tmp_path / "run", program=b"reviewed", other=b"fine")
    (tmp_path / "run/reports/program.docx").write_bytes(b"edited after review")
    outcome = LocalFolderPublisher(tmp_path / "final").publish(tmp_path / "run", files)
    assert [p.id for p in outcome.published] == ["other.docx"]
    assert len(outcome.failures) == 1
    assert "reports/program.docx was not published" in outcome.failures[0]
    assert "changed after the run wrote it" in outcome.failures[0]
    assert [p.name for p in (tmp_path / "final").iterdir()] == ["other.docx"]


def test_a_missing_file_fails_alone_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """A file gone from the run folder is reported; the folder holds only real copies."""
    files = written_run(tmp_path / "run", program=b"A", other=b"B")
    (tmp_path / "run/reports/other.docx").unlink()
    outcome = LocalFolderPublisher(tmp_path / "final").publish(tmp_path / "run", files)
    assert [p.id for p in outcome.published] == ["program.docx"]
    assert outcome.failures and "reports/other.docx was not published" in outcome.failures[0]
    assert [p.name for p in (tmp_path / "final").iterdir()] == ["program.docx"]


def config(drive_folder_id: str | None = None) -> Config:
    return Config.model_validate(
        {
            "program": {
                "name": "P",
                "funder": "F",
                "start": "2018-11-01",
                "end": "2021-10-31",
                "years": [2, 3],
            },
            "collaboratives": [{"id": "a", "name": "A", "city": "C", "workbook": "a.xlsx"}],
            "google": GoogleConfig(drive_folder_id=drive_folder_id) if drive_folder_id else None,
        }
    )


def test_without_a_drive_folder_finals_go_to_the_run_folders_final(tmp_path: Path) -> None:
    """The factory picks the local folder publisher at RUN_DIR/final/."""
    publisher = publisher_for(config(), tmp_path)
    assert isinstance(publisher, LocalFolderPublisher)
    assert publisher.folder == tmp_path / FINAL_FOLDER


def test_a_drive_folder_without_google_access_is_refused_naming_the_key(tmp_path: Path) -> None:
    """Drive is configured but no credentials were built: no publisher, a message instead."""
    with pytest.raises(PublisherConfigError, match=r"google\.drive_folder_id.*0AbC"):
        publisher_for(config("0AbC"), tmp_path / "run")
    assert not (tmp_path / "run" / FINAL_FOLDER).exists()


def test_publishers_racing_for_one_name_never_overwrite_each_other(tmp_path: Path) -> None:
    """Eight publishers at once, eight different finals: eight files, each intact."""
    from concurrent.futures import ThreadPoolExecutor

    final = tmp_path / "final"
    runs = {n: written_run(tmp_path / f"run{n}", program=f"v{n}".encode()) for n in range(8)}

    def publish(n: int) -> str:
        outcome = LocalFolderPublisher(final).publish(tmp_path / f"run{n}", runs[n])
        assert outcome.failures == []
        return outcome.published[0].id

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(publish, range(8)))
    assert len(set(names)) == 8
    for n, name in enumerate(names):
        assert (final / name).read_bytes() == f"v{n}".encode()
    assert sorted(p.name for p in final.iterdir()) == sorted(names)
