"""The HTML report `aterrapportering_<year>.html`: one self-contained page that also prints.

Tables and inline SVG charts, no scripts, no fonts or images from the network, so it
opens the same on a laptop without internet and can be mailed as one file. Amounts
are shown as in the printed report: whole kronor grouped by (non-breaking) spaces.

The page is a summary a report author can print: the statistics are compact
cross-tables (kön × one other dimension), and the long lists stay in the workbook.
An A4 print stylesheet starts each section on a new page, repeats table headers on
continuation pages and keeps every column on the page; the 2017 sample prints on
well under twelve A4 pages (tests/integration/test_html_pages.py counts them).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from html import escape
from pathlib import Path

import pandas as pd

from tillvaxt.publish.files import staged_file
from tillvaxt.report.charts import USAGE_CHART
from tillvaxt.report.tables import (
    HEADINGS,
    SUPPRESSED,
    Cross,
    funding_gap,
    municipality_crosses,
    priority_rows,
    support_crosses,
    survey_crosses,
    swedish,
    usage_table,
    year_rows,
)
from tillvaxt.report.workbook import RunInfo

# The tables the page takes one year's rows of.
YEAR_TABLES = (
    "support_by_priority",
    "recipients_by_instrument",
    "support_by_group",
    "survey_estimates",
)

__all__ = ["report_html", "swedish", "write_html"]

STYLE = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.35}
h2{margin-top:2rem}
table{border-collapse:collapse;margin:.3rem 0 .4rem;max-width:100%}
table.cross{width:100%}
caption{caption-side:top;text-align:left;font-weight:600;padding:.4rem 0 .2rem}
th,td{padding:.15rem .4rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
thead th{border-bottom:1.5px solid #555;vertical-align:bottom;font-weight:600}
thead th.num{white-space:normal;overflow-wrap:break-word;hyphens:manual}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.num small{display:block;color:#555;font-size:.8em}
tbody th{font-weight:600}
tr.total td,tr.total th{font-weight:bold;border-top:1.5px solid #555}
tr.group th{background:#f2f2f2;font-weight:600}
figure{margin:1rem 0;break-inside:avoid}
figure svg{max-width:100%;height:auto}
code{overflow-wrap:anywhere;word-break:break-all;font-size:.8em}
.note{font-style:italic;font-size:.9em;margin:.1rem 0 1.1rem;max-width:48rem}
@page{size:A4;margin:14mm 12mm 15mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:8.5pt}
h1{font-size:16pt;margin:0 0 .4rem}
h2{font-size:12.5pt;margin:0 0 .4rem}
section{break-before:page}
section.first{break-before:auto}
thead{display:table-header-group}
tr,figure,.note{break-inside:avoid}
h2,caption{break-after:avoid}
figure svg{max-height:80mm;width:auto;max-width:100%}
}
"""


def _percent(value: object) -> str:
    return swedish(Decimal(str(value)) * 100, 1) if value is not None else ""


def _cross_value(value: object, kind: str) -> str:
    if value is None:
        return '<td class="num"></td>'
    if value == SUPPRESSED:
        return f'<td class="num">{SUPPRESSED}</td>'
    if kind == "percent":
        est, low, high = value  # type: ignore[misc]
        ci = f"<small>{_percent(low)}–{_percent(high)}</small>" if low is not None else ""
        return f'<td class="num">{_percent(est)}{ci}</td>'
    return f'<td class="num">{swedish(value)}</td>'


def cross_html(cross: Cross) -> str:
    """A cross-table: the row label spans its measures; every value column is numeric."""
    has_measure = any(r.measure for r in cross.rows)
    corner = f"<th>{escape(cross.corner[0])}</th>"
    if has_measure:
        corner += f"<th>{escape(cross.corner[1])}</th>"
    head = corner + "".join(f'<th class="num">{escape(c)}</th>' for c in cross.columns)
    spans: dict[int, int] = {}
    start = 0
    for i, row in enumerate(cross.rows):
        if i and row.label != cross.rows[i - 1].label:
            start = i
        spans[start] = spans.get(start, 0) + 1
    body = []
    for i, row in enumerate(cross.rows):
        total = row.label in ("Summa", "Totalt")
        cells = ""
        if i in spans:
            span = f' rowspan="{spans[i]}"' if spans[i] > 1 else ""
            cells += f"<th{span}>{escape(row.label)}</th>"
        if has_measure:
            cells += f"<td>{escape(row.measure)}</td>"
        cells += "".join(_cross_value(v, row.kind) for v in row.values)
        body.append(f'<tr class="{"total" if total else ""}">{cells}</tr>')
    return (
        f'<table class="cross" id="{cross.key}"><caption>{escape(cross.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f'<p class="note" id="{cross.key}_note">{escape(cross.note)}</p>'
    )


def _usage_section(year: int, tables: Mapping[str, pd.DataFrame]) -> list[str]:
    t = usage_table(tables["appropriation_usage"], tables["appropriation_reconciliation"], year)
    rows = "".join(
        f'<tr class="{"total" if x.total else ""}"><td>{escape(x.label)}'
        f"{f'<sup>{x.note}</sup>' if x.note else ''}</td>"
        f'<td class="num">{swedish(x.amount)}</td></tr>'
        for x in t.lines
    )
    return [
        f"<h2>Tabell: {escape(t.title)}</h2>",
        f'<table id="appropriation_usage"><tbody>{rows}</tbody></table>',
        *(f'<p class="note">{escape(n)}</p>' for n in t.footnotes),
        '<p class="note" id="appropriation_usage_note">Utbetalt netto under året från anslag '
        "1:1 per insats (återbetalningar avdragna); betalningar med andra medel ingår inte, "
        "se Mottagare per insats.</p>",
    ]


def _priority_section(rows: pd.DataFrame) -> list[str]:
    shown, idle = priority_rows(rows)
    money = ("granted_sek", "paid_sek")
    body, current = [], None
    for _, r in shown.iterrows():
        group = (r.get("goal"), r.get("strategic_choice"))
        if group != current:
            current = group
            head = " – ".join(str(x) for x in group if isinstance(x, str))
            body.append(f'<tr class="group"><th colspan="4">{escape(head)}</th></tr>')
        code = r.get("priority_code")
        name = (
            f"{code} {r['priority']}"
            if isinstance(code, str) and code != r["priority"]
            else r["priority"]
        )
        body.append(
            f'<tr><td>{escape(str(name))}</td><td class="num">{swedish(r["decisions"])}</td>'
            + "".join(f'<td class="num">{swedish(r[c])}</td>' for c in money)
            + "</tr>"
        )
    totals = [sum((Decimal(v) for v in shown[c].dropna()), Decimal(0)) for c in money]
    body.append(
        f'<tr class="total"><td>Summa</td><td class="num">{swedish(shown["decisions"].sum())}</td>'
        + "".join(f'<td class="num">{swedish(v)}</td>' for v in totals)
        + "</tr>"
    )
    head = "".join(
        f'<th class="{"num" if c != "priority" else ""}">{escape(HEADINGS[c])}</th>'
        for c in ("priority", "decisions", *money)
    )
    note = (
        "Beslut och beviljat räknas per beslutsdatum, utbetalt netto per bokföringsdatum "
        "från anslaget (samma summa som Användning av anslag 1:1)"
        + (
            f"; {idle} prioriteringar utan beslut och utbetalningar under året visas inte "
            "här men finns i arbetsboken."
            if idle
            else "."
        )
    )
    return [
        "<h2>Stöd per prioritering</h2>",
        f'<table class="cross" id="support_by_priority"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>",
        f'<p class="note" id="support_by_priority_note">{escape(note)}</p>',
    ]


def report_html(
    year: int,
    tables: Mapping[str, pd.DataFrame],
    run: RunInfo,
    charts: dict[str, str],
    indicator_labels: Mapping[str, str] | None = None,
) -> str:
    """The page for `year`; `charts` maps a caption to an SVG string.

    `tables` holds the published tables (all years, or already the year's rows: each
    section takes the year's rows itself); `indicator_labels` names the survey's
    indicators as the region's configuration does.
    """
    mine = {
        n: year_rows(tables[n], year, list(tables[n].columns)) for n in YEAR_TABLES if n in tables
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>Återrapportering {year}</title><style>{STYLE}</style></head><body>",
        '<section class="first" id="anvandning">',
        f"<h1>Återrapportering {year}: anslag 1:1</h1>",
        f"<p>Certifiering: {escape(run.certification)}. Skapad {escape(run.generated_at)} UTC, "
        f"kodversion {escape(run.code_version)}. Alla tabeller i full längd finns i "
        f"arbetsboken aterrapportering_{year}.xlsx.</p>",
    ]
    if "appropriation_usage" in tables and "appropriation_reconciliation" in tables:
        parts += _usage_section(year, tables)
    usage_charts = {c: s for c, s in charts.items() if c == USAGE_CHART}
    parts += [_figure(c, s) for c, s in usage_charts.items()]
    parts.append("</section>")
    if "support_by_priority" in mine and len(mine["support_by_priority"]):
        parts += ['<section id="prioriteringar">', *_priority_section(mine["support_by_priority"])]
        parts.append("</section>")
    if "recipients_by_instrument" in mine and len(mine["recipients_by_instrument"]):
        gap = (
            funding_gap(tables["recipients_by_instrument"], tables["appropriation_usage"], year)
            if "appropriation_usage" in tables
            else None
        )
        parts += ['<section id="mottagare">', "<h2>Mottagare per insats</h2>"]
        parts += [
            cross_html(c) for c in municipality_crosses(mine["recipients_by_instrument"], gap)
        ]
        parts.append("</section>")
    group_charts = {c: s for c, s in charts.items() if c not in usage_charts}
    crosses = support_crosses(mine["support_by_group"]) if "support_by_group" in mine else []
    if crosses or group_charts:
        parts += ['<section id="grupper">', "<h2>Stöd per grupp</h2>"]
        parts += [_figure(c, s) for c, s in group_charts.items()]
        parts += [cross_html(c) for c in crosses]
        parts.append(
            '<p class="note">Varje insats för sig och alla andra korsningar finns i '
            "arbetsbokens blad Stöd per grupp.</p></section>"
        )
    surveys = (
        survey_crosses(mine["survey_estimates"], indicator_labels)
        if "survey_estimates" in mine
        else []
    )
    if surveys:
        parts += ['<section id="enkat">', "<h2>Enkätskattningar</h2>"]
        parts += [cross_html(c) for c in surveys]
        parts.append("</section>")
    parts += _run_section(run)
    parts.append("</body></html>")
    return "\n".join(parts)


def _figure(caption: str, svg: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _run_section(run: RunInfo) -> list[str]:
    rules = "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in run.rules)
    hashes = "".join(
        f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
        for k, v in sorted(run.input_hashes.items())
    )
    return [
        '<section id="korning">',
        "<h2>Körning</h2>",
        f'<table id="rules"><thead><tr><th>Regel</th><th>Värde</th></tr></thead>'
        f"<tbody>{rules}</tbody></table>",
        f'<table id="inputs"><thead><tr><th>Indatafil</th><th>SHA-256</th></tr></thead>'
        f"<tbody>{hashes}</tbody></table>",
        "</section>",
    ]


def write_html(path: Path, text: str) -> Path:
    """Write beside the final place, then rename."""
    with staged_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path
