"""The HTML report `aterrapportering_<year>.html`: one self-contained page.

Tables and inline SVG charts, no scripts, no fonts or images from the network, so it
opens the same on a laptop without internet and can be mailed as one file. Amounts
are shown as in the printed report: whole kronor grouped by (non-breaking) spaces.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

import pandas as pd

from tillvaxt.publish.files import staged_file
from tillvaxt.report.tables import (
    HEADINGS,
    REPORT_SECTIONS,
    SUPPRESSED,
    is_suppressed,
    numeric_columns,
    usage_table,
    year_rows,
)
from tillvaxt.report.workbook import RunInfo

NBSP = "\u00a0"

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}
th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.total td{font-weight:bold}
figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}
.note{font-style:italic}
"""


def swedish(value: object, decimals: int = 0) -> str:
    """10811000 → '10 811 000' (non-breaking spaces), -114348 → '−114 348'."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    number = Decimal(str(value))
    text = f"{abs(number):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return f"−{text}" if number < 0 and text.strip("0,\u00a0") else text


def _cell(row: pd.Series, col: str, numeric: set[str]) -> str:
    if col in numeric and is_suppressed(row, col):
        return f'<td class="num">{SUPPRESSED}</td>'
    value = row[col]
    if col in numeric:
        plain = (
            not isinstance(value, Decimal) and not pd.isna(value) and not float(value).is_integer()
        )
        return f'<td class="num">{swedish(value, 2 if plain else 0)}</td>'
    shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return f"<td>{escape(shown)}</td>"


def table_html(frame: pd.DataFrame, table_id: str) -> str:
    shown = [c for c in frame.columns if c != "suppressed"]
    numeric = numeric_columns(frame)
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}">{escape(HEADINGS.get(c, c))}</th>'
        for c in shown
    )
    body = "".join(
        "<tr>" + "".join(_cell(row, c, numeric) for c in shown) + "</tr>"
        for _, row in frame.iterrows()
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def statistics_note(name: str, rows: pd.DataFrame) -> str | None:
    """One sentence under a statistics table: what `..` means there, which rules, how many."""
    if "suppressed" not in rows.columns or name not in ("support_by_group", "survey_estimates"):
        return None
    flags = rows["suppressed"].fillna(False).astype(bool)
    hidden, total = int(flags.sum()), len(rows)
    if name == "survey_estimates":
        return (
            f"{SUPPRESSED} betyder att skattningen bygger på färre än 41 svar "
            f"(SCB:s regel för ULF) och inte redovisas: {hidden} av {total} rader."
        )
    return (
        f"{SUPPRESSED} betyder att uppgiften skyddas för att ingen enskild mottagare ska kunna "
        f"röjas: {hidden} av {total} celler, antingen för att cellen har färre än 3 mottagare "
        "(frekvensregeln) eller den största mottagarens belopp kan uppskattas inom 10 % "
        "(p%-regeln), eller för att cellen annars kunde räknas fram ur publicerade summor "
        "(sekundär skyddsåtgärd); antal per regel finns i körningens metadata."
    )


def report_html(
    year: int, tables: dict[str, pd.DataFrame], run: RunInfo, charts: dict[str, str]
) -> str:
    """The page for `year`; `charts` maps a caption to an SVG string."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>Återrapportering {year}</title><style>{STYLE}</style></head><body>",
        f"<h1>Återrapportering {year}: anslag 1:1</h1>",
        f"<p>Certifiering: {escape(run.certification)}. Skapad {escape(run.generated_at)} UTC, "
        f"kodversion {escape(run.code_version)}.</p>",
    ]
    if "appropriation_usage" in tables and "appropriation_reconciliation" in tables:
        t = usage_table(tables["appropriation_usage"], tables["appropriation_reconciliation"], year)
        rows = "".join(
            f'<tr class="{"total" if x.total else ""}"><td>{escape(x.label)}'
            f"{f'<sup>{x.note}</sup>' if x.note else ''}</td>"
            f'<td class="num">{swedish(x.amount)}</td></tr>'
            for x in t.lines
        )
        parts.append(f"<h2>Tabell: {escape(t.title)}</h2>")
        parts.append(f'<table id="appropriation_usage"><tbody>{rows}</tbody></table>')
        parts += [f'<p class="note">{escape(n)}</p>' for n in t.footnotes]
    for caption, svg in charts.items():
        parts.append(f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>")
    for name, title, columns in REPORT_SECTIONS:
        if name in tables:
            parts.append(f"<h2>{escape(title)}</h2>")
            rows = year_rows(tables[name], year, columns)
            note = statistics_note(name, rows)
            if note:
                parts.append(f'<p class="note" id="{name}_note">{escape(note)}</p>')
            parts.append(table_html(rows, name))
    rules = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in run.rules)
    hashes = "".join(
        f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
        for k, v in sorted(run.input_hashes.items())
    )
    parts += [
        "<h2>Körning</h2>",
        f'<table id="rules"><tbody>{rules}</tbody></table>',
        f'<table id="inputs"><thead><tr><th>Indatafil</th><th>SHA-256</th></tr></thead><tbody>{hashes}</tbody></table>',
        "</body></html>",
    ]
    return "\n".join(parts)


def write_html(path: Path, text: str) -> Path:
    """Write beside the final place, then rename."""
    with staged_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
