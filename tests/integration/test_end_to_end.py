"""End to end: the main command on a temporary raw tree, pointed there by the environment."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tests.cli import run_cli
from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.publish.warehouse import read_table


def test_small_tree_publishes_every_table_to_csv_and_warehouse(
    small_raw: Path, tmp_path: Path
) -> None:
    processed = tmp_path / "out"
    proc = run_cli(small_raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    recon = pd.read_csv(processed / "appropriation_reconciliation.csv", dtype=str)
    assert list(recon["year"]) == ["2017", "2018"]
    assert list(recon["paid_sek"]) == ["1100000.00", "-5000.00"]
    assert list(recon["closing_balance_sek"]) == ["-100000.00", "905000.00"]
    assert list(recon["status"]) == ["deficit_financed_by_next_year", "ok"]
    engine = sa.create_engine(f"sqlite:///{processed / 'warehouse.sqlite'}")
    usage = read_table(engine, "appropriation_usage")
    got = {(r.year, r.instrument): r.paid_sek for r in usage.itertuples()}
    assert got == {
        (2017, "PROJ"): Decimal("1050000.00"),
        (2017, "UTV"): Decimal("50000.00"),
        (2018, "UTV"): Decimal("-5000.00"),
    }
    engine.dispose()


def _outputs(processed: Path) -> dict[str, bytes]:
    """Every output file's bytes (the rerun fingerprint aside, which a failed run drops)."""
    return {
        p.relative_to(processed).as_posix(): p.read_bytes()
        for p in sorted(processed.rglob("*"))
        if p.is_file() and p.name != ".tillvaxt_last_run.json"
    }


def test_conflicting_vouchers_stop_the_run_and_keep_what_was_published(
    small_raw: Path, tmp_path: Path
) -> None:
    processed = tmp_path / "out"
    assert run_cli(small_raw, processed).returncode == 0
    before = _outputs(processed)
    assert "appropriation_usage.csv" in before and "warehouse.sqlite" in before
    write(
        small_raw / "payouts" / "utbetalningar_c.csv",
        [
            PAYOUT_HEADER,
            "V2017-00002;2017-04-01;RS2;5560360793;Örby Energi AB;PROJ;650 000;1:1;1383",
        ],
    )
    proc = run_cli(small_raw, processed)
    assert proc.returncode == 1
    assert "voucher V2017-00002" in proc.stderr
    assert (
        "utbetalningar_a.csv line 3" in proc.stderr and "utbetalningar_c.csv line 2" in proc.stderr
    )
    assert "Traceback" not in proc.stderr and "Stack Trace" not in proc.stderr
    # Nothing at all was published: every CSV, workbook, page and the warehouse are as before.
    assert _outputs(processed) == before


def test_a_failing_source_publishes_nothing(small_raw: Path, tmp_path: Path) -> None:
    processed = tmp_path / "out"
    assert run_cli(small_raw, processed).returncode == 0
    before = _outputs(processed)
    write(small_raw / "surveys" / "befolkningsenkat_2017.csv", ["Löpnummer;År", "1;2017"])
    proc = run_cli(small_raw, processed)
    assert proc.returncode == 1
    assert "surveys/befolkningsenkat_2017.csv, line 1: expected column(s)" in proc.stderr
    assert _outputs(processed) == before


def test_missing_column_is_one_clear_sentence(small_raw: Path, tmp_path: Path) -> None:
    write(
        small_raw / "payouts" / "utbetalningar_z.csv", [PAYOUT_HEADER.replace(";Kommun", ""), "x"]
    )
    proc = run_cli(small_raw, tmp_path / "out")
    assert proc.returncode == 1
    assert (
        "payouts/utbetalningar_z.csv, line 1: expected column(s) 'Kommun' in the header"
        in proc.stderr
    )
    assert "Traceback" not in proc.stderr and "Stack Trace" not in proc.stderr
