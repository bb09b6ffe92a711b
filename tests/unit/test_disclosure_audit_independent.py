"""The optimiser's patterns checked by a second, independent intruder: plain LPs (scipy's
linprog) over every cell of the year, no shortcuts, outsider and each singleton.

The production audit (`attacker`) answers most questions from points it has already
found and splits groups of organisations; this one solves every LP, so a bug in those
shortcuts would show here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from tests.assets.test_disclosure_robust import random_inputs
from tillvaxt.statistics.design import select_tables
from tillvaxt.statistics.disclosure import (
    FREQUENCY,
    DisclosureRules,
    audit,
    p_sensitivity,
    primary_suppression,
    relations,
    suppress,
)
from tillvaxt.statistics.support import support_cells

RULES = DisclosureRules(time_limit_s=30)
SCALE = 100_000.0  # amounts in thousands of kronor


def ranges(cells: pd.DataFrame, kind: str, known: set[int]) -> dict[int, tuple[float, float]]:
    """(min, max) of every withheld cell, given the published cells and the `known` ones."""
    cells = cells.reset_index(drop=True)
    n = len(cells)
    value = cells["recipients" if kind == "n" else "paid_ore"].to_numpy(dtype="float64")
    if kind != "n":
        value = value / SCALE
    sup = cells["suppressed"].to_numpy(dtype=bool)
    eq, ub = [], []
    for rel in relations(cells):
        terms = [(rel.total, 1.0)] + [(m, -1.0) for m in rel.members]
        if rel.exact_counts or (kind != "n" and abs(sum(a * value[c] for c, a in terms)) < 1e-12):
            eq.append(terms)
        elif kind == "n":
            for pair in [terms] + [[(m, 1.0), (rel.total, -1.0)] for m in rel.members]:
                if sum(a * value[c] for c, a in pair) <= 0:
                    ub.append(pair)

    def matrix(rows):
        a = np.zeros((len(rows), n))
        for i, r in enumerate(rows):
            for c, v in r:
                a[i, c] = v
        return a if rows else None

    a_eq, a_ub = matrix(eq), matrix(ub)
    low = 1.0 if kind == "n" else 0.0
    bounds = [(value[c], value[c]) if (not sup[c] or c in known) else (low, None) for c in range(n)]
    out = {}
    for c in np.flatnonzero(sup):
        ends = []
        for sign in (1.0, -1.0):
            cost = np.zeros(n)
            cost[c] = sign
            res = linprog(
                cost,
                A_eq=a_eq,
                b_eq=np.zeros(len(eq)) if eq else None,
                A_ub=a_ub,
                b_ub=np.zeros(len(ub)) if ub else None,
                bounds=bounds,
                method="highs",
            )
            ends.append(np.inf if res.status == 3 else sign * res.fun)
            assert res.status in (0, 3), res.message
        lo, hi = ends
        out[int(c)] = (lo, hi)
    return out


def protected(cells: pd.DataFrame, c: int, rn, rp) -> bool:
    row = cells.iloc[c]
    n, paid = float(row["recipients"]), float(row["paid_ore"]) / SCALE
    freq = primary_suppression(cells.iloc[[c]], RULES).iat[0] == FREQUENCY
    s = max(float(p_sensitivity(cells.iloc[[c]], RULES.p_percent).iat[0]), 0.0) / SCALE
    width_n = RULES.frequency_threshold if freq else 1.0
    ok_n = rn[1] - rn[0] >= width_n - 1e-6
    if s > 0 and n >= 1:
        ok_p = rp[1] - paid >= s - 1e-6 and paid - rp[0] >= s - 1e-6
    else:
        ok_p = rp[1] - rp[0] >= 1 / SCALE - 1e-6
    return ok_n and ok_p


@pytest.mark.parametrize("seed", [4, 9])
def test_the_optimisers_pattern_resists_an_independent_intruder(seed: int) -> None:
    payouts, profiles, population = random_inputs(seed)
    payouts = payouts[payouts["year"] == payouts["year"].min()]
    payouts = payouts[payouts["instrument"].isin(payouts["instrument"].unique()[:2])]
    cells = select_tables(support_cells(payouts, profiles, population), RULES)
    out, _ = suppress(cells, RULES)
    out = out.reset_index(drop=True)
    assert (out["withheld_because"] == "").all()
    sup = out["suppressed"].to_numpy(dtype=bool)
    assert sup.sum() > 0
    # No sensitive cell is published.
    assert not ((primary_suppression(out, RULES) != "").to_numpy() & ~sup).any()
    # The outsider, and the production audit's intervals equal to ours.
    rn, rp = ranges(out, "n", set()), ranges(out, "p", set())
    mine = audit(out, RULES, exact=True)
    for c in rn:
        assert protected(out, c, rn[c], rp[c]), c
        assert mine.at[c, "recipients_low"] == pytest.approx(rn[c][0], abs=1e-6)
        # To a thousandth of an öre, or 1e-14 of the amount for ten-billion-krona
        # bounds (HiGHS's tolerances are relative: its primal simplex lands 0.006 öre off).
        assert mine.at[c, "paid_low_ore"] == pytest.approx(rp[c][0] * SCALE, rel=1e-14, abs=1e-3)
        if np.isfinite(rn[c][1]) and rn[c][1] < 1e8:
            assert mine.at[c, "recipients_high"] == pytest.approx(rn[c][1], abs=1e-6)
    # Each organisation alone in withheld cells knows them all.
    sole = out["sole_recipient"].to_numpy()
    for org in sorted({int(o) for o in sole[sup] if o >= 0}):
        known = {int(c) for c in np.flatnonzero(sup & (sole == org))}
        rn, rp = ranges(out, "n", known), ranges(out, "p", known)
        for c in rn:
            if c not in known:
                assert protected(out, c, rn[c], rp[c]), (org, c)
