"""The appropriation's year chain: opening, allocated, paid, closing, withdrawn, carried over.

Rules from the raw-input spec (anslagsförordningen 2011:223): a year opens with the
previous year's carried-over balance (0 for the first year on file); closing =
opening + allocated − paid; a deficit is financed by next year's allocation up to the
credit limit (beyond it: `credit_breach`); a surplus above the savings cap is
withdrawn. A year with an unreadable payout or allocation row is `incomplete`, and so
is every later year, since its opening balance depends on it.
"""

from __future__ import annotations

import pandas as pd

STATUSES = ("ok", "deficit_financed_by_next_year", "credit_breach", "incomplete")


def paid_per_year(payouts: pd.DataFrame) -> pd.DataFrame:
    """Net öre paid per (year, appropriation)."""
    return (
        payouts.groupby(["year", "appropriation"], as_index=False)["amount_ore"]
        .sum()
        .rename(columns={"amount_ore": "paid_ore"})
    )


def incomplete_years(quarantine: pd.DataFrame, appropriation: str) -> set[int | None]:
    """Years whose figures a quarantined row may change, for this appropriation.

    An unreadable payout row may be money paid that year; an unreadable allocation
    row may be that year's allocation or credit limit. A row whose appropriation could
    not be read might be this one's; a row whose year could not be read might be any
    year's (returned as None).
    """
    q = quarantine[quarantine["source"].isin(["payouts", "appropriations"])]
    mine = q["appropriation"].isna() | (q["appropriation"] == appropriation)
    return {None if pd.isna(y) else int(y) for y in q.loc[mine, "year"]}


def reconcile_appropriations(
    appropriations: pd.DataFrame, payouts: pd.DataFrame, quarantine: pd.DataFrame
) -> pd.DataFrame:
    """One row per year × appropriation with the chain and its status (amounts in öre)."""
    paid = paid_per_year(payouts)
    rows = []
    for code, allocs in appropriations.groupby("appropriation", sort=True):
        mine = paid[paid["appropriation"] == code]
        years = sorted(set(allocs["year"]) | set(mine["year"]))
        alloc = allocs.set_index("year")
        paid_by_year = mine.set_index("year")["paid_ore"]
        bad_years = incomplete_years(quarantine, code)
        first_bad = min((y for y in bad_years if y is not None), default=None)
        if None in bad_years:
            first_bad = years[0] if years else None
        carried = 0
        for y in years:
            opening = carried
            allocated = int(alloc.at[y, "allocated_ore"]) if y in alloc.index else 0
            credit = int(alloc.at[y, "credit_limit_ore"]) if y in alloc.index else 0
            cap = alloc.at[y, "max_savings_ore"] if y in alloc.index else pd.NA
            paid_ore = int(paid_by_year.get(y, 0))
            closing = opening + allocated - paid_ore
            withdrawn = max(0, closing - int(cap)) if not pd.isna(cap) and closing > 0 else 0
            carried = closing - withdrawn
            if first_bad is not None and y >= first_bad:
                status = "incomplete"
            elif closing < 0 and -closing > credit:
                status = "credit_breach"
            elif closing < 0:
                status = "deficit_financed_by_next_year"
            else:
                status = "ok"
            rows.append(
                {
                    "year": int(y),
                    "appropriation": code,
                    "opening_balance_ore": opening,
                    "allocated_ore": allocated,
                    "paid_ore": paid_ore,
                    "closing_balance_ore": closing,
                    "withdrawn_ore": withdrawn,
                    "carried_over_ore": carried,
                    "credit_limit_ore": credit,
                    "savings_cap_ore": None if pd.isna(cap) else int(cap),
                    "status": status,
                    "on_allocation_file": y in alloc.index,
                }
            )
    return pd.DataFrame(rows, columns=_COLUMNS)


_COLUMNS = [
    "year",
    "appropriation",
    "opening_balance_ore",
    "allocated_ore",
    "paid_ore",
    "closing_balance_ore",
    "withdrawn_ore",
    "carried_over_ore",
    "credit_limit_ore",
    "savings_cap_ore",
    "status",
    "on_allocation_file",
]
