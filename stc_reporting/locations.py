"""Where the project's own files live (templates, expectation suites, docs), and paths in the way.

One place, so no module builds these paths itself. The package is installed
editable from the checkout, so the folders sit beside it.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO / "templates"
EXPECTATIONS_DIR = REPO / "expectations"
DOCS_DIR = REPO / "docs"


def file_in_the_way(path: Path) -> Path | None:
    """The nearest existing part of `path` when it is a file where a folder is needed.

    A run stops on it before reading anything (`pipeline.plan_run`), and a write that
    failed on it names it (`flows/environment_failures.py`).

    Returns:
        `path` itself or the folder above it nearest to it that exists, when that is not a
        folder; None when it is one (then so is every folder above it), or nothing exists.
    """
    for candidate in (path, *path.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None
