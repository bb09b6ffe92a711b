"""Payouts joined to the decision they name, in the authoritative snapshot only.

An older snapshot's version of a decision is history: a payout is judged against the
register as it stands now (`tillvaxt.validate.decisions.authoritative`).
"""

from __future__ import annotations

import pandas as pd
from pandas.errors import MergeError

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
    The left merge on `decision_id`, done as a lookup: the decisions' fields are taken
    at each payout's decision and set beside the payouts' own columns, which are not
    copied (a merge took every one of a million rows of each of them, five times a run).
    """
    dec = current_decisions(decisions)[DECISION_FIELDS]
    if dec["decision_id"].dtype != payouts["decision_id"].dtype:
        return _merged(payouts, dec)  # the merge decides the key's common type
    if dec["decision_id"].duplicated().any():
        raise MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    at = pd.Index(dec["decision_id"]).get_indexer(payouts["decision_id"])
    fields = dec.drop(columns="decision_id").reset_index(drop=True)
    fields = fields.rename(columns={c: f"{c}_dec" for c in fields.columns})
    left = payouts.reset_index(drop=True)
    taken = fields.reindex(at).set_axis(left.index)
    matched = (at >= 0) & payouts["decision_id"].notna().to_numpy()
    return pd.concat([left, taken], axis=1).assign(matched=matched)


def _merged(payouts: pd.DataFrame, dec: pd.DataFrame) -> pd.DataFrame:
    """`with_decision` as a pandas merge, for keys of two different types (hand-made frames)."""
    dec = dec.rename(columns={c: f"{c}_dec" for c in DECISION_FIELDS if c != "decision_id"})
    dec = dec.assign(matched=True)
    out = payouts.merge(dec, on="decision_id", how="left", validate="many_to_one")
    out["matched"] = out["matched"].astype("boolean").fillna(False).astype(bool)
    out.loc[payouts["decision_id"].isna().to_numpy(), "matched"] = False
    return out
