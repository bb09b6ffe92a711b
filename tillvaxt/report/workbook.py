"""The annual workbook `aterrapportering_<year>.xlsx`, laid out like the report's tables.

Written with xlsxwriter. Amounts carry the number format `#,##0`, which Excel and
LibreOffice show with the locale's thousands separator: `10 811 000` on a Swedish
machine (a literal `# ##0` would not group numbers above a million correctly). A
suppressed cell holds the text `..`, as in Statistics Sweden's tables. The last sheet
records the run: when, which code, the SHA-256 of every input file, the rules used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import xlsxwriter

from tillvaxt.publish.files import staged_file
from tillvaxt.report import tables as layout

THOUSANDS = "#,##0"
DECIMALS = "#,##0.00"
RUN_SHEET = "Körning"
USAGE_SHEET = "Användning av anslag 1.1"


@dataclass
class RunInfo:
    """What the run sheet records."""

    generated_at: str
    code_version: str
    raw_dir: str
    input_hashes: dict[str, str]
    rules: list[tuple[str, str]] = field(default_factory=list)
    certification: str = "ej certifierat"


def _number(value: object) -> float | int | None:
    """A cell value for Excel (which stores doubles); exact to the öre for report amounts."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def write_workbook(path: Path, year: int, tables: dict[str, pd.DataFrame], run: RunInfo) -> Path:
    """Write the year's workbook beside its final place and rename it (never half a file)."""
    with staged_file(path, suffix=".xlsx") as tmp:
        _write(tmp, year, tables, run)
    return path


def _write(path: Path, year: int, tables: dict[str, pd.DataFrame], run: RunInfo) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": f"Återrapportering {year}", "comments": run.code_version})
    f = {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "head": wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
        "num": wb.add_format({"num_format": THOUSANDS}),
        "dec": wb.add_format({"num_format": DECIMALS}),
        "num_total": wb.add_format({"num_format": THOUSANDS, "bold": True}),
        "label_total": wb.add_format({"bold": True}),
        "supp": wb.add_format({"align": "right"}),
        "note": wb.add_format({"italic": True}),
        "text": wb.add_format({"text_wrap": False}),
    }
    if "appropriation_usage" in tables and "appropriation_reconciliation" in tables:
        _usage_sheet(wb, f, year, tables)
    for name, title, columns in layout.REPORT_SECTIONS:
        if name in tables:
            _table_sheet(wb, f, title, layout.year_rows(tables[name], year, columns))
    _run_sheet(wb, f, year, run)
    wb.close()


def _usage_sheet(wb, f, year: int, tables: dict[str, pd.DataFrame]) -> None:
    t = layout.usage_table(
        tables["appropriation_usage"], tables["appropriation_reconciliation"], year
    )
    ws = wb.add_worksheet(USAGE_SHEET)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 14)
    ws.write(0, 0, f"Tabell: {t.title}", f["title"])
    row, gap = 2, False
    for line in t.lines:
        if line.total and not gap:
            row, gap = row + 1, True  # a blank line before the totals, as in the report
        label = f"{line.label}{line.note}"
        ws.write(row, 0, label, f["label_total"] if line.total else None)
        ws.write_number(row, 1, float(line.amount), f["num_total"] if line.total else f["num"])
        row += 1
    row += 1
    for note in t.footnotes:
        ws.write(row, 0, note, f["note"])
        row += 1


def _table_sheet(wb, f, title: str, frame: pd.DataFrame) -> None:
    ws = wb.add_worksheet(title[:31])
    shown = [c for c in frame.columns if c != "suppressed"]
    numeric = layout.numeric_columns(frame)
    for j, col in enumerate(shown):
        ws.write(0, j, layout.HEADINGS.get(col, col), f["head"])
        ws.set_column(j, j, 14 if col in numeric else 30)
    for i, (_, row) in enumerate(frame.iterrows(), start=1):
        for j, col in enumerate(shown):
            value = row[col]
            if col in numeric and layout.is_suppressed(row, col):
                ws.write_string(i, j, layout.SUPPRESSED, f["supp"])
            elif col in numeric:
                number = _number(value)
                if number is None:
                    ws.write_blank(i, j, None)
                else:
                    integral = col.endswith("_sek") or float(number).is_integer()
                    ws.write_number(i, j, number, f["num"] if integral else f["dec"])
            elif value is None or (not isinstance(value, str) and pd.isna(value)):
                ws.write_blank(i, j, None)
            else:
                ws.write_string(i, j, str(value))
    ws.freeze_panes(1, 0)
    if len(frame):
        ws.autofilter(0, 0, len(frame), len(shown) - 1)


def _run_sheet(wb, f, year: int, run: RunInfo) -> None:
    ws = wb.add_worksheet(RUN_SHEET)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 70)
    rows = [
        ("Återrapportering för år", str(year)),
        ("Skapad (UTC)", run.generated_at),
        ("Kodversion", run.code_version),
        ("Certifiering", run.certification),
        ("Rådata", run.raw_dir),
    ]
    r = 0
    for k, v in rows:
        ws.write(r, 0, k, f["label_total"])
        ws.write_string(r, 1, v)
        r += 1
    r = _pairs(ws, f, r + 1, ("Regler och tröskelvärden", ""), run.rules)
    _pairs(ws, f, r + 1, ("Indatafil", "SHA-256"), sorted(run.input_hashes.items()))


def _pairs(ws, f, r: int, heading: tuple[str, str], pairs) -> int:
    """A headed two-column block of text from row `r`; returns the row after it."""
    ws.write(r, 0, heading[0], f["head"])
    ws.write(r, 1, heading[1], f["head"])
    for k, v in pairs:
        r += 1
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    return r + 1
