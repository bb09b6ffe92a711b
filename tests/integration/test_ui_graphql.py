"""The Dagster UI as an engineer meets it: `dagster dev` answering its GraphQL API.

Starts `dagster dev` on a free port on 127.0.0.1 in its own session (process group),
with a temporary DAGSTER_HOME and the TILLVAXT_* paths on a temporary raw tree;
waits (bounded) until the code location has loaded; asks for the asset graph, the
checks, the schedule and the sensor; and stops the whole process group: `dagster dev`
ignores SIGTERM when started without job control, and its children (webserver,
daemon, code server) outlive a SIGKILL of the parent alone.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

STARTUP_TIMEOUT_S = 120
LOCATION = "tillvaxt"

ASSETS_QUERY = """
{
  assetNodes {
    assetKey { path }
    dependencyKeys { path }
    groupName
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
  }
}
"""

AUTOMATION_QUERY = """
query ($selector: RepositorySelector!) {
  schedulesOrError(repositorySelector: $selector) {
    __typename
    ... on Schedules { results { name cronSchedule executionTimezone pipelineName } }
  }
  sensorsOrError(repositorySelector: $selector) {
    __typename
    ... on Sensors { results { name targets { pipelineName } } }
  }
}
"""

LOCATION_QUERY = """
{
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    return body["data"]


def _wait_until_loaded(port: int, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"dagster dev exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            entries = _graphql(port, LOCATION_QUERY)["workspaceOrError"]["locationEntries"]
            mine = [e for e in entries if e["name"] == LOCATION]
            if mine and mine[0]["loadStatus"] == "LOADED":
                loaded = mine[0]["locationOrLoadError"]
                assert loaded["__typename"] == "RepositoryLocation", loaded
                return
            last = f"location entries {entries}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            last = repr(exc)
        time.sleep(1)
    pytest.fail(
        f"dagster dev not ready after {STARTUP_TIMEOUT_S} s ({last}):\n{log.read_text()[-3000:]}"
    )


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A running `dagster dev` on a free localhost port; yields the port."""
    tmp = tmp_path_factory.mktemp("ui")
    home = tmp / "dagster_home"
    home.mkdir()
    raw = tmp / "raw"
    (raw / "payouts").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLVAXT_", "DAGSTER_"))}
    env.update(
        DAGSTER_HOME=str(home),
        TILLVAXT_RAW_DIR=str(raw),
        TILLVAXT_PROCESSED_DIR=str(tmp / "processed"),
    )
    port = _free_port()
    log = tmp / "dagster-dev.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # setsid: its own process group, stopped as one below
        )
    try:
        _wait_until_loaded(port, proc, log)
        yield port
    finally:
        pgid = os.getpgid(proc.pid) if proc.poll() is None else proc.pid
        for sig in (signal.SIGINT, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=15)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):  # children may outlive the parent
            os.killpg(pgid, signal.SIGKILL)


def test_asset_graph_reads_from_raw_payouts_to_the_published_reconciliation(
    dagster_dev: int,
) -> None:
    nodes = _graphql(dagster_dev, ASSETS_QUERY)["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    deps = {k: {"/".join(d["path"]) for d in n["dependencyKeys"]} for k, n in by_key.items()}
    assert "raw_payouts" in deps["payouts"]
    assert "payouts" in deps["appropriation_reconciliation"]
    assert "appropriation_reconciliation" in deps["published/appropriation_reconciliation"]
    assert by_key["published/appropriation_reconciliation"]["groupName"] == "published"
    assert by_key["raw_payouts"]["groupName"] == "ingest"
    for key, node in by_key.items():
        assert node["owners"] == [{"team": "tillvaxt"}], key


def test_checks_sit_next_to_their_assets(dagster_dev: int) -> None:
    nodes = _graphql(dagster_dev, ASSETS_QUERY)["assetNodes"]
    checks = {
        "/".join(n["assetKey"]["path"]): {
            c["name"]: c["blocking"] for c in n["assetChecksOrError"]["checks"]
        }
        for n in nodes
    }
    assert checks["payouts"] == {"nothing_lost": False, "no_conflicting_vouchers": True}
    assert "nothing_lost" in checks["decisions"]
    assert "nothing_lost" in checks["appropriations"]


def test_nightly_schedule_and_raw_file_sensor_target_the_pipeline(dagster_dev: int) -> None:
    selector = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__"}
    data = _graphql(dagster_dev, AUTOMATION_QUERY, {"selector": selector})
    schedules = {s["name"]: s for s in data["schedulesOrError"]["results"]}
    assert schedules["nightly"]["cronSchedule"] == "0 2 * * *"
    assert schedules["nightly"]["executionTimezone"] == "Europe/Stockholm"
    assert schedules["nightly"]["pipelineName"] == "tillvaxt_pipeline"
    sensors = {s["name"]: s for s in data["sensorsOrError"]["results"]}
    assert [t["pipelineName"] for t in sensors["raw_files_changed"]["targets"]] == [
        "tillvaxt_pipeline"
    ]
