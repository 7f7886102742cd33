"""Shared test settings: Prefect stays local, quiet and isolated from the user's own."""

from __future__ import annotations

import os
import tempfile

# Set before anything imports prefect: an isolated home (its database and result
# store), no telemetry, and a start-up timeout with room for a busy 2-core machine.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="stc-prefect-home-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
