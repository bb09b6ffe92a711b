"""The EU co-financing rules against the project register."""

from __future__ import annotations

import pandas as pd

from tests.rules_data import clean_decisions, eu_register, rows, with_decision
from tillvaxt.region import load_region
from tillvaxt.rules.eu import eu_project_mismatch, eu_project_unknown


def test_eu_project_unknown_fires_for_a_case_not_in_the_register() -> None:
    decisions = with_decision(clean_decisions(), "RS3", eu_case_id="20201999")
    got = eu_project_unknown(decisions, eu_register())
    assert "EU project 20201999, which is not in Tillväxtverket's" in got["message"].iloc[0]
    assert rows(got, "decision_id", "severity", "source_line") == [("RS3", "error", 4)]


def test_eu_project_unknown_fires_for_an_empty_case_even_without_register() -> None:
    decisions = with_decision(clean_decisions(), "RS3", eu_case_id=pd.NA)
    assert list(eu_project_unknown(decisions, None)["decision_id"]) == ["RS3"]


def test_eu_project_unknown_needs_a_register_to_judge_a_named_case() -> None:
    decisions = with_decision(clean_decisions(), "RS3", eu_case_id="20201999")
    assert eu_project_unknown(decisions, None).empty


def test_eu_project_unknown_quiet_on_clean_data() -> None:
    assert eu_project_unknown(clean_decisions(), eu_register()).empty


def test_eu_project_mismatch_fires_for_a_project_in_another_county() -> None:
    decisions = with_decision(clean_decisions(), "RS3", eu_case_id="20200940")
    got = eu_project_mismatch(decisions, eu_register(), load_region())
    assert list(got["decision_id"]) == ["RS3"]
    assert list(got["severity"]) == ["warning"]
    msg = got["message"].iloc[0]
    assert "covers Norrbotten, not Hallands län" in msg
    # 20200940 runs 2017-01-02 to 2020-04-30; RS3 starts 2017-01-01, a day earlier.
    assert "does not contain the decision's period 2017-01-01 to 2018-06-30" in msg


def test_eu_project_mismatch_fires_when_the_decision_outlasts_the_project() -> None:
    decisions = with_decision(clean_decisions(), "RS3", project_end="2018-07-01")
    got = eu_project_mismatch(decisions, eu_register(), load_region())
    assert list(got["decision_id"]) == ["RS3"]
    assert "covers" not in got["message"].iloc[0]


def test_eu_project_mismatch_quiet_on_clean_data() -> None:
    assert eu_project_mismatch(clean_decisions(), eu_register(), load_region()).empty
