"""The annual workbook: the seed's 2017 table, grouped number formats, '..' and the run sheet."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from tillvaxt.report.tables import usage_table
from tillvaxt.report.workbook import RUN_SHEET, USAGE_SHEET, RunInfo, write_workbook

SEED_LINES = [
    ("Energikartläggningscheckar", 14_700),
    ("FoU-checkar", 467_357),
    ("Utvecklingsprojekt", 2_441_719),
    ("Medfinansiering EU-projekt", 2_970_638),
    ("Utvecklingscheckar", 5_030_934),
    ("Anslag 2017", 10_811_000),
    ("Utbetalt 2017", 10_925_348),
    ("Kvar av 2017 års anslag1", -114_348),
]


def seed_tables() -> dict[str, pd.DataFrame]:
    """The published tables as the warehouse gives them back, with the seed's 2017 figures."""
    codes = ["UTV", "ENERGI", "EUMED", "FOU", "PROJ"]  # not in report order on purpose
    paid = {
        "UTV": 5_030_934,
        "ENERGI": 14_700,
        "EUMED": 2_970_638,
        "FOU": 467_357,
        "PROJ": 2_441_719,
    }
    usage = pd.DataFrame(
        {
            "year": [2017] * 5,
            "appropriation": ["1:1"] * 5,
            "instrument": codes,
            "paid_sek": [Decimal(paid[c]).quantize(Decimal("0.01")) for c in codes],
        }
    )
    recon = pd.DataFrame(
        {
            "year": [2017],
            "appropriation": ["1:1"],
            "allocated_sek": [Decimal("10811000.00")],
            "paid_sek": [Decimal("10925348.00")],
            "credit_limit_sek": [Decimal("324330.00")],
            "savings_cap_sek": [None],
        }
    )
    group = pd.DataFrame(
        {
            "year": [2017, 2017],
            "instrument": ["Alla", "Alla"],
            "kon": ["Kvinna", "Man"],
            "recipients": pd.array([None, 41], dtype="Int64"),
            "paid_sek": [None, Decimal("1234567.00")],
            "suppressed": [True, False],
        }
    )
    return {
        "appropriation_usage": usage,
        "appropriation_reconciliation": recon,
        "support_by_group": group,
    }


def test_usage_table_is_the_seed_table() -> None:
    t = usage_table(
        seed_tables()["appropriation_usage"], seed_tables()["appropriation_reconciliation"], 2017
    )
    assert [(x.label + x.note, int(x.amount)) for x in t.lines] == SEED_LINES
    assert t.footnotes == ["1 Underskottet finansieras av 2018 års anslag."]


def test_workbook_2017_shows_the_seed_numbers_with_grouped_formats(tmp_path: Path) -> None:
    run = RunInfo(
        "2026-11-01 02:00:00",
        "git abc123",
        "/raw",
        {"payouts/a.csv": "ab" * 32},
        [("Anslagskredit 1:1 2017", "324 330 kr")],
    )
    path = write_workbook(tmp_path / "aterrapportering_2017.xlsx", 2017, seed_tables(), run)
    wb = openpyxl.load_workbook(path)
    ws = wb[USAGE_SHEET]
    assert ws["A1"].value == "Tabell: Användning av anslag 1:1 (Kr)"
    got = [
        (r[0].value, r[1].value, r[1].number_format)
        for r in ws.iter_rows(min_row=2, max_col=2)
        if r[0].value and r[1].value is not None
    ]
    assert [(label, value) for label, value, _ in got] == SEED_LINES
    assert {fmt for _, _, fmt in got} == {"#,##0"}  # grouped thousands: 10 811 000 in Swedish Excel
    notes = [c.value for c in ws["A"] if c.value and str(c.value).startswith("1 ")]
    assert notes == ["1 Underskottet finansieras av 2018 års anslag."]

    group = wb["Stöd per grupp"]
    rows = [[c.value for c in r] for r in group.iter_rows(min_row=1)]
    assert rows[0] == ["Insats", "Kön", "Mottagare", "Utbetalt (kr)"]
    assert rows[1] == ["Alla", "Kvinna", "..", ".."]
    assert rows[2] == ["Alla", "Man", 41, 1234567]

    runsheet = {r[0].value: r[1].value for r in wb[RUN_SHEET].iter_rows() if r[0].value}
    assert runsheet["Kodversion"] == "git abc123"
    assert runsheet["payouts/a.csv"] == "ab" * 32
    assert runsheet["Anslagskredit 1:1 2017"] == "324 330 kr"


def test_no_footnote_when_something_is_left(tmp_path: Path) -> None:
    tables = seed_tables()
    tables["appropriation_reconciliation"]["paid_sek"] = [Decimal("10000000.00")]
    t = usage_table(tables["appropriation_usage"], tables["appropriation_reconciliation"], 2017)
    assert t.lines[-1].label == "Kvar av 2017 års anslag" and t.lines[-1].amount == 811_000
    assert t.lines[-1].note == "" and t.footnotes == []
