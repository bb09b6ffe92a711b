"""Reconciled: the appropriation chain, usage per instrument, recipients per municipality."""

import pandas as pd
from dagster import AssetExecutionContext, Failure, MetadataValue, asset

from assets._meta import money, preview
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.reconcile.usage import appropriation_usage as usage_table
from tillvaxt.reconcile.usage import recipients_by_instrument as recipients_table
from tillvaxt.validate.payouts import conflict_message
from tillvaxt.validate.quarantine import empty_quarantine


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Every unreadable raw row of every source, with file, 1-based line and reason (rule unreadable_row).",
)
def quarantine(
    appropriations_quarantine: pd.DataFrame,
    payouts_quarantine: pd.DataFrame,
    decisions_quarantine: pd.DataFrame,
    eu_projects_quarantine: pd.DataFrame,
    profiles_quarantine: pd.DataFrame,
    survey_quarantine: pd.DataFrame,
    population_quarantine: pd.DataFrame,
) -> pd.DataFrame:
    sources = (
        appropriations_quarantine,
        payouts_quarantine,
        decisions_quarantine,
        eu_projects_quarantine,
        profiles_quarantine,
        survey_quarantine,
        population_quarantine,
    )
    frames = [f for f in sources if len(f)]
    out = pd.concat(frames, ignore_index=True) if frames else empty_quarantine()
    return out.sort_values(["source", "source_file", "source_line"]).reset_index(drop=True)


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
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
            "paid_total": money(table["paid_ore"].sum()),
            "preview": preview(table),
        }
    )
    return table


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Net amount paid per year, appropriation and instrument: the report's table 'Användning av anslag 1:1 (Kr)'.",
)
def appropriation_usage(
    context: AssetExecutionContext,
    appropriation_reconciliation: pd.DataFrame,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
) -> pd.DataFrame:
    table = usage_table(payouts, appropriations)
    context.add_output_metadata(
        {
            "rows": len(table),
            "paid_total": money(table["paid_ore"].sum()),
            "preview": preview(table, 12),
        }
    )
    return table


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Recipients (net payouts > 0), decisions and net SEK per year, instrument and municipality, with county totals.",
)
def recipients_by_instrument(
    context: AssetExecutionContext,
    appropriation_reconciliation: pd.DataFrame,
    payouts: pd.DataFrame,
    decisions: pd.DataFrame,
    settings: TillvaxtSettings,
) -> pd.DataFrame:
    table = recipients_table(payouts, decisions, settings.region())
    context.add_output_metadata(
        {"rows": len(table), "preview": preview(table[table["municipality"] == "Totalt"], 12)}
    )
    return table
