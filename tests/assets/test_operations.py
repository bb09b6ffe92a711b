"""What an engineer sees in the UI and what happens on a transient fault.

Owners and freshness on the definitions; the published assets' table schema, row
count and column lineage from a real run; a warehouse write that fails once is
retried and the table is published.
"""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import AssetKey, DagsterInstance, TableColumnDep

import tillvaxt.publish.publisher as publisher_module
import tillvaxt.publish.warehouse as warehouse_module
from assets._schema import column_type, table_schema
from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())

RECON = AssetKey(["published", "appropriation_reconciliation"])


def test_every_asset_has_an_owner_and_published_tables_a_freshness_policy() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.owners == ["team:tillvaxt"], key.to_user_string()
        if key.path[0] == "published":
            assert node.freshness_policy is not None
            assert node.freshness_policy.fail_window.to_timedelta().total_seconds() == 26 * 3600
        else:
            assert node.freshness_policy is None


def test_checks_survive_the_attribute_mapping() -> None:
    graph = defs.resolve_asset_graph()
    names = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("payouts", "nothing_lost") in names
    assert ("payouts", "no_conflicting_vouchers") in names


def test_job_asks_for_run_retries_on_crashes_only() -> None:
    job = defs.resolve_job_def(PIPELINE_JOB)
    assert job.run_tags["dagster/max_retries"] == "2"
    assert job.run_tags["dagster/retry_on_asset_or_op_failure"] == "false"


def test_column_types_as_the_reader_meets_them() -> None:
    frame = pd.DataFrame(
        {
            "year": pd.Series([2017], dtype="int64"),
            "paid_sek": pd.Series([Decimal("1.00")], dtype=object),
            "empty_sek": pd.Series([None], dtype=object),
            "status": pd.Series(["ok"], dtype="str"),
            "on_file": [True],
            "n": pd.Series([pd.NA], dtype="Int64"),
        }
    )
    schema = table_schema(frame)
    assert [(c.name, c.type) for c in schema.columns] == [
        ("year", "int64"),
        ("paid_sek", "decimal(18,2)"),
        ("empty_sek", "decimal(18,2)"),
        ("status", "text"),
        ("on_file", "bool"),
        ("n", "int64"),
    ]
    assert column_type(pd.Series(pd.to_datetime(["2017-01-01"]))) == "date"


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as inst:
        yield inst


def _run(raw: Path, out: Path, instance: DagsterInstance):
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    job = defs.resolve_job_def(PIPELINE_JOB)
    return job.execute_in_process(
        instance=instance, resources={"settings": settings}, raise_on_error=False
    )


def test_published_tables_carry_schema_row_count_and_column_lineage(
    small_raw: Path, tmp_path: Path, instance: DagsterInstance
) -> None:
    result = _run(small_raw, tmp_path / "out", instance)
    assert result.success
    [mat] = [m for m in result.get_asset_materialization_events() if m.asset_key == RECON]
    meta = mat.materialization.metadata
    assert meta["dagster/row_count"].value == 2
    columns = {c.name: c.type for c in meta["dagster/column_schema"].value.columns}
    assert columns["paid_sek"] == "decimal(18,2)"
    assert columns["year"] == "int64"
    assert columns["status"] == "text"
    assert "paid_ore" not in columns
    lineage = meta["dagster/column_lineage"].value.deps_by_column
    assert lineage["paid_sek"] == [
        TableColumnDep(asset_key=AssetKey("appropriation_reconciliation"), column_name="paid_ore")
    ]


@pytest.mark.heavy  # a whole pipeline run and a retried publication
def test_a_warehouse_write_that_fails_once_is_retried_and_published(
    small_raw: Path, tmp_path: Path, instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole publication is one transaction, so a transient fault in its second table
    rolls back the first too, and the retry publishes all of them."""
    real = warehouse_module.write_table
    calls: list[str] = []

    def flaky(conn, name, frame, *args, **kwargs):
        calls.append(name)
        if name == "appropriation_usage" and calls.count(name) == 1:
            raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(conn, name, frame, *args, **kwargs)

    monkeypatch.setattr(publisher_module, "write_table", flaky)
    out = tmp_path / "out"
    result = _run(small_raw, out, instance)
    assert result.success
    assert calls.count("appropriation_usage") == 2
    assert calls.count("appropriation_reconciliation") == 2
    usage = pd.read_csv(out / "appropriation_usage.csv", dtype=str)
    assert list(usage["paid_sek"]) == ["1050000.00", "50000.00", "-5000.00"]


def test_a_connection_refused_is_not_retried_and_says_so(
    small_raw: Path, tmp_path: Path, instance: DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def refused(conn, name, frame, *args, **kwargs):
        calls.append(name)
        raise sa.exc.OperationalError(
            "INSERT",
            {},
            Exception('connection to server at "127.0.0.1", port 5433 failed: Connection refused'),
        )

    monkeypatch.setattr(publisher_module, "write_table", refused)
    result = _run(small_raw, tmp_path / "out", instance)
    assert not result.success
    assert calls == ["appropriation_reconciliation"]
    [failure] = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert "Connection refused" in description
    assert "Exceeded max_retries" not in description
