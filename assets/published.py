"""Published: the finished tables, written whole to the warehouse and to CSV.

One asset per table under the key prefix `published`, so the graph reads
raw → validated → reconciled → published. Each write is one transaction (and an
atomic file rename): a reader never sees half a table.
"""

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetsDefinition,
    Backoff,
    Jitter,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
)

from assets._meta import preview
from assets._schema import published_table_metadata
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.publish.publisher import publish_table
from tillvaxt.publish.tables import DESCRIPTIONS

PUBLISHED_TABLES = [
    "appropriation_reconciliation",
    "appropriation_usage",
    "recipients_by_instrument",
    "support_by_priority",
    "quarantine",
    "payout_exceptions",
    "decision_balances",
    "support_by_group",
    "survey_estimates",
]

# Writing to the warehouse is the step a transient fault (database restart, network
# blip) breaks; the write is whole-or-nothing, so repeating it is safe. 10, 20, 40 s.
# Input errors raise `Failure(allow_retries=False)` and are not repeated.
PUBLISH_RETRY = RetryPolicy(
    max_retries=3, delay=10, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)


GATE = "ready_to_publish"


@asset(
    name=GATE,
    group_name="published",
    partitions_def=REGIONS,
    deps=[AssetKey(t) for t in PUBLISHED_TABLES],
    description=(
        "Passes only when every table to publish was computed: if any source, check or "
        "reconciliation fails, nothing is published and the previous tables stay as they were."
    ),
)
def ready_to_publish() -> MaterializeResult:
    return MaterializeResult(metadata={"tables": MetadataValue.json(PUBLISHED_TABLES)})


def published_asset(table: str) -> AssetsDefinition:
    """The asset that publishes reconciled table `table`."""

    @asset(
        partitions_def=REGIONS,
        name=table,
        key_prefix="published",
        group_name="published",
        kinds={"sql", "csv"},
        ins={"frame": AssetIn(key=AssetKey(table))},
        deps=[AssetKey(GATE)],
        retry_policy=PUBLISH_RETRY,
        description=f"Published table `{table}`: {DESCRIPTIONS[table]} In the warehouse and as `<processed>/{table}.csv`.",
    )
    def _publish(
        context: AssetExecutionContext, settings: TillvaxtSettings, frame: pd.DataFrame
    ) -> MaterializeResult:
        engine = settings.engine()
        try:
            published = publish_table(table, frame, engine, settings.processed_path)
        finally:
            engine.dispose()
        return MaterializeResult(
            metadata={
                "rows": len(published),
                "csv": MetadataValue.path(str(settings.processed_path / f"{table}.csv")),
                "warehouse_table": table,
                "preview": preview(frame),
                **published_table_metadata(published, frame, AssetKey(table)),
            }
        )

    return _publish


published_assets = [ready_to_publish, *(published_asset(t) for t in PUBLISHED_TABLES)]
