"""The output folder as a transaction: lock, stage, commit, recover.

A run changes its output folder all at once or not at all, and never touches a file
it does not write (docs/outputs.md):

1. **Lock.** `OutputFolder(path).open()` takes an exclusive `fcntl.flock` on
   `<folder>/.stc-output/lock`. A second run waits, saying who holds the folder, up to
   a bound, then stops with `FolderBusyError`. The kernel drops the lock when its
   process dies, however it dies.
2. **Recover.** Under the lock, whatever a killed run left is settled first: a
   committed transaction is finished (roll forward), an uncommitted one is thrown
   away (roll back), and temporary files of older versions are removed.
3. **Stage.** `session.transaction()` gives a private staging folder inside
   `.stc-output/`; the run writes every file there (`put`, or any writer given
   `transaction.staging`). Nothing a person sees has changed yet.
4. **Commit.** `commit()` syncs the staged files, then writes the journal (the list
   of files to move) with one atomic rename: that rename is the commit point. It then
   renames each staged file over its place in the folder and deletes the journal.

The guarantee: a run killed before the commit point leaves every file outside
`.stc-output/` exactly as it was; once the journal exists the run's outcome is
decided, and the next `open()` (every `stc-report run`) or `recover()` finishes the
renames. So, as soon as any later command has opened the folder, it holds exactly the
files of before or exactly those of after, never a mix. Only a run killed during the
final renames (milliseconds) leaves a mix on disk in the meantime, with the journal
saying how to finish; files listed last (the manifest) are moved last, so a mismatch
with `manifest.json` shows it. A transaction only adds or replaces files: nothing is
ever deleted, so files put there by people stay.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

INTERNAL_FOLDER = ".stc-output"
LOCK_FILE = "lock"
JOURNAL_FILE = "journal.json"
STAGING_PREFIX = "staging-"
DEFAULT_WAIT_SECONDS = 600.0
_POLL_SECONDS = 0.2
_NAMING_SECONDS = 2.0  # how long a waiting run waits for the holder to say who it is
_UNNAMED_HOLDER = "another run"
# Temporary files older versions wrote beside their outputs: `.<name>.<8 random>.tmp`.
_LEGACY_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def _default_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _default_file_mode()
"""Mode of every output file: shared files, as the umask allows (mkstemp would give 0600)."""


class FolderBusyError(RuntimeError):
    """Another run held the output folder for longer than this run would wait."""


class OutputFolderError(RuntimeError):
    """The folder cannot take this run's files (a folder in a file's place, a bad path)."""


@dataclass(frozen=True)
class Recovery:
    """What opening the folder settled that an earlier, killed run had left.

    Attributes:
        finished: Files of a committed run that were moved into place now.
        discarded: Staging folders of runs killed before their commit, removed.
        temporaries: Temporary files of older versions, removed (relative paths).
    """

    finished: tuple[str, ...] = ()
    discarded: int = 0
    temporaries: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        """Plain sentences for the run's log; empty when there was nothing to settle."""
        lines = []
        if self.finished:
            lines.append(
                f"Finished an earlier run that was stopped while moving its files into "
                f"place ({len(self.finished)} files)."
            )
        if self.discarded:
            lines.append(
                "Removed the unfinished files of an earlier run that was stopped before "
                "it had written all of them; the folder was left as it was before that run."
            )
        if self.temporaries:
            count = len(self.temporaries)
            lines.append(f"Removed {count} temporary files left by an older version.")
        return lines


class OutputFolder:
    """A folder of outputs that runs change only through locked transactions.

    Args:
        path: The folder (`--out`); created when first opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._internal = path / INTERNAL_FOLDER

    @contextlib.contextmanager
    def open(
        self,
        holder: str = "",
        wait_seconds: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[FolderSession]:
        """Lock the folder, settle what a killed run left, and yield a session.

        Args:
            holder: Who is running, shown to a run that has to wait (e.g. the command).
            wait_seconds: How long to wait for another run to finish before giving up
                (default `DEFAULT_WAIT_SECONDS`).
            on_wait: Called once with a sentence when this run has to wait.

        Yields:
            The session; the lock is released when the block ends.

        Raises:
            FolderBusyError: Another run kept the folder for `wait_seconds`.
        """
        wait = DEFAULT_WAIT_SECONDS if wait_seconds is None else wait_seconds
        descriptor = self._lock(holder, wait, on_wait)
        try:
            yield FolderSession(self, self._recover())
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(descriptor, 0)
            os.close(descriptor)  # closing the last descriptor releases the flock

    def recover(self, wait_seconds: float | None = None) -> Recovery:
        """Settle what a killed run left (for commands that only read the folder)."""
        with self.open("recovery", wait_seconds) as session:
            return session.recovery

    # --- Lock ---------------------------------------------------------------------

    def _lock(self, holder: str, wait_seconds: float, on_wait: Callable[[str], None] | None) -> int:
        self._internal.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._internal / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
        started = time.monotonic()
        deadline = started + wait_seconds
        waited = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(descriptor)
                    raise
            who = self._holder(descriptor)
            if time.monotonic() >= deadline:
                os.close(descriptor)
                raise FolderBusyError(
                    f"{self.path} is in use by {who}, which did not finish within "
                    f"{_duration(wait_seconds)}. Nothing was written; run again when it "
                    "has finished."
                )
            # The holder writes who it is just after it takes the lock: give it a moment,
            # so the message names the run rather than "another run".
            named = who != _UNNAMED_HOLDER or time.monotonic() - started >= _NAMING_SECONDS
            if not waited and named and on_wait is not None:
                on_wait(
                    f"{self.path} is in use by {who}; waiting up to "
                    f"{_duration(wait_seconds)} for it to finish."
                )
            waited = waited or named
            time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))
        description = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            "by": holder,
        }
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(description).encode("utf-8"), 0)
        return descriptor

    @staticmethod
    def _holder(descriptor: int) -> str:
        """Who holds the lock, from what the holder wrote in the lock file."""
        try:
            found = json.loads(os.pread(descriptor, 4096, 0).decode("utf-8"))
            text = f"another run (pid {found['pid']} on {found['host']}, since {found['since']}"
            return text + (f": {found['by']})" if found.get("by") else ")")
        except (OSError, ValueError, KeyError, TypeError):
            return _UNNAMED_HOLDER

    # --- Recovery -----------------------------------------------------------------

    def _recover(self) -> Recovery:
        finished: tuple[str, ...] = ()
        journal = self._internal / JOURNAL_FILE
        if journal.exists():
            entry = _read_journal(journal)
            _move_into_place(self._internal / entry.staging, self.path, entry.files)
            journal.unlink()
            _sync_folder(self._internal)
            shutil.rmtree(self._internal / entry.staging, ignore_errors=True)
            finished = entry.files
        (self._internal / (JOURNAL_FILE + ".tmp")).unlink(missing_ok=True)
        unfinished = sorted(self._internal.glob(STAGING_PREFIX + "*"))
        for staging in unfinished:
            shutil.rmtree(staging)
        return Recovery(finished, len(unfinished), self._remove_legacy_temporaries())

    def _remove_legacy_temporaries(self) -> tuple[str, ...]:
        """Remove `.name.XXXXXXXX.tmp` files older versions left in the folder or a subfolder."""
        folders = [self.path] + [
            p
            for p in self.path.iterdir()
            if p.is_dir() and not p.is_symlink() and p.name != INTERNAL_FOLDER
        ]
        removed = []
        for folder in folders:
            for path in sorted(folder.iterdir()):
                if path.is_file() and _LEGACY_TEMPORARY.match(path.name):
                    path.unlink()
                    removed.append(path.relative_to(self.path).as_posix())
        return tuple(removed)


@dataclass(frozen=True)
class FolderSession:
    """The folder, locked by this run; what opening it settled."""

    folder: OutputFolder
    recovery: Recovery

    @property
    def path(self) -> Path:
        """The output folder."""
        return self.folder.path

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A new transaction; if the block ends without `commit()`, nothing changes."""
        staging = self.path / INTERNAL_FOLDER / f"{STAGING_PREFIX}{_transaction_id()}"
        staging.mkdir()
        transaction = Transaction(self.path, staging)
        try:
            yield transaction
        finally:
            if not transaction.committed:
                shutil.rmtree(staging, ignore_errors=True)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Path]:
        """A private folder for files that must not enter the folder, removed afterwards.

        `stc-report publish` makes the finals here before a publisher takes them. It
        sits in `.stc-output/` and is named like a staging folder, so if the process is
        killed the next `open()` removes it with the other unfinished staging folders.
        """
        path = self.path / INTERNAL_FOLDER / f"{STAGING_PREFIX}{_transaction_id()}"
        path.mkdir()
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)


class Transaction:
    """One run's files, staged privately, then moved into the folder all at once.

    Writers either `put` bytes or write files under `staging` themselves (relative
    paths as under the folder); `commit` moves everything staged.

    Args:
        folder: The output folder.
        staging: This transaction's private staging folder.
    """

    def __init__(self, folder: Path, staging: Path) -> None:
        self.folder = folder
        self.staging = staging
        self.committed = False

    def __repr__(self) -> str:
        return f"Transaction({self.staging})"

    def put(self, relative: str, content: bytes) -> None:
        """Stage one file's complete content under its path relative to the folder."""
        path = self.staging / _checked(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            stream.write(content)
        os.chmod(path, FILE_MODE)

    def keep_copy(self, relative: str, copy_as: str) -> bool:
        """Stage a copy of a file now in the folder under a new name (to set it aside).

        Returns:
            False when there is no such file.
        """
        source = self.folder / _checked(relative)
        if not source.is_file():
            return False
        target = self.staging / _checked(copy_as)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, FILE_MODE)
        return True

    def staged(self) -> list[str]:
        """Every staged file, as a path relative to the folder, sorted."""
        return sorted(
            p.relative_to(self.staging).as_posix() for p in self.staging.rglob("*") if p.is_file()
        )

    def commit(self, last: Sequence[str] = ()) -> list[str]:
        """Move every staged file into the folder, all or nothing (see the module doc).

        Args:
            last: Files to move after all others (the manifest, so a reader can tell).

        Returns:
            The files now in place, in the order they were moved.

        Raises:
            OutputFolderError: A staged file's place in the folder is taken by a folder
                (checked before the commit point, so nothing has changed).
        """
        files = self.staged()
        order = [f for f in files if f not in last] + [f for f in last if f in files]
        for relative in order:
            _check_place(self.folder, relative)
        for relative in order:
            _sync_file(self.staging / relative)
        for folder in {(self.staging / relative).parent for relative in order}:
            _sync_folder(folder)
        internal = self.folder / INTERNAL_FOLDER
        _write_journal(internal, _Journal(self.staging.name, tuple(order)))  # the commit point
        self.committed = True
        _move_into_place(self.staging, self.folder, tuple(order))
        (internal / JOURNAL_FILE).unlink()
        _sync_folder(internal)
        shutil.rmtree(self.staging)
        return order


def aside_name(relative: str, label: str, when: datetime) -> str:
    """A name to keep a file under beside the original: `name.<label>-<time>.ext`."""
    path = PurePosixPath(relative)
    return str(path.with_name(f"{path.stem}.{label}-{when:%Y%m%d-%H%M%S}{path.suffix}"))


# --- Journal and moves ----------------------------------------------------------------


@dataclass(frozen=True)
class _Journal:
    staging: str
    files: tuple[str, ...]


def _write_journal(internal: Path, journal: _Journal) -> None:
    temporary = internal / (JOURNAL_FILE + ".tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        json.dump({"staging": journal.staging, "files": list(journal.files)}, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, internal / JOURNAL_FILE)
    _sync_folder(internal)


def _read_journal(path: Path) -> _Journal:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        journal = _Journal(str(document["staging"]), tuple(str(f) for f in document["files"]))
    except (ValueError, KeyError, TypeError) as error:
        raise OutputFolderError(
            f"{path} records an unfinished run but cannot be read ({error}); it was "
            "changed by hand. Move it away to use the folder again."
        ) from error
    if not journal.staging.startswith(STAGING_PREFIX) or "/" in journal.staging:
        raise OutputFolderError(f"{path} names an unexpected staging folder")
    for relative in journal.files:
        _checked(relative)
    return journal


def _move_into_place(staging: Path, folder: Path, files: Sequence[str]) -> None:
    """Rename each staged file over its place; already moved ones are skipped (idempotent)."""
    touched = set()
    for relative in files:
        source = staging / relative
        if not source.exists():
            continue  # moved before the run was stopped
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        touched.add(target.parent)
    for parent in touched:
        _sync_folder(parent)


def _checked(relative: str) -> str:
    """A relative path that stays inside the folder and out of its internal folder."""
    path = PurePosixPath(relative)
    if (
        not relative
        or path.is_absolute()
        or ".." in path.parts
        or path.parts[0] == INTERNAL_FOLDER
        or str(path) != relative
    ):
        raise OutputFolderError(f"not a plain relative path inside the output folder: {relative!r}")
    return relative


def _check_place(folder: Path, relative: str) -> None:
    target = folder / relative
    parent = target.parent
    while parent != folder:
        if parent.exists() and not parent.is_dir():
            raise OutputFolderError(f"{parent} is a file where this run needs a folder")
        parent = parent.parent
    if target.is_dir() and not target.is_symlink():
        raise OutputFolderError(f"{target} is a folder where this run writes a file")


def _sync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(path: Path) -> None:
    """Make renames in a folder durable (a no-op where folders cannot be synced)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _transaction_id() -> str:
    return f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"
