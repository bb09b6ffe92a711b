"""Payout rules: orphan, revocation, recipient, instrument, period, duplicate."""

from __future__ import annotations

from tests.conftest import PAYOUT_HEADER
from tests.rules_data import (
    OTHER_COMPANY,
    PAYOUTS_FILE,
    SOLE_TRADER,
    clean_decisions,
    clean_payouts,
    clean_payouts_and,
    payout,
    with_decision,
    with_payout,
)
from tillvaxt.rawfiles import read_delimited_text
from tillvaxt.rules.payouts import (
    instrument_mismatch,
    orphan_payout,
    payout_after_revocation,
    payout_outside_period,
    possible_duplicate_payment,
    recipient_mismatch,
)
from tillvaxt.validate.payouts import REQUIRED, validate_payouts


def test_orphan_payout_fires_for_empty_and_unknown_case_numbers() -> None:
    pays = clean_payouts_and(
        payout("V2017-00090", None, amount_ore=12_345_50, source_line=40),
        payout("V2017-00092", "RS9", source_line=41),
    )
    got = orphan_payout(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2017-00090", "V2017-00092"]
    assert list(got["source_line"]) == [40, 41]
    assert list(got["severity"]) == ["error", "error"]
    assert list(got["difference_ore"]) == [12_345_50, 50_000_00]
    assert got["decision_id"].iloc[0] is None
    assert "has no case number" in got["message"].iloc[0]
    assert "12 345,50 kr" in got["message"].iloc[0]
    assert "names case RS9, which is not in the newest decision register" in got["message"].iloc[1]


def test_orphan_payout_judges_against_the_newest_snapshot_only() -> None:
    decisions = clean_decisions()
    # RS2 only in the older snapshot: the payouts naming it are orphans.
    decisions.loc[decisions["decision_id"] == "RS2", "authoritative"] = False
    got = orphan_payout(clean_payouts(), decisions)
    assert list(got["voucher_id"]) == ["V2017-00003", "V2017-00004"]


def test_orphan_payout_quiet_on_clean_data() -> None:
    assert orphan_payout(clean_payouts(), clean_decisions()).empty


def test_payout_after_revocation_fires_for_money_out_not_for_repayments() -> None:
    decisions = with_decision(clean_decisions(), "RS1", status="Återkallad")
    got = payout_after_revocation(clean_payouts(), decisions)
    # V2019-00001 is a repayment of 5 000 on RS1: recovering money is no finding.
    assert list(got["voucher_id"]) == ["V2017-00001", "V2017-00002"]
    assert list(got["year"]) == [2017, 2017]
    assert "revoked (Återkallad)" in got["message"].iloc[0]


def test_payout_after_revocation_ignores_an_older_snapshots_revocation() -> None:
    # The clean register's older snapshot has RS1 revoked; the newest says Beviljad.
    assert payout_after_revocation(clean_payouts(), clean_decisions()).empty


def test_recipient_mismatch_fires_and_masks_a_personal_number() -> None:
    pays = with_payout(clean_payouts(), "V2017-00002", org_number=SOLE_TRADER)
    got = recipient_mismatch(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2017-00002"]
    assert list(got["decision_id"]) == ["RS1"]
    msg = got["message"].iloc[0]
    assert "granted to 556677-8899" in msg
    assert "PNR-" in msg
    assert SOLE_TRADER not in msg and "811218" not in msg


def test_recipient_mismatch_quiet_when_the_same_organisation_is_spelled_three_ways() -> None:
    text = "\n".join(
        [
            PAYOUT_HEADER,
            "V2017-00001;2017-03-01;RS2;556036-0793;Örby Energi AB;PROJ;600 000;1:1;1383",
            "V2017-00002;2017-04-01;RS2;5560360793;Örby Energi AB;PROJ;1 000;1:1;1383",
            "V2017-00003;2017-05-01;RS2;165560360793;Örby Energi AB;PROJ;2 000;1:1;1383",
        ]
    )
    pays = validate_payouts(read_delimited_text(text, PAYOUTS_FILE, REQUIRED)).valid
    assert set(pays["org_number"]) == {OTHER_COMPANY}
    assert recipient_mismatch(pays, clean_decisions()).empty


def test_recipient_mismatch_quiet_on_clean_data() -> None:
    assert recipient_mismatch(clean_payouts(), clean_decisions()).empty


def test_instrument_mismatch_fires() -> None:
    pays = with_payout(clean_payouts(), "V2018-00001", instrument="PROJ")
    got = instrument_mismatch(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2018-00001"]
    assert list(got["year"]) == [2018]
    assert list(got["difference_ore"]) == [400_000_00]
    assert "Insats PROJ, but decision RS3 is a EUMED decision" in got["message"].iloc[0]


def test_instrument_mismatch_quiet_on_clean_data() -> None:
    assert instrument_mismatch(clean_payouts(), clean_decisions()).empty


def test_payout_outside_period_fires_before_decision_and_after_project_end() -> None:
    pays = with_payout(clean_payouts(), "V2017-00001", booking_date="2017-01-10")
    pays = with_payout(pays, "V2018-00001", booking_date="2018-07-01")
    got = payout_outside_period(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2017-00001", "V2018-00001"]
    assert list(got["severity"]) == ["warning", "warning"]
    assert "before decision RS1 was taken on 2017-01-15" in got["message"].iloc[0]
    assert (
        "outside decision RS3's project period 2017-01-01 to 2018-06-30" in got["message"].iloc[1]
    )


def test_payout_outside_period_fires_between_decision_and_project_start() -> None:
    pays = with_payout(clean_payouts(), "V2017-00001", booking_date="2017-01-20")
    got = payout_outside_period(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2017-00001"]


def test_payout_outside_period_quiet_on_clean_data_including_a_late_repayment() -> None:
    # V2019-00001 is a repayment after nothing; a repayment late is not a late payout.
    pays = with_payout(clean_payouts(), "V2019-00001", booking_date="2020-01-01")
    assert payout_outside_period(pays, clean_decisions()).empty


def test_possible_duplicate_payment_fires_on_the_second_voucher() -> None:
    pays = clean_payouts_and(
        payout("V2017-00102", "RS1", booking_date="2017-09-01", source_line=30)
    )
    got = possible_duplicate_payment(pays)
    assert list(got["voucher_id"]) == ["V2017-00102"]
    assert list(got["source_line"]) == [30]
    assert list(got["difference_ore"]) == [50_000_00]
    assert f"voucher V2017-00002 ({PAYOUTS_FILE} line 3)" in got["message"].iloc[0]


def test_possible_duplicate_payment_quiet_on_clean_data() -> None:
    # V2017-00003 and V2017-00004 pay RS2 the same amount, but on different days.
    assert possible_duplicate_payment(clean_payouts()).empty


def test_payout_rules_compare_the_normalised_number_not_the_company() -> None:
    pays = with_payout(clean_payouts(), "V2017-00001", org_number=OTHER_COMPANY)
    got = recipient_mismatch(pays, clean_decisions())
    assert list(got["voucher_id"]) == ["V2017-00001"]
    assert "went to organisation 556036-0793" in got["message"].iloc[0]
