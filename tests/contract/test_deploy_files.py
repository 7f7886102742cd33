"""The files that keep server and workers running (deploy/) agree with prefect.yaml and the pins.

docs/operations.md tells operators to use them as they are: a wrong pool name, a Prefect
image of another version than constraints.txt, or an outputs volume that misses the
outputs root would only show on the operator's machine.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.contract

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    return loaded


def prefect_yaml() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "prefect.yaml").read_text())
    return loaded


def pinned_prefect() -> str:
    found = re.search(r"^prefect==(\S+)$", (REPO / "constraints.txt").read_text(), re.MULTILINE)
    assert found is not None
    return found.group(1)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def monthly_env() -> dict[str, str]:
    [monthly] = [d for d in prefect_yaml()["deployments"] if d["name"] == "monthly"]
    env: dict[str, str] = monthly["work_pool"]["job_variables"]["env"]
    return env


def test_server_and_workers_run_the_prefect_constraints_txt_pins() -> None:
    """The server image and the worker image's base are the pinned Prefect version."""
    image = f"prefecthq/prefect:{pinned_prefect()}-python3.11"
    assert compose()["services"]["server"]["image"] == image
    assert f"FROM {image}" in (DEPLOY / "Dockerfile").read_text().splitlines()


def test_compose_deploys_from_the_checkout_the_image_holds_and_shares_the_outputs_root() -> None:
    """STC_CHECKOUT is the image's checkout; the outputs root lies in one shared volume."""
    services = compose()["services"]
    checkout = services["deploy"]["environment"]["STC_CHECKOUT"]
    assert f"WORKDIR {checkout}" in (DEPLOY / "Dockerfile").read_text().splitlines()
    outputs_root = Path(checkout) / monthly_env()["STC_OUTPUTS_ROOT"]
    mounts = [volume.split(":") for volume in services["worker"]["volumes"]]
    shared = [Path(target) for source, target, *_ in mounts if source == "outputs"]
    assert len(shared) == 1 and outputs_root.is_relative_to(shared[0])
    assert services["worker"]["deploy"]["replicas"] >= 2


def test_compose_keeps_prefect_in_postgresql_through_asyncpg() -> None:
    """The server's database URL uses the asyncpg driver, which installs with Prefect."""
    assert importlib.util.find_spec("asyncpg") is not None  # installs with Prefect

    environment = compose()["services"]["server"]["environment"]
    url = environment["PREFECT_SERVER_DATABASE_CONNECTION_URL"]
    assert url.startswith("postgresql+asyncpg://prefect:")
    assert url.endswith("@postgres:5432/prefect")


def test_every_worker_starts_on_the_pool_the_deployments_use() -> None:
    """Systemd's worker unit and compose's worker serve prefect.yaml's work pool."""
    pools = {d["work_pool"]["name"] for d in prefect_yaml()["deployments"]}
    assert len(pools) == 1
    [pool] = pools
    start = unit("stc-prefect-worker@.service")["Service"]["ExecStart"]
    assert f"prefect worker start --pool {pool} " in start
    assert compose()["services"]["worker"]["command"] == f"prefect worker start --pool {pool}"


def test_the_server_unit_binds_loopback_behind_the_proxy() -> None:
    """The systemd server listens on 127.0.0.1 only; the reverse proxy faces the network."""
    start = unit("stc-prefect-server.service")["Service"]["ExecStart"]
    assert "prefect server start --host 127.0.0.1 " in start
    assert compose()["services"]["server"]["ports"] == ["127.0.0.1:4200:4200"]


def test_credentials_and_local_state_stay_out_of_the_image() -> None:
    """The worker image is built from the checkout without secrets/, .venv or outputs."""
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {"secrets", ".venv", "out", ".git"} <= set(ignored)
