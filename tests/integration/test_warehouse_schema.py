"""The warehouse declared, not guessed: tables from `tillvaxt.publish.schema`, on SQLite and
PostgreSQL, and a changed table migrated in place or refused, never dropped.

Every test runs on both backends; the PostgreSQL one gets a database of its own
(`tests/pg.py`) and skips (fails in CI) without a server.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.publish.publisher import publish_run
from tillvaxt.publish.schema import TABLES, csv_header, warehouse_columns
from tillvaxt.publish.warehouse import (
    SchemaChanged,
    Warehouse,
    conform_frame,
    read_table,
)

pytest_plugins = ["tests.pg"]  # the pg_url fixture


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def warehouse(url: str) -> Warehouse:
    with Warehouse(url) as wh:
        yield wh


def usage(paid_ore: list[int | None]) -> pd.DataFrame:
    """An `appropriation_usage` frame as the pipeline makes it (money in öre), columns shuffled."""
    n = len(paid_ore)
    return pd.DataFrame(
        {
            "paid_ore": pd.array(paid_ore, dtype="Int64"),
            "instrument": ["UTV"] * n,
            "year": pd.array([2017 + i for i in range(n)], dtype="int64"),
            "instrument_name": [None] * n,
            "appropriation": ["1:1"] * n,
        }
    )


def recipients(n: int) -> pd.DataFrame:
    """A `recipients_by_instrument` frame whose `granted_recipients` is empty throughout."""
    return pd.DataFrame(
        {
            "year": [2017] * n,
            "instrument": ["UTV"] * n,
            "instrument_name": ["Utvecklingscheck"] * n,
            "municipality": [f"Kommun {i}" for i in range(n)],
            "recipients": [3] * n,
            "granted_recipients": [None] * n,  # object dtype, all empty: nothing to guess from
            "decisions": [4] * n,
            "paid_ore": [100_00] * n,
        }
    )


def sql_columns(wh: Warehouse, table: str) -> dict[str, tuple[str, bool]]:
    """column -> (the database's own name for its type, nullable), in table order."""
    with wh.connect() as conn:
        cols = sa.inspect(conn).get_columns(table)
    return {c["name"]: (c["type"].compile(dialect=wh.engine.dialect), c["nullable"]) for c in cols}


def count(wh: Warehouse, table: str) -> int:
    with wh.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def index_names(wh: Warehouse, table: str) -> set[str]:
    with wh.connect() as conn:
        return {i["name"] for i in sa.inspect(conn).get_indexes(table)}


def test_a_published_table_has_the_declared_columns_types_and_order(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """Types come from the declaration: an all-empty count is still an integer column, and
    NOT NULL where declared; the CSV header is the declared order, whatever the frame's."""
    publish_run(
        {"recipients_by_instrument": recipients(2), "appropriation_usage": usage([150, None])},
        warehouse.engine,
        tmp_path / "out",
        "r1",
    )
    cols = sql_columns(warehouse, "recipients_by_instrument")
    money = "NUMERIC(18, 2)" if warehouse.engine.dialect.name == "postgresql" else "TEXT"
    assert list(cols) == warehouse_columns("recipients_by_instrument")
    assert [c for c in cols if not c.endswith("_ore")] == csv_header("recipients_by_instrument")
    assert cols["paid_ore"] == ("BIGINT", True)
    assert cols["granted_recipients"] == ("BIGINT", True)
    assert cols["year"] == ("BIGINT", False)
    assert cols["municipality"] == ("TEXT", False)
    assert cols["paid_sek"] == (money, True)
    header = (tmp_path / "out" / "appropriation_usage.csv").read_text(encoding="utf-8")
    assert header.splitlines()[0] == "year,appropriation,instrument,instrument_name,paid_sek"
    assert header.splitlines()[1] == "2017,1:1,UTV,,1.50"
    back = read_table(warehouse.engine, "appropriation_usage")
    first, second = back["paid_sek"]
    assert first == Decimal("1.50") and pd.isna(second)


def test_a_column_no_longer_declared_stops_the_publication_and_keeps_the_table(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """An older warehouse has a column the declaration dropped: the old code dropped and
    recreated the table silently (losing the column, its data and every index and grant);
    now nothing is published and the sentence says which table, what and where to read."""
    out = tmp_path / "out"
    publish_run({"appropriation_usage": usage([100, 200])}, warehouse.engine, out, "r1")
    with warehouse.begin() as conn:
        conn.execute(sa.text("ALTER TABLE appropriation_usage ADD COLUMN legacy_note TEXT"))
        conn.execute(sa.text("CREATE INDEX ix_usage_year ON appropriation_usage (year)"))
    with pytest.raises(SchemaChanged) as err:
        publish_run({"appropriation_usage": usage([7, 8, 9])}, warehouse.engine, out, "r2")
    assert str(err.value) == (
        "The warehouse table appropriation_usage differs from its declaration: column "
        "legacy_note is in the warehouse but no longer declared. Nothing was published; "
        "migrate the table as docs/warehouse.md describes (or publish to a new database) "
        "and run again."
    )
    assert count(warehouse, "appropriation_usage") == 2
    assert "legacy_note" in sql_columns(warehouse, "appropriation_usage")
    assert "ix_usage_year" in index_names(warehouse, "appropriation_usage")
    assert (out / "appropriation_usage.csv").read_text(encoding="utf-8").count("\n") == 3
    # The migration docs/warehouse.md describes, then the run publishes into the same table.
    with warehouse.begin() as conn:
        conn.execute(sa.text("ALTER TABLE appropriation_usage DROP COLUMN legacy_note"))
    publish_run({"appropriation_usage": usage([7, 8, 9])}, warehouse.engine, out, "r2")
    assert count(warehouse, "appropriation_usage") == 3
    assert "ix_usage_year" in index_names(warehouse, "appropriation_usage")


def test_a_retyped_column_stops_the_publication(warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE appropriation_usage (year BIGINT NOT NULL, appropriation TEXT "
                "NOT NULL, instrument TEXT NOT NULL, instrument_name TEXT, paid_sek BIGINT)"
            )
        )
    with pytest.raises(SchemaChanged) as err:
        publish_run({"appropriation_usage": usage([1])}, warehouse.engine, tmp_path / "o", "r1")
    declared = "numeric(18,2)" if warehouse.engine.dialect.name == "postgresql" else "text"
    assert f"column paid_sek is integer in the warehouse but declared {declared}" in str(err.value)
    assert "appropriation_usage" in str(err.value)


def test_a_new_nullable_column_is_added_in_place_and_a_new_not_null_one_refused(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The one migration done automatically: ALTER TABLE ADD COLUMN in the publication's
    transaction; the table is the same table (its index survives), with the new rows."""
    with warehouse.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE appropriation_usage (year BIGINT NOT NULL, appropriation TEXT "
                "NOT NULL, instrument TEXT NOT NULL, paid_sek NUMERIC(18, 2))"
                if warehouse.engine.dialect.name == "postgresql"
                else "CREATE TABLE appropriation_usage (year BIGINT NOT NULL, appropriation "
                "TEXT NOT NULL, instrument TEXT NOT NULL, paid_sek TEXT)"
            )
        )
        conn.execute(sa.text("CREATE INDEX ix_usage_year ON appropriation_usage (year)"))
        conn.execute(sa.text("INSERT INTO appropriation_usage VALUES (2016, '1:1', 'UTV', '5')"))
    publish_run({"appropriation_usage": usage([100, 200])}, warehouse.engine, tmp_path / "o", "r1")
    cols = sql_columns(warehouse, "appropriation_usage")
    assert list(cols) == [
        "year",
        "appropriation",
        "instrument",
        "paid_sek",
        "instrument_name",
        "paid_ore",
    ]
    assert cols["instrument_name"] == ("TEXT", True)
    assert "ix_usage_year" in index_names(warehouse, "appropriation_usage")
    back = read_table(warehouse.engine, "appropriation_usage")
    assert list(back["year"]) == [2017, 2018]
    assert list(back["paid_sek"]) == [Decimal("1.00"), Decimal("2.00")]

    with warehouse.begin() as conn:
        conn.execute(sa.text("ALTER TABLE appropriation_usage DROP COLUMN instrument"))
    with pytest.raises(SchemaChanged, match="new column instrument is NOT NULL"):
        publish_run({"appropriation_usage": usage([1])}, warehouse.engine, tmp_path / "o", "r2")
    assert count(warehouse, "appropriation_usage") == 2


def test_a_frame_that_disagrees_with_the_declaration_is_refused_in_one_sentence() -> None:
    frame = usage([1]).rename(columns={"paid_ore": "paid_sek"}).assign(extra=1)
    with pytest.raises(ValueError) as err:
        conform_frame("appropriation_usage", frame)
    assert str(err.value) == (
        "table appropriation_usage: the computed frame has columns extra that "
        "tillvaxt/publish/schema.py does not declare."
    )
    empty_year = usage([1, 2]).rename(columns={"paid_ore": "paid_sek"})
    empty_year["year"] = pd.array([2017, None], dtype="Int64")
    with pytest.raises(ValueError, match="column year is declared NOT NULL but 1 rows"):
        conform_frame("appropriation_usage", empty_year)
    assert list(
        conform_frame(
            "appropriation_usage", usage([1]).rename(columns={"paid_ore": "paid_sek"})
        ).columns
    ) == csv_header("appropriation_usage")


def test_warehouse_owns_its_engine_and_its_transactions(url: str) -> None:
    wh = Warehouse(url)
    with wh.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (n BIGINT)"))
        conn.execute(sa.text("INSERT INTO probe VALUES (1)"))
    with pytest.raises(RuntimeError), wh.begin() as conn:
        conn.execute(sa.text("INSERT INTO probe VALUES (2)"))
        raise RuntimeError("rolled back")
    first = wh.engine
    wh.dispose()
    assert wh.engine is not first  # disposed engines are not reused
    assert count(wh, "probe") == 1
    wh.dispose()


def test_every_declared_column_has_a_description_and_a_kind() -> None:
    for table in TABLES.values():
        assert table.description.endswith("."), table.name
        for col in table.columns:
            assert col.description.endswith("."), f"{table.name}.{col.name}"
        assert len(set(table.column_names)) == len(table.column_names), table.name


@pytest.mark.postgres
def test_warehouse_creates_its_postgresql_schema_and_publishes_into_it(
    pg_url: str, tmp_path: Path
) -> None:
    url = sa.make_url(pg_url).update_query_dict({"options": "-csearch_path=tillvaxt_test"})
    with Warehouse(url.render_as_string(hide_password=False), schema="tillvaxt_test") as wh:
        publish_run({"appropriation_usage": usage([100])}, wh.engine, tmp_path / "o", "r1")
        with wh.connect() as conn:
            where = conn.execute(
                sa.text("SELECT table_schema FROM information_schema.tables WHERE table_name = :t"),
                {"t": "appropriation_usage"},
            ).scalar_one()
    assert where == "tillvaxt_test"


def test_declared_dates_are_dates_whatever_the_frame_holds(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """`last_payout_date` is declared a date: a datetime column of it, empty in one row, is
    stored and read back as calendar dates, and its CSV cell as ISO or empty."""
    balances = pd.DataFrame(
        {
            "decision_id": ["RS1", "RS2"],
            "instrument": ["UTV", "UTV"],
            "granted_ore": [100_000_00, 50_000_00],
            "paid_ore": [40_000_00, 0],
            "remaining_ore": [60_000_00, 50_000_00],
            "status": ["open", "not_started"],
            "decision_status": ["Beviljad", "Beviljad"],
            "decision_date": pd.to_datetime(["2017-01-15", "2017-03-01"]),
            "org_number": ["5566778899", "8112189876"],
            "payouts": [1, 0],
            "last_payout_date": pd.to_datetime(["2017-06-30 00:00", None]),
            "source_file": ["decisions/beslut_20190110.csv"] * 2,
            "source_line": [2, 3],
        }
    )
    out = tmp_path / "out"
    publish_run({"decision_balances": balances}, warehouse.engine, out, "r1")
    assert sql_columns(warehouse, "decision_balances")["last_payout_date"] == ("DATE", True)
    back = read_table(warehouse.engine, "decision_balances")
    assert [None if pd.isna(v) else v.isoformat() for v in back["last_payout_date"]] == [
        "2017-06-30",
        None,
    ]
    rows = (out / "decision_balances.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].split(",")[10] == "2017-06-30" and rows[2].split(",")[10] == ""
    assert back["org_number"].tolist()[1].startswith("PNR-")
