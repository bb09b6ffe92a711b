"""The annual workbook `aterrapportering_<year>.xlsx`, laid out like the report's tables.

Written with xlsxwriter. Amounts carry the number format `#,##0`, which Excel and
LibreOffice show with the locale's thousands separator: `10 811 000` on a Swedish
machine (a literal `# ##0` would not group numbers above a million correctly). A
suppressed cell holds the text `..`, as in Statistics Sweden's tables. The sheet
"Om tabellerna" explains the rules; "Underlag <year>" lists the vouchers behind the
appropriation's figures (above `VOUCHER_SHEET_MAX` in a year, each instrument's figure,
count and where its vouchers are published); the last sheet records the run: when, which code, the
SHA-256 of every input file, the rules used, the reviewed restatements.

Every sheet prints: A4 landscape, fitted to the page width (long tables run on over
more pages, never a column on its own page), header rows repeated, page numbers in
the footer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import xlsxwriter

from tillvaxt.instruments import REPORT_ORDER, instrument_name
from tillvaxt.publish.files import staged_file
from tillvaxt.publish.schema import csv_header
from tillvaxt.report import tables as layout
from tillvaxt.report.xlsxrows import Column, write_rows

THOUSANDS = "#,##0"
DECIMALS = "#,##0.00"
KRONOR = '#,##0.00 "kr"'
RUN_SHEET = "Körning"
USAGE_SHEET = "Användning av anslag 1.1"
ABOUT_SHEET = "Om tabellerna"
A4 = 9  # xlsxwriter's paper code
FOOTER = "&L&A&RSida &P av &N"


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


def write_workbook(
    path: Path,
    year: int,
    tables: Mapping[str, pd.DataFrame],
    run: RunInfo,
    indicator_labels: Mapping[str, str] | None = None,
) -> Path:
    """Write the year's workbook beside its final place and rename it (never half a file).

    `tables` are the published tables (all years, or only the year's rows);
    `indicator_labels` names the survey indicators as the region does.
    """
    with staged_file(path, suffix=".xlsx") as tmp:
        _write(tmp, year, tables, run, indicator_labels or {})
    return path


def _print_setup(ws, header_rows: int) -> None:
    """A4 landscape, one page wide, header rows on every page, page numbers in the footer."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_footer(FOOTER)


def _write(
    path: Path,
    year: int,
    tables: Mapping[str, pd.DataFrame],
    run: RunInfo,
    indicator_labels: Mapping[str, str],
) -> None:
    # Rows are written in order, sheet by sheet: constant_memory streams each row to disk,
    # so a year with a million vouchers does not hold millions of cells in memory.
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
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
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "sup": wb.add_format({"font_script": 1}),
        "sup_total": wb.add_format({"font_script": 1, "bold": True}),
        "kr": wb.add_format({"num_format": KRONOR}),
        "kr_total": wb.add_format({"num_format": KRONOR, "bold": True, "top": 1}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
    }
    if "appropriation_usage" in tables and "appropriation_reconciliation" in tables:
        _usage_sheet(wb, f, year, tables)
    for name, title, columns in layout.REPORT_SECTIONS:
        if name in tables:
            rows = layout.year_rows(tables[name], year, columns)
            if name == "survey_estimates" and "indicator" in rows:
                rows["indicator"] = rows["indicator"].map(lambda i: indicator_labels.get(i, i))
            _table_sheet(wb, f, title, rows)
    if "usage_vouchers" in tables:
        _vouchers_sheet(wb, f, year, tables["usage_vouchers"])
    _about_sheet(wb, f, year, tables)
    reviews = tables.get("restatement_reviews")
    _run_sheet(wb, f, year, run, None if reviews is None else layout.year_rows(reviews, year, None))
    wb.close()


def _usage_sheet(wb, f, year: int, tables: dict[str, pd.DataFrame]) -> None:
    t = layout.usage_table(
        tables["appropriation_usage"], tables["appropriation_reconciliation"], year
    )
    ws = wb.add_worksheet(USAGE_SHEET)
    _print_setup(ws, 0)
    ws.set_portrait()  # a two-column table: portrait reads like the report's page
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 14)
    ws.write(0, 0, f"Tabell: {t.title}", f["title"])
    row, gap = 2, False
    for line in t.lines:
        if line.total and not gap:
            row, gap = row + 1, True  # a blank line before the totals, as in the report
        bold = f["label_total"] if line.total else None
        if line.note:  # the footnote mark as a real superscript: "anslag¹", not "anslag1"
            sup = f["sup_total"] if line.total else f["sup"]
            ws.write_rich_string(row, 0, *([bold] if bold else []), line.label, sup, line.note)
        else:
            ws.write(row, 0, line.label, bold)
        ws.write_number(row, 1, float(line.amount), f["num_total"] if line.total else f["num"])
        row += 1
    row += 1
    for note in t.footnotes:
        ws.write(row, 0, note, f["note"])
        row += 1


def _text_width(values: pd.Series, col: str) -> int:
    """A text column as wide as its longest value (within reason), so fit-to-width scales
    the printed page as little as the content allows."""
    longest = int(values.dropna().astype(str).str.len().max()) if values.notna().any() else 0
    return max(8, min(max(longest, len(layout.HEADINGS.get(col, col))) + 2, 45))


def _table_sheet(wb, f, title: str, frame: pd.DataFrame) -> None:
    ws = wb.add_worksheet(title[:31])
    _print_setup(ws, 1)
    shown = [c for c in frame.columns if c != "suppressed"]
    numeric = layout.numeric_columns(frame)
    for j, col in enumerate(shown):
        ws.write(0, j, layout.HEADINGS.get(col, col), f["head"])
        ws.set_column(j, j, 14 if col in numeric else _text_width(frame[col], col))
    # Column by column as Python values (iterrows built a Series per row), all rows at once.
    flags = frame["suppressed"].tolist() if "suppressed" in frame else [None] * len(frame)
    columns = []
    for j, col in enumerate(shown):
        cells = [
            _table_cell(col, col in numeric, f, flag, v)
            for flag, v in zip(flags, frame[col].tolist(), strict=True)
        ]
        columns.append(Column(j, [v for v, _ in cells], [fmt for _, fmt in cells]))
    write_rows(ws, 1, columns)
    ws.freeze_panes(1, 0)
    if len(frame):
        ws.autofilter(0, 0, len(frame), len(shown) - 1)


def _table_cell(col: str, numeric: bool, f, flag: object, value: object) -> tuple[object, object]:
    """A table cell's value and format: `..` for a suppressed number, a number (whole or
    with decimals), a text, or None for no cell."""
    if numeric and layout.is_suppressed(flag, value):
        return layout.SUPPRESSED, f["supp"]
    if numeric:
        number = _number(value)
        if number is None:
            return None, None
        integral = col.endswith("_sek") or float(number).is_integer()
        return number, f["num"] if integral else f["dec"]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None, None
    return str(value), None


# The published table's columns (its one declaration), less the sheet's year and the
# instrument it groups by.
VOUCHER_COLUMNS = [c for c in csv_header("usage_vouchers") if c not in ("year", "instrument")]


# A year with more vouchers than this gets a summary sheet instead of the list: per
# instrument the figure, its vouchers' count and where they are (`usage_vouchers.csv`
# and the warehouse table, rows of the year and instrument). Writing a cell costs
# xlsxwriter about 5-10 µs, so a list of 100 000 vouchers costs 5-10 s per workbook;
# far below Excel's own limit of 1 048 576 rows per sheet, and a list longer than this
# is filtered in the CSV or in SQL rather than read in the workbook.
VOUCHER_SHEET_MAX = 50_000
# Excel's day 0 for the 1900 date system (xlsxwriter's `write_datetime` counts from it).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _vouchers_start(wb, f, year: int, heads: list[str]):
    """The voucher sheet with its title and header rows (repeated on every page)."""
    ws = wb.add_worksheet(f"Underlag {year}")
    _print_setup(ws, 2)
    ws.write(0, 0, f"Underlag: verifikationer som belastar anslag 1:1 under {year}", f["title"])
    for j, head in enumerate(heads):
        ws.write(1, j, head, f["head"])
    ws.freeze_panes(2, 0)
    return ws


def _by_instrument(mine: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The year's vouchers per instrument, instruments in the report's order."""
    order = {c: i for i, c in enumerate(REPORT_ORDER)}
    return sorted(mine.groupby("instrument"), key=lambda kv: (order.get(kv[0], 99), kv[0]))


def _vouchers_sheet(wb, f, year: int, vouchers: pd.DataFrame, most: int | None = None) -> None:
    """ "Underlag <year>": the vouchers behind each instrument's figure, with exact subtotals.

    Sums are Decimal (exact to the öre) and written as numbers; Excel's doubles hold
    them exactly at these magnitudes. Above `most` vouchers (`VOUCHER_SHEET_MAX`) the
    sheet summarises and points to the published table instead (`_vouchers_summary`).
    """
    mine = vouchers[vouchers["year"].astype("int64") == year]
    if mine.empty:
        return
    if len(mine) > (VOUCHER_SHEET_MAX if most is None else most):
        _vouchers_summary(wb, f, year, mine)
        return
    ws = _vouchers_start(wb, f, year, ["Insats", *(layout.HEADINGS[c] for c in VOUCHER_COLUMNS)])
    for j, width in enumerate((26, 14, 13, 14, 16, 34, 16, 30, 7)):
        ws.set_column(j, j, width)
    r, total = 2, Decimal(0)
    for code, rows in _by_instrument(mine):
        name = instrument_name(str(code))
        rows = rows.sort_values(["booking_date", "voucher_id"], kind="stable")
        # Column by column as Python values; the booking date as Excel's day number,
        # which is what `write_datetime` writes for a date.
        days = (pd.to_datetime(rows["booking_date"]) - EXCEL_EPOCH).dt.days.tolist()
        texts = [
            [None if pd.isna(v) else str(v) for v in rows[c].astype(object).tolist()]
            for c in ("voucher_id", "decision_id", "recipient_id", "recipient_name")
        ]
        amounts = [Decimal(v) for v in rows["paid_sek"].tolist()]
        files = [str(v) for v in rows["source_file"].tolist()]
        lines = [int(v) for v in rows["source_line"].tolist()]
        r = write_rows(
            ws,
            r,
            [
                Column(0, [name] * len(days)),
                Column(1, texts[0]),
                Column(2, days, f["date"]),
                Column(3, texts[1]),
                Column(4, texts[2]),
                Column(5, texts[3]),
                Column(6, [float(a) for a in amounts], f["kr"]),
                Column(7, files),
                Column(8, lines),
            ],
        )
        subtotal = sum(amounts, Decimal(0))
        ws.write(r, 0, f"Summa {name}", f["label_total"])
        ws.write_number(r, 6, float(subtotal), f["kr_total"])
        total += subtotal
        r += 2
    ws.write(r, 0, f"Summa anslag 1:1 {year}", f["label_total"])
    ws.write_number(r, 6, float(total), f["kr_total"])


def _vouchers_summary(wb, f, year: int, mine: pd.DataFrame) -> None:
    """The voucher sheet of a year with too many vouchers to list: per instrument its
    figure (exact subtotal) and count, and where each instrument's vouchers are."""
    ws = _vouchers_start(
        wb, f, year, ["Insats", "Verifikationer", "Belopp", "Var verifikationerna finns"]
    )
    for j, width in enumerate((34, 14, 18, 90)):
        ws.set_column(j, j, width)
    r, total, count = 2, Decimal(0), 0
    for code, rows in _by_instrument(mine):
        subtotal = sum((Decimal(v) for v in rows["paid_sek"].tolist()), Decimal(0))
        ws.write_string(r, 0, instrument_name(str(code)))
        ws.write_number(r, 1, len(rows), f["num"])
        ws.write_number(r, 2, float(subtotal), f["kr"])
        ws.write_string(
            r,
            3,
            f"usage_vouchers.csv och lagrets tabell usage_vouchers: "
            f"year = {year}, instrument = {code}",
        )
        total, count, r = total + subtotal, count + len(rows), r + 1
    r += 1
    ws.write(r, 0, f"Summa anslag 1:1 {year}", f["label_total"])
    ws.write_number(r, 1, count, f["num_total"])
    ws.write_number(r, 2, float(total), f["kr_total"])
    ws.write(
        r + 2,
        0,
        f"Året har {count} verifikationer, fler än de {VOUCHER_SHEET_MAX} en arbetsbok listar; "
        "varje verifikation finns i usage_vouchers.csv bredvid arbetsboken och i lagrets "
        "tabell usage_vouchers (samma rader, summerar till beloppen ovan).",
        f["note"],
    )


def _about_sheet(wb, f, year: int, tables: Mapping[str, pd.DataFrame]) -> None:
    """A short sheet that says what the tables count and what `..` means."""
    ws = wb.add_worksheet(ABOUT_SHEET)
    _print_setup(ws, 0)
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 110)
    rules = layout.RULES
    funding = (
        "Användning av anslag 1.1 och Stöd per prioritering räknar bara utbetalningar som "
        "belastar anslag 1:1. Mottagare per insats och Stöd per grupp räknar alla "
        "utbetalningar, oavsett finansieringskälla."
    )
    if "recipients_by_instrument" in tables and "appropriation_usage" in tables:
        gap = layout.funding_gap(
            tables["recipients_by_instrument"], tables["appropriation_usage"], year
        )
        if gap.difference:
            parts = ", ".join(
                f"{instrument_name(c)} {layout.swedish(d)} kr" for c, d in gap.outside
            )
            funding += (
                f" {year}: {layout.swedish(gap.all_sources)} kr från alla källor mot "
                f"{layout.swedish(gap.appropriation)} kr från anslaget; skillnaden "
                f"{layout.swedish(gap.difference)} kr betalades med andra medel ({parts})."
            )
    rows = [
        ("Belopp", "Kronor, exakt på öret; formatet visar hela kronor med tusentalsavgränsare."),
        ("Utbetalt", "Netto per bokföringsår: återbetalningar dras av."),
        ("Finansieringskällor", funding),
        (
            "..",
            "Skyddad uppgift: cellen redovisas inte för att ingen enskild mottagare ska kunna "
            "röjas.",
        ),
        ("Frekvensregeln", f"Cellen har färre än {rules.frequency_threshold} mottagare."),
        (
            "p%-regeln",
            f"Den största mottagarens belopp kunde uppskattas inom {rules.p_percent:g} % av "
            "de andra mottagarna i cellen.",
        ),
        (
            "Sekundärt skydd",
            "Cellen bryter inte mot någon regel själv men kunde annars räknas fram ur "
            "publicerade summor och andra celler; även en mottagare som är ensam i en "
            "skyddad cell ska inte kunna räkna fram en annans belopp.",
        ),
        (
            "Enkätskattningar",
            f"Viktad andel med 95 % konfidensintervall (stratifierat urval); en skattning "
            f"på färre än {layout.SURVEY_MIN_ANSWERS} svar redovisas inte (..).",
        ),
        (
            "Personuppgifter",
            "En enskild firmas organisationsnummer är ett personnummer och visas aldrig; "
            "det ersätts med en nyckelad hash (PNR-…).",
        ),
    ]
    ws.write(0, 0, f"Om tabellerna i återrapporteringen {year}", f["title"])
    for i, (key, text) in enumerate(rows, start=2):
        ws.write(i, 0, key, f["label_total"])
        ws.write(i, 1, text, f["wrap"])


def _run_sheet(wb, f, year: int, run: RunInfo, reviews: pd.DataFrame | None = None) -> None:
    ws = wb.add_worksheet(RUN_SHEET)
    _print_setup(ws, 0)
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 7, 20)
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
    if reviews is not None and len(reviews):
        r = _reviews(ws, f, r + 1, reviews)
    _pairs(ws, f, r + 1, ("Indatafil", "SHA-256"), sorted(run.input_hashes.items()))


def _reviews(ws, f, r: int, reviews: pd.DataFrame) -> int:
    """The year's reviewed restatements: which table and cell, who, when, why."""
    ws.write(r, 0, "Granskade omräkningar", f["title"])
    wanted = ["table_name", "key", "column_name", "certified_value", "new_value"]
    cols = [c for c in wanted if c in reviews.columns] + ["reviewed_by", "reviewed_at", "note"]
    r += 1
    for j, col in enumerate(cols):
        ws.write(r, j, layout.HEADINGS[col], f["head"])
    for rec in reviews.sort_values("reviewed_at", kind="stable")[cols].itertuples(index=False):
        r += 1
        for j, (col, value) in enumerate(zip(cols, rec, strict=True)):
            if col == "reviewed_at":
                value = f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"
            shown = (
                "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
            )
            ws.write_string(r, j, str(shown))
    return r + 1


def _pairs(ws, f, r: int, heading: tuple[str, str], pairs) -> int:
    """A headed two-column block of text from row `r`; returns the row after it."""
    ws.write(r, 0, heading[0], f["head"])
    ws.write(r, 1, heading[1], f["head"])
    for k, v in pairs:
        r += 1
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    return r + 1
