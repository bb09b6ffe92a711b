"""Reconciled: support by the growth strategy's priorities (table `support_by_priority`)."""

import pandas as pd
from dagster import AssetExecutionContext, asset

from assets._meta import money, preview
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.reconcile.priorities import support_by_priority as priority_table


@asset(
    partitions_def=REGIONS,
    group_name="reconciled",
    kinds={"pandas"},
    description="Decisions, granted and paid per year × national priority × strategic choice × priority (decisions by decision date, payments by booking date).",
)
def support_by_priority(
    context: AssetExecutionContext,
    appropriation_reconciliation: pd.DataFrame,
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    appropriations: pd.DataFrame,
    settings: TillvaxtSettings,
) -> pd.DataFrame:
    table = priority_table(decisions, payouts, appropriations, settings.region())
    context.add_output_metadata(
        {
            "rows": len(table),
            "paid_total": money(table["paid_ore"].sum()),
            "preview": preview(table[table["paid_ore"] != 0], 12),
        }
    )
    return table
