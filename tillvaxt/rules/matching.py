"""Payouts joined to the decision they name, in the authoritative snapshot only.

An older snapshot's version of a decision is history: a payout is judged against the
register as it stands now (`tillvaxt.validate.decisions.authoritative`).
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.validate.decisions import authoritative

DECISION_FIELDS = [
    "decision_id",
    "decision_date",
    "instrument",
    "org_number",
    "granted_ore",
    "project_start",
    "project_end",
    "status",
]


def current_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """The newest snapshot's decisions (all of them if the frame has no `authoritative` flag)."""
    if "authoritative" in decisions.columns:
        return authoritative(decisions)
    return decisions.reset_index(drop=True)


def with_decision(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Each payout with its decision's fields suffixed `_dec` (missing when none matches).

    `matched` says whether the case number was found in the authoritative snapshot.
    """
    dec = current_decisions(decisions)[DECISION_FIELDS]
    dec = dec.rename(columns={c: f"{c}_dec" for c in DECISION_FIELDS if c != "decision_id"})
    dec = dec.assign(matched=True)
    out = payouts.merge(dec, on="decision_id", how="left", validate="many_to_one")
    out["matched"] = out["matched"].astype("boolean").fillna(False).astype(bool)
    out.loc[payouts["decision_id"].isna().to_numpy(), "matched"] = False
    return out
