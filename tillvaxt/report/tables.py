"""The report's tables as rows of labels and amounts, shared by the workbook, the HTML page
and the Word draft, so the three documents can only show one set of figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from tillvaxt.groups import CATEGORIES, MISSING, TOTAL
from tillvaxt.instruments import REPORT_ORDER, instrument_name
from tillvaxt.statistics.disclosure import DisclosureRules

SUPPRESSED = ".."
APPROPRIATION = "1:1"
MARGIN = TOTAL
UNKNOWN = MISSING
GROUP_DIMS = ("kon", "bakgrund", "utbildning", "inkomstklass", "aldersgrupp")
# The thresholds the published statistics are protected with (the pipeline's defaults).
RULES = DisclosureRules()
SURVEY_MIN_ANSWERS = 41


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
    "standard_error": "Medelfel",
    "suppressed": "Skyddad",
    "opening_balance_sek": "Ingående balans (kr)",
    "allocated_sek": "Tilldelat (kr)",
    "closing_balance_sek": "Utgående balans (kr)",
    "withdrawn_sek": "Indraget (kr)",
    "carried_over_sek": "Överfört (kr)",
    "credit_limit_sek": "Anslagskredit (kr)",
    "savings_cap_sek": "Högsta anslagssparande (kr)",
    "status": "Status",
    "voucher_id": "Verifikation",
    "booking_date": "Bokföringsdatum",
    "decision_id": "Diarienummer",
    "recipient_id": "Mottagare (id)",
    "recipient_name": "Mottagarens namn",
    "source_file": "Källfil",
    "source_line": "Rad",
    "table_name": "Tabell",
    "key": "Nyckel",
    "column_name": "Kolumn",
    "certified_value": "Certifierat värde",
    "new_value": "Nytt värde",
    "reviewed_by": "Granskad av",
    "reviewed_at": "Granskad (UTC)",
    "note": "Anteckning",
}

# Category labels as the report prints them (a published table keeps its codes).
CATEGORY_LABELS = {"K": "Kvinnor", "M": "Män", MARGIN: "Totalt"}
# The order the report reads categories in: the contract's (`tillvaxt.groups`), but
# background from Swedish to foreign-born, the way the seed report's text runs.
CATEGORY_ORDER = {
    **CATEGORIES,
    "bakgrund": [
        "Svensk bakgrund",
        "Inrikes född med två utrikes födda föräldrar",
        "Utrikes född",
    ],
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


def is_suppressed(flag: object, value: object) -> bool:
    """A numeric cell (`value`) of a suppressed row (`flag`) that has no value: shown as `..`."""
    if flag is None or pd.isna(flag) or not bool(flag):
        return False
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


def split_years(frames: Mapping[str, pd.DataFrame]) -> dict[int, dict[str, pd.DataFrame]]:
    """Every frame with a `year` column split by year in one pass each, for all years at once.

    The reports of a run ask for the same year's rows of the same tables several times
    (workbook, HTML page, Word draft); a table with a million rows (the vouchers) is then
    grouped once, not filtered once per year and document. A row without a year (a
    quarantined line whose date could not be read) belongs to no year's report.
    """
    out: dict[int, dict[str, pd.DataFrame]] = {}
    for name, frame in frames.items():
        if "year" not in frame.columns:
            continue
        dated = frame[frame["year"].notna()]
        years = dated["year"].astype("int64")
        for year, rows in dated.groupby(years, sort=True):
            out.setdefault(int(year), {})[name] = rows
    return out


def categories(dim: str, values: pd.Series) -> list[str]:
    """A dimension's categories in reading order: natural order, the rest sorted, unknown, total."""
    present = set(values.dropna())
    known = [c for c in CATEGORY_ORDER.get(dim, []) if c in present]
    rest = sorted(present - set(known) - {UNKNOWN, MARGIN})
    return known + rest + [c for c in (UNKNOWN, MARGIN) if c in present]


def label(value: str) -> str:
    """A category as the report prints it (`K` → `Kvinnor`)."""
    return CATEGORY_LABELS.get(value, value)


@dataclass(frozen=True)
class CrossRow:
    """One row of a cross-table: a label, the measure, and one value per column.

    A value is a number, `SUPPRESSED` for a withheld cell, or None where the
    published table has no such cell. `kind` says how to show the numbers:
    `count`, `sek`, or `percent` (then each value is (estimate, low, high) or a marker).
    """

    label: str
    measure: str
    kind: str
    values: list[object]


@dataclass(frozen=True)
class Cross:
    """A compact cross-table: kön down the side, one other dimension's categories across."""

    key: str
    caption: str
    corner: tuple[str, str]  # headings above the row labels and the measures
    columns: list[str]
    rows: list[CrossRow]
    note: str
    withheld: int = 0
    cells: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _flags(frame: pd.DataFrame) -> pd.Series:
    if "suppressed" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["suppressed"].fillna(False).astype(bool)


def _only(frame: pd.DataFrame, keep: tuple[str, ...]) -> pd.DataFrame:
    """Rows where every group dimension but `keep` is the margin `Totalt`."""
    mask = pd.Series(True, index=frame.index)
    for d in GROUP_DIMS:
        if d in frame.columns and d not in keep:
            mask &= frame[d] == MARGIN
    return frame[mask]


def _value(row: pd.Series | None, column: str) -> object:
    if row is None:
        return None
    if bool(row.get("_withheld", False)):
        return SUPPRESSED
    value = row.get(column)
    return None if value is None or (not isinstance(value, Decimal) and pd.isna(value)) else value


def group_note(withheld: int, cells: int) -> str:
    """What `..` means in a support table and which rules apply, with the table's count."""
    if not withheld:
        return f"alla {cells} celler redovisas, ingen behöver skyddas."
    return (
        f"{SUPPRESSED} betyder skyddad uppgift ({withheld} av {cells} celler): cellen har färre än "
        f"{RULES.frequency_threshold} mottagare (frekvensregeln), den största mottagarens "
        f"belopp kunde uppskattas inom {RULES.p_percent:g} % (p%-regeln), eller cellen kunde "
        "annars räknas fram ur andra publicerade celler (sekundärt skydd)."
    )


def support_crosses(group: pd.DataFrame, instrument: str = "Alla") -> list[Cross]:
    """The year's support by kön × each other dimension (and × insats), as cross-tables.

    Recipients and net paid per cell; a dimension with no published cross cell
    (the design leaves it out) gives no table. `group` holds one year's rows.
    """
    if not {"instrument", "kon", "recipients", "paid_sek"} <= set(group.columns):
        return []
    g = group.assign(_withheld=_flags(group))
    mine = g[g["instrument"] == instrument]
    crosses = []
    for dim in [d for d in GROUP_DIMS[1:] if d in g.columns]:
        cells = _only(mine, ("kon", dim))
        inner = cells[(cells["kon"] != MARGIN) & (cells[dim] != MARGIN)]
        if inner.empty:
            continue
        cols = categories(dim, cells[dim])
        crosses.append(_support_cross(f"support_{dim}", dim, HEADINGS.get(dim, dim), cells, cols))
    by_inst = _only(g[g["instrument"] != "Alla"], ("kon",))
    if (by_inst["kon"] != MARGIN).any():
        order = {c: i for i, c in enumerate(REPORT_ORDER)}
        split = by_inst[by_inst["kon"] != MARGIN]  # only instruments published by kön
        insts = sorted(set(split["instrument"]), key=lambda c: (order.get(c, 99), c))
        by_inst = by_inst[by_inst["instrument"].isin(insts)]
        both = pd.concat([by_inst, _only(mine, ("kon",))], ignore_index=True)
        both = both.assign(_col=both["instrument"].where(both["instrument"] != "Alla", MARGIN))
        names = [instrument_name(c) for c in insts] + ["Alla insatser"]
        crosses.append(
            _support_cross("support_instrument", "_col", "Insats", both, [*insts, MARGIN], names)
        )
    return crosses


def _support_cross(
    key: str,
    col_dim: str,
    heading: str,
    cells: pd.DataFrame,
    cols: list[str],
    names: list[str] | None = None,
) -> Cross:
    """Recipients and paid per kön (rows, two measures each) × the categories `cols`."""
    kons = categories("kon", cells["kon"])
    index = {(r["kon"], r[col_dim]): r for _, r in cells.iterrows()}
    rows = []
    for kon in kons:
        for measure, column, kind in (
            ("Mottagare", "recipients", "count"),
            ("Utbetalt (kr)", "paid_sek", "sek"),
        ):
            rows.append(
                CrossRow(
                    label(kon), measure, kind, [_value(index.get((kon, c)), column) for c in cols]
                )
            )
    withheld = int(cells["_withheld"].sum())
    per = "alla insatser" if names is None else "per insats"
    note = (
        "Antal mottagare (organisationer med nettoutbetalning över noll) och utbetalt netto, "
        f"{per}, alla finansieringskällor; {group_note(withheld, len(cells))}"
    )
    return Cross(
        key,
        f"Stöd per kön och {heading.lower()}",
        ("Kön", ""),
        names or [label(c) for c in cols],
        rows,
        note,
        withheld,
        len(cells),
    )


def survey_crosses(
    survey: pd.DataFrame, indicator_labels: Mapping[str, str] | None = None
) -> list[Cross]:
    """The year's survey estimates by indicator × kön × one other dimension, in per cent.

    One table per other dimension: a row per indicator and kön, the dimension's
    categories across; each cell is the estimate with its 95 % interval.
    """
    needed = {"indicator", "kon", "estimate", "ci_low", "ci_high"}
    if not needed <= set(survey.columns):
        return []
    labels = indicator_labels or {}
    s = survey.assign(_withheld=_flags(survey))
    indicators = sorted(set(s["indicator"]), key=lambda i: labels.get(i, i))
    crosses = []
    for dim in [d for d in GROUP_DIMS[1:] if d in s.columns]:
        cells = _only(s, ("kon", dim))
        if (cells[dim] == MARGIN).all():
            continue
        cols = categories(dim, cells[dim])
        kons = categories("kon", cells["kon"])
        index = {(r["indicator"], r["kon"], r[dim]): r for _, r in cells.iterrows()}
        rows = []
        for ind in indicators:
            for kon in kons:
                values = []
                for c in cols:
                    r = index.get((ind, kon, c))
                    est = _value(r, "estimate")
                    values.append(
                        est
                        if est is None or est == SUPPRESSED
                        else (est, _value(r, "ci_low"), _value(r, "ci_high"))
                    )
                rows.append(CrossRow(labels.get(ind, ind), label(kon), "percent", values))
        withheld = int(cells["_withheld"].sum())
        rule = (
            f"{SUPPRESSED} betyder att skattningen bygger på färre än {SURVEY_MIN_ANSWERS} svar "
            f"och inte redovisas (SCB:s regel för ULF), {withheld} av {len(cells)} celler."
            if withheld
            else f"alla {len(cells)} skattningar bygger på minst {SURVEY_MIN_ANSWERS} svar."
        )
        heading = HEADINGS.get(dim, dim).lower()
        crosses.append(
            Cross(
                f"survey_{dim}",
                f"Befolkningsenkäten per kön och {heading} (procent)",
                ("Indikator", "Kön"),
                [label(c) for c in cols],
                rows,
                "Viktad andel av de svarande, med 95 % konfidensintervall under skattningen; "
                + rule,
                withheld,
                len(cells),
            )
        )
    return crosses


@dataclass(frozen=True)
class FundingGap:
    """What `recipients_by_instrument` counts beyond the appropriation, per instrument."""

    all_sources: Decimal
    appropriation: Decimal
    # (instrument code, SEK paid from other sources), where an instrument had any; a
    # negative difference (a recipient who repaid more than it got) is no funding source.
    outside: list[tuple[str, Decimal]]

    @property
    def difference(self) -> Decimal:
        return self.all_sources - self.appropriation


def funding_gap(
    recipients: pd.DataFrame, usage: pd.DataFrame, year: int, appropriation: str = APPROPRIATION
) -> FundingGap:
    """Paid per instrument from every funding source (the county rows) against the appropriation's.

    The recipients table counts every payment, whatever it was charged to; the usage
    table only what was charged to the appropriation. The difference per instrument
    is what was paid from other sources (own funds, the service programme, …).
    """
    county = recipients[
        (recipients["year"].astype("int64") == year) & (recipients["municipality"] == MARGIN)
    ]
    every = {r.instrument: Decimal(r.paid_sek) for r in county.itertuples()}
    mine = usage[
        (usage["year"].astype("int64") == year) & (usage["appropriation"] == appropriation)
    ]
    charged = {r.instrument: Decimal(r.paid_sek) for r in mine.itertuples()}
    order = {c: i for i, c in enumerate(REPORT_ORDER)}
    outside = [
        (code, every.get(code, Decimal(0)) - charged.get(code, Decimal(0)))
        for code in sorted(set(every) | set(charged), key=lambda c: (order.get(c, 99), c))
    ]
    return FundingGap(
        sum(every.values(), Decimal(0)),
        sum(charged.values(), Decimal(0)),
        [(c, d) for c, d in outside if d > 0],
    )


def municipality_crosses(recipients: pd.DataFrame, gap: FundingGap | None) -> list[Cross]:
    """The year's recipients and paid per insats × kommun (one year's rows of the table)."""
    if recipients.empty:
        return []
    munis = categories("municipality", recipients["municipality"])
    if "Utanför länet" in munis:  # after the county's municipalities, before the total
        munis.remove("Utanför länet")
        munis.insert(len(munis) - (MARGIN in munis), "Utanför länet")
    order = {c: i for i, c in enumerate(REPORT_ORDER)}
    insts = sorted(set(recipients["instrument"]), key=lambda c: (order.get(c, 99), c))
    index = {(r["instrument"], r["municipality"]): r for _, r in recipients.iterrows()}
    counts, paid = [], []
    for code in insts:
        name = instrument_name(code)
        counts.append(
            CrossRow(name, "", "count", [_value(index.get((code, m)), "recipients") for m in munis])
        )
        paid.append(
            CrossRow(name, "", "sek", [_value(index.get((code, m)), "paid_sek") for m in munis])
        )
    sums = []
    for m in munis:
        col = [v for v in (_value(index.get((c, m)), "paid_sek") for c in insts) if v is not None]
        sums.append(sum((Decimal(v) for v in col), Decimal(0)) if col else None)
    paid.append(CrossRow("Summa", "", "sek", sums))
    granted = [
        CrossRow(
            instrument_name(code),
            "",
            "count",
            [_value(index.get((code, MARGIN)), c) for c in ("granted_recipients", "decisions")],
        )
        for code in insts
    ]
    source = "Utbetalt netto från alla finansieringskällor, samma summa som anslag 1:1."
    if gap is not None and gap.difference:
        parts = ", ".join(f"{instrument_name(c)} {_kr(d)}" for c, d in gap.outside)
        source = (
            f"Utbetalt netto från alla finansieringskällor, {_kr(gap.all_sources)}, medan "
            f"tabellen Användning av anslag 1:1 bara räknar det som belastar anslaget, "
            f"{_kr(gap.appropriation)}: skillnaden på {_kr(gap.difference)} betalades med "
            f"andra medel ({parts})."
        )
    muni_cols = [label(m) for m in munis]
    return [
        Cross(
            "recipients_count",
            "Mottagare per insats och kommun",
            ("Insats", ""),
            muni_cols,
            counts,
            "Antal organisationer med nettoutbetalning över noll under året, alla "
            "finansieringskällor; en mottagare i flera kommuner räknas i var och en.",
        ),
        Cross(
            "recipients_paid",
            "Utbetalt per insats och kommun (kr)",
            ("Insats", ""),
            muni_cols,
            paid,
            source,
        ),
        Cross(
            "recipients_granted",
            "Beviljade mottagare och beslut per insats",
            ("Insats", ""),
            ["Beviljade mottagare", "Beslut med utbetalning"],
            granted,
            "Beviljade mottagare är organisationer med ett ej återkallat beslut daterat under "
            "året, beslut med utbetalning de beslut som årets utbetalningar hör till.",
        ),
    ]


def _kr(amount: Decimal) -> str:
    """`11 300 348 kr` (whole kronor, non-breaking spaces), `−114 348 kr`."""
    return f"{swedish(amount)}\u00a0kr"


def swedish(value: object, decimals: int = 0) -> str:
    """10811000 → '10 811 000' (non-breaking spaces), -114348 → '−114 348'."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    number = Decimal(str(value))
    text = f"{abs(number):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return f"−{text}" if number < 0 and text.strip("0,\u00a0") else text


def priority_rows(priorities: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The year's priorities that had decisions or payments, and how many had neither."""
    if priorities.empty:
        return priorities, 0
    active = (pd.to_numeric(priorities.get("decisions"), errors="coerce").fillna(0) != 0) | (
        priorities["paid_sek"].map(lambda v: Decimal(0) if v is None or pd.isna(v) else Decimal(v))
        != 0
    )
    return priorities[active], int((~active).sum())
