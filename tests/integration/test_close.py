"""Period close: certified figures stay as filed; changes show up as restatements."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tests.cli import run_cli, run_command
from tillvaxt.close.restate import hold_certified, restatements
from tillvaxt.publish.warehouse import read_table


def _usage(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": pd.Series([r[0] for r in rows], dtype="int64"),
            "appropriation": ["1:1"] * len(rows),
            "instrument": [r[1] for r in rows],
            "paid_sek": [Decimal(r[2]) for r in rows],
        }
    )


def test_restatements_list_changed_added_and_vanished_rows_of_certified_years_only() -> None:
    certified = _usage([(2017, "UTV", "50000.00"), (2017, "FOU", "10.00")])
    new = _usage([(2017, "UTV", "60000.50"), (2017, "PROJ", "5.00"), (2018, "UTV", "1.00")])
    got = restatements("appropriation_usage", certified, new, {2017})
    assert got[["key", "column_name", "certified_value", "new_value", "difference"]].to_dict(
        orient="records"
    ) == [
        {
            "key": "year=2017; appropriation=1:1; instrument=FOU",
            "column_name": "(row)",
            "certified_value": "present",
            "new_value": "absent",
            "difference": None,
        },
        {
            "key": "year=2017; appropriation=1:1; instrument=PROJ",
            "column_name": "(row)",
            "certified_value": "absent",
            "new_value": "present",
            "difference": None,
        },
        {
            "key": "year=2017; appropriation=1:1; instrument=UTV",
            "column_name": "paid_sek",
            "certified_value": "50000.00",
            "new_value": "60000.50",
            "difference": "10000.50",
        },
    ]
    assert set(got["year"]) == {2017}


def test_values_read_back_from_sql_are_not_restated() -> None:
    """5 vs 5.0 and NaN vs None are the same value, so a round trip restates nothing."""
    certified = pd.DataFrame({"year": [2017.0], "instrument": ["UTV"], "recipients": [5.0]})
    new = pd.DataFrame(
        {"year": [2017], "instrument": ["UTV"], "recipients": pd.array([5], "Int64")}
    )
    assert restatements("t", certified, new, {2017}).empty


def test_hold_certified_publishes_certified_rows_and_keeps_other_years() -> None:
    certified = _usage([(2017, "UTV", "50000.00")])
    new = _usage([(2017, "UTV", "60000.00"), (2018, "UTV", "1.00")])
    out, restated = hold_certified("appropriation_usage", new, certified, {2017})
    assert list(zip(out["year"], out["paid_sek"], strict=True)) == [
        (2017, Decimal("50000.00")),
        (2018, Decimal("1.00")),
    ]
    assert out["year"].dtype == "int64"
    assert list(restated["difference"]) == ["10000.00"]


def _tillvaxt(args: list[str], raw: Path, processed: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLVAXT_", "DAGSTER_HOME"))}
    env.update(TILLVAXT_RAW_DIR=str(raw), TILLVAXT_PROCESSED_DIR=str(processed))
    return run_command([sys.executable, "-m", "pipelines.cli", *args], env, cwd=raw.parent)


def test_certify_change_a_payout_rerun_restate_then_reopen(small_raw: Path, tmp_path: Path) -> None:
    processed = tmp_path / "out"
    assert run_cli(small_raw, processed).returncode == 0
    proc = _tillvaxt(["certify", "--year", "2017"], small_raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "certified 2017" in proc.stdout
    again = _tillvaxt(["certify", "--year", "2017"], small_raw, processed)
    assert again.returncode == 1 and "already certified" in again.stderr
    assert "Traceback" not in again.stderr

    payouts_a = small_raw / "payouts" / "utbetalningar_a.csv"
    text = payouts_a.read_bytes().decode("cp1252")
    payouts_a.write_bytes(
        text.replace("Snickeri AB;UTV;50 000,00", "Snickeri AB;UTV;60 000,00").encode("cp1252")
    )
    proc = run_cli(small_raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "no_restatements" in proc.stderr

    engine = sa.create_engine(f"sqlite:///{processed / 'warehouse.sqlite'}")
    try:
        usage = read_table(engine, "appropriation_usage")
        paid = {(r.year, r.instrument): r.paid_sek for r in usage.itertuples()}
        assert paid[(2017, "UTV")] == Decimal("50000.00")  # as certified
        recon = read_table(engine, "appropriation_reconciliation").set_index("year")
        assert recon.at[2017, "paid_sek"] == Decimal("1100000.00")
        # 2018 is not certified: its opening balance follows the corrected 2017 payout.
        assert recon.at[2018, "opening_balance_sek"] == Decimal("-110000.00")
        frozen = read_table(engine, "certified_appropriation_usage")
        assert list(frozen["paid_sek"]) == [Decimal("1050000.00"), Decimal("50000.00")]
        restated = read_table(engine, "restatements")
        usage_rows = restated[restated["table_name"] == "appropriation_usage"]
        assert usage_rows[
            ["key", "column_name", "certified_value", "new_value", "difference"]
        ].values.tolist() == [
            [
                "year=2017; appropriation=1:1; instrument=UTV",
                "paid_sek",
                "50000.00",
                "60000.00",
                "10000.00",
            ]
        ]
        assert set(restated["table_name"]) >= {
            "appropriation_reconciliation",
            "appropriation_usage",
        }
        certs = read_table(engine, "certifications")
        assert list(certs["year"]) == [2017]
        assert "payouts/utbetalningar_a.csv" in certs.at[0, "input_hashes"]
    finally:
        engine.dispose()
    csv = pd.read_csv(processed / "appropriation_usage.csv", dtype=str)
    assert csv.loc[(csv["year"] == "2017") & (csv["instrument"] == "UTV"), "paid_sek"].tolist() == [
        "50000.00"
    ]

    proc = _tillvaxt(["reopen", "--year", "2017"], small_raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert run_cli(small_raw, processed).returncode == 0
    engine = sa.create_engine(f"sqlite:///{processed / 'warehouse.sqlite'}")
    try:
        usage = read_table(engine, "appropriation_usage")
        paid = {(r.year, r.instrument): r.paid_sek for r in usage.itertuples()}
        assert paid[(2017, "UTV")] == Decimal("60000.00")
        assert read_table(engine, "restatements").empty
        log = read_table(engine, "certification_log")
        assert list(log["action"]) == ["certify", "reopen"]
    finally:
        engine.dispose()
