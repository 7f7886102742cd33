"""Where the project's own files live: templates, expectation suites, docs.

One place, so no module builds these paths itself. The package is installed
editable from the checkout, so the folders sit beside it.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO / "templates"
EXPECTATIONS_DIR = REPO / "expectations"
DOCS_DIR = REPO / "docs"
