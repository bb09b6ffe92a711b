"""The report's tables as rows of labels and amounts, shared by the workbook and the HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from tillvaxt.instruments import REPORT_ORDER, instrument_name

SUPPRESSED = ".."
APPROPRIATION = "1:1"


@dataclass(frozen=True)
class Line:
    """One line of a report table: a label, an amount in SEK, and an optional footnote mark."""

    label: str
    amount: Decimal
    note: str = ""
    total: bool = False


@dataclass(frozen=True)
class UsageTable:
    """The seed's table 'Användning av anslag 1:1 (Kr)' for one year."""

    year: int
    title: str
    lines: list[Line]
    footnotes: list[str]


def usage_table(
    usage: pd.DataFrame, reconciliation: pd.DataFrame, year: int, appropriation: str = APPROPRIATION
) -> UsageTable:
    """Instrument rows in the report's order, then Anslag, Utbetalt and Kvar (with its footnote)."""
    mine = usage[(usage["year"] == year) & (usage["appropriation"] == appropriation)]
    paid = {r.instrument: Decimal(r.paid_sek) for r in mine.itertuples()}
    order = {c: i for i, c in enumerate(REPORT_ORDER)}
    lines = [
        Line(instrument_name(code), paid[code])
        for code in sorted(paid, key=lambda c: (order.get(c, len(order)), c))
    ]
    rec = reconciliation[
        (reconciliation["year"] == year) & (reconciliation["appropriation"] == appropriation)
    ]
    footnotes = []
    if len(rec):
        r = rec.iloc[0]
        allocated, paid_total = Decimal(r["allocated_sek"]), Decimal(r["paid_sek"])
        kvar = allocated - paid_total
        note = ""
        if kvar < 0:
            note = "1"
            footnotes.append(f"1 Underskottet finansieras av {year + 1} års anslag.")
        lines += [
            Line(f"Anslag {year}", allocated, total=True),
            Line(f"Utbetalt {year}", paid_total, total=True),
            Line(f"Kvar av {year} års anslag", kvar, note=note, total=True),
        ]
    return UsageTable(year, f"Användning av anslag {appropriation} (Kr)", lines, footnotes)


# Column headings in Swedish for the tables a report author reads.
HEADINGS = {
    "year": "År",
    "appropriation": "Anslag",
    "instrument": "Insats",
    "instrument_name": "Insats (namn)",
    "municipality": "Kommun",
    "recipients": "Mottagare",
    "granted_recipients": "Beviljade mottagare",
    "decisions": "Beslut",
    "paid_sek": "Utbetalt (kr)",
    "granted_sek": "Beviljat (kr)",
    "national_priority": "Nationell prioritering",
    "goal": "Mål",
    "strategic_choice": "Strategiskt val",
    "priority_code": "Kod",
    "priority": "Prioritering",
    "kon": "Kön",
    "bakgrund": "Bakgrund",
    "utbildning": "Utbildning",
    "inkomstklass": "Inkomstklass",
    "aldersgrupp": "Åldersgrupp",
    "share_of_recipients": "Andel av mottagarna",
    "baseline_share": "Andel i befolkningen",
    "representation_ratio": "Representationskvot",
    "estimate": "Skattning",
    "ci_low": "KI nedre",
    "ci_high": "KI övre",
    "n": "Antal svar",
    "indicator": "Indikator",
}

# Published tables shown per year, with the sheet/section title and the columns shown.
REPORT_SECTIONS: list[tuple[str, str, list[str] | None]] = [
    (
        "support_by_priority",
        "Stöd per prioritering",
        [
            "national_priority",
            "strategic_choice",
            "priority",
            "decisions",
            "granted_sek",
            "paid_sek",
        ],
    ),
    (
        "recipients_by_instrument",
        "Mottagare per insats",
        [
            "instrument_name",
            "municipality",
            "recipients",
            "granted_recipients",
            "decisions",
            "paid_sek",
        ],
    ),
    ("support_by_group", "Stöd per grupp", None),
    ("survey_estimates", "Enkätskattningar", None),
]


def year_rows(frame: pd.DataFrame, year: int, columns: list[str] | None) -> pd.DataFrame:
    """The year's rows with the columns shown (all but bookkeeping ones when not given)."""
    rows = frame[frame["year"].astype("int64") == year] if "year" in frame.columns else frame
    if columns is None:
        columns = [c for c in frame.columns if c not in ("year", "suppressed")]
    cols = [c for c in columns if c in frame.columns]
    out = rows[cols].copy()
    if "suppressed" in frame.columns:
        out["suppressed"] = rows["suppressed"]
    return out.reset_index(drop=True)


def is_suppressed(row: pd.Series, column: str) -> bool:
    """A numeric cell of a suppressed row that has no value: shown as `..`."""
    flag = row.get("suppressed")
    if flag is None or pd.isna(flag) or not bool(flag):
        return False
    value = row.get(column)
    return value is None or bool(pd.isna(value))


def numeric_columns(frame: pd.DataFrame) -> set[str]:
    """Columns shown as numbers: money, counts, shares."""
    out = set()
    for c in frame.columns:
        if c == "suppressed":
            continue
        if c.endswith("_sek") or pd.api.types.is_numeric_dtype(frame[c]):
            out.add(c)
    return out
