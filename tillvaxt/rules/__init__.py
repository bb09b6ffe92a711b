"""The payout and decision rules: does each krona go where a decision allowed it to go?

Each rule is a plain function returning findings (`tillvaxt.rules.findings`);
`payout_exceptions` runs the whole catalogue and returns one frame, the content of
the published table `payout_exceptions`.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.region import Region
from tillvaxt.rules.decisions import (
    cap_exceeded,
    cofinancing_too_low,
    overpaid_decision,
    unknown_priority,
)
from tillvaxt.rules.eu import eu_project_mismatch, eu_project_unknown
from tillvaxt.rules.findings import RULES, concat_findings
from tillvaxt.rules.identity import invalid_org_number
from tillvaxt.rules.payouts import (
    instrument_mismatch,
    orphan_payout,
    payout_after_revocation,
    payout_outside_period,
    possible_duplicate_payment,
    recipient_mismatch,
)
from tillvaxt.rules.quarantine import unreadable_row

__all__ = ["RULES", "payout_exceptions"]


def payout_exceptions(
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    quarantine: pd.DataFrame,
    eu_projects: pd.DataFrame | None,
    region: Region,
) -> pd.DataFrame:
    """Every finding of every rule, ordered by year, rule, file and line.

    `eu_projects` is None when no register was delivered; `quarantine` holds the
    unreadable rows of every source.
    """
    return concat_findings(
        [
            unreadable_row(quarantine),
            orphan_payout(payouts, decisions),
            overpaid_decision(payouts, decisions),
            payout_after_revocation(payouts, decisions),
            recipient_mismatch(payouts, decisions),
            instrument_mismatch(payouts, decisions),
            invalid_org_number(payouts, decisions),
            cap_exceeded(decisions),
            payout_outside_period(payouts, decisions),
            cofinancing_too_low(decisions),
            possible_duplicate_payment(payouts),
            unknown_priority(decisions),
            eu_project_unknown(decisions, eu_projects),
            eu_project_mismatch(decisions, eu_projects, region),
        ]
    )
