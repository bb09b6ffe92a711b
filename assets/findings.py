"""Findings: the EU project register, every payout/decision rule, and what is left per decision.

Findings are reported, not blocking: each rule is an asset check on
`payout_exceptions` (ERROR for the rules a controller must act on, WARN for the
ones to look at) that fails when the rule has findings, so the UI shows the count
per rule, and the run carries on to publish them. What *does* block is a
"cannot reconcile" condition: these assets take `appropriation_reconciliation` as
an input, so when conflicting vouchers stop it, nothing here is published either.
"""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)

from assets._meta import money, preview
from assets._sources import (
    nothing_lost,
    nothing_lost_spec,
    raw_metadata,
    read_raw,
    validated_outs,
)
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.reconcile.balances import decision_balances as balances_table
from tillvaxt.rules import ERROR, RULES, concat_findings
from tillvaxt.rules import payout_exceptions as run_rules
from tillvaxt.rules.matching import with_decision
from tillvaxt.validate.eu_projects import read_eu_projects, validate_eu_projects


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv"},
    description="Tillväxtverket's EU project bank as delivered (optional; ','-separated, quoted multi-line fields), every record as text with its file and starting line.",
)
def raw_eu_projects(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    frame = read_raw(read_eu_projects, settings.raw_path)
    context.add_output_metadata(raw_metadata(frame))
    return frame


@multi_asset(
    partitions_def=REGIONS,
    outs=validated_outs(
        "eu_projects",
        "EU projects from Tillväxtverket's bank: case id, granted öre, period, counties; empty when no register is delivered.",
    ),
    check_specs=[nothing_lost_spec("eu_projects")],
)
def eu_projects(context: AssetExecutionContext, raw_eu_projects: pd.DataFrame):
    v = validate_eu_projects(raw_eu_projects)
    yield Output(v.valid, "eu_projects", metadata={"rows": len(v.valid)})
    yield Output(v.quarantine, "eu_projects_quarantine", metadata={"rows": len(v.quarantine)})
    yield nothing_lost("eu_projects", v)


def _severity(rule: str) -> AssetCheckSeverity:
    return AssetCheckSeverity.ERROR if RULES[rule].severity == ERROR else AssetCheckSeverity.WARN


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Every finding of the payout and decision rules (and every unreadable row), with year, rule, severity, voucher, decision, source file and line, difference and a message.",
    check_specs=[
        AssetCheckSpec(
            rule,
            asset="payout_exceptions",
            blocking=False,
            description=f"{RULES[rule].severity}s: {RULES[rule].description} (fails when there are any; reported, not blocking)",
        )
        for rule in RULES
    ],
)
def payout_exceptions(
    context: AssetExecutionContext,
    appropriation_reconciliation: pd.DataFrame,
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    quarantine: pd.DataFrame,
    eu_projects: pd.DataFrame,
    eu_projects_quarantine: pd.DataFrame,
    support_withheld: pd.DataFrame,
    survey_withheld: pd.DataFrame,
    settings: TillvaxtSettings,
):
    delivered = len(eu_projects) > 0 or len(eu_projects_quarantine) > 0
    # `quarantine` holds every source's unreadable rows, the EU register's included.
    table = run_rules(
        payouts, decisions, quarantine, eu_projects if delivered else None, settings.region()
    )
    # The statistics' own findings (a table withheld whole, and why).
    table = concat_findings([table, support_withheld, survey_withheld])
    counts = table["rule"].value_counts()
    yield Output(
        table,
        metadata={
            "rows": len(table),
            "errors": int((table["severity"] == ERROR).sum()),
            "warnings": int((table["severity"] != ERROR).sum()),
            "per_rule": MetadataValue.json({r: int(counts.get(r, 0)) for r in RULES}),
            "eu_register_delivered": delivered,
            "preview": preview(table, 20),
        },
    )
    for rule in RULES:
        mine = table[table["rule"] == rule]
        years = mine["year"].value_counts(dropna=False).sort_index()
        yield AssetCheckResult(
            asset_key="payout_exceptions",
            check_name=rule,
            passed=mine.empty,
            severity=_severity(rule),
            metadata={
                "findings": len(mine),
                "by_year": MetadataValue.json(
                    {("unknown" if pd.isna(y) else str(int(y))): int(n) for y, n in years.items()}
                ),
            },
        )


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Per decision of the newest snapshot: granted, paid to date over all years, remaining and status.",
    check_specs=[
        AssetCheckSpec(
            "every_krona_accounted",
            asset="decision_balances",
            description="paid on decisions + paid on no known decision = all payouts",
        )
    ],
)
def decision_balances(
    context: AssetExecutionContext,
    appropriation_reconciliation: pd.DataFrame,
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
):
    table = balances_table(payouts, decisions)
    joined = with_decision(payouts, decisions)
    orphan_ore = int(joined.loc[~joined["matched"], "amount_ore"].sum())
    on_decisions = int(table["paid_ore"].sum())
    total = int(payouts["amount_ore"].sum())
    yield Output(
        table,
        metadata={
            "rows": len(table),
            "statuses": MetadataValue.json(
                {k: int(v) for k, v in table["status"].value_counts().sort_index().items()}
            ),
            "granted_total": money(table["granted_ore"].sum()),
            "paid_total": money(on_decisions),
            "preview": preview(table, 10),
        },
    )
    yield AssetCheckResult(
        asset_key="decision_balances",
        check_name="every_krona_accounted",
        passed=on_decisions + orphan_ore == total,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "paid_on_decisions": money(on_decisions),
            "paid_on_no_known_decision": money(orphan_ore),
            "all_payouts": money(total),
        },
    )
