"""The payout and decision rules: does each krona go where a decision allowed it to go?

Each rule is a plain function returning findings (`tillvaxt.rules.findings`) and is
declared as a `Rule` beside it; `tillvaxt.rules.catalogue` lists them all, and
`payout_exceptions` runs that catalogue and returns one frame, the content of the
published table `payout_exceptions`.
"""

from __future__ import annotations

from tillvaxt.rules.catalogue import CATALOGUE, RULES, concat_findings, payout_exceptions
from tillvaxt.rules.rule import ERROR, WARNING, Rule, RuleInputs

__all__ = [
    "CATALOGUE",
    "ERROR",
    "RULES",
    "WARNING",
    "Rule",
    "RuleInputs",
    "concat_findings",
    "payout_exceptions",
]
