"""Ingest: every file of each source folder, read as text with file and line."""

import pandas as pd
from dagster import AssetExecutionContext, asset

from assets._sources import raw_metadata, read_raw
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.validate.appropriations import read_appropriations
from tillvaxt.validate.decisions import read_decisions
from tillvaxt.validate.payouts import read_payouts


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv"},
    description="Appropriation files (regleringsbrev) as delivered, every row as text with its file and line.",
)
def raw_appropriations(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    frame = read_raw(read_appropriations, settings.raw_path)
    context.add_output_metadata(raw_metadata(frame))
    return frame


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv"},
    description="Finance-system payout exports as delivered (overlapping), every row as text with its file and line.",
)
def raw_payouts(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    frame = read_raw(read_payouts, settings.raw_path)
    context.add_output_metadata(raw_metadata(frame))
    return frame


@asset(
    partitions_def=REGIONS,
    group_name="ingest",
    kinds={"csv", "excel"},
    description="Decision-register snapshots (CSV and XLSX) as delivered, every row as text with its file and line.",
)
def raw_decisions(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
    frame = read_raw(read_decisions, settings.raw_path)
    context.add_output_metadata(raw_metadata(frame))
    return frame
