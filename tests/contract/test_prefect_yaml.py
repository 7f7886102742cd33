"""Every prefect.yaml deployment points at a real flow with valid parameters and schedules.

Also what the operator docs promise of it: the checkout folder is a deploy-time setting
(`STC_CHECKOUT`), the monthly-report deployments fix the config and outputs root and
never overlap, and the read-trackers deployment the spread reads start exists.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]


MONTHLY_REPORT = ("monthly", "on-demand")


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return loaded


def deployments(names: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    every = list(document()["deployments"])
    return [d for d in every if names is None or d["name"] in names]


def load_entrypoint(entrypoint: str) -> Any:
    path, attribute = entrypoint.split(":")
    name = "entrypoint_" + path.removesuffix(".py").replace("/", "_")
    spec = importlib.util.spec_from_file_location(name, REPO / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as Prefect loads it: dataclasses look their module up
    spec.loader.exec_module(module)
    return getattr(module, attribute)


def test_there_is_a_scheduled_and_an_on_demand_deployment() -> None:
    """interface.md: a monthly schedule and an on-demand deployment."""
    by_name = {d["name"]: d for d in deployments()}
    assert by_name["monthly"]["schedules"][0]["cron"] == "0 6 1 * *"
    assert by_name["on-demand"]["schedules"] == []


@pytest.mark.parametrize("deployment", deployments(MONTHLY_REPORT), ids=lambda d: d["name"])
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


def test_prefect_reads_the_file_as_written() -> None:
    """Prefect's own model of prefect.yaml takes every deployment and the pull step."""
    from prefect.cli.deploy._models import PrefectYamlModel

    model = PrefectYamlModel.model_validate(document())
    assert [d.name for d in model.deployments] == [d["name"] for d in deployments()]
    assert model.pull == document()["pull"]


def test_the_checkout_folder_is_filled_in_from_stc_checkout_when_deploying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pull step names $STC_CHECKOUT (not $PWD), which `prefect deploy` fills in.

    `prefect deploy` applies its environment to the pull steps with this same function
    (prefect/cli/deploy/_core.py), so the deployment keeps the absolute path given then.
    """
    from prefect.utilities.templating import apply_values

    [step] = document()["pull"]
    directory = step["prefect.deployments.steps.set_working_directory"]["directory"]
    assert directory == "{{ $STC_CHECKOUT }}"
    monkeypatch.setenv("STC_CHECKOUT", "/srv/stc-reporting")
    assert apply_values(directory, {}, remove_notset=False) == "/srv/stc-reporting"
    assert "{{ $PWD }}" not in (REPO / "prefect.yaml").read_text()


@pytest.mark.parametrize("deployment", deployments(MONTHLY_REPORT), ids=lambda d: d["name"])
def test_each_monthly_report_deployment_fixes_config_and_outputs_and_never_overlaps(
    deployment: dict[str, Any],
) -> None:
    """STC_CONFIG names the sample config; one run at a time, a second one waits."""
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy, ConcurrencyOptions

    env = deployment["work_pool"]["job_variables"]["env"]
    assert (REPO / env["STC_CONFIG"]).is_file()
    assert env["STC_OUTPUTS_ROOT"] == "out/runs"
    assert env["STC_TRACKERS_PER_READ_RUN"] == "0"
    limit = deployment["concurrency_limit"]
    assert limit["limit"] == 1
    options = ConcurrencyOptions(collision_strategy=limit["collision_strategy"])
    assert options.collision_strategy is ConcurrencyLimitStrategy.ENQUEUE


def test_the_read_trackers_deployment_is_the_one_spread_reads_start() -> None:
    """Same pool, no schedule, no concurrency limit, and the flow read_on_workers names."""
    from flows.read_trackers import READ_DEPLOYMENT

    [deployment] = deployments(("read-trackers",))
    flow = load_entrypoint(deployment["entrypoint"])
    assert f"{flow.name}/{deployment['name']}" == READ_DEPLOYMENT
    assert deployment["work_pool"]["name"] == "stc-reporting"
    assert deployment["schedules"] == []
    assert "concurrency_limit" not in deployment
