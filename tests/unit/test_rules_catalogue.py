"""The rule catalogue: the output contract's rules, run by name, sorted in catalogue order."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.rules_data import clean_decisions, clean_payouts, eu_register, with_decision
from tillvaxt.region import load_region
from tillvaxt.rules import CATALOGUE, RULES, Rule, RuleInputs, payout_exceptions
from tillvaxt.rules.findings import FINDING_COLUMNS, findings
from tillvaxt.rules.withheld import statistics_withheld
from tillvaxt.validate.quarantine import empty_quarantine

# The output contract's table (docs/outputs.md), in its order, and the statistics' rule.
CONTRACT = [
    ("unreadable_row", "error"),
    ("orphan_payout", "error"),
    ("overpaid_decision", "error"),
    ("payout_after_revocation", "error"),
    ("recipient_mismatch", "error"),
    ("instrument_mismatch", "error"),
    ("invalid_org_number", "error"),
    ("cap_exceeded", "error"),
    ("payout_outside_period", "warning"),
    ("cofinancing_too_low", "warning"),
    ("possible_duplicate_payment", "warning"),
    ("unknown_priority", "warning"),
    ("eu_project_unknown", "error"),
    ("eu_project_mismatch", "warning"),
    ("statistics_withheld", "warning"),
]


def test_the_catalogue_is_the_contracts_rules_in_its_order_with_its_severities() -> None:
    assert [(r.name, r.severity) for r in CATALOGUE] == CONTRACT
    assert list(RULES) == [name for name, _ in CONTRACT]
    for rule in CATALOGUE:
        assert rule.description and not rule.description.endswith(".")
        if rule.function is not None:
            assert rule.function.__name__ == rule.name


def test_every_rule_runs_from_the_catalogue_and_keeps_quiet_on_clean_inputs() -> None:
    inputs = RuleInputs(
        clean_payouts(), clean_decisions(), empty_quarantine(), eu_register(), load_region()
    )
    for rule in CATALOGUE:
        if rule.function is None:
            continue
        got = rule.run(inputs)
        assert list(got.columns) == FINDING_COLUMNS, rule.name
        assert got.empty, rule.name


def test_payout_exceptions_sorts_other_stages_findings_in_by_catalogue_order() -> None:
    """A cap finding and a withheld table in the same year: the catalogue's order decides."""
    decisions = with_decision(clean_decisions(), "RS1", granted_ore=9_000_000_00)
    withheld = findings(
        statistics_withheld,
        [{"year": 2017, "source_file": "support_by_group", "message": "withheld."}],
    )
    table = payout_exceptions(
        clean_payouts(), decisions, empty_quarantine(), None, load_region(), more=[withheld]
    )
    in_2017 = table.loc[table["year"] == 2017, "rule"].tolist()
    assert "cap_exceeded" in in_2017 and in_2017[-1] == "statistics_withheld"
    ranks = [list(RULES).index(r) for r in in_2017]
    assert ranks == sorted(ranks)
    assert table.loc[table["rule"] == "statistics_withheld", "severity"].tolist() == ["warning"]


def test_a_rule_reading_something_no_rule_gets_is_refused_where_it_is_declared() -> None:
    def needs_survey(survey: pd.DataFrame) -> pd.DataFrame:
        return survey

    with pytest.raises(ValueError, match=r"parameters \['survey'\] are not rule inputs"):
        Rule("needs_survey", "error", "never", needs_survey)
    with pytest.raises(ValueError, match="severity 'fatal'"):
        Rule("x", "fatal", "never", fired_by="nowhere")
    with pytest.raises(ValueError, match="either a function or the stage"):
        Rule("x", "error", "never")
