"""Reconciled: the quarantine union, the appropriation chain, usage per instrument,
recipients per municipality, support by priority, every finding, and what is left per decision.

Findings are reported, not blocking: each rule is an asset check on
`payout_exceptions` (ERROR for the rules a controller must act on, WARN for the
ones to look at) that fails when the rule has findings, so the UI shows the count
per rule, and the run carries on to publish them. What *does* block is a
"cannot reconcile" condition: every table after the chain depends on
`appropriation_reconciliation` (a dependency for order, not an input), so when
conflicting vouchers stop it, nothing after it is computed or published either.
"""

from collections.abc import Callable

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    Failure,
    MetadataValue,
    Output,
    asset,
)

from assets._meta import money, paid_by_year, preview
from assets.resources import TillvaxtSettings
from assets.sources import SOURCE_NAMES
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.reconcile.balances import decision_balances as balances_table
from tillvaxt.reconcile.priorities import support_by_priority as priority_table
from tillvaxt.reconcile.usage import appropriation_usage as usage_table
from tillvaxt.reconcile.usage import recipients_by_instrument as recipients_table
from tillvaxt.reconcile.vouchers import usage_differences
from tillvaxt.reconcile.vouchers import usage_vouchers as vouchers_table
from tillvaxt.rules import ERROR, RULES
from tillvaxt.rules import payout_exceptions as run_rules
from tillvaxt.rules.matching import with_decision
from tillvaxt.validate.payouts import conflict_message
from tillvaxt.validate.quarantine import empty_quarantine


def after_the_chain(description: str, **kwargs) -> Callable:
    """An asset computed after `appropriation_reconciliation` (a dependency for order
    only), so that conflicting vouchers, which stop the chain, stop it too."""
    return asset(
        deps=["appropriation_reconciliation"], kinds={"pandas"}, description=description, **kwargs
    )


def with_table_metadata(
    context: AssetExecutionContext,
    table: pd.DataFrame,
    shown: pd.DataFrame | None = None,
    rows: int = 12,
    paid: bool = True,
) -> pd.DataFrame:
    """The table, with its row count, paid per year and a masked preview (of `shown`) as metadata."""
    context.add_output_metadata(
        {
            "rows": len(table),
            **({"paid_by_year": paid_by_year(table)} if paid else {}),
            "preview": preview(table if shown is None else shown, rows),
        }
    )
    return table


@asset(
    kinds={"pandas"},
    description="Every unreadable raw row of every source, with file, 1-based line and reason (rule unreadable_row).",
    ins={f"{name}_quarantine": AssetIn(f"{name}_quarantine") for name in SOURCE_NAMES},
)
def quarantine(**quarantines: pd.DataFrame) -> pd.DataFrame:
    frames = [quarantines[f"{name}_quarantine"] for name in SOURCE_NAMES]
    frames = [f for f in frames if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else empty_quarantine()
    return out.sort_values(["source", "source_file", "source_line"]).reset_index(drop=True)


@asset(
    kinds={"pandas"},
    description="The appropriation's year chain: opening, allocated, paid, closing, withdrawn, carried over, credit limit and status.",
)
def appropriation_reconciliation(
    context: AssetExecutionContext,
    appropriations: pd.DataFrame,
    payouts: pd.DataFrame,
    quarantine: pd.DataFrame,
    payouts_conflicts: pd.DataFrame,
) -> pd.DataFrame:
    conflicts = payouts_conflicts
    if len(conflicts):
        years = sorted({y for ys in conflicts["years"] for y in ys})
        raise Failure(
            description=(
                f"Cannot reconcile year(s) {', '.join(map(str, years))}: "
                + "; ".join(conflict_message(r) for _, r in conflicts.iterrows())
                + ". Nothing was published; the previously published tables are unchanged."
            ),
            allow_retries=False,
        )
    table = reconcile_appropriations(appropriations, payouts, quarantine)
    context.add_output_metadata(
        {
            "rows": len(table),
            "statuses": MetadataValue.json(
                dict(
                    zip(
                        table["year"].astype(str) + " " + table["appropriation"],
                        table["status"],
                        strict=True,
                    )
                )
            ),
            "paid_by_year": paid_by_year(table),
            "preview": preview(table),
        }
    )
    return table


@after_the_chain(
    description="Net amount paid per year, appropriation and instrument: the report's table 'Användning av anslag 1:1 (Kr)'.",
)
def appropriation_usage(
    context: AssetExecutionContext,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
) -> pd.DataFrame:
    return with_table_metadata(context, usage_table(payouts, appropriations))


@after_the_chain(
    description="Every voucher charged to the appropriation (1:1): year, instrument, voucher, booking date, decision, recipient (masked where personal), amount, source file and line. The underlag of appropriation_usage.",
    check_specs=[
        AssetCheckSpec(
            "sums_to_usage",
            asset="usage_vouchers",
            blocking=True,
            description="the vouchers add up, to the öre, to appropriation_usage's paid per year and instrument (blocks the publication when not)",
        )
    ],
)
def usage_vouchers(
    context: AssetExecutionContext,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
    appropriation_usage: pd.DataFrame,
):
    table = vouchers_table(payouts, appropriations)
    differences = usage_differences(table, appropriation_usage)
    yield Output(
        table,
        metadata={
            "rows": len(table),
            "paid_by_year": paid_by_year(table),
            "preview": preview(table, 12),
        },
    )
    yield AssetCheckResult(
        asset_key="usage_vouchers",
        check_name="sums_to_usage",
        passed=differences.empty,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "differences": len(differences),
            "where": MetadataValue.json(
                {
                    f"{int(r.year)} {r.instrument}": f"vouchers {money(r.vouchers_ore)}, usage {money(r.usage_ore)}"
                    for r in differences.itertuples()
                }
            ),
        },
    )


@after_the_chain(
    description="Recipients (net payouts > 0), decisions and net SEK per year, instrument and municipality, with county totals.",
)
def recipients_by_instrument(
    context: AssetExecutionContext,
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    settings: TillvaxtSettings,
) -> pd.DataFrame:
    table = recipients_table(payouts, decisions, settings.region())
    return with_table_metadata(context, table, table[table["municipality"] == "Totalt"], paid=False)


@after_the_chain(
    description="Decisions, granted and paid per year × national priority × strategic choice × priority (decisions by decision date, payments by booking date).",
)
def support_by_priority(
    context: AssetExecutionContext,
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
    settings: TillvaxtSettings,
) -> pd.DataFrame:
    table = priority_table(decisions, payouts, appropriations, settings.region())
    return with_table_metadata(context, table, table[table["paid_ore"] != 0])


def _severity(rule: str) -> AssetCheckSeverity:
    return AssetCheckSeverity.ERROR if RULES[rule].severity == ERROR else AssetCheckSeverity.WARN


@after_the_chain(
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
    # With the statistics' own findings (a table withheld whole, and why), sorted in
    # once: a second sort of the whole table only to add them cost as much as the first.
    table = run_rules(
        payouts,
        decisions,
        quarantine,
        eu_projects if delivered else None,
        settings.region(),
        more=[support_withheld, survey_withheld],
    )
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
    by_year = findings_by_rule_year(table)
    for rule in RULES:
        mine = by_year.get(rule, {})
        yield AssetCheckResult(
            asset_key="payout_exceptions",
            check_name=rule,
            passed=not mine,
            severity=_severity(rule),
            metadata={"findings": sum(mine.values()), "by_year": MetadataValue.json(mine)},
        )


def findings_by_rule_year(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Findings per rule and year (`unknown` for no year), years in order, from one grouping.

    Filtering the whole table once per rule copied every column (the messages too) for
    each of the rules; counting the two key columns once is what the checks need.
    """
    out: dict[str, dict[str, int]] = {}
    sizes = table.groupby(["rule", "year"], dropna=False, sort=True, observed=True).size()
    for (rule, year), n in sizes.items():
        out.setdefault(rule, {})["unknown" if pd.isna(year) else str(int(year))] = int(n)
    return out


@after_the_chain(
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
