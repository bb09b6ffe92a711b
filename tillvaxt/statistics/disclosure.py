"""Disclosure control for linked frequency and magnitude tables.

Three steps, all on the *cells* of `tillvaxt.statistics.support` (one row per cell,
`recipients`, `paid_ore`, `top1_ore`, `top2_ore`), one year at a time:

1. **Primary suppression.** The frequency rule: a cell of 1 … threshold−1 recipients
   is sensitive. The p%-rule on `paid_ore`: a cell is sensitive when the second-largest
   recipient could estimate the largest one to within p %, i.e. when
   `S = p/100 · x1 − (X − x1 − x2) > 0` (X the cell total, x1, x2 the two largest).
   These are τ-ARGUS's rules, and give τ-ARGUS's primary cells.
2. **Secondary suppression** by an optimiser (`optimal`): the cheapest set of further
   cells to withhold, over every linear relation linking the cells, such that no
   intruder (`attacker`: an outsider, or an organisation alone in a withheld cell) can
   narrow a withheld cell down too far.
3. **Audit**, independent of how the pattern was found: for every withheld cell the
   smallest and largest value consistent with everything published, by linear
   programming (HiGHS), for counts and amounts, against the outsider and against each
   singleton. A cell is protected when that interval is wide enough:
   a frequency-rule count at least `threshold` wide, a p%-sensitive amount `S` on each
   side of its value, any other withheld cell not pinned to one value.

When no safe pattern is found for a year within the time limit, every cell of that
year is withheld (`suppression_reason = "withheld"`): a year published blank is safe,
a year published wrong is not. A cell is withheld as a whole, count and amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tillvaxt.statistics.attacker import AMOUNT_SCALE, attack_year, build_model
from tillvaxt.statistics.optimal import NoSafePattern, solve_year
from tillvaxt.statistics.relations import Relation, p_sensitivity, relations

__all__ = [
    "FREQUENCY",
    "P_PERCENT",
    "SECONDARY",
    "UNPUBLISHED",
    "WITHHELD",
    "DisclosureRules",
    "Relation",
    "audit",
    "p_sensitivity",
    "primary_suppression",
    "relations",
    "suppress",
    "suppress_year",
]

FREQUENCY = "frequency"
P_PERCENT = "p%"
SECONDARY = "secondary"
WITHHELD = "withheld"
DEFAULT_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds; the defaults are the ESS handbook's (frequency 3, p = 10)."""

    frequency_threshold: int = 3
    p_percent: float = 10.0
    time_limit_s: float = DEFAULT_TIME_LIMIT

    def __post_init__(self) -> None:
        if self.frequency_threshold < 1 or not 0 < self.p_percent < 100:
            raise ValueError(
                f"disclosure rules: expected a frequency threshold ≥ 1 and 0 < p < 100, "
                f"found {self.frequency_threshold} and {self.p_percent}"
            )
        if not self.time_limit_s > 0:
            raise ValueError(
                f"disclosure rules: expected a time limit above 0 s, found {self.time_limit_s}"
            )


def primary_suppression(cells: pd.DataFrame, rules: DisclosureRules) -> pd.Series:
    """Per cell, why it is sensitive (`frequency`, `p%`) or empty."""
    n = cells["recipients"]
    freq = (n >= 1) & (n < rules.frequency_threshold)
    pct = (n >= 1) & (p_sensitivity(cells, rules.p_percent) > 0)
    reason = pd.Series("", index=cells.index, dtype="str")
    reason[pct] = P_PERCENT
    reason[freq] = FREQUENCY
    return reason


def _model(cells: pd.DataFrame, reason: pd.Series, rules: DisclosureRules):
    return build_model(
        cells,
        relations(cells),
        (reason == FREQUENCY).to_numpy(),
        rules.frequency_threshold,
        rules.p_percent,
    )


AUDIT_COLUMNS = [
    "position",
    "reason",
    "recipients_low",
    "recipients_high",
    "paid_low_ore",
    "paid_high_ore",
    "interval_exact",
    "protected",
    "attacker",
]


def _audit_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS).astype(
        {"position": "int64", "protected": "bool", "attacker": "str"}
    )


def _audit_rows(
    cells: pd.DataFrame,
    sup: np.ndarray,
    reason: pd.Series,
    rules: DisclosureRules,
    exact: bool,
    unpublished: np.ndarray | None = None,
) -> list[dict]:
    model = _model(cells, reason, rules)
    if unpublished is not None:
        # An organisation alone in an unpublished cell is not told it is alone there.
        model.unpublished = unpublished
        model.sole = np.where(unpublished, -1, model.sole)
        sup = sup | unpublished
    result, _ = attack_year(model, sup, exact=exact)
    n = model.n
    paid = cells["paid_ore"].to_numpy(dtype="float64")
    rows = []
    for c in sorted(result):
        cnt, amt = result[c]
        rows.append(
            {
                "position": c,
                "reason": reason.iat[c] or SECONDARY,
                "recipients_low": n[c] - cnt.down,
                "recipients_high": n[c] + cnt.up,
                "paid_low_ore": paid[c] - amt.down * AMOUNT_SCALE,
                "paid_high_ore": paid[c] + amt.up * AMOUNT_SCALE,
                "interval_exact": cnt.exact and amt.exact,
                "protected": cnt.protected and amt.protected,
                "attacker": cnt.attacker or amt.attacker,
            }
        )
    return rows


def suppress_year(
    cells: pd.DataFrame, rules: DisclosureRules
) -> tuple[pd.Series, pd.Series, pd.DataFrame, str]:
    """Pattern for one year: (suppressed, reason, audit, why withheld or "").

    The optimiser's pattern is audited again here, independently; a pattern that
    fails (or no pattern in time) withholds the whole year.
    """
    local = cells.reset_index(drop=True)
    reason = primary_suppression(local, rules)
    primary = (reason != "").to_numpy()
    why = ""
    try:
        sup, _ = solve_year(local, _model(local, reason, rules), primary, rules.time_limit_s)
        rows = _audit_rows(local, sup, reason, rules, exact=False)
        if not all(r["protected"] for r in rows):
            why = "the optimiser's pattern failed the independent audit"
    except NoSafePattern as exc:
        why = str(exc)
    except Exception as exc:  # a solver or numerical failure withholds this year only
        why = f"the disclosure control failed ({type(exc).__name__})"
    if why:
        sup = np.ones(len(local), dtype=bool)
        rows = []
    final = np.where(primary, reason.to_numpy(), np.where(sup, SECONDARY, ""))
    if why:
        final = np.where(sup, WITHHELD, "")
        final = np.where(primary & sup, reason.to_numpy(), final)
    result = _audit_frame(rows)
    result = result.assign(position=cells.index[result["position"].to_numpy()]).set_index(
        "position"
    )
    # The time taken is not part of `why`: it is published, and a rerun on the same
    # inputs must publish the same bytes.
    return (
        pd.Series(sup, index=cells.index),
        pd.Series(final.astype("str"), index=cells.index),
        result,
        why,
    )


def suppress(cells: pd.DataFrame, rules: DisclosureRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`cells` with `suppressed` and `suppression_reason`, and the audit, year by year.

    A year with no safe pattern has every cell withheld; its cells carry
    `withheld_because` (the reason, the same on every cell of the year).
    """
    out = cells.copy()
    out["suppressed"] = False
    out["suppression_reason"] = ""
    out["withheld_because"] = ""
    audits = []
    for _, grp in cells.groupby("year", sort=True):
        sup, why, result, withheld = suppress_year(grp, rules)
        out.loc[grp.index, "suppressed"] = sup
        out.loc[grp.index, "suppression_reason"] = why
        out.loc[grp.index, "withheld_because"] = withheld
        audits.append(result)
    out["suppressed"] = out["suppressed"].astype("bool")
    return out, (pd.concat(audits) if audits else _audit_frame([]).set_index("position"))


def withheld_years(protected: pd.DataFrame) -> dict[int, str]:
    """Year → why it was withheld whole, for the years `suppress` could not protect."""
    if "withheld_because" not in protected.columns:
        return {}
    w = protected[protected["withheld_because"] != ""]
    return {int(y): str(g["withheld_because"].iat[0]) for y, g in w.groupby("year")}


UNPUBLISHED = "unpublished_table"


def audit(cells: pd.DataFrame, rules: DisclosureRules, exact: bool = False) -> pd.DataFrame:
    """The independent audit of a finished pattern, all years; one row per cell that needs it.

    It trusts nothing but the cell values and the `suppressed` column: it recomputes
    which cells are sensitive (a sensitive cell left published fails), and for every
    suppressed cell the interval an intruder (the outsider, and each organisation alone
    in a withheld cell) can work out from everything published.

    With a boolean column `unpublished_table`, `cells` may also hold the cells of the
    tables the design does not publish: they are unknowns to the intruder (a count may
    be 0), linked to the published cells by the same relations. Without them, a
    relation through an unpublished margin is lost, and with it what the intruder can
    subtract (an instrument's unpublished margin is `Alla`'s minus the others').
    """
    frames = []
    for _, grp in cells.groupby("year", sort=True):
        local = grp.reset_index(drop=True)
        reason = primary_suppression(local, rules)
        sup = grp["suppressed"].to_numpy(dtype=bool)
        hidden = (
            grp[UNPUBLISHED].to_numpy(dtype=bool)
            if UNPUBLISHED in grp.columns
            else np.zeros(len(grp), dtype=bool)
        )
        shown = ~(sup | hidden | (local["recipients"] == 0).to_numpy())
        if not shown.any():
            rows = []  # nothing published: nothing to work out
        else:
            rows = _audit_rows(local, sup, reason, rules, exact, hidden if hidden.any() else None)
        leaked = np.flatnonzero((reason != "").to_numpy() & ~sup & ~hidden)
        rows += [
            {
                "position": int(c),
                "reason": f"{reason.iat[c]} (published)",
                "recipients_low": float(local.at[c, "recipients"]),
                "recipients_high": float(local.at[c, "recipients"]),
                "paid_low_ore": float(local.at[c, "paid_ore"]),
                "paid_high_ore": float(local.at[c, "paid_ore"]),
                "interval_exact": True,
                "protected": False,
                "attacker": "published",
            }
            for c in leaked
        ]
        result = _audit_frame(rows)
        frames.append(result.assign(position=grp.index[result["position"].to_numpy(dtype=int)]))
    return pd.concat(frames).set_index("position") if frames else _audit_frame([])
