"""The output folder changes all at once or not at all, one run at a time, deleting nothing."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

import pytest

from stc_reporting.outputs.folder import (
    INTERNAL_FOLDER,
    JOURNAL_FILE,
    LOCK_FILE,
    FolderBusyError,
    OutputFolder,
    OutputFolderError,
    aside_name,
)

pytestmark = pytest.mark.unit


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under the folder (the lock file aside) with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() != f"{INTERNAL_FOLDER}/{LOCK_FILE}"
    }


def commit(folder: Path, files: dict[str, bytes], last: tuple[str, ...] = ()) -> list[str]:
    with OutputFolder(folder).open() as session, session.transaction() as transaction:
        for path, content in files.items():
            transaction.put(path, content)
        return transaction.commit(last=last)


def test_a_commit_puts_every_file_and_leaves_nothing_of_its_own_behind(tmp_path: Path) -> None:
    """Files land under their paths; no staging folder, journal or temporary file remains."""
    out = tmp_path / "out"
    moved = commit(
        out, {"a.json": b"1", "reports/b.docx": b"2", "manifest.json": b"3"}, ("manifest.json",)
    )
    assert moved == ["a.json", "reports/b.docx", "manifest.json"]
    assert (out / "reports/b.docx").read_bytes() == b"2"
    assert sorted(p.name for p in (out / INTERNAL_FOLDER).iterdir()) == [LOCK_FILE]
    assert set(snapshot(out)) == {"a.json", "reports/b.docx", "manifest.json"}


def test_a_run_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    """A reviewer's copy and an earlier draft the run does not replace stay as they were."""
    out = tmp_path / "out"
    commit(out, {"reports/collaborative-oakland.docx": b"october", "rollups.json": b"old"})
    (out / "reports/program-report (reviewed by Ana).docx").write_bytes(b"Ana's notes")
    commit(out, {"rollups.json": b"new"})
    assert (out / "reports/program-report (reviewed by Ana).docx").read_bytes() == b"Ana's notes"
    assert (out / "reports/collaborative-oakland.docx").read_bytes() == b"october"
    assert (out / "rollups.json").read_bytes() == b"new"


def test_a_transaction_that_is_not_committed_changes_nothing(tmp_path: Path) -> None:
    """An error while the run writes: the folder is exactly as before, staging gone."""
    out = tmp_path / "out"
    commit(out, {"rollups.json": b"old"})
    before = snapshot(out)
    with (
        pytest.raises(RuntimeError, match="render failed"),
        OutputFolder(out).open() as session,
        session.transaction() as transaction,
    ):
        transaction.put("rollups.json", b"new")
        raise RuntimeError("render failed")
    assert snapshot(out) == before


def test_the_staging_of_a_run_killed_before_its_commit_is_thrown_away(tmp_path: Path) -> None:
    """Staged files without a journal: the next open removes them and says so."""
    out = tmp_path / "out"
    commit(out, {"rollups.json": b"old"})
    before = snapshot(out)
    staging = out / INTERNAL_FOLDER / "staging-killed"
    (staging / "reports").mkdir(parents=True)
    (staging / "reports/program-report.docx").write_bytes(b"half")
    (out / INTERNAL_FOLDER / (JOURNAL_FILE + ".tmp")).write_text('{"staging": "staging-ki')
    recovery = OutputFolder(out).recover()
    assert recovery.discarded == 1 and recovery.finished == ()
    assert "left as it was" in " ".join(recovery.describe())
    assert snapshot(out) == before


def test_a_run_stopped_while_moving_its_files_is_finished_by_the_next_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the commit point the outcome is decided: recovery moves the rest into place."""
    out = tmp_path / "out"
    commit(out, {"a.json": b"old a", "b.json": b"old b", "manifest.json": b"old m"})
    real_replace = os.replace
    calls = []

    def replace_then_die(source: str | Path, target: str | Path) -> None:
        calls.append(target)
        if len(calls) == 3:  # the journal, then a.json, then the process "dies"
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        commit(
            out,
            {"a.json": b"new a", "b.json": b"new b", "manifest.json": b"new m"},
            ("manifest.json",),
        )
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "a.json").read_bytes() == b"new a"
    assert (out / "b.json").read_bytes() == b"old b"  # a mix on disk, until the next open
    assert (out / INTERNAL_FOLDER / JOURNAL_FILE).exists()
    recovery = OutputFolder(out).recover()
    assert recovery.finished == ("a.json", "b.json", "manifest.json")
    assert {p: (out / p).read_bytes() for p in ("a.json", "b.json", "manifest.json")} == {
        "a.json": b"new a",
        "b.json": b"new b",
        "manifest.json": b"new m",
    }
    assert sorted(p.name for p in (out / INTERNAL_FOLDER).iterdir()) == [LOCK_FILE]


def test_temporary_files_of_older_versions_are_removed_and_nothing_else(tmp_path: Path) -> None:
    """`.name.XXXXXXXX.tmp` beside the outputs goes; a person's files stay."""
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    (out / ".rollups.json.k2j_9x0a.tmp").write_bytes(b"half")
    (out / "reports/.program-report.docx.ab12cd34.tmp").write_bytes(b"half")
    (out / "notes.tmp").write_bytes(b"mine")
    (out / "reports/.my draft.docx").write_bytes(b"mine")
    recovery = OutputFolder(out).recover()
    assert recovery.temporaries == (
        ".rollups.json.k2j_9x0a.tmp",
        "reports/.program-report.docx.ab12cd34.tmp",
    )
    assert set(snapshot(out)) == {"notes.tmp", "reports/.my draft.docx"}


def test_a_second_run_waits_then_stops_with_a_message_naming_the_holder(tmp_path: Path) -> None:
    """While one run holds the folder another is told who, and gives up after its bound."""
    folder = OutputFolder(tmp_path / "out")
    told: list[str] = []
    with (
        folder.open("stc-report run --only fresno"),
        pytest.raises(FolderBusyError) as stopped,
        folder.open(wait_seconds=0.5, on_wait=told.append),
    ):
        pass
    message = str(stopped.value)
    assert f"pid {os.getpid()}" in message and "stc-report run --only fresno" in message
    assert "Nothing was written" in message
    assert len(told) == 1 and "waiting up to 0.5 seconds" in told[0]
    with folder.open(wait_seconds=0.0):  # released when the block ended
        pass


def test_a_file_cannot_replace_a_folder_and_nothing_changes(tmp_path: Path) -> None:
    """A folder where the run writes a file is found before the commit point."""
    out = tmp_path / "out"
    commit(out, {"rollups.json": b"old"})
    (out / "issues.csv").mkdir()
    before = snapshot(out)
    with pytest.raises(OutputFolderError, match="is a folder"):
        commit(out, {"rollups.json": b"new", "issues.csv": b"x"})
    assert snapshot(out) == before


@pytest.mark.parametrize("path", ["../escape.json", "/etc/x", f"{INTERNAL_FOLDER}/lock", "a//b"])
def test_paths_outside_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    """A run can only put files under its folder, never in the folder's own bookkeeping."""
    with pytest.raises(OutputFolderError, match="not a plain relative path"):
        commit(tmp_path / "out", {path: b"x"})


def test_a_copy_kept_aside_lands_with_the_run(tmp_path: Path) -> None:
    """Keeping a damaged file under a dated name, while the run replaces the original."""
    out = tmp_path / "out"
    commit(out, {"issues-followup.json": b"{broken"})
    name = aside_name("issues-followup.json", "damaged", datetime(2021, 11, 3, 10, 15, 0))
    assert name == "issues-followup.damaged-20211103-101500.json"
    with OutputFolder(out).open() as session, session.transaction() as transaction:
        assert transaction.keep_copy("issues-followup.json", name)
        assert not transaction.keep_copy("missing.json", "missing.old.json")
        transaction.put("issues-followup.json", b"{}")
        transaction.commit()
    assert (out / name).read_bytes() == b"{broken"
    assert (out / "issues-followup.json").read_bytes() == b"{}"
