"""Disclosure control for linked frequency and magnitude tables.

Three steps, all on the *cells* of `tillvaxt.statistics.support` (one row per cell,
`recipients`, `paid_ore`, `top1_ore`, `top2_ore`), one year at a time:

1. **Primary suppression.** The frequency rule: a cell of 1 … threshold−1 recipients
   is sensitive. The p%-rule on `paid_ore`: a cell is sensitive when the second-largest
   recipient could estimate the largest one to within p %, i.e. when
   `S = p/100 · x1 − (X − x1 − x2) > 0` (X the cell total, x1, x2 the two largest).
2. **Secondary suppression** by a simple heuristic over every linear relation linking
   the cells (each margin = sum of its categories, in every table; and each `Alla`
   cell = sum of the instruments' cells): while some relation has exactly one
   suppressed cell, suppress its smallest non-empty published cell. Then the audit;
   for a cell the audit finds under-protected, suppress the smallest published cell of
   a relation through it, and repeat until the audit passes.
3. **Audit**, independent of how the pattern was found: for every suppressed cell the
   smallest and largest value consistent with every published cell and relation,
   by linear programming (scipy's HiGHS), for counts and for amounts. A cell is
   protected when that interval is wide enough (see `required_protection`).

A cell is suppressed as a whole: its count and its amount are both withheld.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from tillvaxt.groups import TOTAL
from tillvaxt.statistics.support import ALL_INSTRUMENTS, DIMS

FREQUENCY = "frequency"
P_PERCENT = "p%"
SECONDARY = "secondary"
_EPS = 1e-6


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds; the defaults are the ESS handbook's (frequency 3, p = 10)."""

    frequency_threshold: int = 3
    p_percent: float = 10.0

    def __post_init__(self) -> None:
        if self.frequency_threshold < 1 or not 0 < self.p_percent < 100:
            raise ValueError(
                f"disclosure rules: expected a frequency threshold ≥ 1 and 0 < p < 100, "
                f"found {self.frequency_threshold} and {self.p_percent}"
            )


@dataclass(frozen=True)
class Relation:
    """`total = Σ members` (cell positions); `exact_counts` is False for the `Alla` relation,
    where an organisation paid from several instruments is one recipient of `Alla`."""

    total: int
    members: tuple[int, ...]
    exact_counts: bool = True


def p_sensitivity(cells: pd.DataFrame, p: float) -> pd.Series:
    """`S = p/100·x1 − (X − x1 − x2)` in öre; positive means the amount is sensitive."""
    x, x1, x2 = (cells[c].astype("float64") for c in ("paid_ore", "top1_ore", "top2_ore"))
    return p / 100 * x1 - (x - x1 - x2)


def primary_suppression(cells: pd.DataFrame, rules: DisclosureRules) -> pd.Series:
    """Per cell, why it is sensitive (`frequency`, `p%`) or empty."""
    n = cells["recipients"]
    freq = (n >= 1) & (n < rules.frequency_threshold)
    pct = (n >= 1) & (p_sensitivity(cells, rules.p_percent) > 0)
    reason = pd.Series("", index=cells.index, dtype="str")
    reason[pct] = P_PERCENT
    reason[freq] = FREQUENCY
    return reason


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
    out.extend(
        Relation(alla[g], tuple(m), exact_counts=False) for g, m in by_group.items() if g in alla
    )
    return out


@dataclass
class _Year:
    cells: pd.DataFrame
    rels: list[Relation]
    by_cell: dict[int, list[int]]
    cache: dict = field(default_factory=dict)


def _prepare(cells: pd.DataFrame) -> _Year:
    cells = cells.reset_index(drop=True)
    rels = relations(cells)
    by_cell: dict[int, list[int]] = defaultdict(list)
    for r, rel in enumerate(rels):
        for c in (rel.total, *rel.members):
            by_cell[c].append(r)
    return _Year(cells, rels, by_cell)


def _smallest_published(y: _Year, rel: Relation, sup: np.ndarray) -> int | None:
    """The published cell of a relation that costs least to suppress.

    Never an empty cell: hiding a zero protects little (an intruder who reads "none"
    there loses nothing) and would itself need protecting.
    """
    n = y.cells["recipients"].to_numpy()
    paid = y.cells["paid_ore"].to_numpy()
    cands = [c for c in (*rel.members, rel.total) if not sup[c] and n[c] > 0]
    if not cands:
        return None
    return min(cands, key=lambda c: (n[c], paid[c], c))


def _close_relations(y: _Year, sup: np.ndarray) -> None:
    """Until stable: a relation with exactly one suppressed cell gets a second one."""
    changed = True
    while changed:
        changed = False
        for rel in y.rels:
            cellset = (rel.total, *rel.members)
            if sum(bool(sup[c]) for c in cellset) == 1:
                pick = _smallest_published(y, rel, sup)
                if pick is not None:
                    sup[pick] = True
                    changed = True


def required_protection(
    cells: pd.DataFrame, reason: pd.Series, rules: DisclosureRules
) -> pd.DataFrame:
    """How wide each suppressed cell's feasibility interval must be.

    Counts: a frequency-rule cell needs a width of at least the threshold (a cell of 1
    must not be narrowed down to "1 or 2"); any other suppressed cell a width of at
    least 1 (it cannot be recomputed). Amounts: a p%-sensitive cell (every cell of 1
    or 2 recipients is one) needs S öre on each side of its value; any other suppressed
    cell a width of at least 1 öre.
    """
    s = p_sensitivity(cells, rules.p_percent).clip(lower=0)
    sensitive = (cells["recipients"] >= 1) & (s > 0)
    return pd.DataFrame(
        {
            "count_width": np.where(reason == FREQUENCY, float(rules.frequency_threshold), 1.0),
            "paid_side": np.where(sensitive, s, 0.0),
            "paid_width": 1.0,
        },
        index=cells.index,
    )


def _components(y: _Year, sup: np.ndarray) -> list[list[int]]:
    """Suppressed cells grouped by the relations that link them (each LP stays small)."""
    parent = {int(c): int(c) for c in np.flatnonzero(sup)}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for rel in y.rels:
        s = [c for c in (rel.total, *rel.members) if sup[c]]
        for c in s[1:]:
            ra, rb = find(s[0]), find(c)
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = defaultdict(list)
    for c in parent:
        groups[find(c)].append(c)
    return list(groups.values())


def _intervals(
    y: _Year, sup: np.ndarray, values: np.ndarray, counts: bool, need: _Need, exact: bool
) -> dict[int, tuple[float, float, bool]]:
    """(low, high, exact) per suppressed cell, one LP system per linked group of cells."""
    out: dict[int, tuple[float, float, bool]] = {}
    for comp in _components(y, sup):
        key = (frozenset(comp), counts, exact)
        if key not in y.cache:
            y.cache[key] = _component_intervals(y, comp, sup, values, counts, need, exact)
        out.update(y.cache[key])
    return out


@dataclass
class _Need:
    """What protects a suppressed cell: interval width, and room on each side of the value."""

    width: np.ndarray
    side: np.ndarray

    def met(self, c: int, value: float, lo: float, hi: float) -> bool:
        return (
            hi - lo >= self.width[c] - _EPS
            and hi - value >= self.side[c] - _EPS
            and value - lo >= self.side[c] - _EPS
        )


def _component_intervals(
    y: _Year,
    comp: list[int],
    sup: np.ndarray,
    values: np.ndarray,
    counts: bool,
    need: _Need,
    exact: bool,
) -> dict[int, tuple[float, float, bool]]:
    """The feasibility interval of each cell of one linked group of suppressed cells.

    Every LP solution, and the true values themselves, are points an intruder cannot
    rule out, so the range of values seen so far lies inside each cell's interval. When
    that range already shows a cell protected its LPs are skipped (`exact` False); only
    cells not yet shown protected (or all, with `exact=True`) get their min and max
    solved. Amounts are solved in thousands of kronor, so that HiGHS's absolute
    tolerances are far below one öre. The result depends only on the group and the
    published values around it, so the search caches it.
    """
    scale = 1.0 if counts else 100_000.0
    v = values / scale
    col = {c: j for j, c in enumerate(comp)}
    rels = {r for c in comp for r in y.by_cell[c]}
    eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
    for r in sorted(rels):
        rel = y.rels[r]
        terms = [(rel.total, 1.0)] + [(m, -1.0) for m in rel.members]
        if rel.exact_counts or not counts:
            if not rel.exact_counts and values[rel.total] != sum(values[m] for m in rel.members):
                continue  # an org with a net repayment on one instrument: no exact sum
            eq_rows.append({col[c]: a for c, a in terms if sup[c]})
            eq_b.append(-sum(a * v[c] for c, a in terms if not sup[c]))
        else:
            # Alla counts are no sum: an organisation paid from two instruments is one
            # recipient of Alla, and one with a net repayment on an instrument may be a
            # recipient of another but not of Alla. Each inequality is used only where
            # it holds, as an intruder who knows the rules could use it.
            pairs = [terms] + [[(m, 1.0), (rel.total, -1.0)] for m in rel.members]
            for pair in pairs:
                if sum(a * values[c] for c, a in pair) <= 0:
                    ub_rows.append({col[c]: a for c, a in pair if sup[c]})
                    ub_b.append(-sum(a * v[c] for c, a in pair if not sup[c]))
    eq_b = [b for r, b in zip(eq_rows, eq_b, strict=True) if r]
    ub_b = [b for r, b in zip(ub_rows, ub_b, strict=True) if r]
    a_eq = _matrix([r for r in eq_rows if r], len(comp))
    a_ub = _matrix([r for r in ub_rows if r], len(comp))
    truth = np.array([v[c] for c in comp])
    lo, hi = truth.copy(), truth.copy()
    solved = np.zeros((len(comp), 2), dtype=bool)
    sneed = _Need(need.width / scale, need.side / scale)
    for j, c in enumerate(comp):
        for end, sign in ((1, -1.0), (0, 1.0)):
            if not exact and sneed.met(c, truth[j], lo[j], hi[j]):
                break
            cvec = np.zeros(len(comp))
            cvec[j] = sign
            res = linprog(
                cvec,
                A_ub=a_ub,
                b_ub=np.array(ub_b) if ub_b else None,
                A_eq=a_eq,
                b_eq=np.array(eq_b) if eq_b else None,
                bounds=(0, None),
                method="highs",
            )
            if res.status == 3:  # unbounded above
                hi[j] = np.inf
            elif res.status != 0:
                raise RuntimeError(f"disclosure audit LP failed: {res.message}")
            else:
                lo = np.minimum(lo, res.x)
                hi = np.maximum(hi, res.x)
                (hi if end else lo)[j] = sign * res.fun
            solved[j, end] = True
    return {c: (lo[j] * scale, hi[j] * scale, bool(solved[j].all())) for j, c in enumerate(comp)}


def _matrix(rows: list[dict[int, float]], ncols: int) -> csr_matrix | None:
    rows = [r for r in rows if r]
    if not rows:
        return None
    data, ri, ci = [], [], []
    for i, r in enumerate(rows):
        for j, a in r.items():
            ri.append(i)
            ci.append(j)
            data.append(a)
    return csr_matrix((data, (ri, ci)), shape=(len(rows), ncols))


def _audit(
    y: _Year, sup: np.ndarray, reason: pd.Series, rules: DisclosureRules, exact: bool = False
) -> pd.DataFrame:
    need = required_protection(y.cells, reason, rules)
    n = y.cells["recipients"].to_numpy(dtype="float64")
    paid = y.cells["paid_ore"].to_numpy(dtype="float64")
    count_need = _Need(need["count_width"].to_numpy(), np.zeros(len(n)))
    paid_need = _Need(need["paid_width"].to_numpy(), need["paid_side"].to_numpy())
    cnt = _intervals(y, sup, n, True, count_need, exact)
    amt = _intervals(y, sup, paid, False, paid_need, exact)
    rows = []
    for c in sorted(cnt):
        clo, chi, cex = cnt[c]
        plo, phi, pex = amt[c]
        rows.append(
            {
                "position": c,
                "reason": reason[c] or SECONDARY,
                "recipients_low": clo,
                "recipients_high": chi,
                "paid_low_ore": plo,
                "paid_high_ore": phi,
                "interval_exact": cex and pex,
                "protected": count_need.met(c, n[c], clo, chi)
                and paid_need.met(c, paid[c], plo, phi),
            }
        )
    return _audit_frame(rows)


def _audit_frame(rows: list[dict]) -> pd.DataFrame:
    cols = [
        "position",
        "reason",
        "recipients_low",
        "recipients_high",
        "paid_low_ore",
        "paid_high_ore",
        "interval_exact",
        "protected",
    ]
    return pd.DataFrame(rows, columns=cols).astype({"position": "int64", "protected": "bool"})


def suppress_year(
    cells: pd.DataFrame, rules: DisclosureRules
) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Suppression pattern for one year: (suppressed, reason, audit), indexed like `cells`."""
    y = _prepare(cells)
    reason = primary_suppression(y.cells, rules)
    sup = (reason != "").to_numpy().copy()
    while True:
        _close_relations(y, sup)
        audit = _audit(y, sup, reason, rules)
        failing = audit.loc[~audit["protected"], "position"].tolist()
        if not failing:
            break
        added = False
        for c in failing:
            for r in sorted(y.by_cell[c], key=lambda r: len(y.rels[r].members)):
                pick = _smallest_published(y, y.rels[r], sup)
                if pick is not None:
                    sup[pick] = True
                    added = True
                    break
        if not added:
            raise RuntimeError(
                "disclosure control: cannot protect every cell (every related cell is already suppressed)"
            )
    final_reason = reason.where(
        reason != "", pd.Series(np.where(sup, SECONDARY, ""), index=reason.index)
    )
    audit = audit.assign(position=cells.index[audit["position"].to_numpy()]).set_index("position")
    return (
        pd.Series(sup, index=cells.index),
        pd.Series(final_reason.to_numpy(), index=cells.index),
        audit,
    )


def suppress(cells: pd.DataFrame, rules: DisclosureRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`cells` with `suppressed` and `suppression_reason`, and the search's last audit, year by year."""
    out = cells.copy()
    out["suppressed"] = False
    out["suppression_reason"] = ""
    audits = []
    for _, grp in cells.groupby("year", sort=True):
        sup, why, result = suppress_year(grp, rules)
        out.loc[grp.index, "suppressed"] = sup
        out.loc[grp.index, "suppression_reason"] = why
        audits.append(result)
    return out, (pd.concat(audits) if audits else _audit_frame([]))


def audit(cells: pd.DataFrame, rules: DisclosureRules, exact: bool = False) -> pd.DataFrame:
    """The independent audit of a finished pattern, all years; one row per cell that needs it.

    It trusts nothing but the cell values and the `suppressed` column: it recomputes
    which cells are sensitive (a sensitive cell left published fails), and for every
    suppressed cell the interval an intruder can work out from everything published.
    """
    frames = []
    for _, grp in cells.groupby("year", sort=True):
        y = _prepare(grp)
        reason = primary_suppression(y.cells, rules)
        sup = grp["suppressed"].to_numpy(dtype=bool)
        result = _audit(y, sup, reason, rules, exact)
        leaked = np.flatnonzero((reason != "").to_numpy() & ~sup)
        result = pd.concat(
            [
                result,
                _audit_frame(
                    [
                        {
                            "position": int(c),
                            "reason": f"{reason[c]} (published)",
                            "recipients_low": float(y.cells.at[c, "recipients"]),
                            "recipients_high": float(y.cells.at[c, "recipients"]),
                            "paid_low_ore": float(y.cells.at[c, "paid_ore"]),
                            "paid_high_ore": float(y.cells.at[c, "paid_ore"]),
                            "interval_exact": True,
                            "protected": False,
                        }
                        for c in leaked
                    ]
                ),
            ]
        )
        frames.append(result.assign(position=grp.index[result["position"].to_numpy(dtype=int)]))
    return pd.concat(frames).set_index("position") if frames else _audit_frame([])
