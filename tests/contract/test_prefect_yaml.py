"""Every prefect.yaml deployment points at a real flow with valid parameters and schedules."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


def deployments() -> list[dict[str, Any]]:
    document = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return list(document["deployments"])


def load_entrypoint(entrypoint: str) -> Any:
    path, name = entrypoint.split(":")
    spec = importlib.util.spec_from_file_location("entrypoint_module", REPO / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def test_there_is_a_scheduled_and_an_on_demand_deployment() -> None:
    """interface.md: a monthly schedule and an on-demand deployment."""
    by_name = {d["name"]: d for d in deployments()}
    assert by_name["monthly"]["schedules"][0]["cron"] == "0 6 1 * *"
    assert by_name["on-demand"]["schedules"] == []


@pytest.mark.parametrize("deployment", deployments(), ids=lambda d: d["name"])
def test_each_deployment_runs_the_monthly_report_flow_with_valid_parameters(
    deployment: dict[str, Any],
) -> None:
    """The entrypoint loads, the flow is `monthly-report`, its parameters validate."""
    flow = load_entrypoint(deployment["entrypoint"])
    assert flow.name == "monthly-report"
    flow.validate_parameters(deployment["parameters"])
    assert deployment["work_pool"]["name"] == "stc-reporting"


def test_each_schedule_is_a_valid_cron_in_a_real_timezone() -> None:
    """Prefect's own schedule model accepts every schedule, and keeps its timezone."""
    from prefect.client.schemas.schedules import CronSchedule

    schedules = [s for d in deployments() for s in d["schedules"]]
    assert schedules
    for schedule in schedules:
        parsed = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
        assert (parsed.cron, parsed.timezone) == (schedule["cron"], schedule["timezone"])


def test_every_flow_parameter_has_help_text_for_the_ui_form() -> None:
    """The Prefect UI shows each parameter's docstring line as help."""
    from prefect.utilities.callables import parameter_schema

    from flows.monthly_report import monthly_report

    schema = parameter_schema(monthly_report.fn).model_dump()
    assert set(schema["properties"]) == {
        "config_path",
        "as_of",
        "only",
        "out_dir",
        "compare_to",
        "from_snapshots",
    }
    for name, field in schema["properties"].items():
        assert field.get("description"), f"{name} has no help text"
