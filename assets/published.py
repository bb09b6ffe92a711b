"""Published: every finished table and report, written as one publication.

One step (a multi-asset) publishes the whole run: every table in one warehouse
transaction and every file (CSVs, workbooks, HTML, JSON) as one set switched in
with one rename (`tillvaxt.publish.publisher`). A reader never sees half a run, and a
failed or killed publication leaves the previous one whole. Each table and report
keeps its own asset key under `published/`, so the graph still reads
raw → validated → reconciled → published and the UI shows each one's metadata.
"""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetSpec,
    Backoff,
    Failure,
    Jitter,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
    multi_asset,
)

from assets._meta import paid_by_year, preview
from assets._reports import REPORT_TABLES, REPORTS, write_reports
from assets._schema import declared_table_schema, published_table_metadata
from assets.resources import TillvaxtSettings
from tillvaxt.publish.errors import is_configuration, is_transient, sentence
from tillvaxt.publish.lock import RunLocked, run_lock
from tillvaxt.publish.publisher import new_run_name, publish_run
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
    "usage_vouchers",
]
RESTATEMENTS = "restatements"
# The tables whose paid_sek adds up within a year (no margins or county totals in them).
PAID_BY_YEAR = ("appropriation_reconciliation", "appropriation_usage", "usage_vouchers")

# A transient fault (database restart, network blip, a locked SQLite file) may pass;
# the publication is whole-or-nothing, so repeating it is safe. 10, 20, 40 s.
# Everything else (input, configuration, a bug) raises `Failure(allow_retries=False)`.
PUBLISH_RETRY = RetryPolicy(
    max_retries=3, delay=10, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)
# How long a scheduled or UI run waits for another run on the same processed directory.
LOCK_WAIT_SECONDS = 30 * 60

GATE = "ready_to_publish"


@asset(
    name=GATE,
    deps=[AssetKey(t) for t in PUBLISHED_TABLES],
    description=(
        "Passes only when every table to publish was computed: if any source, check or "
        "reconciliation fails, nothing is published and the previous tables stay as they were."
    ),
)
def ready_to_publish() -> MaterializeResult:
    return MaterializeResult(metadata={"tables": MetadataValue.json(PUBLISHED_TABLES)})


def _key(name: str) -> AssetKey:
    return AssetKey(["published", name])


_SPECS = [
    *(
        AssetSpec(
            _key(t),
            kinds={"sql", "csv"},
            deps=[AssetKey(t), AssetKey(GATE)],
            description=f"Published table `{t}`: {DESCRIPTIONS[t]} In the warehouse and as `<processed>/{t}.csv`.",
            metadata={"dagster/column_schema": declared_table_schema(t)},
        )
        for t in PUBLISHED_TABLES
    ),
    AssetSpec(
        _key(RESTATEMENTS),
        kinds={"sql", "csv"},
        deps=[AssetKey(GATE)],
        description="Cells of certified years that the current inputs would change (the certified values stay published). In the warehouse and `<processed>/restatements.csv`.",
    ),
    *(
        AssetSpec(
            _key(name),
            kinds=kinds,
            deps=[
                AssetKey(GATE),
                *(
                    [AssetKey("decisions"), AssetKey("payouts")]
                    if name == "open_data_360giving"
                    else []
                ),
            ],
            description=text,
        )
        for name, (kinds, text) in REPORTS.items()
    ),
]


def _table_metadata(
    t: str, published: pd.DataFrame, source: pd.DataFrame, processed: Path
) -> dict[str, object]:
    """A published table's asset metadata, made while the publisher holds the frame
    (it releases it once written; the run directory is added after the commit)."""
    return {
        "rows": len(published),
        "csv": MetadataValue.path(str(processed / f"{t}.csv")),
        "warehouse_table": t,
        "run_directory": None,  # known after the commit; the key keeps its place
        "preview": preview(source),
        **({"paid_by_year": paid_by_year(published, "paid_sek")} if t in PAID_BY_YEAR else {}),
        **published_table_metadata(published, source, AssetKey(t)),
    }


@multi_asset(
    name="publish",
    specs=_SPECS,
    ins={
        **{t: AssetIn(key=AssetKey(t)) for t in PUBLISHED_TABLES},
        "decisions": AssetIn(key=AssetKey("decisions")),
        "payouts": AssetIn(key=AssetKey("payouts")),
    },
    check_specs=[
        AssetCheckSpec(
            "no_restatements",
            asset=_key(RESTATEMENTS),
            description="No certified figure would change without a review. Fails while a restatement is unreviewed: correct the inputs, review it (`tillvaxt review-restatement`) or reopen the year and certify it again.",
        )
    ],
    retry_policy=PUBLISH_RETRY,
    can_subset=False,
)
def publish(
    context: AssetExecutionContext, settings: TillvaxtSettings, **inputs: pd.DataFrame
) -> Iterator[MaterializeResult | AssetCheckResult]:
    """Publish the run: one transaction, one file set, under the processed directory's lock."""
    frames = {t: inputs[t] for t in PUBLISHED_TABLES}
    try:
        processed = settings.processed_path
        with settings.warehouse() as warehouse, run_lock(processed, wait_seconds=LOCK_WAIT_SECONDS):
            pub = publish_run(
                frames,
                warehouse.engine,
                processed,
                new_run_name(context.run_id),
                describe=lambda t, published: _table_metadata(t, published, frames[t], processed),
                reports=lambda conn, run_dir, kept: write_reports(
                    conn,
                    run_dir,
                    settings,
                    kept,
                    inputs["decisions"],
                    inputs["payouts"],
                ),
                keep=REPORT_TABLES,
            )
    except RunLocked as exc:
        raise Failure(description=str(exc), allow_retries=False) from exc
    except Exception as exc:
        if is_transient(exc):
            raise
        kind = "configuration" if is_configuration(exc) else "bug"
        raise Failure(
            description=sentence(exc), metadata={"kind": kind}, allow_retries=False
        ) from exc
    context.log.info(f"published run directory runs/{pub.run} ({len(pub.files)} files)")
    for t in PUBLISHED_TABLES:
        metadata = pub.described[t]
        yield MaterializeResult(asset_key=_key(t), metadata={**metadata, "run_directory": pub.run})
    table = pub.restatements
    unreviewed = table[table["reviewed_by"].isna()] if len(table) else table
    shown = table.head(50).to_markdown(index=False) if len(table) else "_(none)_"
    yield MaterializeResult(
        asset_key=_key(RESTATEMENTS),
        metadata={
            "rows": len(table),
            "certified_years": MetadataValue.json(pub.certified_years),
            "csv": MetadataValue.path(str(processed / "restatements.csv")),
            "restatements": MetadataValue.md(shown),
        },
        check_results=[
            AssetCheckResult(
                asset_key=_key(RESTATEMENTS),
                check_name="no_restatements",
                passed=unreviewed.empty,
                severity=AssetCheckSeverity.ERROR,
                metadata={
                    "restatements": len(table),
                    "reviewed": len(table) - len(unreviewed),
                    "unreviewed": len(unreviewed),
                    "years": MetadataValue.json(sorted({int(y) for y in unreviewed["year"]})),
                    "tables": MetadataValue.json(sorted(set(unreviewed["table_name"]))),
                    "cells": MetadataValue.md(shown),
                },
            )
        ],
    )
    for name in REPORTS:
        yield MaterializeResult(asset_key=_key(name), metadata=pub.reports.get(name, {}))


published_assets = [ready_to_publish, publish]
