"""The seed's 2017 table, reproduced to the krona from the committed sample data.

The figures are those of Region Halland's report on 2017 ("Användning av anslag 1:1
(Kr)"). When `../shared/seed/` is beside the clone, the test also reads them out of
the report's text, so a typo here cannot make the test agree with itself.
"""

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.cli import run_cli
from tests.conftest import REPO
from tillvaxt.publish.warehouse import read_table

SEED_2017 = {
    "Energikartläggningscheckar": 14_700,
    "FoU-checkar": 467_357,
    "Utvecklingsprojekt": 2_441_719,
    "Medfinansiering EU-projekt": 2_970_638,
    "Utvecklingscheckar": 5_030_934,
}
ALLOCATED_2017, PAID_2017, KVAR_2017 = 10_811_000, 10_925_348, -114_348
SEED_DIR = REPO.parent / "shared" / "seed"


def test_seed_text_agrees_with_the_figures_here() -> None:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip(f"the seed report is not beside the clone ({SEED_DIR})")
    text = files[0].read_text(encoding="utf-8")
    table = text[text.index("Tabell: Användning av anslag 1:1 (Kr)") :][:600]

    def number(label: str) -> int:
        m = re.search(re.escape(label) + r"\d?\s+(-?[\d ]+\d)", table)
        assert m, label
        return int(m.group(1).replace(" ", ""))

    for name, kr in SEED_2017.items():
        assert number(name) == kr
    assert number("Anslag 2017") == ALLOCATED_2017
    assert number("Utbetalt 2017") == PAID_2017
    assert number("Kvar av 2017 års anslag") == KVAR_2017


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The main command on a copy of the committed sample data, configured by environment."""
    base = tmp_path_factory.mktemp("sample")
    raw = base / "raw"
    shutil.copytree(REPO / "data" / "raw", raw)
    processed = base / "processed"
    proc = run_cli(raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return processed


def test_appropriation_usage_csv_reproduces_the_seed_table(sample_run: Path) -> None:
    usage = pd.read_csv(sample_run / "appropriation_usage.csv", dtype=str)
    y2017 = usage[(usage["year"] == "2017") & (usage["appropriation"] == "1:1")]
    got = {r.instrument_name: Decimal(r.paid_sek) for r in y2017.itertuples()}
    assert got == {k: Decimal(v) for k, v in SEED_2017.items()}
    assert sum(got.values()) == PAID_2017


def test_warehouse_holds_the_same_figures_exactly(sample_run: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{sample_run / 'warehouse.sqlite'}")
    try:
        usage = read_table(engine, "appropriation_usage")
        recon = read_table(engine, "appropriation_reconciliation")
    finally:
        engine.dispose()
    y = usage[(usage["year"] == 2017) & (usage["appropriation"] == "1:1")]
    assert dict(zip(y["instrument_name"], y["paid_sek"], strict=True)) == {
        k: Decimal(v) for k, v in SEED_2017.items()
    }
    r = recon[(recon["year"] == 2017) & (recon["appropriation"] == "1:1")].iloc[0]
    assert r["opening_balance_sek"] == Decimal(0)
    assert r["allocated_sek"] == Decimal(ALLOCATED_2017)
    assert r["paid_sek"] == Decimal(PAID_2017)
    assert r["closing_balance_sek"] == Decimal(KVAR_2017)
    assert r["status"] == "deficit_financed_by_next_year"
    nxt = recon[(recon["year"] == 2018) & (recon["appropriation"] == "1:1")].iloc[0]
    assert nxt["opening_balance_sek"] == Decimal(KVAR_2017)


def test_recipients_on_the_county_rows(sample_run: Path) -> None:
    rbi = pd.read_csv(sample_run / "recipients_by_instrument.csv", dtype=str)
    county = rbi[(rbi["year"] == "2017") & (rbi["municipality"] == "Totalt")].set_index(
        "instrument"
    )
    assert county.loc["UTV", "recipients"] == "80"
    assert county.loc["FOU", "granted_recipients"] == "9"
    assert Decimal(county.loc["DRIFT", "paid_sek"]) == Decimal(300_000)
    munis = set(rbi.loc[(rbi["year"] == "2017") & (rbi["instrument"] == "UTV"), "municipality"])
    assert {"Hylte", "Halmstad", "Laholm", "Falkenberg", "Varberg", "Kungsbacka", "Totalt"} <= munis
    utv = rbi[
        (rbi["year"] == "2017") & (rbi["instrument"] == "UTV") & (rbi["municipality"] != "Totalt")
    ]
    assert sum(Decimal(v) for v in utv["paid_sek"]) == Decimal(SEED_2017["Utvecklingscheckar"])


def test_unreadable_rows_are_quarantined_and_mark_2018_incomplete(sample_run: Path) -> None:
    q = pd.read_csv(sample_run / "quarantine.csv", dtype=str)
    assert set(zip(q["source_file"], q["source_line"], strict=True)) == {
        ("payouts/utbetalningar_2018.csv", "96"),
        ("decisions/beslut_20180110.csv", "123"),
    }
    recon = pd.read_csv(sample_run / "appropriation_reconciliation.csv", dtype=str).set_index(
        "year"
    )
    assert recon.loc["2018", "status"] == "incomplete"
