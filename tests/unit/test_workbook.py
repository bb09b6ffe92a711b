"""The annual workbook: the seed's 2017 table, grouped number formats, '..' and the run sheet."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

from tillvaxt.report.tables import usage_table
from tillvaxt.report.workbook import (
    RUN_SHEET,
    USAGE_SHEET,
    VOUCHER_COLUMNS,
    RunInfo,
    write_workbook,
)

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


def _vouchers() -> pd.DataFrame:
    """Vouchers as the ledger's `usage_vouchers` table gives them: two years, öre amounts."""
    rows = [
        (2017, "UTV", "V1", "2017-03-01", "RS1", "5560360793", "AB Ett", "0.10"),
        (2017, "FOU", "V2", "2017-02-01", "RS2", "PNR-abc", "Enskild firma", "100000.00"),
        (2017, "UTV", "V3", "2017-01-15", "RS3", "5560360794", "AB Två", "0.20"),
        (2017, "UTV", "V4", "2017-05-01", None, "5560360795", "AB Tre", "-45000.00"),
        (2018, "UTV", "V5", "2018-01-10", "RS4", "5560360796", "AB Fyra", "99.99"),
    ]
    frame = pd.DataFrame(rows, columns=["year", "instrument", *VOUCHER_COLUMNS[:6]])
    frame["booking_date"] = pd.to_datetime(frame["booking_date"])
    frame["paid_sek"] = frame["paid_sek"].map(Decimal)
    frame["source_file"] = "payouts/utbetalningar_2017.csv"
    frame["source_line"] = range(2, 2 + len(frame))
    return frame


def _reviews() -> pd.DataFrame:
    """Reviews as `restatement_reviews` holds them: one row per reviewed cell."""
    return pd.DataFrame(
        {
            "year": [2017, 2018],
            "certification": ["2026-11-01T02:00:00+00:00"] * 2,
            "table_name": ["appropriation_usage", "support_by_group"],
            "key": ["2017|1:1|UTV", "2018|Alla|K"],
            "column_name": ["paid_sek", "recipients"],
            "certified_value": ["5030934.00", "28"],
            "new_value": ["5040934.00", "29"],
            "reviewed_by": ["Controller Anna", "Controller Bo"],
            "reviewed_at": pd.to_datetime(["2026-11-20 09:30", "2026-11-21 10:00"]),
            "note": ["Sen rättelse av V2017-00042, godkänd", "annat år"],
        }
    )


def _full_workbook(tmp_path: Path):
    tables = seed_tables()
    tables["usage_vouchers"] = _vouchers()
    tables["restatement_reviews"] = _reviews()
    tables["survey_estimates"] = pd.DataFrame(
        {
            "year": [2017],
            "indicator": ["GottHalsotillstand"],
            "kon": ["K"],
            "n": [120],
            "estimate": [0.71],
            "standard_error": [0.02],
            "ci_low": [0.67],
            "ci_high": [0.75],
            "suppressed": [False],
        }
    )
    # Every payment, whatever it was charged to: 1:1's figures plus 300 000 kr of
    # särskilt driftstöd and 75 000 kr of projects paid with other funds.
    every = dict(SEED_LINES[:5]) | {"Utvecklingsprojekt": 2_516_719}
    every["Särskilt driftstöd (kommersiell service)"] = 300_000
    codes = {"Energikartläggningscheckar": "ENERGI", "FoU-checkar": "FOU"}
    codes |= {"Utvecklingsprojekt": "PROJ", "Medfinansiering EU-projekt": "EUMED"}
    codes |= {"Utvecklingscheckar": "UTV", "Särskilt driftstöd (kommersiell service)": "DRIFT"}
    tables["recipients_by_instrument"] = pd.DataFrame(
        {
            "year": [2017] * len(every),
            "instrument": [codes[n] for n in every],
            "instrument_name": list(every),
            "municipality": ["Totalt"] * len(every),
            "recipients": [1] * len(every),
            "granted_recipients": [1] * len(every),
            "decisions": [1] * len(every),
            "paid_sek": [Decimal(v).quantize(Decimal("0.01")) for v in every.values()],
        }
    )
    run = RunInfo("2026-11-01 02:00:00", "git abc123", "/raw", {"payouts/a.csv": "ab" * 32})
    path = write_workbook(
        tmp_path / "aterrapportering_2017.xlsx",
        2017,
        tables,
        run,
        {"GottHalsotillstand": "Andel med gott hälsotillstånd"},
    )
    return tables, path


def test_every_sheet_prints_a4_landscape_fitted_to_width_with_headers_and_page_numbers(
    tmp_path: Path,
) -> None:
    _, path = _full_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title  # A4
        want = "portrait" if ws.title == USAGE_SHEET else "landscape"
        assert setup.orientation == want, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0, ws.title
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text, ws.title
    assert wb["Stöd per grupp"].print_title_rows == "$1:$1"
    assert wb["Underlag 2017"].print_title_rows == "$1:$2"


def test_footnote_mark_is_a_superscript(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", 2017, seed_tables(), RunInfo("t", "v", "/raw", {}))
    ws = openpyxl.load_workbook(path, rich_text=True)[USAGE_SHEET]
    (cell,) = [c for c in ws["A"] if str(c.value).startswith("Kvar av")]
    blocks = [b for b in cell.value if not isinstance(b, str)]
    assert [(b.text, b.font.vertAlign) for b in blocks][-1] == ("1", "superscript")
    assert "".join(b if isinstance(b, str) else b.text for b in cell.value) == (
        "Kvar av 2017 års anslag1"
    )


def test_headers_are_swedish_and_indicators_named_as_the_region_does(tmp_path: Path) -> None:
    tables, path = _full_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    raw_names = {c for frame in tables.values() for c in frame.columns}
    for title in ("Stöd per grupp", "Enkätskattningar", "Mottagare per insats"):
        header = [c.value for c in wb[title][1] if c.value is not None]
        assert header and not set(header) & raw_names, (title, header)
        assert not any("_" in h for h in header), (title, header)
    survey = [[c.value for c in r] for r in wb["Enkätskattningar"].iter_rows()]
    assert survey[0][0] == "Indikator" and "Medelfel" in survey[0]
    assert survey[1][0] == "Andel med gott hälsotillstånd"


def test_underlag_lists_the_years_vouchers_with_exact_subtotals(tmp_path: Path) -> None:
    tables, path = _full_workbook(tmp_path)
    ws = openpyxl.load_workbook(path)["Underlag 2017"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    vouchers = [r for r in rows if r[1] is not None and str(r[1]).startswith("V")]
    assert {r[1] for r in vouchers} == {"V1", "V2", "V3", "V4"}  # not 2018's V5
    # Instruments in the report's order, each voucher once, by booking date within one.
    assert [r[1] for r in vouchers] == ["V2", "V3", "V1", "V4"]
    sums = {r[0]: r[6] for r in rows if r[0] and str(r[0]).startswith("Summa")}
    mine = tables["usage_vouchers"][tables["usage_vouchers"]["year"] == 2017]
    exact = mine.groupby("instrument")["paid_sek"].agg(lambda s: sum(s, Decimal(0)))
    assert sums == {
        "Summa FoU-checkar": float(exact["FOU"]),
        "Summa Utvecklingscheckar": float(exact["UTV"]),
        "Summa anslag 1:1 2017": float(sum(exact, Decimal(0))),
    }
    assert sums["Summa Utvecklingscheckar"] == -44999.7  # 0.10 + 0.20 − 45 000, to the öre
    fmt = {ws.cell(row=i + 3, column=7).number_format for i, r in enumerate(rows) if r[6]}
    assert fmt == {'#,##0.00 "kr"'}
    pnr = next(r for r in vouchers if r[1] == "V2")
    assert pnr[4] == "PNR-abc"  # the masked recipient as published, never a number


def test_about_sheet_explains_the_rules_and_the_funding_sources(tmp_path: Path) -> None:
    _, path = _full_workbook(tmp_path)
    about = {
        r[0].value: r[1].value for r in openpyxl.load_workbook(path)["Om tabellerna"].iter_rows()
    }
    assert "färre än 3 mottagare" in about["Frekvensregeln"]
    assert "10 %" in about["p%-regeln"]
    assert "Sekundärt skydd" in about and ".." in about
    charged = sum(paid for _, paid in SEED_LINES[:5])
    every = charged + 300_000 + 75_000
    text = about["Finansieringskällor"].replace("\u00a0", " ")
    assert f"{every:,}".replace(",", " ") + " kr från alla källor" in text
    assert f"{charged:,}".replace(",", " ") + " kr från anslaget" in text
    assert "skillnaden 375 000 kr betalades med andra medel" in text
    assert "Utvecklingsprojekt 75 000 kr" in text and "(kommersiell service) 300 000 kr" in text


def test_run_sheet_lists_the_years_reviewed_restatements(tmp_path: Path) -> None:
    _, path = _full_workbook(tmp_path)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)[RUN_SHEET].iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "Granskade omräkningar")
    assert rows[start + 1][:8] == [
        "Tabell",
        "Nyckel",
        "Kolumn",
        "Certifierat värde",
        "Nytt värde",
        "Granskad av",
        "Granskad (UTC)",
        "Anteckning",
    ]
    assert rows[start + 2][:8] == [
        "appropriation_usage",
        "2017|1:1|UTV",
        "paid_sek",
        "5030934.00",
        "5040934.00",
        "Controller Anna",
        "2026-11-20 09:30",
        "Sen rättelse av V2017-00042, godkänd",
    ]
    assert not any("Controller Bo" in map(str, r) for r in rows)  # 2018's review


def test_a_year_beyond_the_cap_summarises_and_points_to_the_published_vouchers(
    tmp_path: Path, monkeypatch
) -> None:
    """Above `VOUCHER_SHEET_MAX` vouchers the sheet lists each instrument's figure and
    count and where its vouchers are, instead of the vouchers: no row is lost, since
    every one is in usage_vouchers.csv and the warehouse table."""
    import tillvaxt.report.workbook as workbook

    monkeypatch.setattr(workbook, "VOUCHER_SHEET_MAX", 3)  # 2017 has four vouchers
    tables, path = _full_workbook(tmp_path)
    ws = openpyxl.load_workbook(path)["Underlag 2017"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    assert not any(str(v).startswith("V") for r in rows for v in r if v)  # no voucher listed
    mine = tables["usage_vouchers"][tables["usage_vouchers"]["year"] == 2017]
    exact = mine.groupby("instrument")["paid_sek"].agg(lambda s: sum(s, Decimal(0)))
    counts = mine.groupby("instrument").size()
    lines = {r[0]: r[1:4] for r in rows[:2]}
    assert lines == {
        "FoU-checkar": (
            int(counts["FOU"]),
            float(exact["FOU"]),
            "usage_vouchers.csv och lagrets tabell usage_vouchers: year = 2017, instrument = FOU",
        ),
        "Utvecklingscheckar": (
            int(counts["UTV"]),
            float(exact["UTV"]),
            "usage_vouchers.csv och lagrets tabell usage_vouchers: year = 2017, instrument = UTV",
        ),
    }
    total = next(r for r in rows if str(r[0]).startswith("Summa"))
    assert total[:3] == ("Summa anslag 1:1 2017", len(mine), float(sum(exact, Decimal(0))))
    assert "fler än de 3" in rows[-1][0] and "usage_vouchers.csv" in rows[-1][0]
    assert ws["A2"].value == "Insats" and ws["B2"].value == "Verifikationer"


def test_rows_without_a_year_belong_to_no_years_report() -> None:
    """A quarantined line whose date could not be read has no year: it must not stop the
    reports (it did: `astype("int64")` on a missing year) nor land in a year's tables."""
    from tillvaxt.report.tables import split_years

    quarantine = pd.DataFrame(
        {"year": pd.array([2017, None, 2018, 2017], dtype="Int64"), "line": [1, 2, 3, 4]}
    )
    per_year = split_years({"quarantine": quarantine, "no_year": pd.DataFrame({"x": [1]})})
    assert sorted(per_year) == [2017, 2018]
    assert per_year[2017]["quarantine"]["line"].tolist() == [1, 4]
    assert per_year[2018]["quarantine"]["line"].tolist() == [3]
    assert all("no_year" not in tables for tables in per_year.values())
