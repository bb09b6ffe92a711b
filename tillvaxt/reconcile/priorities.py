"""Support by the growth strategy's priorities, and the national priorities they serve.

The report shows how the appropriation's money served the strategy. Decisions are
counted and their grants summed by decision date (non-revoked decisions in the
authoritative snapshot); payments are summed by booking date, for the state
appropriations on file, through the decision they belong to. A decision whose
priority matched nothing, and a payment with no decision, count under `Uppgift saknas`
so no krona drops out of the table.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.reconcile.usage import is_charged
from tillvaxt.region import Region

UNKNOWN = "Uppgift saknas"
REVOKED = "Återkallad"

COLUMNS = [
    "year",
    "national_priority",
    "goal",
    "strategic_choice",
    "priority_code",
    "priority",
    "decisions",
    "granted_ore",
    "paid_ore",
]


def _labels(region: Region) -> pd.DataFrame:
    rows = [
        {
            "priority_code": p.code,
            "national_priority": p.national_priority,
            "goal": p.goal,
            "strategic_choice": p.strategic_choice,
            "priority": p.name,
            "_order": i,
        }
        for i, p in enumerate(region.priorities)
    ]
    rows.append(
        {
            "priority_code": UNKNOWN,
            "national_priority": UNKNOWN,
            "goal": UNKNOWN,
            "strategic_choice": UNKNOWN,
            "priority": UNKNOWN,
            "_order": len(rows),
        }
    )
    return pd.DataFrame(rows)


def support_by_priority(
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
    region: Region,
) -> pd.DataFrame:
    """One row per year × priority (every priority of the region, zeros included); money in öre."""
    auth = decisions[decisions["authoritative"]]
    code = auth["priority_code"].astype(object).where(auth["priority_code"].notna(), UNKNOWN)
    auth = auth.assign(priority_code=code)

    granted = auth[auth["status"] != REVOKED]
    granted = granted.assign(year=granted["decision_date"].dt.year.astype("int64"))
    by_decision = granted.groupby(["year", "priority_code"], as_index=False).agg(
        decisions=("decision_id", "nunique"), granted_ore=("granted_ore", "sum")
    )

    state = payouts.loc[is_charged(payouts, appropriations), ["year", "decision_id", "amount_ore"]]
    prio_of = auth.drop_duplicates("decision_id").set_index("decision_id")["priority_code"]
    paid = state.assign(
        priority_code=state["decision_id"].map(prio_of).astype(object).fillna(UNKNOWN)
    )
    by_payment = paid.groupby(["year", "priority_code"], as_index=False).agg(
        paid_ore=("amount_ore", "sum")
    )

    years = sorted(set(by_decision["year"]) | set(by_payment["year"]))
    labels = _labels(region)
    grid = pd.DataFrame({"year": years}).merge(labels, how="cross")
    # Nullable integers before the merges: money never passes through float.
    by_decision = by_decision.astype({"decisions": "Int64", "granted_ore": "Int64"})
    by_payment = by_payment.astype({"paid_ore": "Int64"})
    out = grid.merge(by_decision, on=["year", "priority_code"], how="left").merge(
        by_payment, on=["year", "priority_code"], how="left"
    )
    for col in ("decisions", "granted_ore", "paid_ore"):
        out[col] = out[col].fillna(0).astype("int64")
    known = out["priority_code"] != UNKNOWN
    has_any = (out["decisions"] != 0) | (out["paid_ore"] != 0) | (out["granted_ore"] != 0)
    out = out[known | has_any]
    return out.sort_values(["year", "_order"])[COLUMNS].reset_index(drop=True)
