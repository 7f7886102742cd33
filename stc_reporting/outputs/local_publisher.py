"""Publishing into a local folder (the finals of a run when no Drive folder is set).

Each file is copied atomically: written to a temporary file in the target folder,
then hard-linked to its name, which fails rather than replace a file that is there
already. So a published file never overwrites another, even when two publishers run
at once, and nobody ever sees half a file. By design:

- the same content already published under the name: nothing is copied, and that
  file is reported (publishing again is harmless);
- a different file under the name (an earlier final, a reviewer's copy): it is kept,
  and the new file gets the next free name, `name (2).docx`, `name (3).docx`, ...

The folder must be on a file system with hard links (any local Linux or macOS disk).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from stc_reporting.outputs.folder import FILE_MODE
from stc_reporting.outputs.publishing import PublishedFile, PublishOutcome, read_unchanged
from stc_reporting.outputs.writer import WrittenFile

# Far more than any folder needs; a bound so a broken folder cannot loop forever.
MAX_NAMES = 1000


class LocalFolderPublisher:
    """Copies files into one folder, never overwriting a different file."""

    def __init__(self, folder: Path) -> None:
        """Publish into `folder` (created when needed)."""
        self.folder = folder

    @property
    def destination(self) -> str:
        """Where the files go, in words: the folder."""
        return str(self.folder)

    def publish(self, run_dir: Path, files: Sequence[WrittenFile]) -> PublishOutcome:
        """Copy each file into the folder; see the module docstring for names."""
        outcome = PublishOutcome()
        for written in files:
            try:
                outcome.published.append(self._publish_one(run_dir, written))
            except (OSError, ValueError) as error:
                outcome.failures.append(f"{written.path} was not published: {error}")
        return outcome

    def _publish_one(self, run_dir: Path, written: WrittenFile) -> PublishedFile:
        content = read_unchanged(run_dir, written)
        digest = written.sha256
        self.folder.mkdir(parents=True, exist_ok=True)
        name = self._place(PurePosixPath(written.path).name, content, digest)
        target = self.folder / name
        return PublishedFile(written.path, name, target.resolve().as_uri(), digest)

    def _place(self, name: str, content: bytes, digest: str) -> str:
        """Put the content under `name` or the next free variant; return the name used."""
        temporary = _complete_temporary(self.folder, name, content)
        try:
            for candidate in _names(name):
                try:
                    os.link(temporary, self.folder / candidate)
                    return candidate
                except FileExistsError:
                    if _sha256(self.folder / candidate) == digest:
                        return candidate
            raise ValueError(f"no free name for {name} among {MAX_NAMES} tries")
        finally:
            temporary.unlink(missing_ok=True)


def _names(name: str) -> list[str]:
    """`name`, then `stem (2).ext`, `stem (3).ext`, ... up to MAX_NAMES."""
    path = PurePosixPath(name)
    return [name, *(f"{path.stem} ({n}){path.suffix}" for n in range(2, MAX_NAMES + 1))]


def _complete_temporary(folder: Path, name: str, content: bytes) -> Path:
    """Write the whole content to a hidden temporary file in `folder`, flushed to disk."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, FILE_MODE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
