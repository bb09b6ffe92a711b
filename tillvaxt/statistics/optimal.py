"""Secondary suppression as a mixed-integer program (Fischetti & Salazar), solved by HiGHS.

One binary `x_c` per cell of a year (1 = withheld), over the complete set of linked
relations of that year: every table's margins, `Alla` against the instruments, counts
and amounts together (a cell is withheld whole). Primary cells are fixed at 1; empty
cells at 0 (a withheld cell is therefore known to be non-empty, which the intruder
uses). The objective is the information lost, `Σ cost_c·x_c`, with costs that keep the
headline figures (see `cell_costs`).

The protection constraints are too many to write down, so they are added lazily:
solve the MILP → let the intruder's LPs (`attacker`, outsider and singletons) attack
the pattern → add a capacity cut for every cell they narrow down too far → solve again,
until the attack fails everywhere. Two families of necessary constraints are there
from the start, because nearly every pattern needs them: a withheld cell needs a
withheld partner in each relation through it, and, relation by relation, enough
capacity in the partners to move a sensitive cell as far as its protection demands.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from tillvaxt.groups import TOTAL
from tillvaxt.statistics.attacker import (
    AMOUNTS,
    COUNTS,
    Cut,
    YearModel,
    attack_year,
)
from tillvaxt.statistics.relations import Relation
from tillvaxt.statistics.support import ALL_INSTRUMENTS, DIMS

MAX_ROUNDS = 200


class NoSafePattern(Exception):
    """No safe pattern was found for a year (infeasible, or out of time): withhold it."""


def cell_costs(cells: pd.DataFrame) -> np.ndarray:
    """What withholding each cell costs: the headline figures most.

    Grand totals 100 000, the `kon` one-way margins 10 000, other one-way margins 300,
    two-way cells 30, three-way interior cells 10; `Alla` twice an instrument's. Within
    a tier, a cell of more recipients costs a hair more (1 % of the log of the count),
    only to break ties: a stronger weight on size published 3 fewer cells on the sample.
    """
    depth = (cells[DIMS] != TOTAL).sum(axis=1).to_numpy()
    kon_only = (depth == 1) & (cells["kon"] != TOTAL).to_numpy()
    tier = np.select([depth == 0, kon_only, depth == 1, depth == 2], [1e5, 1e4, 300.0, 30.0], 10.0)
    alla = np.where(cells["instrument"].eq(ALL_INSTRUMENTS).to_numpy(), 2.0, 1.0)
    n = cells["recipients"].to_numpy(dtype="float64")
    return tier * alla * (1.0 + 0.01 * np.log1p(n))


@dataclass
class _Rows:
    data: list[float]
    ri: list[int]
    ci: list[int]
    lb: list[float]
    count: int = 0

    def add(self, coef: dict[int, float], lb: float) -> None:
        for c, a in coef.items():
            self.ri.append(self.count)
            self.ci.append(c)
            self.data.append(a)
        self.lb.append(lb)
        self.count += 1


def _initial_rows(model: YearModel, primary: np.ndarray, nonempty: np.ndarray) -> _Rows:
    rows = _Rows([], [], [], [])
    seen: set[tuple] = set()
    for kind in (COUNTS, AMOUNTS):
        cap = model.down_capacity(kind)
        for row in model.rows[kind]:
            if not row.equality:
                continue
            cellset = [c for c in row.coef if nonempty[c]]
            key = tuple(sorted(cellset))
            if key not in seen:
                seen.add(key)
                for i in cellset:
                    rows.add({i: -1.0} | {j: 1.0 for j in cellset if j != i}, 0.0)
            for i in cellset:
                if primary[i]:
                    for coef, need in capacity_rows(model, kind, row, i, cellset, cap, cap[i]):
                        rows.add(coef, need)
    return rows


def capacity_rows(
    model: YearModel,
    kind: str,
    row: Relation,
    i: int,
    cellset: list[int],
    cap: np.ndarray,
    count_room: float,
) -> Iterator[tuple[dict[int, float], float]]:
    """Primary cell `i`'s capacity rows in one equality: `Σ coef_j·x_j ≥ need`.

    To move `i` as far as its protection demands (the frequency rule's width in counts,
    the p% side in amounts, each way), the partners that move with it must have room:
    a partner of the same sign moves opposite to `i` (down when `i` goes up), so it
    gives at most its downward capacity. `count_room` is how far `i`'s own count can go
    down (the optimiser's and the joint model's differ: the joint's may reach 0).
    """
    needs = []
    if kind == COUNTS and model.frequency[i]:
        needs.append((1, model.width[kind][i] - count_room))
    if model.side[kind][i] > 0:
        needs += [(1, model.side[kind][i]), (-1, model.side[kind][i])]
    for direction, need in needs:
        if need <= 1e-9:
            continue
        coef = {}
        for j in cellset:
            if j == i:
                continue
            same = np.sign(row.coef[j]) == np.sign(row.coef[i])
            goes_down = same if direction == 1 else not same
            k = min(cap[j], need) if goes_down else need
            if k > 1e-9:
                coef[j] = k
        yield coef, need


def solve_year(
    cells: pd.DataFrame,
    model: YearModel,
    primary: np.ndarray,
    time_limit: float,
) -> tuple[np.ndarray, dict]:
    """The cheapest pattern the intruders cannot break; raises `NoSafePattern` otherwise."""
    start = time.monotonic()
    nonempty = model.n > 0
    size = model.size
    cost = cell_costs(cells)
    lower = np.where(primary, 1.0, 0.0)
    upper = np.where(nonempty, 1.0, 0.0)
    if (lower > upper).any():
        raise NoSafePattern("a sensitive cell is empty")
    if not primary.any():
        return np.zeros(size, dtype=bool), {"rounds": 0, "cuts": 0, "objective": 0.0}
    rows = _initial_rows(model, primary, nonempty)
    cuts_added: set[tuple] = set()
    for rnd in range(1, MAX_ROUNDS + 1):
        left = time_limit - (time.monotonic() - start)
        if left <= 0:
            raise NoSafePattern(f"no safe pattern within {time_limit:g} s ({rnd - 1} rounds)")
        a = csr_matrix((rows.data, (rows.ri, rows.ci)), shape=(rows.count, size))
        res = milp(
            cost,
            constraints=[LinearConstraint(a, np.array(rows.lb), np.inf)] if rows.count else [],
            integrality=np.ones(size),
            bounds=Bounds(lower, upper),
            options={"time_limit": left, "disp": False, "mip_rel_gap": 1e-4},
        )
        if res.x is None:
            raise NoSafePattern(
                "no pattern protects every sensitive cell (the MILP is infeasible)"
                if res.status == 2
                else f"no safe pattern within {time_limit:g} s ({res.message})"
            )
        sup = res.x > 0.5
        _, cuts = attack_year(model, sup, want_cuts=True)
        if not cuts:
            return sup, {"rounds": rnd, "cuts": len(cuts_added), "objective": float(res.fun)}
        new = 0
        for cut in cuts:
            key = _key(cut)
            if key in cuts_added:
                continue
            cuts_added.add(key)
            if sum(k for c, k in cut.coef.items() if sup[c]) >= cut.rhs - 1e-7:
                continue  # met within tolerance: it would not move the MILP
            rows.add(cut.coef, cut.rhs)
            new += 1
        if not new:
            raise NoSafePattern("the optimiser found no cut that separates the unsafe pattern")
    raise NoSafePattern(f"no safe pattern in {MAX_ROUNDS} rounds")


def _key(cut: Cut) -> tuple:
    return (round(cut.rhs, 7), tuple(sorted((c, round(k, 7)) for c, k in cut.coef.items())))
