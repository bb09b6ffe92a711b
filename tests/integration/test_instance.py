"""The production instance configurations: SQLite under DAGSTER_HOME, and PostgreSQL.

Each test installs the chosen `dagster.yaml` with `deploy/init-dagster-home.sh`,
opens the instance it describes, runs the pipeline on a small raw tree and finds the
run in that instance's storage. The PostgreSQL test uses a throw-away database on
the server in `TILLVAXT_TEST_POSTGRES_URL` (default the local one, trust auth); it
is skipped when no server answers, unless `TILLVAXT_REQUIRE_POSTGRES=1`.
"""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa
from dagster import DagsterInstance, DagsterRunStatus

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env
from tests.conftest import REPO

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())

INIT = REPO / "deploy" / "init-dagster-home.sh"
PG_URL = os.environ.get(
    "TILLVAXT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _init_home(home: Path, kind: str, extra_env: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "TILLVAXT_"))}
    env.update(DAGSTER_HOME=str(home), TILLVAXT_INSTANCE=kind, **(extra_env or {}))
    return subprocess.run(["sh", str(INIT)], env=env, capture_output=True, text=True, timeout=30)


def _run_pipeline(instance: DagsterInstance, raw: Path, out: Path):
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    return defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
        instance=instance, resources={"settings": settings}
    )


def test_sqlite_instance_keeps_runs_under_dagster_home(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    proc = _init_home(home, "sqlite")
    assert proc.returncode == 0, proc.stderr
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        result = _run_pipeline(instance, small_raw, tmp_path / "out")
        run_id = result.run_id
    with DagsterInstance.from_config(str(home)) as reopened:
        run = reopened.get_run_by_id(run_id)
        assert run is not None and run.status == DagsterRunStatus.SUCCESS
    assert (home / "history" / "runs.db").is_file()


def test_an_unknown_instance_kind_is_refused(tmp_path: Path) -> None:
    proc = _init_home(tmp_path / "home", "oracle")
    assert proc.returncode == 2
    assert "TILLVAXT_INSTANCE must be 'sqlite' or 'postgres', got 'oracle'" in proc.stderr
    assert not (tmp_path / "home" / "dagster.yaml").exists()


def _server() -> sa.URL:
    """The PostgreSQL server's URL, or skip (fail when it is required) if none answers."""
    url = sa.make_url(PG_URL)
    try:
        psycopg2.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password or "",
            dbname=url.database or "postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        reason = f"no PostgreSQL server answers at {url.host}:{url.port or 5432} ({str(exc).strip().splitlines()[0]})"
        if os.environ.get("TILLVAXT_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " and TILLVAXT_REQUIRE_POSTGRES=1")
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_database():
    """A fresh, empty database on the test server, dropped afterwards."""
    url = _server()
    name = f"tillvaxt_dagster_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(
        url.set(drivername="postgresql+psycopg2"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_postgres_instance_stores_the_run_in_postgres(
    pg_database: sa.URL, small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg_env = {
        "DAGSTER_PG_HOST": pg_database.host,
        "DAGSTER_PG_PORT": str(pg_database.port or 5432),
        "DAGSTER_PG_USER": pg_database.username,
        "DAGSTER_PG_PASSWORD": pg_database.password or "",
        "DAGSTER_PG_DB": pg_database.database,
    }
    home = tmp_path / "dagster_home"
    proc = _init_home(home, "postgres", pg_env)
    assert proc.returncode == 0, proc.stderr
    for key, value in {**pg_env, "DAGSTER_HOME": str(home)}.items():
        monkeypatch.setenv(key, value)
    with DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        result = _run_pipeline(instance, small_raw, tmp_path / "out")
        assert result.success
    engine = sa.create_engine(pg_database.set(drivername="postgresql+psycopg2"))
    try:
        with engine.connect() as conn:
            status = conn.execute(
                sa.text("SELECT status FROM runs WHERE run_id = :id"), {"id": result.run_id}
            ).scalar_one()
            materialized = conn.execute(
                sa.text(
                    "SELECT count(*) FROM event_logs WHERE run_id = :id "
                    "AND dagster_event_type = 'ASSET_MATERIALIZATION'"
                ),
                {"id": result.run_id},
            ).scalar_one()
    finally:
        engine.dispose()
    assert status == "SUCCESS"
    assert materialized == len(defs.resolve_asset_graph().get_all_asset_keys())
