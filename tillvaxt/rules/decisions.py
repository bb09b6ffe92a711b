"""Rules about decisions themselves: the grant against payouts, cap, co-financing, priority.

A decision finding carries the decision's case number and its line in the
authoritative snapshot (older snapshots are history and are not judged).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from tillvaxt.arrowcols import ascending_positions
from tillvaxt.instruments import INSTRUMENTS
from tillvaxt.rules.findings import (
    day_texts,
    findings,
    findings_of,
    kr,
    kr_texts,
    sentence,
    texts,
)
from tillvaxt.rules.matching import current_decisions, decision_positions
from tillvaxt.rules.rule import ERROR, WARNING, rule


def _base(d: pd.Series, year: object | None = None) -> dict:
    return {
        "year": d["decision_date"].year if year is None else year,
        "voucher_id": None,
        "decision_id": d["decision_id"],
        "source_file": d["source_file"],
        "source_line": d["source_line"],
    }


@rule(ERROR, "net payouts on a decision, over all years, exceed the amount granted")
def overpaid_decision(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Net payouts on a decision, over all years and funding sources, above the grant.

    The finding's year is the year of the payout that took the running net total over
    the grant (for good), since that is the report in which the overpayment happened.
    """
    dec = current_decisions(decisions).set_index("decision_id", drop=False)
    if not dec.index.is_unique:
        totals, granted, over, crossing = _overpaid_by_merge(payouts, dec)
    else:
        totals, granted, over, crossing = _overpaid_by_codes(payouts, decisions, dec)
    if len(over) == 0:
        return findings(overpaid_decision, [])
    paid = totals["sum"].reindex(over).astype("int64")
    grant = granted.reindex(over)
    rows = dec.loc[over, ["decision_id", "source_file", "source_line"]].assign(
        year=crossing["year"], difference_ore=paid - grant
    )
    message = sentence(
        "Decision ", texts(rows["decision_id"]), " granted ", kr_texts(grant), ", but ",
        kr_texts(paid), " has been paid on it net over all years (",
        texts(totals["count"].reindex(over)), " payouts), ", kr_texts(paid - grant),
        " too much; voucher ", texts(crossing["voucher_id"]), " booked ",
        day_texts(crossing["booking_date"]), " took it over the grant.",
    )  # fmt: skip
    return findings_of(overpaid_decision, rows, message)


def _overpaid_by_codes(payouts: pd.DataFrame, decisions: pd.DataFrame, dec: pd.DataFrame) -> tuple:
    """Per decision (by its position in `dec`, whose case numbers are unique): payouts'
    sum and count, the grant, the overpaid decisions in case-number order, and each one's
    crossing payout (the payout after the last one that left the running net total within
    the grant: the one that took it over for good).

    Integer positions instead of case-number strings: the sums, the order and the running
    totals are integer kernels; only the overpaid decisions' payouts are sorted, by
    position, booking date and voucher (as the case-number order would group them).
    """
    code = decision_positions(payouts, decisions)
    mine = code >= 0
    codes = code[mine]
    amounts = payouts["amount_ore"].to_numpy(dtype=np.int64)[mine]
    sums = pd.Series(amounts).groupby(codes).agg(["sum", "count"])
    granted_all = dec["granted_ore"].to_numpy(dtype=np.int64)
    over_codes = sums.index.to_numpy()[sums["sum"].to_numpy() > granted_all[sums.index]]
    ids = dec.index
    totals = sums.set_axis(ids[sums.index])
    granted = pd.Series(granted_all[sums.index], index=totals.index, name="granted_ore")
    over = pd.Index(ids[over_codes], name="decision_id").sort_values()
    if len(over) == 0:
        return totals, granted, over, None
    is_over = np.zeros(len(dec), dtype=bool)
    is_over[over_codes] = True  # a table by position: `np.isin` sorted both sides
    rows = np.flatnonzero(mine)[is_over[codes]]
    order = ascending_positions(
        {
            "code": code[rows],
            "booked": payouts["booking_date"].to_numpy()[rows],
            "voucher": pa.array(payouts["voucher_id"].iloc[rows], pa.string()),
        }
    )
    rows = rows[order]
    group = code[rows]
    running = (
        pd.Series(payouts["amount_ore"].to_numpy(dtype=np.int64)[rows]).groupby(group).cumsum()
    )
    pos = pd.Series(group).groupby(group).cumcount().to_numpy()
    under = running.to_numpy() <= granted_all[group]
    cross = pd.Series(np.where(under, pos, -1)).groupby(group).max() + 1
    at = pos == cross.reindex(group).to_numpy()
    crossing = payouts.iloc[rows[at]][["voucher_id", "booking_date", "year"]]
    crossing = crossing.set_axis(pd.Index(ids[group[at]], name="decision_id")).reindex(over)
    return totals, granted, over, crossing


def _overpaid_by_merge(payouts: pd.DataFrame, dec: pd.DataFrame) -> tuple:
    """`_overpaid_by_codes` by case-number strings, for a register with repeated numbers."""
    mine = payouts[payouts["decision_id"].isin(dec.index)]
    totals = mine.groupby("decision_id")["amount_ore"].agg(["sum", "count"])
    granted = dec["granted_ore"].reindex(totals.index).astype("int64")
    over = totals.index[(totals["sum"].astype("int64") > granted).to_numpy()]
    if len(over) == 0:
        return totals, granted, over, None
    ordered = mine[mine["decision_id"].isin(over)].sort_values(
        ["decision_id", "booking_date", "voucher_id"], kind="stable"
    )
    running = ordered.groupby("decision_id")["amount_ore"].cumsum()
    pos = ordered.groupby("decision_id").cumcount()
    under = running <= ordered["decision_id"].map(granted)
    cross = pos.where(under).groupby(ordered["decision_id"]).max().reindex(over).fillna(-1) + 1
    crossing = ordered[pos == ordered["decision_id"].map(cross)].set_index("decision_id")
    return totals, granted, over, crossing.reindex(over)


@rule(ERROR, "a decision grants more than its instrument's cap per decision")
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
    return findings(cap_exceeded, records)


@rule(
    WARNING, "a cheque's own co-financing is below the amount granted (less than half the budget)"
)
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
        for d in dec[low].to_dict("records")
    ]
    return findings(cofinancing_too_low, records)


@rule(WARNING, "a decision's `Prioritering` is empty or matches no priority code or name")
def unknown_priority(decisions: pd.DataFrame) -> pd.DataFrame:
    """A decision whose Prioritering is no priority code or name of the growth strategy.

    The validator has already matched the text (`priority_code`); an empty text is
    unknown too, since the decision then serves no priority the report can show.
    """
    dec = current_decisions(decisions)
    records = []
    for d in dec[dec["priority_code"].isna()].to_dict("records"):
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
    return findings(unknown_priority, records)
