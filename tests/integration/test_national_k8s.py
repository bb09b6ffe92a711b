"""The Kubernetes example deployment loads: the definitions with `k8s_job_executor`
(`dagster definitions validate`), and the instance configuration with its
`K8sRunLauncher` and run queue (against the test PostgreSQL, as in a cluster).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from dagster import DagsterInstance
from dagster_k8s import K8sRunLauncher

from tests.cli import run_command
from tests.conftest import REPO
from tests.integration.test_national import write_kronoberg

pytest_plugins = ["tests.pg"]  # the pg_url fixture

K8S_INSTANCE = REPO / "deploy" / "k8s" / "dagster.yaml"

# Outside a cluster the launcher cannot read the in-cluster service account; a
# kubeconfig naming a cluster that is never contacted stands in for it.
DUMMY_KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: test, user: {token: not-a-token}}]
contexts: [{name: test, context: {cluster: test, user: test}}]
current-context: test
"""


def test_k8s_definitions_validate_with_regions(tmp_path: Path) -> None:
    root = tmp_path / "regions"
    write_kronoberg(root / "kronoberg")
    write_kronoberg(root / "skane")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLVAXT_", "DAGSTER_"))}
    env.update(
        TILLVAXT_REGIONS_ROOT=str(root),
        TILLVAXT_PROCESSED_DIR=str(tmp_path / "processed"),
        DAGSTER_HOME=str(tmp_path / "home"),
    )
    (tmp_path / "home").mkdir()
    validate = run_command(
        ["dagster", "definitions", "validate", "-m", "pipelines.definitions_k8s"], env, timeout=300
    )
    assert validate.returncode == 0, validate.stderr[-3000:]
    assert "Validation successful for code location pipelines.definitions_k8s" in (
        validate.stdout + validate.stderr
    )
    shape = run_command(
        [
            "python",
            "-c",
            "from pipelines.definitions_k8s import defs; "
            "j = defs().resolve_job_def('tillvaxt_national'); "
            "print(j.executor_def.name, *j.partitions_def.get_partition_keys())",
        ],
        env,
        timeout=300,
    )
    assert shape.returncode == 0, shape.stderr[-3000:]
    assert shape.stdout.split() == ["k8s", "kronoberg", "skane"]


@pytest.mark.postgres
def test_k8s_instance_has_the_k8s_run_launcher_and_one_run_per_region(
    pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = yaml.safe_load(K8S_INSTANCE.read_text())
    launcher = config["run_launcher"]["config"]
    assert launcher["load_incluster_config"] is True
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(DUMMY_KUBECONFIG)
    launcher.update(load_incluster_config=False, kubeconfig_file=str(kubeconfig))
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))

    url = sa.make_url(pg_url)
    for name, value in {
        "DAGSTER_PG_HOST": url.host,
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_USER": url.username,
        "DAGSTER_PG_PASSWORD": url.password or "",
        "DAGSTER_PG_DB": url.database,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    with DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_launcher, K8sRunLauncher)
        assert instance.run_launcher.job_namespace == "tillvaxt"
        assert instance.run_launcher.env_secrets == ["tillvaxt-secrets"]
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 4
        assert queue.tag_concurrency_limits == [
            {"key": "dagster/partition", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
        ]
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
