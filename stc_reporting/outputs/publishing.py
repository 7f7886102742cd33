"""Publishing: handing the files a run wrote to where people pick them up.

A `Publisher` takes files already written in a run folder (with the SHA-256 the
writer recorded) and puts each somewhere else: a local folder (`local_publisher.py`)
or a Google Drive folder (`drive.py`). It says, per file, where the file landed (an
id, a link a person can open, the SHA-256 of what was published), and lists the files
it could not publish, so nothing is recorded as published that was not.
Which publisher a run uses is decided in one place, `publisher_factory.py`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from stc_reporting.outputs.writer import WrittenFile


@dataclass(frozen=True)
class PublishedFile:
    """Where one file landed.

    Attributes:
        path: The file as the run wrote it, relative to the run folder.
        id: Its id where it landed (a file name in a folder, a Drive file id).
        link: An address a person can open.
        sha256: The SHA-256 of the content published (always the content written).
    """

    path: str
    id: str
    link: str
    sha256: str


@dataclass
class PublishOutcome:
    """What a publisher did: each file it published, and why each other one was not."""

    published: list[PublishedFile] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Publisher(Protocol):
    """Anything that can publish the files a run wrote."""

    @property
    def destination(self) -> str:
        """Where the files go, in words (a folder path, a Drive folder id)."""
        ...

    def publish(self, run_dir: Path, files: Sequence[WrittenFile]) -> PublishOutcome:
        """Publish each file; a file that fails fails alone.

        A file whose content no longer has the SHA-256 the run recorded is not
        published (someone changed it after the run wrote it).

        Args:
            run_dir: The run folder the files were written into.
            files: The files to publish, as the writer described them.

        Returns:
            Where each published file landed, and a message per file that was not.
        """
        ...


def read_unchanged(run_dir: Path, written: WrittenFile) -> bytes:
    """The content of a file the run wrote, refused if it changed since (its SHA-256).

    Raises:
        ValueError: The file is not the one the run recorded.
        OSError: It cannot be read.
    """
    content = (run_dir / written.path).read_bytes()
    if hashlib.sha256(content).hexdigest() != written.sha256:
        raise ValueError("it changed after the run wrote it (its SHA-256 differs)")
    return content
