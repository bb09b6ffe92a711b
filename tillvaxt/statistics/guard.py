"""The statistics never stop the run: whatever goes wrong, a table is withheld, and says why.

The controller's tables (reconciliation, usage, recipients, decision balances,
findings) must publish whatever happens to the statistics. So every statistics step
runs through these functions: a year without a safe suppression pattern, a pattern
that fails the independent audit, or any exception at all (a bug included) withholds
the affected table (a year of `support_by_group`, or all of it, or `survey_estimates`)
and yields a `statistics_withheld` warning finding that says why. Published columns
stay the same; a withheld cell is a row with `suppressed` true and empty numbers.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from tillvaxt.rules.findings import empty_findings, findings
from tillvaxt.rules.withheld import statistics_withheld
from tillvaxt.statistics.attacker import _quiet_first_highs
from tillvaxt.statistics.disclosure import (
    UNPUBLISHED,
    WITHHELD,
    DisclosureRules,
    audit,
    suppress,
    withheld_years,
)
from tillvaxt.statistics.joint import joint_design
from tillvaxt.statistics.support import PUBLIC_COLUMNS, support_by_group
from tillvaxt.statistics.survey import COLUMNS as SURVEY_COLUMNS
from tillvaxt.statistics.survey import lonely_strata, survey_estimates

RULE = statistics_withheld.name
# Digits that could be an organisation or personal identity number never reach a message.
_ID = re.compile(r"\d{6}-?\d{4}|\d{8}-?\d{4}")


def _why(exc: BaseException) -> str:
    text = _ID.sub("[nummer]", f"{type(exc).__name__}: {exc}")
    return text if len(text) <= 300 else text[:297] + "…"


@dataclass
class Guarded:
    """A statistics result: the frame, the findings that explain what was withheld, and why."""

    frame: pd.DataFrame
    findings: pd.DataFrame
    withheld: dict[int | None, str]
    seconds: float = 0.0
    audited: int = 0
    under_protected: int = 0
    warnings: list[str] = field(default_factory=list)
    # Per year, what the joint design did (`protected_support(joint_time_limit=…)`).
    design_notes: list[str] = field(default_factory=list)


def _findings(table: str, withheld: dict[int | None, str]) -> pd.DataFrame:
    if not withheld:
        return empty_findings()
    return findings(
        statistics_withheld,
        [
            {
                "year": year,
                "source_file": table,
                "message": (
                    f"{table} {'for ' + str(year) if year is not None else ''} is withheld "
                    f"whole (every cell `..`): {why}. The other tables are published as usual."
                ).replace("  ", " "),
            }
            for year, why in sorted(withheld.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
        ],
    )


def _withhold_all(cells: pd.DataFrame, why: str) -> pd.DataFrame:
    out = cells.copy()
    out["suppressed"] = True
    out["suppression_reason"] = WITHHELD
    out["withheld_because"] = why
    return out


def _empty_cells() -> pd.DataFrame:
    cols = [*PUBLIC_COLUMNS, "suppression_reason", "withheld_because"]
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols}).astype(
        {"year": "int64", "recipients": "int64", "paid_ore": "int64", "suppressed": "bool"}
    )


def _linked_audit(published: pd.DataFrame, hidden: pd.DataFrame, rules: DisclosureRules):
    """The audit of one year's published cells with its unpublished cells linked in.

    An unpublished table is not unknown to an intruder: its margins follow from the
    published ones (an instrument's margin is `Alla`'s minus the other instruments'),
    and a withheld cell through them. So the unpublished cells enter the audit as
    unknowns tied by the same relations; only the published cells' rows are kept.
    """
    if hidden.empty:
        return audit(published, rules)
    full = pd.concat(
        [
            published.assign(**{UNPUBLISHED: False}),
            hidden.assign(suppressed=True, **{UNPUBLISHED: True}),
        ],
        ignore_index=True,
    )
    result = audit(full, rules)
    result = result[result.index < len(published)]
    result.index = published.index[result.index.to_numpy(dtype=int)]
    return result


def _joint(
    every: pd.DataFrame,
    keep: pd.Series,
    protected: pd.DataFrame,
    rules: DisclosureRules,
    time_limit: float,
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame | None, dict[int, str]]:
    """One year's joint design and pattern, audited with its unpublished tables linked.

    The joint loop leaves the whole linked model's intruder to this audit (it would
    be the same LPs twice, a third of the joint's time); a joint pattern that fails it
    gives way to the rule's design, the one `keep` and `protected` hold. Returns the
    published mask, the cells, their audit when it is done here, and the note.
    """
    rule_keep = keep.to_numpy(dtype=bool)
    mask, joint, notes = joint_design(every, rule_keep, protected, rules, time_limit, False)
    if (mask == rule_keep).all() and joint["suppressed"].reset_index(drop=True).equals(
        protected["suppressed"].reset_index(drop=True)
    ):
        return keep, protected, None, notes  # the rule's own: audited as the rule's
    try:
        result = _linked_audit(joint, every[~mask], rules)
    except Exception:
        result = None
    if result is not None and result["protected"].all():
        return pd.Series(mask, index=every.index), joint, result, notes
    year = int(every["year"].iat[0])
    notes[year] = "rule-based design kept (the joint pattern failed the linked audit)"
    return keep, protected, None, notes


@dataclass
class _Year:
    """One year's share of `protected_support`: its cells, their audit, why it is
    withheld (empty when it is not) and what the joint design did."""

    protected: pd.DataFrame
    audit: pd.DataFrame | None
    why: str
    notes: dict[int, str]


def _protect_year(
    every: pd.DataFrame, keep: pd.Series, rules: DisclosureRules, joint_time_limit: float | None
) -> _Year:
    """Disclosure control of one year's cells: the rule's pattern, the joint design's
    when it does better, and the linked audit; `why` is non-empty when it failed."""
    cells = every[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    protected, _ = suppress(cells, rules)
    result: pd.DataFrame | None = None
    notes: dict[int, str] = {}
    if joint_time_limit is not None:
        keep, protected, result, notes = _joint(every, keep, protected, rules, joint_time_limit)
    why = "the suppression pattern failed the independent audit"
    if result is None and len(protected):
        try:
            result = _linked_audit(protected, every[~keep.to_numpy(dtype=bool)], rules)
        except Exception as exc:
            why = f"the independent audit could not run ({_why(exc)})"
    if result is not None and result["protected"].all():
        why = ""
    elif len(protected):
        protected = _withhold_all(protected, why)
    return _Year(protected, result, why, notes)


def _map_years(work: Callable[[int], _Year], years: list[int]) -> list[_Year]:
    """`work` for every year, the years side by side in threads.

    The years are independent problems, and HiGHS lets go of Python's lock while it
    solves (on the sample, two years in threads take 3.4 s instead of 4.9 s on two
    cores). An exception in any year is raised here, as from a plain loop.
    """
    if len(years) < 2:
        return [work(y) for y in years]
    _quiet_first_highs()  # its stdout redirect must not race another thread's
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with ThreadPoolExecutor(max(1, min(len(years), cpus or 1)), "disclosure") as pool:
        return list(pool.map(work, years))


def protected_support(
    build_cells,
    rules: DisclosureRules,
    years: list[int] | None = None,
    design=None,
    joint_time_limit: float | None = None,
) -> Guarded:
    """Cells after disclosure control, audited; nothing raises.

    `build_cells()` makes the true cells; `design(cells)`, when given, says per cell
    whether its table is published (without it every cell is). With
    `joint_time_limit`, each year's tables and pattern are then improved by the joint
    MILP (`joint.joint_design`; the rule's are kept for a year it does not finish in
    time or does not improve). A year whose pattern
    fails the independent audit (the outsider or any singleton, with the year's
    unpublished tables linked in) is withheld whole: a failing pattern is never published.
    Each year is its own problem, and the years run side by side (`_map_years`).
    """
    start = time.monotonic()
    cells = None
    try:
        every = build_cells()
        keep = design(every) if design is not None else pd.Series(True, index=every.index)
        cells = every[keep.to_numpy(dtype=bool)].reset_index(drop=True)
        if not len(cells):
            empty, _ = suppress(cells, rules)
            return Guarded(empty, _findings("support_by_group", {}), {}, time.monotonic() - start)
        year_of = every["year"].to_numpy()
        joint = joint_time_limit if design is not None else None
        todo = sorted({int(y) for y in cells["year"]})
        done = _map_years(
            lambda y: _protect_year(every[year_of == y], keep[year_of == y], rules, joint), todo
        )
        frames, results, offset, notes = [], [], 0, {}
        for part in done:
            frames.append(part.protected)
            if part.audit is not None and not part.why:
                results.append(part.audit.set_axis(part.audit.index + offset))
            offset += len(part.protected)
            notes.update(part.notes)
        protected = pd.concat(frames, ignore_index=True)
        passed = pd.concat(results) if results else audit(protected.iloc[:0], rules)
        withheld = withheld_years(protected)
        return Guarded(
            protected,
            _findings("support_by_group", withheld),
            dict(withheld),
            seconds=time.monotonic() - start,
            audited=len(passed),
            under_protected=int((~passed["protected"]).sum()),
            design_notes=[f"{y}: {note}" for y, note in sorted(notes.items())],
        )
    except Exception as exc:
        why = f"the statistics step failed ({_why(exc)})"
        if cells is not None and len(cells):
            out = _withhold_all(cells, why)
            withheld = {int(y): why for y in sorted(out["year"].unique())}
        else:
            out = _empty_cells()
            withheld = {int(y): why for y in (years or [])} or {None: why}
        return Guarded(
            out, _findings("support_by_group", withheld), withheld, time.monotonic() - start
        )


def guarded_public(protected: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The publishable `support_by_group`; on any failure every row withheld (or none)."""
    try:
        return support_by_group(protected), ""
    except Exception as exc:
        why = f"support_by_group could not be built ({_why(exc)})"
        try:
            out = protected[PUBLIC_COLUMNS].copy()
            for c in ("recipients", "paid_ore"):
                out[c] = pd.Series(pd.NA, index=out.index, dtype="Int64")
            for c in ("share_of_recipients", "baseline_share", "representation_ratio"):
                out[c] = float("nan")
            out["suppressed"] = True
            return out.reset_index(drop=True), why
        except Exception:
            return _empty_cells()[PUBLIC_COLUMNS], why


def guarded_survey(survey: pd.DataFrame, min_answers: int) -> Guarded:
    """Survey estimates; on any failure an empty table with the same columns, and why."""
    try:
        table = survey_estimates(survey, min_answers)
        return Guarded(table, empty_findings(), {}, warnings=lonely_strata(survey))
    except Exception as exc:
        why = f"the survey estimates failed ({_why(exc)})"
        empty = pd.DataFrame({c: pd.Series([], dtype="object") for c in SURVEY_COLUMNS})
        empty = empty.astype({"year": "int64", "n": "Int64", "suppressed": "bool"})
        for c in ("estimate", "standard_error", "ci_low", "ci_high"):
            if c in empty.columns:
                empty[c] = empty[c].astype("float64")
        years = (
            sorted({int(y) for y in survey["year"].dropna()})
            if "year" in getattr(survey, "columns", [])
            else []
        )
        withheld = {y: why for y in years} or {None: why}
        return Guarded(empty, _findings("survey_estimates", withheld), withheld)
