"""The reports of a publication: the annual workbooks, the HTML report, the Word draft of
the appropriation section and the open-data export, written into the run's directory from the publication's own transaction, so a
report shows exactly the figures committed with it (certified years as filed) and lands
in the same file set (`tillvaxt.publish.publisher`). Called by `assets.published`.
"""

from __future__ import annotations

import base64
from collections.abc import MutableMapping
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from dagster import MetadataValue

from assets.resources import TillvaxtSettings
from tillvaxt.close.certify import certifications
from tillvaxt.close.opendata import certified_packages, open_data_name
from tillvaxt.close.review import read_reviews
from tillvaxt.provenance import code_version, input_hashes
from tillvaxt.region import Region
from tillvaxt.report.charts import paid_per_instrument_svg, report_charts
from tillvaxt.report.html import report_html, write_html
from tillvaxt.report.opendata import export_frames, write_json, write_open_data
from tillvaxt.report.runinfo import run_info
from tillvaxt.report.tables import split_years
from tillvaxt.report.word import write_docx
from tillvaxt.report.workbook import write_workbook
from tillvaxt.report.worker import Worker

REPORTS = {
    "aterrapportering_workbooks": (
        {"excel"},
        "The annual workbook `<processed>/aterrapportering_<year>.xlsx` per year: the report's "
        "tables with Swedish number formats, '..' for suppressed cells, and a run sheet (time, "
        "code version, input hashes, rules).",
    ),
    "aterrapportering_html": (
        {"html"},
        "The HTML report `<processed>/aterrapportering_<year>.html` per year: self-contained "
        "(inline SVG charts, no network), the report's tables and charts.",
    ),
    "aterrapportering_docx": (
        {"docx"},
        "The Word draft `<processed>/aterrapportering_<year>.docx` per year: the section "
        "'Användningen av medel från anslag 1:1' as paragraphs generated from the published "
        "tables (allocated, paid per instrument, the balance and its financing, cheques, what "
        "was paid beside the appropriation) and the table in a Word table style.",
    ),
    "open_data_360giving": (
        {"json"},
        "Open data: `<processed>/360giving_<year>.json`, the year's decisions and payouts to legal "
        "entities in the 360Giving Data Standard (SE-ON-<org number>); sole traders are left out.",
    ),
}


# The published tables the reports read (the findings, quarantine and decision balances
# are published as tables only), handed over by the publisher as committed.
REPORT_TABLES = (
    "appropriation_reconciliation",
    "appropriation_usage",
    "recipients_by_instrument",
    "support_by_priority",
    "support_by_group",
    "survey_estimates",
    "usage_vouchers",
)

# Tables a year's documents read across years: the usage chart shows every year, and the
# reconciliation and certifications are small.
WHOLE = ("appropriation_usage", "appropriation_reconciliation")

# The open-data export is built in a worker for this many payouts and decisions (together)
# and up to WORKER_UP_TO_ROWS. Below, a worker's interpreter and imports (about a second
# of CPU here) cost more than the export (milliseconds on the sample; 1.1 s of CPU at
# 100 000 payouts, where the worker saves 2-3 s of wall time). Above, its copy of the
# frames (550 MB at 1 000 000 payouts) beside this process, which holds the
# publication's inputs, would take the job past 2 GB: it is built here, 4 s later.
WORKER_FROM_ROWS = 50_000
WORKER_UP_TO_ROWS = 500_000


def _svg_markdown(charts: dict[str, str]) -> MetadataValue:
    """The charts as markdown images with data URIs, so the Dagster UI shows them."""
    parts = [
        f"**{caption}**\n\n![{caption}](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})"
        for caption, svg in charts.items()
    ]
    return MetadataValue.md("\n\n".join(parts) or "_(no charts)_")


def _listing(settings: TillvaxtSettings, names: list[str]) -> MetadataValue:
    shown = [f"- `{settings.processed_path / n}`" for n in names]
    return MetadataValue.md("\n".join(shown) or "_(none)_")


def write_reports(
    conn: sa.Connection,
    run_dir: Path,
    settings: TillvaxtSettings,
    tables: MutableMapping[str, pd.DataFrame],
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
) -> dict[str, dict]:
    """Write every report of the run into `run_dir`; metadata per report asset name.

    `tables` are the published `REPORT_TABLES` as the publication's transaction holds
    them (`publish_run(keep=...)`), so the reports show exactly what is committed; they
    are taken out of it (the mapping is left empty) and released once the documents are
    written.

    The open-data export reads only the decisions and payouts: it is built in a worker
    process (`Worker`) while this one writes the documents, the two halves of the work
    on the machine's two cores. Every file is in `run_dir` when this returns; if either
    side fails, the worker is stopped before the error goes on to the publisher, which
    removes the run directory.
    """
    region = settings.region()
    # A certified year's export is its certified package, not one rebuilt from today's inputs.
    frozen = certified_packages(conn)
    open_years = sorted(
        {int(y) for y in payouts["year"].unique().tolist()}  # once per distinct year
        | {int(y) for y in decisions["decision_date"].dt.year.dropna().unique().tolist()}
        | set(frozen)
    )
    fresh = {y: open_data_name(y) for y in open_years if not frozen.get(y)}
    with Worker(
        "360Giving export",
        write_open_data,
        run_dir.absolute(),  # the worker starts in the code's directory
        fresh,
        *export_frames(decisions, payouts),
        region,
        in_process=not WORKER_FROM_ROWS <= len(payouts) + len(decisions) <= WORKER_UP_TO_ROWS,
    ) as export:
        workbooks, pages, drafts, latest_charts, years = _documents(
            conn, run_dir, settings, tables, region
        )
        for year in open_years:
            if frozen.get(year) and frozen[year]["grants"]:
                write_json(run_dir / open_data_name(year), frozen[year])
        built = export.result()
    grants = {}
    for year in open_years:
        name = open_data_name(year)
        count = len(frozen[year]["grants"]) if frozen.get(year) else built.get(name, 0)
        if count:
            grants[str(settings.processed_path / name)] = count
    return {
        "aterrapportering_workbooks": {
            "workbooks": _listing(settings, workbooks),
            "years": MetadataValue.json(years),
        },
        "aterrapportering_html": {
            "pages": _listing(settings, pages),
            "charts": _svg_markdown(latest_charts),
        },
        "aterrapportering_docx": {"drafts": _listing(settings, drafts)},
        "open_data_360giving": {
            "files": MetadataValue.json(grants),
            "grants": sum(grants.values()),
            "certified_years": MetadataValue.json(sorted(frozen)),
        },
    }


def _documents(
    conn: sa.Connection,
    run_dir: Path,
    settings: TillvaxtSettings,
    tables: MutableMapping[str, pd.DataFrame],
    region: Region,
) -> tuple[list[str], list[str], list[str], dict[str, str], list[int]]:
    """Each year's workbook, HTML page and Word draft; their names, the last year's
    charts and the years."""
    # Taken over from the publisher (which empties `kept` after this call anyway), so the
    # tables are let go once the documents are written.
    frames = {name: tables.pop(name) for name in list(tables)}
    frames["restatement_reviews"] = read_reviews(conn)  # the workbook's run sheet lists them
    certs = certifications(conn)
    recon = frames.get("appropriation_reconciliation")
    years = sorted({int(y) for y in recon["year"]}) if recon is not None else []
    # Each table is split by year once; a year's documents then read only its own rows.
    # The usage chart and the funding comparison compare years, so those stay whole.
    per_year = split_years({k: v for k, v in frames.items() if k not in WHOLE})
    hashes, version = input_hashes(settings.raw_path), code_version()  # once, not per year
    usage = frames.get("appropriation_usage")
    usage_svg = paid_per_instrument_svg(usage) if usage is not None and len(usage) else None
    workbooks, pages, drafts, latest_charts = [], [], [], {}
    for year in years:
        split = per_year.get(year, {})
        mine = {
            k: split.get(k, f.iloc[0:0]) if k not in WHOLE and "year" in f.columns else f
            for k, f in frames.items()
        }
        info = run_info(settings.raw_path, year, recon, certs, hashes=hashes, version=version)
        name = f"aterrapportering_{year}.xlsx"
        write_workbook(run_dir / name, year, mine, info, region.indicator_labels)
        workbooks.append(name)
        charts = report_charts(mine, year, usage_svg)
        name = f"aterrapportering_{year}.html"
        write_html(run_dir / name, report_html(year, mine, info, charts, region.indicator_labels))
        pages.append(name)
        name = f"aterrapportering_{year}.docx"
        stamp = (
            f"Utkast skapat {info.generated_at} UTC ur de publicerade tabellerna "
            f"({info.certification}). Siffrorna är de publicerade; redigera texten, inte dem."
        )
        write_docx(run_dir / name, year, mine, region.name, stamp)
        drafts.append(name)
        latest_charts = charts
    return workbooks, pages, drafts, latest_charts, years
