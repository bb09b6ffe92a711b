"""One in-process run on the small raw tree: the published vouchers add up to the usage
table, SQLite sums money exactly, and the UI shows money in Swedish, per year.

The expected figures are the small tree's payout lines (tests/conftest.py), added by
hand: 1:1 in 2017 is 50 000 (UTV) + 600 000 + 450 000 (PROJ); 2018 is −5 000 (UTV);
the 1 000 kr on EGNA (own funds) is no usage.
"""

import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetKey, DagsterInstance

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env

defs = build_definitions(settings_from_env())

PAID_BY_YEAR = {"2017": "1 100 000,00 kr", "2018": "-5 000,00 kr"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import small_raw

    base = tmp_path_factory.mktemp("underlag")
    raw = small_raw.__wrapped__(base)  # the fixture's body, on a module-wide directory
    out = base / "out"
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            instance=instance, resources={"settings": settings}, raise_on_error=False
        )
    assert result.success
    return result, out


def _metadata(result, key: AssetKey) -> dict:
    [mat] = [m for m in result.get_asset_materialization_events() if m.asset_key == key]
    return {k: v.value for k, v in mat.materialization.metadata.items()}


def _sums(csv: Path) -> dict[tuple[str, str], Decimal]:
    """Paid per (year, instrument) from a published CSV, in exact Decimal."""
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r in frame.itertuples():
        out[(r.year, r.instrument)] += Decimal(r.paid_sek)
    return dict(out)


def test_published_vouchers_sum_to_every_usage_figure(run) -> None:
    result, out = run
    vouchers = _sums(out / "usage_vouchers.csv")
    usage = _sums(out / "appropriation_usage.csv")
    assert vouchers == usage
    assert usage == {
        ("2017", "PROJ"): Decimal("1050000.00"),
        ("2017", "UTV"): Decimal("50000.00"),
        ("2018", "UTV"): Decimal("-5000.00"),
    }
    rows = pd.read_csv(out / "usage_vouchers.csv", dtype=str, keep_default_na=False)
    assert list(rows.columns) == [
        "year",
        "instrument",
        "voucher_id",
        "booking_date",
        "decision_id",
        "recipient_id",
        "recipient_name",
        "paid_sek",
        "source_file",
        "source_line",
    ]
    assert "V2017-00004" not in set(rows["voucher_id"])  # EGNA
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == "sums_to_usage"]
    assert check.passed


def test_sqlite_sums_money_exactly_in_ore(run) -> None:
    _, out = run
    with sqlite3.connect(out / "warehouse.sqlite") as db:
        rows = db.execute(
            "SELECT year, SUM(paid_ore), typeof(SUM(paid_ore)) FROM appropriation_usage "
            "GROUP BY year ORDER BY year"
        ).fetchall()
        vouchers = db.execute(
            "SELECT year, SUM(paid_ore) FROM usage_vouchers GROUP BY year ORDER BY year"
        ).fetchall()
        chain = db.execute(
            "SELECT paid_sek, paid_ore, closing_balance_sek, closing_balance_ore "
            "FROM appropriation_reconciliation ORDER BY year"
        ).fetchall()
    assert rows == [(2017, 110_000_000, "integer"), (2018, -500_000, "integer")]
    assert vouchers == [(2017, 110_000_000), (2018, -500_000)]
    for sek, ore, closing_sek, closing_ore in chain:
        assert Decimal(sek) * 100 == ore and Decimal(closing_sek) * 100 == closing_ore


def test_money_in_the_ui_is_swedish_text_and_totals_are_per_year(run) -> None:
    result, _ = run
    for key in (
        AssetKey("appropriation_usage"),
        AssetKey("appropriation_reconciliation"),
        AssetKey("usage_vouchers"),
        AssetKey(["published", "appropriation_usage"]),
        AssetKey(["published", "usage_vouchers"]),
    ):
        meta = _metadata(result, key)
        assert meta["paid_by_year"] == PAID_BY_YEAR, key
        assert "paid_total" not in meta
        assert "e+" not in meta["preview"]
    preview = _metadata(result, AssetKey("appropriation_usage"))["preview"]
    assert "1 050 000,00 kr" in preview and "50 000,00 kr" in preview
    # The validated payouts include the 1 000 kr of own funds (EGNA); allocations per year.
    assert _metadata(result, AssetKey("payouts"))["paid_by_year"] == {
        "2017": "1 101 000,00 kr",
        "2018": "-5 000,00 kr",
    }
    assert _metadata(result, AssetKey("appropriations"))["allocated_by_year"] == {
        "2017": "1 000 000,00 kr",
        "2018": "1 000 000,00 kr",
    }
    reconciliation = _metadata(result, AssetKey(["published", "appropriation_reconciliation"]))
    assert "1 000 000,00 kr" in reconciliation["preview"]  # allocated, each year
