"""The linear relations between the cells of one year, and the p%-rule's sensitivity.

Shared by the optimiser and the intruder's LPs (`attacker`), which is why they live
apart from `disclosure`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from tillvaxt.groups import TOTAL
from tillvaxt.statistics.support import ALL_INSTRUMENTS, DIMS


@dataclass(frozen=True)
class Relation:
    """`total = Σ members` (cell positions); `exact_counts` is False for the `Alla` relation,
    where an organisation paid from several instruments is one recipient of `Alla`."""

    total: int
    members: tuple[int, ...]
    exact_counts: bool = True
    # False for an `Alla` relation that lacks an instrument of the year (its table is
    # not among the cells): then only "each member ≤ total" is known for certain.
    complete: bool = True


def p_sensitivity(cells: pd.DataFrame, p: float) -> pd.Series:
    """`S = p/100·x1 − (X − x1 − x2)` in öre; positive means the amount is sensitive."""
    x, x1, x2 = (cells[c].astype("float64") for c in ("paid_ore", "top1_ore", "top2_ore"))
    return p / 100 * x1 - (x - x1 - x2)


def relations(cells: pd.DataFrame) -> list[Relation]:
    """Every linear relation between the cells of one year (positions 0..n−1).

    Within a year × instrument: for each table and each of its dimensions, the cell
    with that dimension at `Totalt` is the sum of the cells over its categories. Across
    instruments: the `Alla` cell and the instruments' cells of the same group.
    """
    cells = cells.reset_index(drop=True)
    pos = {k: i for i, k in enumerate(map(tuple, cells[["instrument", *DIMS]].to_numpy()))}
    out: list[Relation] = []
    for _, grp in cells.groupby("table", sort=False):
        spec = [d for d in DIMS if (grp[d] != TOTAL).any()]
        for d in spec:
            members: dict[tuple, list[int]] = defaultdict(list)
            for i, key in zip(
                grp.index, map(tuple, grp[["instrument", *DIMS]].to_numpy()), strict=True
            ):
                parent = tuple(
                    TOTAL if (j > 0 and DIMS[j - 1] == d) else v for j, v in enumerate(key)
                )
                members[parent].append(i)
            # A margin that no table publishes (bakgrund × utbildning) is no constraint.
            out.extend(Relation(pos[k], tuple(m)) for k, m in members.items() if k in pos)
    by_group: dict[tuple, list[int]] = defaultdict(list)
    alla: dict[tuple, int] = {}
    for i, key in enumerate(map(tuple, cells[["instrument", *DIMS]].to_numpy())):
        if key[0] == ALL_INSTRUMENTS:
            alla[key[1:]] = i
        else:
            by_group[key[1:]].append(i)
    instruments = len(set(cells["instrument"]) - {ALL_INSTRUMENTS})
    out.extend(
        Relation(alla[g], tuple(m), exact_counts=False, complete=len(m) == instruments)
        for g, m in by_group.items()
        if g in alla
    )
    return out
