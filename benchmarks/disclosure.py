"""Benchmark: disclosure control of `support_by_group` on the sample and on a larger generated set.

    uv run python benchmarks/disclosure.py [--generated-payouts 3000] [--tauargus] [--search]
        [--joint SECONDS]

Per table (summed over years and instruments) it prints: cells, non-empty cells,
primary (frequency or p%), secondary, non-empty published, withheld SEK; and the
seconds of the whole suppression and of the independent audit (the tables are linked,
so suppression is one problem per year, not one per table). With `--tauargus` it adds
τ-ARGUS modular's secondary count, run table by table on the same primary cells
(pytauargus, a dev dependency; τ-ARGUS has no linked-table mode, so its count is a
lower bound for a linked pattern, not a safe pattern itself). With `--search` it
looks, year by year, for a better set of published tables than the design rule's
(`search_design`) and audits what it finds: how many cells a design could publish.
With `--joint`, also the joint design (`tillvaxt.statistics.joint`: the tables chosen
inside the MILP), on the sample and the generated set, and the three statistics steps
on the sample as the assets run them, with the rule and the joint design alternately.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from tillvaxt.groups import CATEGORIES, DIMENSIONS  # noqa: E402
from tillvaxt.statistics.disclosure import (  # noqa: E402
    UNPUBLISHED,
    DisclosureRules,
    audit,
    suppress,
)

try:
    from tillvaxt.statistics.design import crosses_to_publish
except ImportError:  # the code before the table design existed
    crosses_to_publish = None
from tillvaxt.statistics.support import support_cells  # noqa: E402

RAW = HERE.parent / "data" / "raw"


def sample_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from tillvaxt.validate.payouts import read_payouts, validate_payouts
    from tillvaxt.validate.population import read_population, validate_population
    from tillvaxt.validate.surveys import read_profiles, validate_profiles

    return (
        validate_payouts(read_payouts(RAW)).valid,
        validate_profiles(read_profiles(RAW)).valid,
        validate_population(read_population(RAW)).valid,
    )


def generated_inputs(
    n_payouts: int, seed: int = 11
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three years, four instruments, ~n/3 organisations, skewed profiles, 10 % unknown."""
    rng = np.random.default_rng(seed)
    n_orgs = max(30, n_payouts // 3)
    orgs = np.array([f"55{i:08d}" for i in range(n_orgs)])
    payouts = pd.DataFrame(
        {
            "year": rng.choice([2020, 2021, 2022], n_payouts),
            "instrument": rng.choice(
                ["UTV", "PROJ", "EUMED", "FOU"], n_payouts, p=[0.5, 0.3, 0.1, 0.1]
            ),
            "org_number": rng.choice(orgs, n_payouts),
            "amount_ore": (rng.lognormal(11, 1.2, n_payouts).astype("int64") + 1_000) * 100,
        }
    )
    profiles = pd.DataFrame({"org_number": orgs[: int(n_orgs * 0.9)]})
    for d in DIMENSIONS:
        cats = [*CATEGORIES[d], None]
        p = np.linspace(3, 1, len(cats))
        profiles[d] = rng.choice(np.array(cats, dtype=object), len(profiles), p=p / p.sum())
    population = pd.DataFrame(
        {
            "year": [2020, 2021, 2022] * 2,
            "kon": ["K"] * 3 + ["M"] * 3,
            "bakgrund": ["Svensk bakgrund"] * 6,
            "utbildning": ["Gymnasial"] * 6,
            "aldersgrupp": ["30-44"] * 6,
            "count": [400, 410, 420, 600, 590, 580],
        }
    )
    return payouts, profiles, population


def tauargus_secondary(inputs, cells: pd.DataFrame) -> pd.Series:
    """τ-ARGUS modular's secondary count per table name (table by table, not linked)."""
    from tauargus_check import modular_secondary

    from tillvaxt.statistics.support import recipient_nets, with_profiles

    payouts, profiles, _ = inputs
    return modular_secondary(with_profiles(recipient_nets(payouts), profiles), cells)


def measure(
    name: str,
    inputs,
    rules: DisclosureRules,
    with_tau: bool,
    all_tables: bool = False,
    search: bool = False,
    joint: float | None = None,
) -> pd.DataFrame:
    t_start = time.perf_counter()
    cells = support_cells(*inputs)
    all_cells = cells
    if search:
        keep = search_design(cells, rules, crosses_to_publish(cells, rules).to_numpy())
        cells = cells[keep]
        t_start = time.perf_counter()
    elif crosses_to_publish is not None and not all_tables:
        # The rows of the published tables, at their positions in `all_cells`.
        cells = cells[crosses_to_publish(cells, rules).to_numpy()]
    t0 = time.perf_counter()
    out, _ = suppress(cells, rules)
    if joint is not None:
        from tillvaxt.statistics.joint import joint_design

        rule_keep = all_cells.index.isin(cells.index)
        keep, out, notes = joint_design(
            all_cells, rule_keep, out.reset_index(drop=True), rules, joint
        )
        out.index = all_cells.index[keep]
        for year, note in notes.items():
            print(f"{year}: {note}")
    t1 = time.perf_counter()
    result = audit(out, rules)
    t2 = time.perf_counter()
    reason = out["suppression_reason"]
    nonempty = out["recipients"] > 0
    g = out.assign(
        nonempty=nonempty,
        primary=reason.isin(["frequency", "p%"]),
        secondary=reason.eq("secondary"),
        published=nonempty & ~out["suppressed"],
        withheld_ore=out["paid_ore"].where(out["suppressed"], 0),
    ).groupby("table", sort=False)
    table = pd.DataFrame(
        {
            "cells": g.size(),
            "non_empty": g["nonempty"].sum(),
            "primary": g["primary"].sum(),
            "secondary": g["secondary"].sum(),
            "published": g["published"].sum(),
            "withheld_sek": g["withheld_ore"].sum() // 100,
        }
    )
    before = all_cells.groupby("table", sort=False).size()
    table = table.reindex(before.index).fillna(0).astype("int64")
    table.insert(0, "cells_before_design", before)
    if with_tau:
        table["tau_secondary"] = tauargus_secondary(inputs, out).reindex(table.index)
        table["tau_secondary"] = table["tau_secondary"].fillna(0).astype("int64")
    total = table.sum(numeric_only=True).to_frame("all tables").T
    table = pd.concat([table, total])
    table.index.name = name
    leaks = int((~result["protected"]).sum())
    print(f"\n## {name}: {len(inputs[0])} payouts")
    print(table.to_string())
    print(
        f"suppression {t1 - t0:.2f} s, audit {t2 - t1:.2f} s, "
        f"whole support_cells step {t2 - t_start:.2f} s, "
        f"audit rows {len(result)}, under-protected {leaks}"
        + (
            " (the published tables alone, where an `Alla` count over only the published"
            " instruments' cells passes for their sum: not the gate, which is the linked"
            " audit below)"
            if joint is not None and leaks
            else ""
        )
    )
    if len(out) < len(all_cells):
        linked_audit(all_cells, out, rules)
    return table


def linked_audit(all_cells: pd.DataFrame, out: pd.DataFrame, rules: DisclosureRules) -> int:
    """The audit again, with the unpublished tables' cells as linked unknowns; prints it.

    The pipeline's audit sees only the published tables; an unpublished margin can
    still be worked out from published ones (an instrument's is `Alla`'s minus the
    other instruments'), and a withheld cell through it.
    """
    full = all_cells.assign(suppressed=True, **{UNPUBLISHED: True})
    full.loc[out.index, "suppressed"] = out["suppressed"]
    full.loc[out.index, UNPUBLISHED] = False
    t0 = time.perf_counter()
    result = audit(full, rules)
    bad = result[~result["protected"]]
    print(
        f"audit with the unpublished tables linked: {time.perf_counter() - t0:.2f} s, "
        f"under-protected {len(bad)} {bad['attacker'].value_counts().to_dict()}"
    )
    return len(bad)


def statistics_steps(inputs, rules: DisclosureRules, joint: float, runs: int = 2) -> None:
    """The three statistics steps as the assets run them (the `guard` functions), with
    the rule and with the joint design alternately, wall and CPU time; prints them."""
    from tillvaxt.statistics.guard import guarded_public, guarded_survey, protected_support
    from tillvaxt.statistics.survey import MIN_ANSWERS
    from tillvaxt.validate.surveys import read_survey, validate_survey

    survey = validate_survey(read_survey(RAW)).valid
    for _ in range(runs):
        for name, limit in (("rule", None), ("joint", joint)):
            t0, c0 = time.perf_counter(), time.process_time()
            result = protected_support(
                lambda: support_cells(*inputs),
                rules,
                design=lambda cells: crosses_to_publish(cells, rules),
                joint_time_limit=limit,
            )
            t1 = time.perf_counter()
            guarded_public(result.frame)
            guarded_survey(survey, MIN_ANSWERS)
            t2 = time.perf_counter()
            f = result.frame
            print(
                f"statistics steps, {name}: {t2 - t0:.2f} s (CPU {time.process_time() - c0:.2f} s;"
                f" support_cells {t1 - t0:.2f} s), "
                f"{int(((f['recipients'] > 0) & ~f['suppressed']).sum())} non-empty published,"
                f" linked audit under-protected {result.under_protected}"
            )


def _published(out: pd.DataFrame) -> int:
    if (out["withheld_because"] != "").any():
        return -1  # a withheld year publishes nothing of its own: never better
    return int(((out["recipients"] > 0) & ~out["suppressed"]).sum())


def search_design(cells: pd.DataFrame, rules: DisclosureRules, keep: np.ndarray) -> np.ndarray:
    """Hill climbing over the tables a rule may drop, one year at a time.

    Each move publishes or drops one table of one year and instrument (never the grand
    totals nor `Alla`'s one-way margins) and is kept when the year's optimal pattern
    publishes more non-empty cells and passes the audit with the unpublished tables
    linked (the pipeline's audit alone passes designs that leak through them: 164 cells
    on the sample, 37 of them under-protected). Tens of minutes: it solves and audits
    the year once per move.
    """
    from tillvaxt.groups import TOTAL
    from tillvaxt.statistics.support import ALL_INSTRUMENTS

    keep = keep.copy()
    depth = cells["table"].str.count("×").where(cells["table"] != TOTAL, -1) + 1
    ruled = ((depth >= 2) | ((depth == 1) & (cells["instrument"] != ALL_INSTRUMENTS))).to_numpy()
    for year in sorted(cells["year"].unique()):
        mine = (cells["year"] == year).to_numpy()

        def score(k: np.ndarray, mine: np.ndarray = mine) -> int:
            out = suppress(cells[k & mine], rules)[0]
            full = cells[mine].assign(suppressed=True, **{UNPUBLISHED: ~k[mine]})
            full.loc[out.index, "suppressed"] = out["suppressed"]
            return _published(out) if audit(full, rules)["protected"].all() else -1

        best = score(keep)
        start = best
        tables = cells[mine & ruled].groupby(["instrument", "table"], sort=False).groups
        improved = True
        while improved:
            improved = False
            for idx in tables.values():
                trial = keep.copy()
                trial[idx] = ~keep[idx[0]]
                s = score(trial)
                if s > best:
                    best, keep, improved = s, trial, True
        print(f"search {year}: {start} -> {best} non-empty cells published")
    return keep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated-payouts", type=int, default=3000)
    parser.add_argument("--tauargus", action="store_true")
    parser.add_argument("--search", action="store_true")
    parser.add_argument(
        "--joint",
        type=float,
        metavar="SECONDS",
        help="also the joint design (tables chosen in the MILP), this time limit a year",
    )
    args = parser.parse_args()
    rules = DisclosureRules()
    measure("sample", sample_inputs(), rules, args.tauargus)
    if args.joint:
        measure("sample, joint design", sample_inputs(), rules, args.tauargus, joint=args.joint)
        statistics_steps(sample_inputs(), rules, args.joint)
    if args.search:
        measure("sample, searched design", sample_inputs(), rules, args.tauargus, search=True)
    from tillvaxt.statistics.survey import survey_estimates
    from tillvaxt.validate.surveys import read_survey, validate_survey

    t0 = time.perf_counter()
    estimates = survey_estimates(validate_survey(read_survey(RAW)).valid)
    print(
        f"survey_estimates on the sample: {len(estimates)} rows, {time.perf_counter() - t0:.2f} s"
    )
    if args.generated_payouts:
        generated = generated_inputs(args.generated_payouts)
        measure("generated", generated, rules, args.tauargus)
        if args.joint:
            measure("generated, joint design", generated, rules, args.tauargus, joint=args.joint)


if __name__ == "__main__":
    main()
