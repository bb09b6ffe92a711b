"""Who receives support: recipients and SEK by gender crossed with background, education, income and age.

A *cell* is one combination of year, instrument (or `Alla`) and group values, where a
dimension not in the cell's table is `Totalt`. The tables are: the grand total, every
one-way margin, every two-way cross with `kon`, and `kon × bakgrund × utbildning`.
All tables share their margins (the `kon = K` cell is the same cell in every table
that has it), which is what the disclosure control has to respect. Which of these
tables are published is decided afterwards, in `tillvaxt.statistics.design`.

Recipients are organisations whose net payouts in the year (per instrument, or over all
instruments for `Alla`) are above zero, from every funding source, as in
`recipients_by_instrument`. Organisations without a profile, and unknown profile
values, are counted under `Uppgift saknas`, never dropped.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pandas as pd

from tillvaxt.groups import CATEGORIES, DIMENSIONS, MISSING, TOTAL, with_missing

ALL_INSTRUMENTS = "Alla"
DIMS = list(DIMENSIONS)


def table_specs() -> list[tuple[str, ...]]:
    """The linked tables, each named by the dimensions it crosses (`()` = grand total)."""
    others = [d for d in DIMS if d != "kon"]
    return [
        (),
        *[(d,) for d in DIMS],
        *[("kon", d) for d in others],
        ("kon", "bakgrund", "utbildning"),
    ]


def recipient_nets(payouts: pd.DataFrame) -> pd.DataFrame:
    """Net öre per year × instrument × organisation (and per year for `Alla`), only the positive."""
    per_instrument = payouts.groupby(["year", "instrument", "org_number"], as_index=False)[
        "amount_ore"
    ].sum()
    overall = (
        payouts.groupby(["year", "org_number"], as_index=False)["amount_ore"]
        .sum()
        .assign(instrument=ALL_INSTRUMENTS)
    )
    nets = pd.concat([per_instrument, overall], ignore_index=True)
    nets = nets[nets["amount_ore"] > 0].rename(columns={"amount_ore": "net_ore"})
    return nets.astype({"year": "int64", "net_ore": "int64"}).reset_index(drop=True)


def with_profiles(nets: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """Each recipient with its leader's group values; no profile or no value → `Uppgift saknas`."""
    out = nets.merge(profiles[["org_number", *DIMS]], on="org_number", how="left")
    for d in DIMS:
        out[d] = out[d].astype("object").where(out[d].notna(), MISSING).astype("str")
    return out


def _grid(pairs: pd.DataFrame, spec: tuple[str, ...]) -> pd.DataFrame:
    """Every cell of one table for the given year × instrument pairs (zeros included)."""
    combos = pd.DataFrame(
        list(product(*[with_missing(d) for d in spec])) if spec else [()], columns=list(spec)
    )
    grid = pairs.merge(combos, how="cross")
    for d in DIMS:
        if d not in spec:
            grid[d] = TOTAL
    return grid


def group_cells(recipients: pd.DataFrame) -> pd.DataFrame:
    """Recipients, net öre and the two largest contributions for every cell of every table.

    `sole_recipient` is, for a cell of exactly one recipient, an opaque number for that
    organisation (its rank among the run's organisations, never the organisation number),
    and −1 otherwise: the disclosure audit needs to know which withheld cells one
    organisation knows by itself.
    """
    pairs = recipients[["year", "instrument"]].drop_duplicates()
    codes = {o: i for i, o in enumerate(sorted(recipients["org_number"].unique()))}
    texts = ["instrument", *DIMS]
    # Sorted once, grouped by categories (integer codes) in every table: at 1 000 000
    # payouts a string key's factorising and a sort per table were most of the time.
    ranked = recipients.assign(
        _org=recipients["org_number"].map(codes).astype("int64"),
        **{c: recipients[c].astype("category") for c in texts},
    ).sort_values("net_ore", ascending=False, kind="stable")
    frames = []
    for spec in table_specs():
        keys = ["year", "instrument", *spec]
        groups = ranked.groupby(keys, observed=True, sort=False)
        rank = groups.cumcount().to_numpy()
        agg = groups.agg(
            recipients=("_org", "nunique"),
            paid_ore=("net_ore", "sum"),
            sole_recipient=("_org", "min"),
        ).reset_index()
        # Nullable integers before the merges: money never passes through float.
        agg = agg.astype({"recipients": "Int64", "paid_ore": "Int64"})
        for r in (0, 1):
            top = ranked.loc[rank == r, [*keys, "net_ore"]].astype({"net_ore": "Int64"})
            agg = agg.merge(top.rename(columns={"net_ore": f"top{r + 1}_ore"}), on=keys, how="left")
        agg = agg.astype({c: recipients[c].dtype for c in keys if c in texts})
        cells = _grid(pairs, spec).merge(agg, on=keys, how="left")
        cells["table"] = " × ".join(spec) if spec else TOTAL
        frames.append(cells)
    out = pd.concat(frames, ignore_index=True)
    for c in ("recipients", "paid_ore", "top1_ore", "top2_ore"):
        out[c] = out[c].fillna(0).astype("int64")
    out["sole_recipient"] = out["sole_recipient"].where(out["recipients"] == 1, -1)
    out["sole_recipient"] = out["sole_recipient"].fillna(-1).astype("int64")
    return out


def baseline_shares(cells: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """Each cell's share of the year's population of business leaders.

    Empty where the population does not describe the cell: a cell on `inkomstklass`
    (Statistics Sweden's counts have no income class), a cell with `Uppgift saknas`,
    or a year without population counts.
    """
    pop = population.copy()
    pop_dims = [d for d in DIMS if d in pop.columns]
    for d in pop_dims:
        pop[d] = pop[d].astype("object").where(pop[d].notna(), MISSING).astype("str")
    totals = pop.groupby("year")["count"].sum()
    out = pd.Series(np.nan, index=cells.index, dtype="float64")
    for spec in table_specs():
        if any(d not in pop_dims for d in spec):
            continue
        mine = cells["table"] == (" × ".join(spec) if spec else TOTAL)
        counts = pop.groupby(["year", *spec], as_index=False)["count"].sum()
        sub = cells.loc[mine, ["year", *spec]].reset_index()
        got = sub.merge(counts, on=["year", *spec], how="left").set_index("index")["count"]
        share = got.fillna(0) / sub.set_index("index")["year"].map(totals)
        out[share.index] = share.astype("float64")
    known = ~cells[DIMS].eq(MISSING).any(axis=1)
    return out.where(known)


def support_cells(
    payouts: pd.DataFrame, profiles: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """All cells with their true values (before disclosure control), öre as int64.

    `share_of_recipients` is the cell's recipients over all recipients of the year and
    instrument (the `Totalt` cell), so that it can be worked out from published counts
    and reveals nothing a suppressed count hides; `baseline_share` is the same share in
    the population; `representation_ratio` = share ÷ baseline (1 = parity).
    """
    cells = group_cells(with_profiles(recipient_nets(payouts), profiles))
    total = cells[cells["table"] == TOTAL].set_index(["year", "instrument"])["recipients"]
    denom = pd.MultiIndex.from_frame(cells[["year", "instrument"]]).map(total)
    cells["share_of_recipients"] = (cells["recipients"] / np.asarray(denom, dtype="float64")).round(
        6
    )
    cells["baseline_share"] = baseline_shares(cells, population).round(6)
    ratio = cells["share_of_recipients"] / cells["baseline_share"]
    cells["representation_ratio"] = ratio.where(cells["baseline_share"] > 0).round(4)
    order = {t: i for i, t in enumerate([TOTAL, *[" × ".join(s) for s in table_specs()[1:]]])}
    inst = cells["instrument"].eq(ALL_INSTRUMENTS).map({True: 0, False: 1})
    cells = cells.assign(_i=inst, _t=cells["table"].map(order))
    sort_dims = []
    for d in DIMS:
        rank = {c: i for i, c in enumerate([TOTAL, *CATEGORIES[d], MISSING])}
        cells[f"_{d}"] = cells[d].map(rank)
        sort_dims.append(f"_{d}")
    cells = cells.sort_values(["year", "_i", "instrument", "_t", *sort_dims])
    return cells.drop(columns=["_i", "_t", *sort_dims]).reset_index(drop=True)


PUBLIC_COLUMNS = [
    "year",
    "instrument",
    *DIMS,
    "recipients",
    "paid_ore",
    "share_of_recipients",
    "baseline_share",
    "representation_ratio",
    "suppressed",
]


def support_by_group(protected: pd.DataFrame) -> pd.DataFrame:
    """The publishable table: a suppressed cell keeps its row, with every number empty.

    `protected` is the output of `tillvaxt.statistics.disclosure.suppress`; the true
    values, the two largest contributions and the reason for suppression stay behind.
    """
    out = protected[PUBLIC_COLUMNS].copy()
    hide = out["suppressed"].to_numpy(dtype=bool)
    for c in ("recipients", "paid_ore"):
        out[c] = out[c].astype("Int64").mask(hide)
    for c in ("share_of_recipients", "baseline_share", "representation_ratio"):
        out[c] = out[c].astype("float64").mask(hide)
    out["suppressed"] = out["suppressed"].astype("bool")
    return out.reset_index(drop=True)
