"""Which tables to publish and which cells to withhold, decided together in one MILP.

The rule in `design` decides the tables first, by their share of safe cells, and the
optimiser then protects what the rule kept. Here the choice of tables is part of the
optimisation instead: one binary `t_T` per candidate table of a year (an instrument's
one-way margins, every two-way cross, `Alla`'s three-way cross; the grand totals and
`Alla`'s one-way margins are always published, an instrument's three-way cross never),
beside the cell binaries `x_c` (1 = withheld) of *every* cell of the year.

A cell of an unpublished table is hidden (`x_c ≥ 1 − t_T`) and, to the intruder, an
unknown like a withheld cell, but weaker: its count may be 0, it needs no protection,
and an organisation alone in it is not told so (the gate's linked audit,
`guard.protected_support`, models it the same way). So a protection cut for cell c
binds only when c is withheld in a published table: `Σ a·x + Σ b·u ≥ R·(x_c + t_c − 1)`,
where `u` = 1 − t are the unpublished indicators through which an unpublished cell's
extra room enters (`attacker.YearModel.linked_cuts`). The objective is the rule-based
design's cell costs, summed over the hidden non-empty cells: withholding a cell and not
publishing its table cost the same, so the headline figures stay the most expensive.

The loop is `optimal`'s (solve → attack → cut → solve again), on highspy, with the
rule-based solution given as a starting point each round (every cut is a necessary
condition, so a pattern that passes the linked audit satisfies all of them). Each round
tries the cheapest intruder first: over the current pattern's published tables alone,
then without the instruments' three-way cells, then the gate's whole linked model. Each
knows less than the next (its cells and relations are a subset), so a cut it finds is a
necessary condition too, and only a pattern the last one cannot break is returned. When
the loop does not end within its time, the caller keeps the rule-based design.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from tillvaxt.groups import TOTAL
from tillvaxt.statistics.attacker import AMOUNTS, COUNTS, Cut, YearModel, _highs, attack_year
from tillvaxt.statistics.optimal import (
    MAX_ROUNDS,
    NoSafePattern,
    _key,
    capacity_rows,
    cell_costs,
)
from tillvaxt.statistics.relations import Relation
from tillvaxt.statistics.support import ALL_INSTRUMENTS

THREE_WAY = "kon × bakgrund × utbildning"
_INF = highspy.kHighsInf
# Within 1e-4 of the optimum: a looser gap (1e-3) cost 0–10 cells a year on the sample.
MIP_GAP = 1e-4
# While the cheaper intruders still break the pattern, a 1 % gap is enough.
FIRST_GAP = 1e-2


def table_status(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: its table's number, and whether the table is always / never published."""
    depth = cells["table"].str.count("×").where(cells["table"] != TOTAL, -1) + 1
    alla = cells["instrument"].eq(ALL_INSTRUMENTS)
    always = (depth <= 0) | ((depth == 1) & alla)
    never = cells["table"].eq(THREE_WAY) & ~alla
    table = pd.factorize(pd.MultiIndex.from_frame(cells[["instrument", "table"]]))[0]
    return table, always.to_numpy(), never.to_numpy()


@dataclass
class _Milp:
    """The joint MILP: columns are the cells' `x`, then one `t` per candidate table."""

    n_cells: int
    t_col: np.ndarray  # per cell: its table's column, −1 for a fixed table
    fixed_t: np.ndarray  # per cell: 1.0 always published, 0.0 never (when t_col < 0)
    h: highspy.Highs

    def t_terms(self, cell: int, scale: float) -> tuple[dict[int, float], float]:
        """`scale·t_cell` as (columns, constant)."""
        col = int(self.t_col[cell])
        if col < 0:
            return {}, scale * float(self.fixed_t[cell])
        return {col: scale}, 0.0

    def add(self, coef: dict[int, float], lb: float) -> None:
        coef = {c: a for c, a in coef.items() if abs(a) > 1e-12}
        idx = np.array(list(coef), dtype=np.int32)
        val = np.array([coef[c] for c in idx], dtype="float64")
        self.h.addRow(lb, _INF, len(idx), idx, val)

    def add_protection(self, coef: dict[int, float], unpub: dict[int, float], need: float, cell):
        """`Σ coef·x + Σ unpub·(1 − t) ≥ need·(x_cell + t_cell − 1)`; `cell` < 0: `≥ need`.

        A term on a table's `1 − t` adds up over its cells and is capped at `need`, as
        the `x` terms are (every variable is 0/1).
        """
        row: dict[int, float] = {}
        for c, a in coef.items():
            row[c] = row.get(c, 0.0) + a
        rhs = need
        on_t: dict[int, float] = {}
        for c, b in unpub.items():
            col = int(self.t_col[c])
            if col < 0:
                rhs -= b * (1.0 - float(self.fixed_t[c]))
            else:
                on_t[col] = on_t.get(col, 0.0) + b
        for col, b in on_t.items():
            b = min(b, need)
            rhs -= b
            row[col] = row.get(col, 0.0) - b
        if cell >= 0:
            # need·(x + t − 1) moved left: − need·x − need·t ≥ −need (so rhs − 2·need).
            rhs -= 2.0 * need
            row[cell] = row.get(cell, 0.0) - need
            col = int(self.t_col[cell])
            if col < 0:
                rhs += need * float(self.fixed_t[cell])
            else:
                row[col] = row.get(col, 0.0) - need
        self.add(row, rhs)


def _initial(milp: _Milp, model: YearModel, primary: np.ndarray) -> None:
    """Necessary rows present in nearly every pattern (as `optimal._initial_rows`).

    A withheld cell of a published table needs a withheld (or unpublished) partner in
    each equality through it; a primary cell of a published table needs partners with
    capacity enough for its protection, relation by relation. Partners may be empty
    cells of unpublished tables now, and their count may drop to 0.
    """
    seen: set[tuple] = set()
    for kind in (COUNTS, AMOUNTS):
        cap = model.v if kind == AMOUNTS else model.n
        for row in model.rows[kind]:
            if not row.equality:
                continue
            cellset = list(row.coef)
            key = tuple(sorted(cellset))
            if key not in seen:
                seen.add(key)
                for i in cellset:
                    if model.n[i] < 1:
                        continue
                    milp.add_protection({j: 1.0 for j in cellset if j != i}, {}, 1.0, i)
            for i in cellset:
                if primary[i]:
                    room = max(model.n[i] - 1, 0)
                    for coef, need in capacity_rows(model, kind, row, i, cellset, cap, room):
                        milp.add_protection(coef, {}, need, i)


def solve_joint_year(
    cells: pd.DataFrame,
    model: YearModel,
    primary: np.ndarray,
    start: tuple[np.ndarray, np.ndarray] | None,
    time_limit: float,
    relaxed: tuple[YearModel, np.ndarray] | None = None,
    published_model: Callable[[np.ndarray], YearModel] | None = None,
    verify: bool = True,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """(published per cell, withheld per cell, stats) for one year's cells of every table.

    `start` is a safe (published, withheld) pair to begin from (the rule-based design);
    raises `NoSafePattern` when the loop does not end within `time_limit`. `relaxed`
    (a model over a subset of the cells, and their positions) and `published_model`
    (positions → a model over those cells) are the cheaper intruders tried first.
    Without `verify`, the loop ends when they find nothing at the final gap: the
    whole linked model's intruder is then the caller's audit (`guard.protected_support`,
    which falls back to the rule's design for a year it fails), not run twice.
    """
    t0 = time.monotonic()
    size = model.size
    table, always, never = table_status(cells)
    nonempty = model.n > 0
    candidates = np.unique(table[~always & ~never])
    t_of_table = {int(t): size + k for k, t in enumerate(candidates)}
    t_col = np.array([t_of_table.get(int(t), -1) for t in table], dtype=np.int64)
    fixed_t = np.where(always, 1.0, 0.0)
    ncol = size + len(candidates)

    h = _highs()
    cost = np.concatenate([np.where(nonempty, cell_costs(cells), 0.0), np.zeros(len(candidates))])
    lower = np.zeros(ncol)
    upper = np.ones(ncol)
    lower[:size][primary | never] = 1.0
    upper[:size][always & ~nonempty] = 0.0
    h.addVars(ncol, lower, upper)
    h.changeColsCost(ncol, np.arange(ncol, dtype=np.int32), cost)
    h.changeColsIntegrality(
        ncol, np.arange(ncol, dtype=np.int32), np.full(ncol, highspy.HighsVarType.kInteger)
    )
    milp = _Milp(size, t_col, fixed_t, h)
    # Hidden when unpublished: x ≥ 1 − t; an empty cell is hidden exactly then: x = 1 − t.
    for c in np.flatnonzero(t_col >= 0):
        milp.add({int(c): 1.0, int(t_col[c]): 1.0}, 1.0)
        if not nonempty[c]:
            h.addRow(-_INF, 1.0, 2, np.array([c, t_col[c]], dtype=np.int32), np.ones(2))
    _initial(milp, model, primary)
    gap = FIRST_GAP
    h.setOptionValue("mip_rel_gap", gap)
    start_x = None
    if start is not None:
        pub, sup = start
        tv = np.zeros(len(candidates))
        for t, col in t_of_table.items():
            tv[col - size] = float(pub[table == t].any())
        start_x = np.concatenate([np.where(pub, sup, True).astype("float64"), tv])

    base_sole = model.sole.copy()
    seen: set[tuple] = set()
    # Linked groups an intruder found protected in an earlier round (`attacker.component_key`).
    safe: set[tuple] = set()
    try:
        for rnd in range(1, MAX_ROUNDS + 1):
            left = time_limit - (time.monotonic() - t0)
            if left <= 0:
                raise NoSafePattern(f"joint design: out of time after {rnd - 1} rounds")
            h.setOptionValue("time_limit", left)
            if start_x is not None:
                sol = highspy.HighsSolution()
                sol.col_value = list(start_x)
                sol.value_valid = True
                h.setSolution(sol)
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                raise NoSafePattern(f"joint design: {h.modelStatusToString(status)}")
            x = np.asarray(h.getSolution().col_value)
            tv = np.where(t_col >= 0, x[np.maximum(t_col, 0)], fixed_t) > 0.5
            sup = x[:size] > 0.5
            cuts = []
            if published_model is not None:
                shown = np.flatnonzero(tv)
                small = published_model(shown)
                cuts = _attack(small, sup[shown], tv[shown], base_sole[shown], safe, shown)
                cuts = [_lift(cut, shown) for cut in cuts]
            if not cuts and relaxed is not None:
                r_model, r_pos = relaxed
                cuts = _attack(r_model, sup[r_pos], tv[r_pos], base_sole[r_pos], safe, r_pos)
                cuts = [_lift(cut, r_pos) for cut in cuts]
            if not cuts and gap > MIP_GAP:
                gap = MIP_GAP  # safe against the cheap attack: now solve it properly
                h.setOptionValue("mip_rel_gap", gap)
                continue
            if not cuts and verify:
                cuts = _attack(model, sup, tv, base_sole, safe)
            if not cuts:
                return (
                    tv,
                    sup & tv,
                    {
                        "rounds": rnd,
                        "cuts": len(seen),
                        "seconds": time.monotonic() - t0,
                    },
                )
            new = 0
            for cut in cuts:
                key = (_key(cut), cut.cell, tuple(sorted(cut.unpub.items())))
                if key in seen or not cut.rhs > 1e-9:
                    continue
                seen.add(key)
                milp.add_protection(cut.coef, cut.unpub, cut.rhs, cut.cell)
                new += 1
            if not new:
                raise NoSafePattern("joint design: no new cut separates the unsafe pattern")
        raise NoSafePattern(f"joint design: no safe pattern in {MAX_ROUNDS} rounds")
    finally:
        model.unpublished = None
        model.sole = base_sole


def restrict(rels: list[Relation], keep: np.ndarray, size: int) -> list[Relation]:
    """The relations among the cells `keep` (positions), renumbered.

    A table's relation stays when its margin and its categories are all kept; an `Alla`
    relation with the instruments kept, marked incomplete when some are missing
    (then only "each instrument ≤ `Alla`" is known).
    """
    pos = np.full(size, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    out = []
    for rel in rels:
        total = int(pos[rel.total])
        if total < 0:
            continue
        members = tuple(int(pos[m]) for m in rel.members if pos[m] >= 0)
        whole = len(members) == len(rel.members)
        if rel.exact_counts:
            if whole:
                out.append(Relation(total, members))
        elif members:
            out.append(Relation(total, members, False, rel.complete and whole))
    return out


def _attack(
    model: YearModel,
    sup: np.ndarray,
    tv: np.ndarray,
    sole: np.ndarray,
    safe: set[tuple],
    names: np.ndarray | None = None,
) -> list:
    """The linked audit's intruders on (published tables `tv`, withheld `sup`), with cuts.

    Groups in `safe` are skipped (found protected in an earlier round); `names` are the
    model's cells' positions in the year, so that groups are known across models."""
    model.unpublished = ~tv
    model.sole = np.where(tv, sole, -1)
    model.linked_cuts = True
    try:
        return attack_year(model, sup | ~tv, want_cuts=True, safe=safe, names=names)[1]
    finally:
        model.linked_cuts = False


def _lift(cut: Cut, pos: np.ndarray) -> Cut:
    """A cut of the relaxed model in the full model's cell positions."""
    return Cut(
        {int(pos[c]): k for c, k in cut.coef.items()},
        cut.rhs,
        {int(pos[c]): k for c, k in cut.unpub.items()},
        int(pos[cut.cell]) if cut.cell >= 0 else -1,
    )


def joint_design(
    every: pd.DataFrame,
    keep: np.ndarray,
    protected: pd.DataFrame,
    rules,
    time_limit: float,
    verify: bool = True,
) -> tuple[np.ndarray, pd.DataFrame, dict[int, str]]:
    """The rule-based design and pattern improved year by year by the joint MILP.

    `keep` (per row of `every`) and `protected` (`disclosure.suppress` on
    `every[keep]`) are the rule's. A year keeps them when the joint solve does not end
    within `time_limit` seconds or publishes no more non-empty cells. Returns the new
    `keep`, the new `protected` (same columns, rows of `every[keep]` in order) and, per
    year, what happened (for the asset's metadata). `verify` as in `solve_joint_year`.
    """
    from tillvaxt.statistics.attacker import build_model
    from tillvaxt.statistics.disclosure import SECONDARY, _model, primary_suppression

    n = len(every)
    keep = np.asarray(keep, dtype=bool).copy()
    pos = np.flatnonzero(keep)
    sup = np.zeros(n, dtype=bool)
    sup[pos] = protected["suppressed"].to_numpy(dtype=bool)
    reason = np.full(n, "", dtype=object)
    reason[pos] = protected["suppression_reason"].to_numpy(dtype=object)
    why = np.full(n, "", dtype=object)
    why[pos] = protected["withheld_because"].to_numpy(dtype=object)
    nonempty = every["recipients"].to_numpy() > 0
    years = every["year"].to_numpy()
    notes: dict[int, str] = {}

    def attempt(year: int):
        """The joint solve of one year: (pub, withheld, primary reason, stats) or why not."""
        mine = np.flatnonzero(years == year)
        local = every.iloc[mine].reset_index(drop=True)
        try:
            primary_reason = primary_suppression(local, rules)
            primary = (primary_reason != "").to_numpy()
            model = _model(local, primary_reason, rules)

            def published_model(shown: np.ndarray) -> YearModel:
                return build_model(
                    local.iloc[shown].reset_index(drop=True),
                    restrict(model.rels, shown, model.size),
                    model.frequency[shown],
                    rules.frequency_threshold,
                    rules.p_percent,
                    partial_sums=False,
                )

            sub = np.flatnonzero(~table_status(local)[2])
            relaxed = (published_model(sub), sub)
            pub, jsup, stats = solve_joint_year(
                local,
                model,
                primary,
                (keep[mine], sup[mine]),
                time_limit,
                relaxed,
                published_model,
                verify,
            )
        except NoSafePattern as exc:
            return f"rule-based design kept ({exc})"
        except Exception as exc:  # a solver failure must not cost the rule's year
            return f"rule-based design kept (the joint solve failed: {type(exc).__name__})"
        return pub, jsup, primary_reason.to_numpy(), stats

    todo = sorted(set(years.tolist()))
    # Serial: `guard.protected_support` runs the years in threads, one year per call.
    got = [attempt(year) for year in todo]
    for year, res in zip(todo, got, strict=True):
        if isinstance(res, str):
            notes[int(year)] = res
            continue
        pub, jsup, primary_reason, stats = res
        mine = np.flatnonzero(years == year)
        primary = primary_reason != ""
        before = 0 if (why[mine] != "").any() else int((nonempty & keep & ~sup)[mine].sum())
        after = int((nonempty[mine] & pub & ~jsup).sum())
        if after <= before:
            notes[int(year)] = f"rule-based design kept (joint {after} ≤ {before} cells)"
            continue
        notes[int(year)] = (
            f"joint design: {after} non-empty cells published instead of {before} "
            f"({stats['rounds']} rounds, {stats['seconds']:.1f} s)"
        )
        keep[mine] = pub
        sup[mine] = jsup & pub
        reason[mine] = np.where(primary, primary_reason, np.where(jsup, SECONDARY, ""))
        why[mine] = ""
    out = every[keep].reset_index(drop=True)
    out["suppressed"] = sup[keep]
    out["suppression_reason"] = reason[keep].astype("str")
    out["withheld_because"] = why[keep].astype("str")
    return keep, out, notes
