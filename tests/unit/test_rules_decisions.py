"""Decision rules: overpaid over all years, cap, co-financing, priority."""

from __future__ import annotations

import pandas as pd

from tests.rules_data import (
    DECISIONS_FILE,
    clean_decisions,
    clean_payouts,
    clean_payouts_and,
    payout,
    with_decision,
)
from tillvaxt.rules.decisions import (
    cap_exceeded,
    cofinancing_too_low,
    overpaid_decision,
    unknown_priority,
)


def test_overpaid_decision_sums_all_years_and_dates_the_crossing_payout() -> None:
    # RS1: 100 000 granted; 50 000 + 50 000 in 2017, -5 000 in 2019 -> 95 000. Add 2018's 10 000.
    pays = clean_payouts_and(
        payout("V2018-00050", "RS1", booking_date="2018-03-01", amount_ore=10_000_00)
    )
    got = overpaid_decision(pays, clean_decisions())
    assert list(got["decision_id"]) == ["RS1"]
    assert list(got["difference_ore"]) == [5_000_00]
    assert list(got["year"]) == [2018]
    assert list(got["source_file"]) == [DECISIONS_FILE]
    assert list(got["source_line"]) == [2]
    assert got["voucher_id"].iloc[0] is None
    msg = got["message"].iloc[0]
    assert "granted 100 000 kr, but 105 000 kr has been paid" in msg
    assert "5 000 kr too much" in msg and "voucher V2018-00050" in msg


def test_overpaid_decision_counts_own_funds_and_repayments() -> None:
    # RS2: 2 000 000 granted, 600 000 from 1:1 and 600 000 from EGNA; one more 1:1 of 900 000.
    pays = clean_payouts_and(
        payout(
            "V2017-00060",
            "RS2",
            org_number="5560360793",
            instrument="PROJ",
            booking_date="2017-10-01",
            amount_ore=900_000_00,
        ),
        payout(
            "V2017-00061",
            "RS2",
            org_number="5560360793",
            instrument="PROJ",
            booking_date="2017-12-01",
            amount_ore=-100_000_00,
        ),
    )
    # 600 000 + 600 000 + 900 000 - 100 000 = 2 000 000: exactly the grant, no finding.
    assert overpaid_decision(pays, clean_decisions()).empty
    more = with_decision(clean_decisions(), "RS2", granted_ore=1_999_999_99)
    assert list(overpaid_decision(pays, more)["difference_ore"]) == [1]


def test_overpaid_decision_quiet_on_clean_data() -> None:
    # The older snapshot grants RS1 only 10 kr; only the newest snapshot counts.
    assert overpaid_decision(clean_payouts(), clean_decisions()).empty


def test_cap_exceeded_fires_with_the_excess() -> None:
    decisions = with_decision(clean_decisions(), "RS1", granted_ore=120_000_00)
    got = cap_exceeded(decisions)
    assert list(got["decision_id"]) == ["RS1"]
    assert list(got["difference_ore"]) == [20_000_00]
    assert list(got["year"]) == [2017]
    assert "above the cap of 100 000 kr" in got["message"].iloc[0]


def test_cap_exceeded_quiet_on_clean_data_and_uncapped_instruments() -> None:
    decisions = with_decision(clean_decisions(), "RS2", granted_ore=90_000_000_00)
    assert cap_exceeded(decisions).empty


def test_cofinancing_too_low_fires_for_a_cheque() -> None:
    decisions = with_decision(
        clean_decisions(), "RS4", granted_ore=6_200_00, cofinancing_ore=4_800_00
    )
    got = cofinancing_too_low(decisions)
    assert list(got["decision_id"]) == ["RS4"]
    assert list(got["severity"]) == ["warning"]
    assert list(got["difference_ore"]) == [1_400_00]
    assert "6 200 kr with only 4 800 kr own co-financing" in got["message"].iloc[0]


def test_cofinancing_too_low_quiet_on_clean_data() -> None:
    # RS2 (PROJ) and RS3 (EUMED) have no co-financing at all, which they need not have.
    assert cofinancing_too_low(clean_decisions()).empty


def test_unknown_priority_fires_for_unmatched_and_empty_text() -> None:
    decisions = with_decision(
        clean_decisions(), "RS2", priority_text="Hållbar turism", priority_code=pd.NA
    )
    decisions = with_decision(decisions, "RS4", priority_text=pd.NA, priority_code=pd.NA)
    got = unknown_priority(decisions)
    assert list(got["decision_id"]) == ["RS2", "RS4"]
    assert list(got["source_line"]) == [3, 5]
    assert "Prioritering 'Hållbar turism'" in got["message"].iloc[0]
    assert "has no Prioritering" in got["message"].iloc[1]


def test_unknown_priority_quiet_on_clean_data() -> None:
    assert unknown_priority(clean_decisions()).empty
