"""Ingest: every file of each source folder, read as text with file and line."""

import pandas as pd
from dagster import AssetExecutionContext, MetadataValue, asset

from assets._meta import input_failure
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import FILE_COL
from tillvaxt.validate.appropriations import read_appropriations
from tillvaxt.validate.decisions import read_decisions
from tillvaxt.validate.payouts import read_payouts


def _files_meta(frame: pd.DataFrame) -> dict:
    counts = frame[FILE_COL].value_counts().sort_index()
    return {
        "rows_read": len(frame),
        "files": MetadataValue.md(
            "\n".join(f"- `{f}`: {n} rows" for f, n in counts.items()) or "_(none)_"
        ),
    }


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv"},
    description="Appropriation files (regleringsbrev) as delivered, every row as text with its file and line.",
)
def raw_appropriations(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    try:
        frame = read_appropriations(settings.raw_path)
    except InputError as exc:
        raise input_failure(exc) from exc
    context.add_output_metadata(_files_meta(frame))
    return frame


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv"},
    description="Finance-system payout exports as delivered (overlapping), every row as text with its file and line.",
)
def raw_payouts(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    try:
        frame = read_payouts(settings.raw_path)
    except InputError as exc:
        raise input_failure(exc) from exc
    context.add_output_metadata(_files_meta(frame))
    return frame


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv", "excel"},
    description="Decision-register snapshots (CSV and XLSX) as delivered, every row as text with its file and line.",
)
def raw_decisions(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    try:
        frame = read_decisions(settings.raw_path)
    except InputError as exc:
        raise input_failure(exc) from exc
    context.add_output_metadata(_files_meta(frame))
    return frame
