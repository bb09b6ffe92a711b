"""What is left on each decision: granted, paid to date over all years, remaining.

Paid is the net of every payout naming the decision (repayments reduce it), from
every year and funding source, since a grant is one promise however it is financed.
Only the authoritative snapshot's decisions have a balance; payouts naming no such
decision are `orphan_payout` findings instead.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.rules.matching import current_decisions

REVOKED = "Återkallad"
FINISHED = "Avslutad"

# status, in the order it is decided: the first that applies wins.
STATUSES = {
    "overpaid": "more has been paid than granted",
    "revoked": "the decision is revoked (Återkallad)",
    "paid_in_full": "everything granted has been paid",
    "closed": "the decision is finished (Avslutad) with money left unpaid",
    "not_started": "nothing has been paid yet",
    "open": "part of the grant is paid and the decision is still running",
}


def balance_status(granted: int, paid: int, register_status: str) -> str:
    """The balance's status (see `STATUSES`)."""
    if paid > granted:
        return "overpaid"
    if register_status == REVOKED:
        return "revoked"
    if paid == granted:
        return "paid_in_full"
    if register_status == FINISHED:
        return "closed"
    return "not_started" if paid == 0 else "open"


def decision_balances(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per authoritative decision with granted, paid and remaining öre and a status."""
    dec = current_decisions(decisions)
    paid = payouts.groupby("decision_id").agg(
        paid_ore=("amount_ore", "sum"),
        payouts=("voucher_id", "count"),
        last_payout_date=("booking_date", "max"),
    )
    # Nullable integers before the merge, so a decision without payouts never turns the
    # öre column into floats.
    paid = paid.astype({"paid_ore": "Int64", "payouts": "Int64"})
    out = dec.merge(paid, left_on="decision_id", right_index=True, how="left")
    out["paid_ore"] = out["paid_ore"].fillna(0).astype("int64")
    out["payouts"] = out["payouts"].fillna(0).astype("int64")
    out["remaining_ore"] = (out["granted_ore"] - out["paid_ore"]).astype("int64")
    out["decision_status"] = out["status"]
    out["status"] = [
        balance_status(int(g), int(p), s)
        for g, p, s in zip(out["granted_ore"], out["paid_ore"], out["decision_status"], strict=True)
    ]
    cols = [
        "decision_id",
        "instrument",
        "granted_ore",
        "paid_ore",
        "remaining_ore",
        "status",
        "decision_status",
        "decision_date",
        "org_number",
        "payouts",
        "last_payout_date",
        "source_file",
        "source_line",
    ]
    return out[cols].sort_values("decision_id").reset_index(drop=True)
