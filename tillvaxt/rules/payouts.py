"""Rules about single payouts measured against their decision.

Every payout is checked, whatever its funding source: a payment from own funds
(`EGNA`) on a decision must still match the decision. A negative amount is a
repayment or reversal, which is the right thing to do on a revoked or finished
decision, so the revocation and period rules look at money going out only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from tillvaxt.rules.findings import (
    day_texts,
    findings,
    findings_of,
    kr,
    kr_texts,
    org,
    sentence,
    texts,
    where,
)
from tillvaxt.rules.matching import with_decision
from tillvaxt.rules.rule import ERROR, WARNING, Rule, rule

REVOKED = "Återkallad"
# What a payout finding and its message read of a payout (`_base`, `_paid`).
PAYOUT_COLUMNS = [
    "year",
    "voucher_id",
    "decision_id",
    "source_file",
    "source_line",
    "amount_ore",
    "booking_date",
]


def _rows(joined: pd.DataFrame, hit: pd.Series, *more: str) -> pd.DataFrame:
    """The rows of `joined` where `hit`, with the payout columns and `more` only: the
    findings are a few hundred thousand rows of a million, and taking every column of
    the joined frame for them was most of a rule's time."""
    return joined[[*PAYOUT_COLUMNS, *more]][hit.to_numpy(dtype=bool, na_value=False)]


def _base(p: pd.Series) -> dict:
    """The columns every payout finding shares: year, voucher, decision, file, line, amount."""
    return {
        "year": p["year"],
        "voucher_id": p["voucher_id"],
        "decision_id": None if pd.isna(p["decision_id"]) else p["decision_id"],
        "source_file": p["source_file"],
        "source_line": p["source_line"],
        "difference_ore": p["amount_ore"],
    }


def _each(which: Rule, hit: pd.DataFrame, message: Callable[[dict], str]) -> pd.DataFrame:
    """One finding of `which` per payout row of `hit`, with its message."""
    return findings(which, [_base(p) | {"message": message(p)} for p in hit.to_dict("records")])


def _payout_findings(which: Rule, hit: pd.DataFrame, message: pd.Series) -> pd.DataFrame:
    """One finding of `which` per payout row of `hit`; `message` is built column-wise."""
    rows = hit[["year", "voucher_id", "decision_id", "source_file", "source_line"]]
    return findings_of(which, rows.assign(difference_ore=hit["amount_ore"]), message)


def _paid(p: pd.DataFrame) -> pd.Series:
    """`Payout V… of 1 250 kr` for each row, the start of most payout messages."""
    return sentence("Payout ", texts(p["voucher_id"]), " of ", kr_texts(p["amount_ore"]))


@rule(
    ERROR,
    "a payout's `Diarienummer` is empty or not in the authoritative (newest) decision snapshot",
)
def orphan_payout(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """A payout with no case number, or one the authoritative snapshot does not hold."""
    joined = with_decision(payouts, decisions)
    hit = _rows(joined, ~joined["matched"])
    named = hit["decision_id"].notna()
    why = sentence(
        "names case ", texts(hit["decision_id"]), ", which is not in the newest decision register"
    ).where(named, "has no case number (Diarienummer)")
    message = sentence(
        _paid(hit), " booked ", day_texts(hit["booking_date"]), " ", why, ": no decision allows it."
    )
    return _payout_findings(orphan_payout, hit, message)


@rule(ERROR, "money is paid out (amount > 0) on a decision whose status is `Återkallad`")
def payout_after_revocation(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Money paid out (amount > 0) on a decision the register shows as revoked."""
    joined = with_decision(payouts, decisions)
    hit = _rows(
        joined, joined["matched"] & (joined["status_dec"] == REVOKED) & (joined["amount_ore"] > 0)
    )
    message = sentence(
        _paid(hit), " booked ", day_texts(hit["booking_date"]), " belongs to decision ",
        texts(hit["decision_id"]), ", which is revoked (Återkallad): the money should be recovered.",
    )  # fmt: skip
    return _payout_findings(payout_after_revocation, hit, message)


@rule(ERROR, "a payout's organisation differs from its decision's applicant")
def recipient_mismatch(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """A payout to another organisation than the decision's applicant (normalised numbers)."""
    return _mismatch(recipient_mismatch, payouts, decisions, "org_number", _other_recipient)


@rule(ERROR, "a payout's `Insats` differs from its decision's")
def instrument_mismatch(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """A payout booked under another instrument (Insats) than its decision's."""
    return _mismatch(instrument_mismatch, payouts, decisions, "instrument", _other_instrument)


def _other_recipient(p: dict) -> str:
    return (
        f"Payout {p['voucher_id']} of {kr(p['amount_ore'])} went to organisation "
        f"{org(p['org_number'])}, but decision {p['decision_id']} was granted to "
        f"{org(p['org_number_dec'])}."
    )


def _other_instrument(p: dict) -> str:
    return (
        f"Payout {p['voucher_id']} of {kr(p['amount_ore'])} is booked under "
        f"Insats {p['instrument']}, but decision {p['decision_id']} is a "
        f"{p['instrument_dec']} decision, so the usage table counts it under the "
        "wrong instrument."
    )


def _mismatch(
    which: Rule,
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    column: str,
    message: Callable[[dict], str],
) -> pd.DataFrame:
    """Payouts on a known decision whose `column` differs from the decision's."""
    joined = with_decision(payouts, decisions)
    hit = joined["matched"] & (joined[column] != joined[f"{column}_dec"])
    more = [c for c in (column, f"{column}_dec") if c not in PAYOUT_COLUMNS]
    return _each(which, _rows(joined, hit, *more), message)


@rule(WARNING, "money is paid out before the decision date or outside the project period")
def payout_outside_period(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Money paid out before the decision date, or outside Projektstart–Projektslut."""
    joined = with_decision(payouts, decisions)
    # The dates compared on the whole joined frame (a missing one compares False), so only
    # the findings' rows are taken, not every matched payout first.
    booked = joined["booking_date"]
    before_decision = booked < joined["decision_date_dec"]
    outside = (booked < joined["project_start_dec"]) | (booked > joined["project_end_dec"])
    hit = _rows(
        joined,
        joined["matched"] & (joined["amount_ore"] > 0) & (before_decision | outside),
        "decision_date_dec",
        "project_start_dec",
        "project_end_dec",
    )
    did = texts(hit["decision_id"])
    why = sentence("before decision ", did, " was taken on ", day_texts(hit["decision_date_dec"]))
    why = why.where(
        hit["booking_date"] < hit["decision_date_dec"],
        sentence(
            "outside decision ", did, "'s project period ", day_texts(hit["project_start_dec"]),
            " to ", day_texts(hit["project_end_dec"]),
        ),
    )  # fmt: skip
    message = sentence(_paid(hit), " was booked ", day_texts(hit["booking_date"]), ", ", why, ".")
    return _payout_findings(payout_outside_period, hit, message)


@rule(WARNING, "two different vouchers pay the same decision the same amount on the same day")
def possible_duplicate_payment(payouts: pd.DataFrame) -> pd.DataFrame:
    """Different vouchers paying one decision the same amount on the same day.

    The first voucher (by voucher id) is taken as the original; each later one gets a
    finding naming it, with both places, so the controller can compare the two rows.
    """
    use = (payouts["decision_id"].notna() & (payouts["amount_ore"] != 0)).to_numpy(dtype=bool)
    keys = ["decision_id", "booking_date", "amount_ore"]
    # The repeats found on the three keys alone; the other columns are taken for those
    # few rows only, not for every payout on a decision.
    repeats = np.flatnonzero(use)[payouts[keys][use].duplicated(keep=False).to_numpy()]
    keyed = payouts[[c for c in PAYOUT_COLUMNS if c in payouts.columns]].iloc[repeats]
    dup = keyed.sort_values([*keys, "voucher_id"])
    records = []
    for _, grp in dup.groupby(keys, sort=False):
        first = grp.iloc[0]
        for p in grp.iloc[1:].to_dict("records"):
            records.append(
                _base(p)
                | {
                    "message": f"Payout {p['voucher_id']} pays decision {p['decision_id']} "
                    f"{kr(p['amount_ore'])} on {p['booking_date']:%Y-%m-%d}, exactly like "
                    f"voucher {first['voucher_id']} ({where(first['source_file'], first['source_line'])}): "
                    "check that it was not paid twice."
                }
            )
    return findings(possible_duplicate_payment, records)
