"""The linear relations between the cells of one year, and the p%-rule's sensitivity.

Shared by the optimiser and the intruder's LPs (`attacker`), which is why they live
apart from `disclosure`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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


def _runs(codes: np.ndarray) -> list[np.ndarray]:
    """Positions grouped by code, groups in code order, each group's positions in order."""
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(codes[order])) + 1) if len(order) else []


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each `wanted` key among `keys` (unique), −1 where it is not there."""
    order = np.argsort(keys, kind="stable")
    at = np.minimum(np.searchsorted(keys[order], wanted), max(len(keys) - 1, 0))
    found = (keys[order][at] == wanted) if len(keys) else np.zeros(len(wanted), dtype=bool)
    return np.where(found, order[at] if len(keys) else -1, -1)


def relations(cells: pd.DataFrame) -> list[Relation]:
    """Every linear relation between the cells of one year (positions 0..n−1).

    Within a year × instrument: for each table and each of its dimensions, the cell
    with that dimension at `Totalt` is the sum of the cells over its categories. Across
    instruments: the `Alla` cell and the instruments' cells of the same group.
    The relations come in a fixed order (tables, then dimensions, then margins as they
    first occur), which the solvers' rows follow. Each cell's key is one integer (its
    columns' codes in mixed radix) and a margin is found by replacing one code: at
    1 000 000 payouts the loop per cell in Python took 77 ms, four times a year.
    """
    cells = cells.reset_index(drop=True)
    key = np.zeros(len(cells), dtype="int64")
    step = 1
    code: dict[str, np.ndarray] = {}
    total: dict[str, int] = {}
    mult: dict[str, int] = {}
    for c in ["instrument", *DIMS]:
        codes, uniques = pd.factorize(cells[c].astype("object"))
        code[c], mult[c] = codes.astype("int64"), step
        where = np.flatnonzero(np.asarray(uniques, dtype=object) == TOTAL)
        total[c] = int(where[0]) if len(where) else len(uniques)
        key += code[c] * step
        step *= len(uniques) + 1
    tables, _ = pd.factorize(cells["table"])
    out: list[Relation] = []
    for t in range(tables.max() + 1 if len(tables) else 0):
        rows = np.flatnonzero(tables == t)
        for d in DIMS:
            mine = code[d][rows]
            if not (mine != total[d]).any():
                continue
            parent = _lookup(key, key[rows] + (total[d] - mine) * mult[d])
            groups, uniques = pd.factorize(parent)
            # A margin that no table publishes (bakgrund × utbildning) is no constraint.
            out.extend(
                Relation(int(uniques[k]), tuple(int(i) for i in rows[run]))
                for k, run in enumerate(_runs(groups))
                if uniques[k] >= 0
            )
    alla = (cells["instrument"] == ALL_INSTRUMENTS).to_numpy()
    group_key = key - code["instrument"] * mult["instrument"]
    others, alla_pos = np.flatnonzero(~alla), np.flatnonzero(alla)
    groups, _ = pd.factorize(group_key[others])
    at = _lookup(group_key[alla_pos], group_key[others])
    instruments = len(set(cells["instrument"]) - {ALL_INSTRUMENTS})
    for run in _runs(groups):
        if at[run[0]] >= 0:
            out.append(
                Relation(
                    int(alla_pos[at[run[0]]]),
                    tuple(int(i) for i in others[run]),
                    exact_counts=False,
                    complete=len(run) == instruments,
                )
            )
    return out
