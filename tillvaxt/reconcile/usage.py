"""What was paid, per instrument and per municipality, and to how many recipients."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tillvaxt.arrowcols import places_in
from tillvaxt.instruments import REPORT_ORDER, instrument_name
from tillvaxt.region import Region

COUNTY_TOTAL = "Totalt"


def charged_to_appropriations(payouts: pd.DataFrame, appropriations: pd.DataFrame) -> pd.DataFrame:
    """The payouts that are usage: charged to a state appropriation on the allocation file.

    Every payment charged to the appropriation counts, matched to a decision or not;
    payments from other funding (own funds, the service programme) are not usage. One
    selection for `appropriation_usage` and its vouchers (`tillvaxt.reconcile.vouchers`).
    """
    return payouts[is_charged(payouts, appropriations)]


def is_charged(payouts: pd.DataFrame, appropriations: pd.DataFrame) -> np.ndarray:
    """Which payouts `charged_to_appropriations` keeps, as a boolean array."""
    return payouts["appropriation"].isin(set(appropriations["appropriation"])).to_numpy(bool)


def appropriation_usage(payouts: pd.DataFrame, appropriations: pd.DataFrame) -> pd.DataFrame:
    """Net öre paid per year × appropriation × instrument, for the state appropriations on file."""
    mine = charged_to_appropriations(payouts, appropriations)
    out = (
        mine.groupby(["year", "appropriation", "instrument"], as_index=False)["amount_ore"]
        .sum()
        .rename(columns={"amount_ore": "paid_ore"})
    )
    out.insert(3, "instrument_name", out["instrument"].map(instrument_name))
    out["_o"] = places_in(out["instrument"], REPORT_ORDER)
    return (
        out.sort_values(["year", "appropriation", "_o", "instrument"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def recipients_by_instrument(
    payouts: pd.DataFrame, decisions: pd.DataFrame, region: Region
) -> pd.DataFrame:
    """Recipients, decisions and net öre per year × instrument × municipality, plus county totals.

    A recipient is an organisation whose net payouts in the group and year are above
    zero (a full repayment is not support); `paid_ore` is the net paid to those
    recipients. `granted_recipients` (county rows) counts organisations granted a
    non-revoked decision dated in the year, from the authoritative snapshot.
    """
    p = _coded(payouts, region)
    frames = []
    for level in ("municipality", COUNTY_TOTAL):
        keys = ["year", "instrument"] + (["municipality"] if level == "municipality" else [])
        by_org = p.groupby([*keys, "org"])[
            "amount_ore"
        ]  # one grouping for the sum and its transform
        net = by_org.sum().reset_index()
        net = net[net["amount_ore"] > 0]
        # One row per organisation in `net`: its recipients are its rows.
        agg = net.groupby(keys, as_index=False).agg(
            recipients=("org", "size"), paid_ore=("amount_ore", "sum")
        )
        # The decisions paid to the recipients with a positive net (each payout's group
        # net, in place of a merge back onto a million rows), filtered once, keys only.
        paid_on = (by_org.transform("sum").to_numpy() > 0) & (p["decision"].to_numpy() >= 0)
        dec = (
            p.loc[paid_on, [*keys, "decision"]]
            .groupby(keys, as_index=False)
            .agg(decisions=("decision", "nunique"))
        )
        agg = agg.merge(dec, on=keys, how="left")
        if level == COUNTY_TOTAL:
            agg["municipality"] = COUNTY_TOTAL
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    granted = granted_recipients(decisions)
    if out.empty and granted.empty:
        # Nothing paid and nothing granted: an empty table, not a merge of two empty
        # Arrow string columns (which pandas cannot type).
        return _EMPTY_RECIPIENTS.copy()
    out = out.merge(
        granted.assign(municipality=COUNTY_TOTAL),
        on=["year", "instrument", "municipality"],
        how="outer",
    )
    out["recipients"] = out["recipients"].fillna(0).astype("int64")
    out["decisions"] = out["decisions"].fillna(0).astype("int64")
    out["paid_ore"] = out["paid_ore"].fillna(0).astype("int64")
    is_total = out["municipality"] == COUNTY_TOTAL
    out["granted_recipients"] = out["granted_recipients"].where(is_total, pd.NA)
    out.loc[is_total, "granted_recipients"] = out.loc[is_total, "granted_recipients"].fillna(0)
    out["granted_recipients"] = out["granted_recipients"].astype("Int64")
    out["instrument_name"] = out["instrument"].map(instrument_name)
    out["_t"] = is_total.astype(int)
    cols = [
        "year",
        "instrument",
        "instrument_name",
        "municipality",
        "recipients",
        "granted_recipients",
        "decisions",
        "paid_ore",
    ]
    return out.sort_values(["year", "instrument", "_t", "municipality"])[cols].reset_index(
        drop=True
    )


def _coded(payouts: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The columns `recipients_by_instrument` groups by: year, instrument, municipality
    name (each distinct code named once), and organisation and decision as integer codes
    (-1: no decision), which group and count as the texts do, without hashing a million
    texts at every grouping."""
    codes = payouts["municipality_code"]
    if codes.isna().any():  # the name of no code is the function's to say
        names = codes.map(region.municipality_name)
    else:
        names = codes.map({c: region.municipality_name(c) for c in pd.unique(codes).tolist()})
        if isinstance(codes.dtype, pd.StringDtype):
            names = names.astype(codes.dtype)  # as `map` of the function keeps it
    return pd.DataFrame(
        {
            "year": payouts["year"],
            "instrument": payouts["instrument"],
            "municipality": names,
            "org": pd.factorize(payouts["org_number"])[0],
            "decision": pd.factorize(payouts["decision_id"])[0],
            "amount_ore": payouts["amount_ore"],
        },
        index=payouts.index,
    )


_EMPTY_RECIPIENTS = pd.DataFrame(
    {
        "year": pd.Series(dtype="int64"),
        "instrument": pd.Series(dtype="str"),
        "instrument_name": pd.Series(dtype="str"),
        "municipality": pd.Series(dtype="str"),
        "recipients": pd.Series(dtype="int64"),
        "granted_recipients": pd.Series(dtype="Int64"),
        "decisions": pd.Series(dtype="int64"),
        "paid_ore": pd.Series(dtype="int64"),
    }
)


def granted_recipients(decisions: pd.DataFrame) -> pd.DataFrame:
    """Distinct organisations per year × instrument granted a non-revoked decision dated that year."""
    d = decisions[decisions["authoritative"] & (decisions["status"] != "Återkallad")]
    d = d.assign(year=d["decision_date"].dt.year.astype("int64"))
    return d.groupby(["year", "instrument"], as_index=False).agg(
        granted_recipients=("org_number", "nunique")
    )
