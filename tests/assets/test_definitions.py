"""The Dagster definitions load, and the graph reads raw → validated → reconciled → published."""

from dagster import AssetKey

from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())


def test_definitions_load_with_groups_and_descriptions() -> None:
    graph = defs.resolve_asset_graph()
    groups = {}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups[key.to_user_string()] = node.group_name
        assert node.description, f"{key.to_user_string()} has no description"
    assert groups["raw_payouts"] == "ingest"
    assert groups["payouts"] == "validated"
    assert groups["appropriation_reconciliation"] == "reconciled"
    assert groups["published/appropriation_usage"] == "published"


def test_lineage_from_raw_payouts_to_published_tables() -> None:
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey(["published", "appropriation_reconciliation"])).parent_keys
    assert AssetKey("appropriation_reconciliation") in upstream
    assert AssetKey("payouts") in graph.get(AssetKey("appropriation_reconciliation")).parent_keys
    assert AssetKey("raw_payouts") in graph.get(AssetKey("payouts")).parent_keys


def test_job_is_in_process_and_nightly_schedule_runs_at_two_stockholm_time() -> None:
    job = defs.resolve_job_def(PIPELINE_JOB)
    assert job.executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Stockholm"
    assert schedule.job_name == PIPELINE_JOB
