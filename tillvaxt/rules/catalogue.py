"""The rule catalogue: every rule, in the order the findings table and the docs list them.

This is the one list of rules. `payout_exceptions` runs it, the assets build one check
per rule from it, and the docs' rule table is generated from it:

    python -m tillvaxt.docpages

(`tests/unit/test_docpages.py` fails when the committed page differs.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

import tillvaxt.rules.decisions as on_decisions
import tillvaxt.rules.eu as eu
import tillvaxt.rules.identity as identity
import tillvaxt.rules.payouts as on_payouts
import tillvaxt.rules.quarantine as quarantine
import tillvaxt.rules.withheld as withheld
from tillvaxt.region import Region
from tillvaxt.rules.findings import concat_findings as _concat
from tillvaxt.rules.matching import shared_lookups
from tillvaxt.rules.rule import Rule, RuleInputs

# The order of the output contract (docs/outputs.md), the order findings are sorted in.
CATALOGUE: tuple[Rule, ...] = (
    quarantine.unreadable_row,
    on_payouts.orphan_payout,
    on_decisions.overpaid_decision,
    on_payouts.payout_after_revocation,
    on_payouts.recipient_mismatch,
    on_payouts.instrument_mismatch,
    identity.invalid_org_number,
    on_decisions.cap_exceeded,
    on_payouts.payout_outside_period,
    on_decisions.cofinancing_too_low,
    on_payouts.possible_duplicate_payment,
    on_decisions.unknown_priority,
    eu.eu_project_unknown,
    eu.eu_project_mismatch,
    withheld.statistics_withheld,
)

# Rule by name, in catalogue order (iterating gives the names).
RULES: dict[str, Rule] = {r.name: r for r in CATALOGUE}


def concat_findings(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """All findings in one frame, ordered by year, rule (catalogue order), file and line."""
    return _concat(frames, order=list(RULES))


def payout_exceptions(
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    quarantine: pd.DataFrame,
    eu_projects: pd.DataFrame | None,
    region: Region,
    more: Sequence[pd.DataFrame] = (),
) -> pd.DataFrame:
    """Every finding of every rule in the catalogue, ordered by year, rule, file and line.

    `eu_projects` is None when no register was delivered; `quarantine` holds the
    unreadable rows of every source; `more` are findings other stages fired (the
    statistics' `statistics_withheld`), sorted in with the rest.
    """
    inputs = RuleInputs(payouts, decisions, quarantine, eu_projects, region)
    with shared_lookups():  # the rules' payout-decision join, made once
        fired = [rule.run(inputs) for rule in CATALOGUE if rule.function is not None]
    return concat_findings([*fired, *more])


def markdown_table(rules: Iterable[Rule] = CATALOGUE) -> str:
    """The docs' rule table: name, severity, when it fires, what it reads, where the code is."""
    lines = [
        "<!-- Generated from tillvaxt/rules/catalogue.py by"
        " `python -m tillvaxt.docpages`; do not edit by hand. -->",
        "",
        "# Finding rules",
        "",
        "Every rule of the catalogue, in the order `payout_exceptions` lists findings. An",
        "`error` is something a controller must act on before the report is signed; a",
        "`warning` is something to look at. Each rule is also an asset check on",
        "`payout_exceptions` that fails (ERROR or WARN) when the rule has findings; the",
        "checks do not block the run.",
        "",
        "| rule | severity | fires when | reads | code |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        reads = ", ".join(f"`{p}`" for p in r.reads) or "(another stage)"
        lines.append(
            f"| `{r.name}` | {r.severity} | {_cell(r.description)} | {reads} | `{r.where}` |"
        )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
