"""What a deployment fixes for its runs, so the run form never asks for a path.

Read from the environment of the process that runs the flow: `prefect.yaml` sets
these per deployment under `job_variables: env:`, a worker's own environment can
set them too (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DeploymentSettings(BaseSettings):
    """The deployment's fixed settings (environment variables `STC_...`).

    Attributes:
        config: The program config file, relative to the run's working folder.
        outputs_root: Where every run gets a folder of its own (`<month>/<run>/`).
        approval_timeout_hours: How long a run with `publish` waits for a reviewer
            before it fails, publishing nothing.
        trackers_per_read_run: Above 0, trackers are read by `read-trackers` runs of
            this many trackers each, spread over the workers; 0 reads them in the run.
        outputs_url: Where a web server serves the outputs root, if one does: the run
            page's links then open there instead of as `file://` addresses, which
            browsers refuse to open from a web page (docs/operations.md).
        allow_publish: False on a deployment that must never publish (the monthly
            schedule): its runs write drafts only, whatever their `publish` says.
    """

    model_config = SettingsConfigDict(env_prefix="STC_", extra="ignore")

    config: Path = Path("config/program.yaml")
    outputs_root: Path = Path("out/runs")
    approval_timeout_hours: float = Field(default=168.0, gt=0)
    trackers_per_read_run: int = Field(default=0, ge=0)
    outputs_url: str | None = None
    allow_publish: bool = True
