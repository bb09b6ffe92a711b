"""`publish_run(keep=...)`: the reports get each kept table exactly as `read_table` inside
the publication's transaction returns it (same columns, dtypes, values and value types),
without reading it back, and the tables not kept are not handed over."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.publish.publisher import publish_run
from tillvaxt.publish.warehouse import read_table


def _tables() -> dict[str, pd.DataFrame]:
    """Published tables in the pipeline's shape (öre, datetimes, nullable counts), with
    every kind of column and a missing value in each nullable one."""
    balances = pd.DataFrame(
        {
            "decision_id": ["D1", "D2", "D3"],
            "instrument": ["UTV", None, "PROJ"],
            "granted_ore": pd.array([10_000_00, None, 5], dtype="Int64"),
            "paid_ore": pd.array([2_500_50, 0, -7], dtype="Int64"),
            "remaining_ore": pd.array([7_499_50, None, 12], dtype="Int64"),
            "status": ["open", "closed", "open"],
            "decision_status": ["Beviljad", None, "Återkallad"],
            "decision_date": pd.to_datetime(["2017-03-01", None, "2018-12-31"]),
            "org_number": ["5560001234", "8001011234", None],
            "payouts": pd.array([2, None, 0], dtype="Int64"),
            "last_payout_date": pd.to_datetime(["2017-05-02", None, None]),
            "source_file": ["beslut.csv", "beslut.csv", None],
            "source_line": pd.array([2, 3, None], dtype="Int64"),
        }
    )
    groups = pd.DataFrame(
        {
            "year": [2017, 2017, 2018],
            "instrument": ["Alla", "UTV", "Alla"],
            "kon": ["K", "M", None],
            "bakgrund": [None, "Inrikes", "Totalt"],
            "utbildning": [None, None, None],
            "inkomstklass": [None, None, None],
            "aldersgrupp": [None, None, "30-39"],
            "recipients": pd.array([12, None, 3], dtype="Int64"),
            "paid_ore": pd.array([1_000_00, None, 33], dtype="Int64"),
            "share_of_recipients": [0.25, float("nan"), 1 / 3],
            "baseline_share": [0.5, 0.1, float("nan")],
            "representation_ratio": [0.5, float("nan"), 2.0],
            "suppressed": [False, True, False],
        }
    )
    vouchers = pd.DataFrame(
        {
            "year": [2017, 2018],
            "instrument": ["UTV", "FOU"],
            # `string` columns (missing as NA), as the pipeline's readers make them.
            "voucher_id": pd.array(["V1", "V2"], dtype="string"),
            "booking_date": pd.to_datetime(["2017-01-02", "2018-06-30"]),
            "decision_id": pd.array(["D1", None], dtype="string"),
            "recipient_id": ["8001011234", "5560001234"],
            "recipient_name": pd.array(["Anna Andersson", None], dtype="string"),
            "paid_ore": pd.Series([10, -45_000_00], dtype="int64"),
            "source_file": ["a.csv", "b.csv"],
            "source_line": [2, 3],
        }
    )
    empty = pd.DataFrame(
        {
            "year": pd.Series([], dtype="int64"),
            "appropriation": pd.Series([], dtype=object),
            "instrument": pd.Series([], dtype=object),
            "instrument_name": pd.Series([], dtype=object),
            "paid_ore": pd.Series([], dtype="int64"),
        }
    )
    return {
        "decision_balances": balances,
        "support_by_group": groups,
        "usage_vouchers": vouchers,
        "appropriation_usage": empty,
    }


def kept_equals_read_back(engine: sa.Engine, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Publish `_tables()` keeping all; each kept frame must be `read_table`'s, and the
    publisher must not have read any back (also run on PostgreSQL, test_warehouse_ore)."""
    from tillvaxt.publish import warehouse

    read_back: list[str] = []
    real = warehouse.read_table
    monkeypatch.setattr(
        warehouse,
        "read_table",
        lambda conn, name, **kw: read_back.append(name) or real(conn, name, **kw),
    )
    seen: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}

    def reports(conn: sa.Connection, run_dir: Path, kept: dict) -> dict:
        for name, frame in kept.items():
            seen[name] = (frame, read_table(conn, name))
        return {}

    tables = _tables()
    publish_run(tables, engine, out, "r1", reports, keep=list(tables))
    assert sorted(seen) == sorted(tables)
    assert read_back == []
    for name, (kept, back) in seen.items():
        assert list(kept.columns) == list(back.columns), name
        assert list(kept.dtypes.astype(str)) == list(back.dtypes.astype(str)), name
        pd.testing.assert_frame_equal(kept, back, check_exact=True, obj=name)
        for col in kept.columns:  # Decimal('1.00') and 1.0 compare equal: the types must too
            assert [type(v) for v in kept[col]] == [type(v) for v in back[col]], (name, col)
            assert [str(v) for v in kept[col]] == [str(v) for v in back[col]], (name, col)
    vouchers = seen["usage_vouchers"][0]
    assert vouchers["paid_sek"].tolist() == [Decimal("0.10"), Decimal("-45000.00")]
    assert vouchers["recipient_id"].str.startswith("PNR-").tolist() == [True, False]


def test_kept_tables_are_what_read_table_returns_inside_the_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    kept_equals_read_back(engine, tmp_path / "out", monkeypatch)
    engine.dispose()


def test_only_the_kept_tables_are_handed_to_the_reports(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    handed: list[str] = []

    def reports(conn: sa.Connection, run_dir: Path, kept: dict) -> dict:
        handed.extend(kept)
        return {}

    publish_run(_tables(), engine, tmp_path / "out", "r1", reports, keep=["usage_vouchers"])
    assert handed == ["usage_vouchers"]
    engine.dispose()
