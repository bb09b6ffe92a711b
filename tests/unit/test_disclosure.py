"""Disclosure control: a hand-worked pattern, an audit that rejects a weak one, a generated run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tillvaxt.groups import DIMENSIONS, TOTAL
from tillvaxt.statistics.disclosure import (
    FREQUENCY,
    DisclosureRules,
    audit,
    p_sensitivity,
    primary_suppression,
    suppress,
)
from tillvaxt.statistics.support import support_cells

SV, UT, IN = "Svensk bakgrund", "Utrikes född", "Inrikes född med två utrikes födda föräldrar"
KRONOR = 100 * 100  # every recipient is paid 100 kr, so only the frequency rule bites

# kon × bakgrund, worked by hand:
#             Svensk  Utrikes  Inrikes2 | Totalt
#   K           10       2        8     |  20
#   M           12       9        6     |  27
#   Totalt      22      11       14     |  47
GRID = {("K", SV): 10, ("K", UT): 2, ("K", IN): 8, ("M", SV): 12, ("M", UT): 9, ("M", IN): 6}


def hand_table() -> pd.DataFrame:
    rows = []

    def cell(table: str, kon: str, bakgrund: str, n: int) -> None:
        row = dict.fromkeys(DIMENSIONS, TOTAL) | {"kon": kon, "bakgrund": bakgrund}
        top2 = KRONOR if n >= 2 else 0
        rows.append(
            row
            | {
                "year": 2020,
                "instrument": "Alla",
                "table": table,
                "recipients": n,
                "paid_ore": n * KRONOR,
                "top1_ore": KRONOR,
                "top2_ore": top2,
            }
        )

    cell(TOTAL, TOTAL, TOTAL, sum(GRID.values()))
    for k in ("K", "M"):
        cell("kon", k, TOTAL, sum(v for (kk, _), v in GRID.items() if kk == k))
    for b in (SV, UT, IN):
        cell("bakgrund", TOTAL, b, sum(v for (_, bb), v in GRID.items() if bb == b))
    for (k, b), v in GRID.items():
        cell("kon × bakgrund", k, b, v)
    return pd.DataFrame(rows)


def suppressed_cells(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(map(tuple, frame.loc[frame["suppressed"], ["kon", "bakgrund"]].to_numpy()))


def test_primary_rules() -> None:
    cells = pd.DataFrame(
        {
            "recipients": [1, 2, 3, 3, 0],
            "paid_ore": [500, 300, 1000, 300, 0],
            "top1_ore": [500, 200, 950, 100, 0],
            "top2_ore": [0, 100, 30, 100, 0],
        }
    )
    # S = 0.1·x1 − (X − x1 − x2): 50, 20, 95 − 20 = 75, 10 − 100 = −90, 0
    assert p_sensitivity(cells, 10).tolist() == [50.0, 20.0, 75.0, -90.0, 0.0]
    assert primary_suppression(cells, DisclosureRules()).tolist() == [
        FREQUENCY,
        FREQUENCY,
        "p%",
        "",
        "",
    ]


def test_hand_worked_pattern_is_reproduced() -> None:
    # Primary: K×Utrikes (2). Its row and column each need a withheld partner, and the
    # partners theirs: the cheapest pattern (the optimiser's, which a greedy heuristic
    # also found) is the 2×2 rectangle K/M × Utrikes/Inrikes2.
    # The rectangle leaves K×Utrikes anywhere in [1, 9]:
    # a withheld cell is never empty, so each of the four is at least 1 (K×Inrikes2 =
    # 10 − K×Utrikes ≥ 1). The amount has no such floor: [0, 10 × 100 kr].
    out, _ = suppress(hand_table(), DisclosureRules())
    assert suppressed_cells(out) == {("K", UT), ("K", IN), ("M", UT), ("M", IN)}
    assert out.loc[out["suppressed"], "suppression_reason"].tolist().count(FREQUENCY) == 1
    result = audit(out, DisclosureRules(), exact=True)
    assert result["protected"].all() and result["interval_exact"].all()
    k_ut = out[(out["kon"] == "K") & (out["bakgrund"] == UT)].index[0]
    assert (result.at[k_ut, "recipients_low"], result.at[k_ut, "recipients_high"]) == (1, 9)
    assert (result.at[k_ut, "paid_low_ore"], result.at[k_ut, "paid_high_ore"]) == (0, 10 * KRONOR)


def test_audit_rejects_an_under_protected_pattern() -> None:
    cells = hand_table()
    # Only the Utrikes column: row K gives K×Utrikes = 20 − 10 − 8 = 2 back.
    cells["suppressed"] = [
        (k, b) in {("K", UT), ("M", UT)}
        for k, b in zip(cells["kon"], cells["bakgrund"], strict=True)
    ]
    result = audit(cells, DisclosureRules(), exact=True)
    assert not result["protected"].all()
    k_ut = cells[(cells["kon"] == "K") & (cells["bakgrund"] == UT)].index[0]
    assert result.at[k_ut, "recipients_low"] == result.at[k_ut, "recipients_high"] == 2
    # Nothing suppressed at all: the sensitive cell itself is reported.
    cells["suppressed"] = False
    assert not audit(cells, DisclosureRules()).at[k_ut, "protected"]


def test_two_small_cells_in_a_row_need_a_third() -> None:
    # K: 10, 1, 1 → the two small cells alone sum to 2, so each lies in [0, 2]: too narrow.
    cells = hand_table()
    for (k, b), v in {("K", UT): 1, ("K", IN): 1}.items():
        m = (cells["kon"] == k) & (cells["bakgrund"] == b)
        cells.loc[m, ["recipients", "paid_ore", "top2_ore"]] = [v, v * KRONOR, 0]
    for m in (cells["kon"] == "K") & (cells["bakgrund"] == TOTAL), cells["table"] == TOTAL:
        cells.loc[m, "recipients"] -= 8
        cells.loc[m, "paid_ore"] -= 8 * KRONOR
    for b, d in ((UT, 1), (IN, 7)):
        m = (cells["kon"] == TOTAL) & (cells["bakgrund"] == b)
        cells.loc[m, "recipients"] -= d
        cells.loc[m, "paid_ore"] -= d * KRONOR
    out, _ = suppress(cells, DisclosureRules())
    assert ("K", SV) in suppressed_cells(out)
    assert audit(out, DisclosureRules())["protected"].all()


def generated_inputs(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    orgs = [f"55{i:08d}" for i in range(150)]
    payouts = pd.DataFrame(
        {
            "year": 2020,
            "instrument": rng.choice(["UTV", "PROJ"], 300, p=[0.7, 0.3]),
            "org_number": rng.choice(orgs, 300),
            "amount_ore": rng.integers(1_000, 500_000, 300) * 100,
        }
    )
    from tillvaxt.groups import CATEGORIES

    profiles = pd.DataFrame(
        {"org_number": orgs[:130]}
        | {d: rng.choice([*CATEGORIES[d], None], 130) for d in DIMENSIONS}
    )
    population = pd.DataFrame(
        {"year": [2019, 2020] * 2, "kon": ["K", "K", "M", "M"], "bakgrund": [SV] * 4}
        | {"utbildning": ["Gymnasial"] * 4, "aldersgrupp": ["30-44"] * 4, "count": [40, 41, 60, 59]}
    )
    return payouts, profiles, population


def test_no_published_cell_under_the_threshold_in_a_generated_run() -> None:
    cells = support_cells(*generated_inputs())
    out, _ = suppress(cells, DisclosureRules())
    published = out[~out["suppressed"]]
    assert published["recipients"].isin([0]).sum() + (published["recipients"] >= 3).sum() == len(
        published
    )
    assert (p_sensitivity(published[published["recipients"] > 0], 10) <= 0).all()
    assert out["suppressed"].sum() > (out["suppression_reason"] == FREQUENCY).sum()
    assert audit(out, DisclosureRules())["protected"].all()
