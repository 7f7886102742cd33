"""A render job that tells which process rendered it and what that process had imported.

It lives apart from the tests so that a worker process importing it imports nothing
else of them (no pytest): what the worker holds is what the pool itself brought in.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateSyntaxError

from stc_reporting.reports.document import DocumentKind, RenderedDocument

WATCHED_MODULES = ("prefect", "great_expectations", "pytest")
"""Modules a worker must not import for nothing (the flow's, the checks', the tests')."""
PATIENCE_SECONDS = 120.0
"""How long a job waits for the others, on a machine as busy as it may be."""


@dataclass(frozen=True)
class ProbeJob:
    """A job that records where it ran.

    Attributes:
        index: Its place among the jobs.
        folder: Where every job leaves a mark as it starts, `<index>.started`.
        wait_for: Before rendering, wait until these jobs have started elsewhere (so
            they must be rendered by another process while this one waits).
        fail: Raise an error that cannot be pickled whole (Jinja's), as a broken
            template does.
        exit_in_worker: Stop the worker process rendering it at once (as if killed),
            but render in the process that asked.
        asker: The process id of the process that asked for the rendering.
    """

    index: int
    folder: Path
    wait_for: tuple[int, ...] = ()
    fail: bool = False
    exit_in_worker: bool = False
    asker: int = 0

    def render(self) -> list[RenderedDocument]:
        """One document saying which process rendered the job and what it had imported."""
        (self.folder / f"{self.index}.started").touch()
        if self.exit_in_worker and os.getpid() != self.asker:
            os._exit(3)
        self._wait_for_the_others()
        if self.fail:
            raise TemplateSyntaxError(f"job {self.index}: unexpected end of template", 1)
        seen = {"pid": os.getpid(), "modules": [m for m in WATCHED_MODULES if m in sys.modules]}
        content = json.dumps(seen).encode()
        return [RenderedDocument(f"{self.index}.json", DocumentKind.REPORT_TEXTS, None, content)]

    def _wait_for_the_others(self) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not all((self.folder / f"{other}.started").exists() for other in self.wait_for):
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {self.index}: jobs {self.wait_for} never started")
            time.sleep(0.02)


def rendered_by(content: bytes) -> tuple[int, list[str]]:
    """The process id and the watched modules a probe's document names."""
    seen = json.loads(content)
    return int(seen["pid"]), list(seen["modules"])
