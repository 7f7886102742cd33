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


@pytest.mark.parametrize(
    "deployment",
    [d for d in deployments() if d["entrypoint"].startswith("flows/monthly_report.py")],
    ids=lambda d: d["name"],
)
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


def form_schema() -> dict[str, Any]:
    from prefect.utilities.callables import parameter_schema

    from flows.monthly_report import monthly_report

    return parameter_schema(monthly_report.fn).model_dump()


def test_the_run_form_asks_in_plain_words_and_never_for_a_path() -> None:
    """One request: month, collaboratives, publish; each titled and explained; no paths."""
    schema = form_schema()
    assert list(schema["properties"]) == ["request"]
    request = schema["definitions"]["ReportRequest"]
    fields = request["properties"]
    assert list(fields) == ["month", "collaboratives", "publish"]
    for name, field in fields.items():
        assert field.get("title") and field["title"] != name, f"{name} has no plain title"
        assert field.get("description"), f"{name} has no help text"
    assert [field["position"] for field in fields.values()] == [0, 1, 2]


def test_the_month_is_a_date_picker_whose_blank_means_last_month() -> None:
    """A plain date (no "date / None" switch); blank is last month (the help says so)."""
    month = form_schema()["definitions"]["ReportRequest"]["properties"]["month"]
    assert (month["type"], month["format"], month["default"]) == ("string", "date", None)
    assert "anyOf" not in month
    assert "blank for last month" in month["description"]


def test_collaboratives_are_a_multi_select_of_the_configured_names() -> None:
    """The choices are the config's collaboratives by name (and city), not ids to type."""
    field = form_schema()["definitions"]["ReportRequest"]["properties"]["collaboratives"]
    assert field["type"] == "array"
    assert field["items"]["enum"] == [
        "The Center at McKinleyville",
        "Allies Against Violence (Oakland)",
        "Mujeres Poderosas Amorosas (Fresno)",
        "LA Worker Center Network (Los Angeles)",
        "East African Men and Boys Collaborative (San Diego)",
    ]


def test_the_scheduled_deployment_never_publishes() -> None:
    """interface.md: the monthly schedule writes drafts only, whatever its parameters say."""
    by_name = {d["name"]: d for d in deployments()}
    env = by_name["monthly"]["work_pool"]["job_variables"]["env"]
    assert env["STC_ALLOW_PUBLISH"] == "false"
    assert not by_name["monthly"]["parameters"].get("request", {}).get("publish", False)


def test_deployments_fix_the_config_and_outputs_root_and_never_overlap() -> None:
    """The form never asks for paths; a second run waits for the first."""
    for deployment in deployments():
        if deployment["entrypoint"] != "flows/monthly_report.py:monthly_report":
            continue
        env = deployment["work_pool"]["job_variables"]["env"]
        assert {"STC_CONFIG", "STC_OUTPUTS_ROOT"} <= set(env)
        assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
