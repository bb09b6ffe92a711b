"""Rules about decisions themselves: the grant against payouts, cap, co-financing, priority.

A decision finding carries the decision's case number and its line in the
authoritative snapshot (older snapshots are history and are not judged).
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.instruments import INSTRUMENTS
from tillvaxt.rules.findings import findings, kr
from tillvaxt.rules.matching import current_decisions


def _base(d: pd.Series, year: object | None = None) -> dict:
    return {
        "year": d["decision_date"].year if year is None else year,
        "voucher_id": None,
        "decision_id": d["decision_id"],
        "source_file": d["source_file"],
        "source_line": d["source_line"],
    }


def overpaid_decision(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Net payouts on a decision, over all years and funding sources, above the grant.

    The finding's year is the year of the payout that took the running net total over
    the grant (for good), since that is the report in which the overpayment happened.
    """
    dec = current_decisions(decisions).set_index("decision_id", drop=False)
    mine = payouts[payouts["decision_id"].isin(dec.index)]
    records = []
    for did, grp in mine.groupby("decision_id", sort=True):
        d = dec.loc[did]
        paid = int(grp["amount_ore"].sum())
        granted = int(d["granted_ore"])
        if paid <= granted:
            continue
        ordered = grp.sort_values(["booking_date", "voucher_id"])
        running = ordered["amount_ore"].cumsum()
        under = (running <= granted).to_numpy()
        cross = int(under.nonzero()[0].max()) + 1 if under.any() else 0
        crossing = ordered.iloc[cross]
        records.append(
            _base(d, crossing["year"])
            | {
                "difference_ore": paid - granted,
                "message": f"Decision {did} granted {kr(granted)}, but {kr(paid)} has been paid "
                f"on it net over all years ({len(grp)} payouts), {kr(paid - granted)} too much; "
                f"voucher {crossing['voucher_id']} booked {crossing['booking_date']:%Y-%m-%d} "
                "took it over the grant.",
            }
        )
    return findings("overpaid_decision", records)


def cap_exceeded(decisions: pd.DataFrame) -> pd.DataFrame:
    """A decision granting more than its instrument's cap per decision."""
    dec = current_decisions(decisions)
    caps = pd.array(
        [INSTRUMENTS[c].cap_ore if c in INSTRUMENTS else None for c in dec["instrument"]],
        dtype="Int64",
    )
    caps = pd.Series(caps, index=dec.index)
    over = caps.notna() & (dec["granted_ore"] > caps.fillna(0))
    records = [
        _base(d)
        | {
            "difference_ore": int(d["granted_ore"]) - int(caps[i]),
            "message": f"Decision {d['decision_id']} grants {kr(d['granted_ore'])} as "
            f"{INSTRUMENTS[d['instrument']].name} ({d['instrument']}), above the cap of "
            f"{kr(caps[i])} per decision.",
        }
        for i, d in dec[over].iterrows()
    ]
    return findings("cap_exceeded", records)


def cofinancing_too_low(decisions: pd.DataFrame) -> pd.DataFrame:
    """A cheque whose own co-financing is below the amount granted (less than half the budget)."""
    dec = current_decisions(decisions)
    needs = (
        dec["instrument"]
        .map(lambda c: INSTRUMENTS[c].requires_cofinancing if c in INSTRUMENTS else False)
        .astype(bool)
    )
    low = needs & (dec["cofinancing_ore"] < dec["granted_ore"])
    records = [
        _base(d)
        | {
            "difference_ore": int(d["granted_ore"]) - int(d["cofinancing_ore"]),
            "message": f"Decision {d['decision_id']} ({d['instrument']}) grants "
            f"{kr(d['granted_ore'])} with only {kr(d['cofinancing_ore'])} own co-financing; "
            "a cheque needs at least as much co-financing as it grants (half the budget).",
        }
        for _, d in dec[low].iterrows()
    ]
    return findings("cofinancing_too_low", records)


def unknown_priority(decisions: pd.DataFrame) -> pd.DataFrame:
    """A decision whose Prioritering is no priority code or name of the growth strategy.

    The validator has already matched the text (`priority_code`); an empty text is
    unknown too, since the decision then serves no priority the report can show.
    """
    dec = current_decisions(decisions)
    records = []
    for _, d in dec[dec["priority_code"].isna()].iterrows():
        text = d["priority_text"]
        what = (
            "has no Prioritering"
            if pd.isna(text)
            else f"has Prioritering '{text}', which is no code or name of a priority in the "
            "region's growth strategy"
        )
        records.append(
            _base(d)
            | {
                "message": f"Decision {d['decision_id']} {what}, so the support cannot be "
                "placed under a priority."
            }
        )
    return findings("unknown_priority", records)
