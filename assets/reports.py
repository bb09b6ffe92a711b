"""Published reports: restatements of certified years, the annual workbook, the HTML
report and the open-data export. They read what was published (the warehouse), so a
report shows exactly the figures a report author would pull, certified years as filed.
"""

import base64

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.published import PUBLISHED_TABLES
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.close.certify import certifications, read_restatements
from tillvaxt.publish.csvfiles import write_csv
from tillvaxt.publish.warehouse import has_table, read_table
from tillvaxt.report.charts import report_charts
from tillvaxt.report.html import report_html, write_html
from tillvaxt.report.opendata import grants_360, write_json
from tillvaxt.report.runinfo import run_info
from tillvaxt.report.workbook import RunInfo, write_workbook

PUBLISHED_KEYS = [AssetKey(["published", t]) for t in PUBLISHED_TABLES]


@asset(
    partitions_def=REGIONS,
    key_prefix="published",
    group_name="published",
    kinds={"sql", "csv"},
    deps=PUBLISHED_KEYS,
    description="Cells of certified years that the current inputs would change (the certified values stay published). In the warehouse and `<processed>/restatements.csv`.",
    check_specs=[
        AssetCheckSpec(
            "no_restatements",
            asset=AssetKey(["published", "restatements"]),
            description="No certified figure would change. Fails until the inputs are corrected or the year is reopened and certified again.",
        )
    ],
)
def restatements(context: AssetExecutionContext, settings: TillvaxtSettings) -> MaterializeResult:
    engine = settings.engine()
    try:
        table = read_restatements(engine)
        certified = sorted(int(y) for y in certifications(engine)["year"])
    finally:
        engine.dispose()
    write_csv(table, settings.processed_path / "restatements.csv")
    shown = table.head(50).to_markdown(index=False) if len(table) else "_(none)_"
    return MaterializeResult(
        metadata={
            "rows": len(table),
            "certified_years": MetadataValue.json(certified),
            "csv": MetadataValue.path(str(settings.processed_path / "restatements.csv")),
            "restatements": MetadataValue.md(shown),
        },
        check_results=[
            AssetCheckResult(
                check_name="no_restatements",
                passed=table.empty,
                severity=AssetCheckSeverity.ERROR,
                metadata={
                    "restatements": len(table),
                    "years": MetadataValue.json(sorted({int(y) for y in table["year"]})),
                    "tables": MetadataValue.json(sorted(set(table["table_name"]))),
                    "cells": MetadataValue.md(shown),
                },
            )
        ],
    )


def _published_frames(engine) -> dict[str, pd.DataFrame]:
    """Every published table in the warehouse, as report authors would pull it."""
    return {t: read_table(engine, t) for t in PUBLISHED_TABLES if has_table(engine, t)}


def _years(frames: dict[str, pd.DataFrame]) -> list[int]:
    recon = frames.get("appropriation_reconciliation")
    return sorted({int(y) for y in recon["year"]}) if recon is not None else []


def _report_years(
    settings: TillvaxtSettings,
) -> tuple[dict[str, pd.DataFrame], list[tuple[int, RunInfo]]]:
    """The published tables, and each reported year with its run information."""
    engine = settings.engine()
    try:
        frames = _published_frames(engine)
        certs = certifications(engine)
    finally:
        engine.dispose()
    return frames, [
        (year, run_info(settings.raw_path, year, frames["appropriation_reconciliation"], certs))
        for year in _years(frames)
    ]


@asset(
    partitions_def=REGIONS,
    key_prefix="published",
    group_name="published",
    kinds={"excel"},
    deps=[*PUBLISHED_KEYS, AssetKey(["published", "restatements"])],
    description="The annual workbook `<processed>/aterrapportering_<year>.xlsx` per year: the report's tables with Swedish number formats, '..' for suppressed cells, and a run sheet (time, code version, input hashes, rules).",
)
def aterrapportering_workbooks(
    context: AssetExecutionContext, settings: TillvaxtSettings
) -> MaterializeResult:
    frames, years = _report_years(settings)
    written = []
    for year, info in years:
        path = settings.processed_path / f"aterrapportering_{year}.xlsx"
        written.append(str(write_workbook(path, year, frames, info)))
    return MaterializeResult(
        metadata={
            "workbooks": MetadataValue.md("\n".join(f"- `{p}`" for p in written) or "_(none)_"),
            "years": MetadataValue.json(_years(frames)),
        }
    )


def _svg_markdown(charts: dict[str, str]) -> MetadataValue:
    """The charts as markdown images with data URIs, so the Dagster UI shows them."""
    parts = [
        f"**{caption}**\n\n![{caption}](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})"
        for caption, svg in charts.items()
    ]
    return MetadataValue.md("\n\n".join(parts) or "_(no charts)_")


@asset(
    partitions_def=REGIONS,
    key_prefix="published",
    group_name="published",
    kinds={"html"},
    deps=[*PUBLISHED_KEYS, AssetKey(["published", "restatements"])],
    description="The HTML report `<processed>/aterrapportering_<year>.html` per year: self-contained (inline SVG charts, no network), the report's tables and charts.",
)
def aterrapportering_html(
    context: AssetExecutionContext, settings: TillvaxtSettings
) -> MaterializeResult:
    frames, years = _report_years(settings)
    written, latest_charts = [], {}
    for year, info in years:
        charts = report_charts(frames, year)
        path = settings.processed_path / f"aterrapportering_{year}.html"
        written.append(str(write_html(path, report_html(year, frames, info, charts))))
        latest_charts = charts
    return MaterializeResult(
        metadata={
            "pages": MetadataValue.md("\n".join(f"- `{p}`" for p in written) or "_(none)_"),
            "charts": _svg_markdown(latest_charts),
        }
    )


@asset(
    partitions_def=REGIONS,
    key_prefix="published",
    group_name="published",
    kinds={"json"},
    ins={
        "decisions": AssetIn(key=AssetKey("decisions")),
        "payouts": AssetIn(key=AssetKey("payouts")),
    },
    deps=[AssetKey(["published", "appropriation_reconciliation"])],
    description="Open data: `<processed>/360giving_<year>.json`, the year's decisions and payouts to legal entities in the 360Giving Data Standard (SE-ON-<org number>); sole traders are left out.",
)
def open_data_360giving(
    context: AssetExecutionContext,
    settings: TillvaxtSettings,
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
) -> MaterializeResult:
    region = settings.region()
    years = sorted(
        set(payouts["year"]) | set(decisions["decision_date"].dt.year.dropna().astype(int))
    )
    written = {}
    for year in years:
        package = grants_360(decisions, payouts, region, int(year))
        if package["grants"]:
            path = settings.processed_path / f"360giving_{year}.json"
            write_json(path, package)
            written[str(path)] = len(package["grants"])
    return MaterializeResult(
        metadata={"files": MetadataValue.json(written), "grants": sum(written.values())}
    )
