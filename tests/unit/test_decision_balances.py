"""decision_balances: granted, paid to date over all years, remaining, status."""

from __future__ import annotations

import pandas as pd

from tests.rules_data import (
    clean_decisions,
    clean_payouts,
    clean_payouts_and,
    payout,
    with_decision,
)
from tillvaxt.reconcile.balances import balance_status, decision_balances


def test_balances_per_authoritative_decision_over_all_years() -> None:
    got = decision_balances(clean_payouts(), clean_decisions()).set_index("decision_id")
    assert list(got.index) == ["RS1", "RS2", "RS3", "RS4"]
    # RS1: 50 000 + 50 000 (2017) - 5 000 (2019 repayment) on 100 000.
    assert got.loc["RS1", "paid_ore"] == 95_000_00
    assert got.loc["RS1", "remaining_ore"] == 5_000_00
    assert got.loc["RS1", "granted_ore"] == 100_000_00  # not the older snapshot's 10 kr
    assert got.loc["RS1", "status"] == "open"
    assert got.loc["RS1", "payouts"] == 3
    # RS2: 600 000 from 1:1 and 600 000 from own funds on 2 000 000.
    assert got.loc["RS2", "paid_ore"] == 1_200_000_00
    assert got.loc["RS3", "status"] == "paid_in_full"
    assert got.loc["RS4", "status"] == "paid_in_full"
    assert got.loc["RS4", "decision_status"] == "Avslutad"


def test_balance_statuses() -> None:
    pays = clean_payouts_and(
        payout("V2018-00009", "RS1", booking_date="2018-01-05", amount_ore=6_000_00)
    )
    decisions = with_decision(clean_decisions(), "RS2", status="Avslutad")
    decisions = with_decision(decisions, "RS3", status="Återkallad", granted_ore=500_000_00)
    got = decision_balances(pays, decisions).set_index("decision_id")
    assert got.loc["RS1", "status"] == "overpaid"
    assert got.loc["RS1", "remaining_ore"] == -1_000_00
    assert got.loc["RS2", "status"] == "closed"
    assert got.loc["RS3", "status"] == "revoked"
    assert balance_status(100, 0, "Beviljad") == "not_started"


def test_a_decision_without_payouts_has_everything_remaining() -> None:
    pays = clean_payouts()
    got = decision_balances(pays[pays["decision_id"] != "RS2"], clean_decisions())
    rs2 = got[got["decision_id"] == "RS2"].iloc[0]
    assert (rs2["paid_ore"], rs2["remaining_ore"], rs2["status"]) == (
        0,
        2_000_000_00,
        "not_started",
    )
    assert pd.isna(rs2["last_payout_date"])
