"""invalid_org_number: the check digit on payouts and decisions; personal numbers masked."""

from __future__ import annotations

from tests.rules_data import clean_decisions, clean_payouts, rows, with_decision, with_payout
from tillvaxt.rules.identity import invalid_org_number


def test_invalid_org_number_fires_on_a_payout_with_a_wrong_check_digit() -> None:
    pays = with_payout(clean_payouts(), "V2017-00003", org_number="5560360794")
    got = invalid_org_number(pays, clean_decisions())
    assert rows(got, "voucher_id", "decision_id", "source_line") == [("V2017-00003", "RS2", 4)]
    assert "556036-0794, whose check digit is wrong" in got["message"].iloc[0]


def test_invalid_org_number_fires_on_a_decision_and_masks_a_personal_number() -> None:
    decisions = with_decision(clean_decisions(), "RS4", org_number="8112189875")
    got = invalid_org_number(clean_payouts(), decisions)
    assert list(got["decision_id"]) == ["RS4"]
    assert got["voucher_id"].iloc[0] is None
    msg = got["message"].iloc[0]
    assert "PNR-" in msg
    assert "8112189875" not in msg and "811218" not in msg


def test_invalid_org_number_quiet_on_clean_data() -> None:
    assert invalid_org_number(clean_payouts(), clean_decisions()).empty
