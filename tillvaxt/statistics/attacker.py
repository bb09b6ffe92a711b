"""The intruder's linear programs: how far each withheld cell can move, and the cut when too little.

An intruder knows every published cell, every linear relation between the cells (a
margin is the sum of its categories; an `Alla` amount is the sum of the instruments'
amounts; an `Alla` count is at most their sum and at least each of them), that a
withheld cell is never empty (empty cells are always published, so a withheld count
is at least 1) and that no amount is negative. The variables are the deviations
`d = y − truth` of the withheld cells, so the true values are the point 0 and each LP
asks how far one cell can move up or down.

Two kinds of intruder are modelled:

- the **outsider**, who knows only the above;
- the **singleton**: an organisation alone in a withheld cell knows that cell's count
  (1) and amount, so its cell is fixed at its true value (`d = 0`). Two singletons each
  know their own value, so each is checked against the other.

Organisations are tried in groups: a cell that resists a group pooling what its
members know resists each of them, so only a group that breaks the cell is split, down
to the one organisation that does. Most questions are settled without an LP at all,
by the feasible points earlier LPs found (`_Component`).

When a cell is not protected, the LP's duals give a Fischetti–Salazar capacity cut
`Σ k_c·x_c ≥ R` over the suppression variables `x` of *all* cells (published ones
included): any pattern that protects the cell must satisfy it, because the dual
solution stays feasible for every pattern (a width requirement sums the bounds of
both directions). `tillvaxt.statistics.optimal` adds these
cuts lazily to its MILP.

Amounts are solved in thousands of kronor (1e5 öre), so HiGHS's absolute
tolerances are far below one öre.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import highspy
import numpy as np
import pandas as pd

from tillvaxt.statistics.relations import Relation, p_sensitivity

COUNTS, AMOUNTS = 0, 1
AMOUNT_SCALE = 100_000.0
_EPS = 1e-6
_INF = highspy.kHighsInf
UP, DOWN = 1, -1
BIG = 1e9  # "unbounded": a billion recipients, or 10¹⁴ kronor
_SETTLED = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)


@cache
def _quiet_first_highs() -> None:
    """HiGHS prints its banner to the process's stdout once, on the first instance;
    make that instance with stdout pointed at /dev/null, so the CLI's output stays ours."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _highs() -> highspy.Highs:
    _quiet_first_highs()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class Row:
    """`Σ coef·d ≤ slack` (or `= 0` when `equality`), over cell positions."""

    coef: dict[int, float]
    equality: bool
    slack: float = 0.0


@dataclass
class Cut:
    """`Σ coef[c]·x[c] ≥ rhs` over the year's suppression variables.

    With `YearModel.linked_cuts` (the joint design, `tillvaxt.statistics.joint`), also
    `+ Σ unpub[c]·u[c]`, `u[c]` = 1 when cell c's table is not published, and `cell` is
    the cell whose protection the cut asks for (the cut binds only when that cell is
    withheld in a published table).
    """

    coef: dict[int, float]
    rhs: float
    unpub: dict[int, float] = field(default_factory=dict)
    cell: int = -1


@dataclass
class YearModel:
    """One year's cells, relations and protection needs, in LP units."""

    n: np.ndarray
    v: np.ndarray
    rels: list[Relation]
    rows: tuple[list[Row], list[Row]]
    cell_rows: tuple[dict[int, list[int]], dict[int, list[int]]]
    width: tuple[np.ndarray, np.ndarray]
    side: tuple[np.ndarray, np.ndarray]
    frequency: np.ndarray
    sole: np.ndarray
    # Cells of tables that are not published at all: unknowns to the intruder (a count
    # may be 0), linked by the same relations, with no protection asked of them here.
    unpublished: np.ndarray | None = None
    # Cuts valid for every choice of published tables too (the joint design): a
    # cell's extra count capacity when unpublished, and a singleton's own cells when
    # their table is not published (then it does not know them), enter as `Cut.unpub`.
    linked_cuts: bool = False

    @property
    def size(self) -> int:
        return len(self.n)

    def value(self, kind: int) -> np.ndarray:
        return self.n if kind == COUNTS else self.v

    def down_capacity(self, kind: int) -> np.ndarray:
        """How far a withheld cell can go down: counts to 1 (an unpublished cell's to 0),
        amounts to 0."""
        if kind == AMOUNTS:
            return self.v
        floor = np.maximum(self.n - 1, 0)
        return floor if self.unpublished is None else np.where(self.unpublished, self.n, floor)


def build_model(
    cells: pd.DataFrame,
    rels: list[Relation],
    frequency: np.ndarray,
    threshold: int,
    p: float,
    partial_sums: bool = True,
) -> YearModel:
    """The year's LP data. With `partial_sums` False, an `Alla` relation that lacks an
    instrument (`Relation.complete`) gives only "each instrument ≤ `Alla`": the sum
    over the instruments present is not what an intruder knows. (True, the default,
    keeps that sum where it holds: pessimistic, which the rule-based optimiser on the
    published tables alone relies on.)"""
    n = cells["recipients"].to_numpy(dtype="float64")
    paid = cells["paid_ore"].to_numpy(dtype="float64")
    v = paid / AMOUNT_SCALE
    rows: tuple[list[Row], list[Row]] = ([], [])
    for rel in rels:
        terms = [(rel.total, 1.0)] + [(m, -1.0) for m in rel.members]
        coef = dict(terms)
        if rel.exact_counts:
            rows[COUNTS].append(Row(coef, True))
            rows[AMOUNTS].append(Row(coef, True))
            continue
        whole = rel.complete or partial_sums
        if whole and paid[rel.total] == sum(paid[m] for m in rel.members):
            rows[AMOUNTS].append(Row(coef, True))
        # Alla counts: at most the sum of the instruments', at least each instrument's;
        # each used only where it holds (an organisation with a net repayment on one
        # instrument may be a recipient of another but not of Alla).
        pairs = [[(m, 1.0), (rel.total, -1.0)] for m in rel.members]
        for pair in [terms, *pairs] if whole else pairs:
            lhs = sum(a * n[c] for c, a in pair)
            if lhs <= 0:
                rows[COUNTS].append(Row(dict(pair), False, -lhs))
    cell_rows: tuple[dict[int, list[int]], dict[int, list[int]]] = (
        defaultdict(list),
        defaultdict(list),
    )
    for kind in (COUNTS, AMOUNTS):
        for r, row in enumerate(rows[kind]):
            for c in row.coef:
                cell_rows[kind][c].append(r)
    s = p_sensitivity(cells, p).clip(lower=0).to_numpy(dtype="float64")
    sensitive = (n >= 1) & (s > 0)
    count_width = np.where(frequency, float(threshold), 1.0)
    paid_side = np.where(sensitive, s, 0.0) / AMOUNT_SCALE
    return YearModel(
        n=n,
        v=v,
        rels=rels,
        rows=rows,
        cell_rows=cell_rows,
        width=(count_width, np.full(len(n), 1.0 / AMOUNT_SCALE)),
        side=(np.zeros(len(n)), paid_side),
        frequency=frequency,
        sole=_sole(cells, n),
    )


def _sole(cells: pd.DataFrame, n: np.ndarray) -> np.ndarray:
    """Which organisation is alone in each one-recipient cell (−1 elsewhere).

    Without `sole_recipient` (hand-made tables), each such cell is taken to be a
    different organisation.
    """
    if "sole_recipient" in cells.columns:
        sole = cells["sole_recipient"].to_numpy(dtype="int64").copy()
    else:
        sole = np.arange(len(n), dtype="int64")
    sole[n != 1] = -1
    return sole


def components(model: YearModel, sup: np.ndarray) -> list[list[int]]:
    """Withheld cells grouped by the relations that link them (each LP stays small)."""
    parent = {int(c): int(c) for c in np.flatnonzero(sup)}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for rel in model.rels:
        s = [c for c in (rel.total, *rel.members) if sup[c]]
        for c in s[1:]:
            ra, rb = find(s[0]), find(c)
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = defaultdict(list)
    for c in parent:
        groups[find(c)].append(c)
    return [sorted(g) for g in groups.values()]


@dataclass
class ComponentLP:
    """The intruder's LP over one linked group of withheld cells, for one kind of value."""

    model: YearModel
    kind: int
    comp: list[int]
    sup: np.ndarray
    col: dict[int, int] = field(init=False)
    row_ids: list[int] = field(init=False)
    h: highspy.Highs = field(init=False)

    def __post_init__(self) -> None:
        m, kind = self.model, self.kind
        self.col = {c: j for j, c in enumerate(self.comp)}
        self.row_ids = sorted({r for c in self.comp for r in m.cell_rows[kind][c]})
        rows = m.rows[kind]
        lp = highspy.HighsLp()
        ncol = len(self.comp)
        lp.num_col_ = ncol
        lp.num_row_ = len(self.row_ids)
        lp.col_cost_ = np.zeros(ncol)
        lp.col_lower_ = -m.down_capacity(kind)[self.comp]
        lp.col_upper_ = np.full(ncol, BIG)
        lo, hi, ri, ci, vals = [], [], [], [], []
        for i, r in enumerate(self.row_ids):
            row = rows[r]
            lo.append(0.0 if row.equality else -_INF)
            hi.append(0.0 if row.equality else row.slack)
            for c, a in row.coef.items():
                if self.sup[c]:
                    ri.append(i)
                    ci.append(self.col[c])
                    vals.append(a)
        lp.row_lower_ = np.array(lo, dtype="float64")
        lp.row_upper_ = np.array(hi, dtype="float64")
        order = np.lexsort((np.array(ri), np.array(ci))) if ci else np.array([], dtype=int)
        ci_s = np.array(ci, dtype=np.int32)[order]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(ci_s, np.arange(ncol + 1)).astype(np.int32)
        lp.a_matrix_.index_ = np.array(ri, dtype=np.int32)[order]
        lp.a_matrix_.value_ = np.array(vals, dtype="float64")[order]
        self.h = _highs()
        self.h.setOptionValue("presolve", "off")
        # Only the objective changes between solves: primal simplex goes on from the
        # last basis (on the sample 3–7 times faster than the dual default).
        self.h.setOptionValue("simplex_strategy", 4)
        self.h.passModel(lp)
        self._cost = np.zeros(ncol)
        self._fixed: set[int] = set()
        # The row duals of the last solve per (cell, direction), with what was fixed:
        # a failing cell's cut needs them, and re-solving for them doubled the LPs.
        self._duals: dict[tuple[int, int], tuple[frozenset, np.ndarray]] = {}

    def fix(self, cells: set[int]) -> None:
        """Cells whose value the intruder knows (d = 0); the rest as usual."""
        cap = self.model.down_capacity(self.kind)
        for c in self._fixed - cells:
            j = self.col[c]
            self.h.changeColBounds(j, -cap[c], BIG)
        for c in cells - self._fixed:
            j = self.col[c]
            self.h.changeColBounds(j, 0.0, 0.0)
        self._fixed = set(cells)

    def room(self, c: int, direction: int) -> tuple[float, np.ndarray | None]:
        """How far cell `c` can move in `direction`, and the solution.

        A cell's upward room is capped at `BIG` (effectively unbounded) so that every
        LP has a solution to learn from.
        """
        j = self.col[c]
        if self._cost.any():
            nz = np.flatnonzero(self._cost)
            for k in nz:
                self.h.changeColCost(int(k), 0.0)
            self._cost[:] = 0
        self._cost[j] = -float(direction)
        self.h.changeColCost(j, self._cost[j])
        self.h.run()
        status = self.h.getModelStatus()
        if status not in _SETTLED:
            # The true values (d = 0) are always feasible: a primal simplex that says
            # otherwise lost its way on the scales; solve again from scratch, dual.
            self.h.clearSolver()
            self.h.setOptionValue("simplex_strategy", 1)
            self.h.run()
            self.h.setOptionValue("simplex_strategy", 4)
            status = self.h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            sol = self.h.getSolution()
            x = np.asarray(sol.col_value)
            self._duals[(c, direction)] = (frozenset(self._fixed), np.asarray(sol.row_dual))
            return direction * float(x[j]), x
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return np.inf, None
        raise RuntimeError(f"disclosure audit LP failed: {self.h.modelStatusToString(status)}")

    def dual_bound(
        self, c: int, direction: int
    ) -> tuple[float, dict[int, float], dict[int, float]]:
        """`room(x) ≤ const + Σ k_j·x_j (+ Σ k'_j·u_j)` for every pattern x, from the LP just solved.

        The dual solution of the LP stays feasible whatever cells are withheld, so
        its objective bounds the room of any pattern: a published cell j enters with
        its capacity times its reduced cost (`inf` for an upward move, which has no
        bound); the cells the intruder knows (`fix`) enter with nothing.
        """
        m, kind = self.model, self.kind
        rows = m.rows[kind]
        got = self._duals.get((c, direction))
        if got is None or got[0] != self._fixed:
            self.room(c, direction)
            got = self._duals.get((c, direction))
            if got is None or got[0] != self._fixed:
                return np.inf, {}, {}  # unbounded: no bound, no cut
        y = got[1]
        red: dict[int, float] = defaultdict(float)
        red[c] += -float(direction)
        const = 0.0
        for i, r in enumerate(self.row_ids):
            if abs(y[i]) < 1e-12:
                continue
            row = rows[r]
            if not row.equality:
                const -= y[i] * row.slack
            for cc, a in row.coef.items():
                red[cc] -= y[i] * a
        cap = m.down_capacity(kind)
        coef = {}
        if m.linked_cuts:
            return const, *self._linked_coef(red)
        for cc, rc in red.items():
            if cc in self._fixed:
                continue
            k = (rc * cap[cc] if rc > 0 else 0.0) + (np.inf if rc < -1e-9 else 0.0)
            if k > 1e-9:
                coef[cc] = k
        return const, coef, {}

    def _linked_coef(self, red: dict[int, float]) -> tuple[dict[int, float], dict[int, float]]:
        """The bound's coefficients for any choice of tables: on `x`, and on `u` (unpublished).

        A withheld count goes down to 1 in a published table and to 0 in an unpublished
        one: `cap·x = (n−1)·x + u` for a non-empty cell. A singleton's own cell is
        known to it (nothing) unless its table is unpublished (then a free unknown).
        """
        m, kind = self.model, self.kind
        coef, unpub = {}, {}
        for cc, rc in red.items():
            pos = rc if rc > 0 else 0.0
            up = np.inf if rc < -1e-9 else 0.0
            if kind == AMOUNTS:
                pub_cap, extra = float(m.v[cc]), 0.0
            else:
                pub_cap, extra = max(float(m.n[cc]) - 1.0, 0.0), float(m.n[cc] >= 1)
            if cc in self._fixed:
                k, ku = 0.0, pos * (pub_cap + extra) + up
            else:
                k, ku = pos * pub_cap + up, pos * extra
            if k > 1e-9:
                coef[cc] = k
            if ku > 1e-9:
                unpub[cc] = ku
        return coef, unpub

    def cut(self, c: int, direction: int, need: float) -> Cut:
        """The capacity cut for (`c`, `direction`): its room must reach `need`."""
        self.room(c, direction)
        return combine([self.dual_bound(c, direction)], need, c)


def combine(bounds: list[tuple[float, dict, dict]], need: float, cell: int = -1) -> Cut:
    """`Σ bounds ≥ need` as a cut; coefficients capped at the right-hand side (x is 0/1)."""
    const = sum(b[0] for b in bounds)
    total: dict[int, float] = defaultdict(float)
    unpub: dict[int, float] = defaultdict(float)
    for b in bounds:
        for c, k in b[1].items():
            total[c] += k
        for c, k in b[2].items():
            unpub[c] += k
    rhs = need - const
    return Cut(
        {c: min(k, rhs) for c, k in total.items() if min(k, rhs) > 1e-9},
        rhs,
        {c: min(k, rhs) for c, k in unpub.items() if min(k, rhs) > 1e-9},
        cell,
    )


def _met(model: YearModel, kind: int, c: int, up: float, down: float) -> bool:
    return (
        up + down >= model.width[kind][c] - _EPS
        and up >= model.side[kind][c] - _EPS
        and down >= model.side[kind][c] - _EPS
    )


@dataclass
class CellResult:
    up: float
    down: float
    exact: bool
    protected: bool = True
    attacker: str = ""


def attack_year(
    model: YearModel,
    sup: np.ndarray,
    exact: bool = False,
    singletons: bool = True,
    want_cuts: bool = False,
    safe: set[tuple] | None = None,
    names: np.ndarray | None = None,
) -> tuple[dict[int, tuple[CellResult, CellResult]], list[Cut]]:
    """Every withheld cell's room (counts, amounts) and protection; cuts for the unprotected.

    `exact` solves both ends for every cell (otherwise an end already shown wide enough
    by earlier LP solutions is not solved). With `singletons`, a cell the outsider
    cannot narrow down enough must also resist each organisation alone in withheld
    cells of its linked group. With `safe` (keys of `component_key`, cell names
    `names[c]`), a group already found protected is skipped, and one found protected
    now is added: its cells are then missing from the result (only the cuts are wanted).
    """
    out: dict[int, list[CellResult]] = {}
    cuts: list[Cut] = []
    for comp in components(model, sup):
        for kind in (COUNTS, AMOUNTS):
            key = None
            if safe is not None:
                key = component_key(model, kind, comp, sup, names, exact, singletons)
                if key in safe:
                    continue
            before = len(cuts)
            _Component(model, kind, comp, sup, out, cuts, want_cuts).run(exact, singletons)
            if (
                key is not None
                and len(cuts) == before
                and all(out[c][kind].protected for c in comp if c in out)
            ):
                safe.add(key)
    return {c: (r[0], r[1]) for c, r in out.items()}, cuts


def component_key(
    model: YearModel,
    kind: int,
    comp: list[int],
    sup: np.ndarray,
    names: np.ndarray | None,
    exact: bool,
    singletons: bool,
) -> tuple:
    """Everything a linked group's LPs and verdicts depend on, in cell names (`names[c]`).

    Two groups with the same key are the same LPs with the same requirements and the
    same organisations, so a group found protected once is protected again (the joint
    design's rounds change a few groups of the pattern at a time).
    """
    name = (lambda c: int(c)) if names is None else (lambda c: int(names[c]))
    rows = model.rows[kind]
    row_ids = sorted({r for c in comp for r in model.cell_rows[kind][c]})
    sig = []
    for r in row_ids:
        row = rows[r]
        terms = tuple(sorted((name(c), a) for c, a in row.coef.items() if sup[c]))
        sig.append((terms, row.equality, 0.0 if row.equality else row.slack))
    sig.sort()
    idx = np.asarray(comp)
    unpub = np.zeros(len(idx), dtype=bool) if model.unpublished is None else model.unpublished[idx]
    return (
        kind,
        exact,
        singletons,
        tuple(name(c) for c in comp),
        tuple(sig),
        model.down_capacity(kind)[idx].tobytes(),
        model.width[kind][idx].tobytes(),
        model.side[kind][idx].tobytes(),
        model.sole[idx].tobytes(),
        unpub.tobytes(),
    )


class _Component:
    """One linked group, one kind of value: the LP and every feasible point seen so far.

    Every LP solution (with or without an organisation's cells fixed) is a point the
    outsider cannot rule out; it is one organisation `o` cannot rule out either when
    none of `o`'s own cells moves in it. So most questions are answered by points
    already found, and an LP is solved only when they do not settle it.
    """

    def __init__(self, model, kind, comp, sup, out, cuts, want_cuts) -> None:
        self.model, self.kind, self.comp = model, kind, comp
        self.out, self.cuts, self.want_cuts = out, cuts, want_cuts
        self.lp = ComponentLP(model, kind, comp, sup)
        self.points = np.zeros((64, len(comp)))
        self.npts = 1
        self.orgs: dict[int, list[int]] = defaultdict(list)
        for j, c in enumerate(comp):
            if model.sole[c] >= 0:
                self.orgs[int(model.sole[c])].append(j)
        self.org_ids = sorted(self.orgs)
        self.member = np.zeros((len(comp), len(self.org_ids)))
        for k, o in enumerate(self.org_ids):
            self.member[self.orgs[o], k] = 1.0
        self.moved = np.zeros((64, len(self.org_ids)))

    def _add(self, x: np.ndarray | None) -> None:
        if x is None:
            return
        if self.npts == len(self.points):
            self.points = np.vstack([self.points, np.zeros_like(self.points)])
            self.moved = np.vstack([self.moved, np.zeros_like(self.moved)])
        self.points[self.npts] = x
        self.moved[self.npts] = (np.abs(x) > 1e-9) @ self.member
        self.npts += 1

    def _solve(self, c: int, direction: int) -> float:
        r, x = self.lp.room(c, direction)
        self._add(x)
        return r

    def _fail(self, res: CellResult, c: int, attacker: str, up: float, down: float) -> None:
        """Mark the cell; with `want_cuts`, a cut for each requirement it misses.

        A side (p%) requirement gives that side's cut; a width requirement the sum of
        both sides' bounds, `up(x) + down(x) ≥ width`, which every protecting pattern
        satisfies, so no pattern is excluded that would have been safe.
        """
        res.protected, res.attacker = False, attacker
        if not self.want_cuts:
            return
        m, kind, lp = self.model, self.kind, self.lp
        side, width = m.side[kind][c], m.width[kind][c]
        bounds = {}
        for d in (UP, DOWN):
            if (c, d) not in lp._duals:
                lp.room(c, d)
            bounds[d] = lp.dual_bound(c, d)
        if side > 0 and up < side - _EPS:
            self.cuts.append(combine([bounds[UP]], side, c))
        if side > 0 and down < side - _EPS:
            self.cuts.append(combine([bounds[DOWN]], side, c))
        if up + down < width - _EPS:
            self.cuts.append(combine([bounds[UP], bounds[DOWN]], width, c))

    def run(self, exact: bool, singletons: bool) -> None:
        m, kind = self.model, self.kind
        for j, c in enumerate(self.comp):
            if m.unpublished is not None and m.unpublished[c]:
                continue
            col = self.points[: self.npts, j]
            up, down = float(col.max()), float(-col.min())
            solved = 0
            for direction in (UP, DOWN):
                if not exact and _met(m, kind, c, up, down):
                    break
                r = self._solve(c, direction)
                solved += 1
                if direction == UP:
                    up = r
                else:
                    down = r
            res = CellResult(up, down, solved == 2)
            self.out.setdefault(c, [None, None])[kind] = res
            if not _met(m, kind, c, up, down):
                self._fail(res, c, "outsider", up, down)
        if singletons and self.org_ids:
            for j, c in enumerate(self.comp):
                if c not in self.out:
                    continue  # an unpublished cell
                res = self.out[c][kind]
                if res.protected:
                    self._singletons(j, c, res)
            self.lp.fix(set())

    def _shown(self, j: int, c: int, k: int) -> bool:
        """Do the points found so far show cell `c` protected against organisation `k`?"""
        valid = self.moved[: self.npts, k] == 0
        vals = self.points[: self.npts, j][valid]
        return _met(self.model, self.kind, c, float(vals.max()), float(-vals.min()))

    def _singletons(self, j: int, c: int, res: CellResult) -> None:
        """Cell `c` against each other organisation alone in cells of the group.

        Organisations are tried together: if cell `c` resists a group of them pooling
        what they know, it resists each; only a group that breaks it is split, down to
        the one organisation that does (or none).
        """
        mine = int(self.model.sole[c])
        todo = [k for k, o in enumerate(self.org_ids) if o != mine and not self._shown(j, c, k)]
        stack = [todo] if todo else []
        while stack:
            group = [k for k in stack.pop() if not self._shown(j, c, k)]
            if not group:
                continue
            self.lp.fix({self.comp[i] for k in group for i in self.orgs[self.org_ids[k]]})
            up, down = self._solve(c, UP), self._solve(c, DOWN)
            if _met(self.model, self.kind, c, up, down):
                continue
            if len(group) == 1:
                self._fail(res, c, "singleton", up, down)
                return
            half = len(group) // 2
            stack += [group[half:], group[:half]]
