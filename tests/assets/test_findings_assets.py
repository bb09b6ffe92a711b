"""The findings assets: where they sit in the graph and which checks they carry."""

from __future__ import annotations

from dagster import AssetCheckKey, AssetKey

from pipelines.definitions import build_definitions
from pipelines.settings import settings_from_env
from tillvaxt.rules import RULES

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())


def test_findings_assets_sit_in_their_groups_and_wait_for_the_reconciliation() -> None:
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey("eu_projects")).group_name == "validated"
    for table in ("payout_exceptions", "decision_balances"):
        node = graph.get(AssetKey(table))
        assert node.group_name == "reconciled"
        # Conflicting vouchers stop appropriation_reconciliation, and with it these tables.
        assert AssetKey("appropriation_reconciliation") in node.parent_keys
        assert AssetKey(table) in graph.get(AssetKey(["published", table])).parent_keys
    assert AssetKey("eu_projects") in graph.get(AssetKey("payout_exceptions")).parent_keys


def test_one_non_blocking_check_per_rule() -> None:
    graph = defs.resolve_asset_graph()
    checks = graph.asset_check_keys
    for rule in RULES:
        assert AssetCheckKey(AssetKey("payout_exceptions"), rule) in checks
    assert len(RULES) == 15  # the 14 payout and decision rules + statistics_withheld
    assert AssetCheckKey(AssetKey("decision_balances"), "every_krona_accounted") in checks
    assert AssetCheckKey(AssetKey("eu_projects"), "nothing_lost") in checks
    specs = {s.name: s for s in defs.resolve_assets_def("payout_exceptions").check_specs}
    assert not any(s.blocking for s in specs.values())
