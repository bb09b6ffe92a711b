"""Money that sums in SQL: every money column's integer öre beside it, on SQLite and
PostgreSQL, and a warehouse of the previous version (no öre columns, a certified year)
upgraded in place by the next publication.

Every test runs on both backends; the PostgreSQL one gets a database of its own
(`tests/pg.py`) and skips (fails in CI) without a server.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.close.certify import CERTIFICATIONS
from tillvaxt.publish.publisher import publish_run
from tillvaxt.publish.schema import sa_table, warehouse_columns
from tillvaxt.publish.warehouse import Warehouse, read_table

pytest_plugins = ["tests.pg"]  # the pg_url fixture

# Three amounts whose float sum is not their decimal sum (0.1 + 0.2 != 0.3 in binary).
PAID_ORE = [10, 20, 1_092_534_800]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path):
    url = (
        f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    with Warehouse(url) as wh:
        yield wh


def usage(year: int, paid_ore: list[int]) -> pd.DataFrame:
    """An `appropriation_usage` frame as the pipeline makes it (money in öre)."""
    instruments = ["UTV", "FOU", "PROJ", "ENERGI"][: len(paid_ore)]
    return pd.DataFrame(
        {
            "year": [year] * len(paid_ore),
            "appropriation": ["1:1"] * len(paid_ore),
            "instrument": instruments,
            "instrument_name": [None] * len(paid_ore),
            "paid_ore": paid_ore,
        }
    )


def scalar(wh: Warehouse, sql: str) -> object:
    with wh.connect() as conn:
        return conn.execute(sa.text(sql)).scalar_one()


def test_sum_of_an_ore_column_is_an_exact_integer(warehouse: Warehouse, tmp_path: Path) -> None:
    publish_run({"appropriation_usage": usage(2017, PAID_ORE)}, warehouse.engine, tmp_path, "r1")
    total = scalar(warehouse, "SELECT SUM(paid_ore) FROM appropriation_usage")
    # SQLite returns an int, PostgreSQL a NUMERIC (Decimal) for SUM(bigint): both exact.
    assert Decimal(total) == sum(PAID_ORE) and Decimal(total) == int(total)
    assert list(pd.read_csv(tmp_path / "appropriation_usage.csv").columns) == [
        "year",
        "appropriation",
        "instrument",
        "instrument_name",
        "paid_sek",
    ]
    with warehouse.connect() as conn:
        columns = [c["name"] for c in sa.inspect(conn).get_columns("appropriation_usage")]
    assert columns == warehouse_columns("appropriation_usage")
    assert columns[-2:] == ["paid_sek", "paid_ore"]
    # read_table gives the published columns; asked for, the öre too.
    assert "paid_ore" not in read_table(warehouse.engine, "appropriation_usage").columns
    back = read_table(warehouse.engine, "appropriation_usage", ore=True)
    assert [int(v) for v in back["paid_ore"]] == PAID_ORE
    if warehouse.engine.dialect.name == "sqlite":
        # Why the öre column exists: SQLite sums the decimal text as binary floats.
        assert isinstance(scalar(warehouse, "SELECT SUM(paid_sek) FROM appropriation_usage"), float)


def _previous_version(name: str) -> sa.Table:
    """`appropriation_usage` (or a copy) as the previous version declared it: no öre columns."""
    now = sa_table("appropriation_usage", name=name)
    return sa.Table(
        name, sa.MetaData(), *(c._copy() for c in now.columns if not c.name.endswith("_ore"))
    )


def test_a_warehouse_of_the_previous_version_upgrades_with_its_certified_year(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The previous version's tables gain paid_ore, filled from paid_sek, in the certified
    copy too; the certified 2017 stays as filed and sums exactly."""
    filed = [
        {"year": 2017, "appropriation": "1:1", "instrument": "UTV", "paid_sek": Decimal("0.10")},
        {"year": 2017, "appropriation": "1:1", "instrument": "FOU", "paid_sek": Decimal("0.20")},
    ]
    with warehouse.begin() as conn:
        for name in ("appropriation_usage", "certified_appropriation_usage"):
            table = _previous_version(name)
            table.create(conn)
            conn.execute(table.insert(), filed)
        CERTIFICATIONS.create(conn)
        conn.execute(
            CERTIFICATIONS.insert(),
            {
                "year": 2017,
                "certified_at": dt.datetime(2018, 3, 1, tzinfo=dt.UTC),
                "tables": "appropriation_usage",
            },
        )
    # The current inputs would change 2017 (a restatement) and add 2018.
    frame = pd.concat([usage(2017, [15, 20]), usage(2018, [300, 400])], ignore_index=True)
    publish_run({"appropriation_usage": frame}, warehouse.engine, tmp_path / "out", "r2")

    with warehouse.connect() as conn:
        published = conn.execute(
            sa.text(
                "SELECT year, instrument, paid_ore FROM appropriation_usage ORDER BY year, paid_ore"
            )
        ).fetchall()
        certified = conn.execute(
            sa.text("SELECT instrument, paid_ore FROM certified_appropriation_usage ORDER BY 2")
        ).fetchall()
        restated = conn.execute(
            sa.text("SELECT key, certified_value, new_value FROM restatements")
        ).fetchall()
    assert [tuple(r) for r in published] == [
        (2017, "UTV", 10),
        (2017, "FOU", 20),
        (2018, "UTV", 300),
        (2018, "FOU", 400),
    ]
    assert [tuple(r) for r in certified] == [("UTV", 10), ("FOU", 20)]
    assert [tuple(r) for r in restated] == [
        ("year=2017; appropriation=1:1; instrument=UTV", "0.10", "0.15")
    ]
    total = scalar(warehouse, "SELECT SUM(paid_ore) FROM appropriation_usage WHERE year = 2017")
    assert Decimal(total) == 30


def test_tables_kept_for_the_reports_are_what_the_warehouse_returns(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports' tables, handed over without a read-back, equal `read_table`'s on
    either backend (PostgreSQL returns NUMERIC, DATE and BOOLEAN by its own driver)."""
    from tests.unit.test_publish_as_read import kept_equals_read_back

    kept_equals_read_back(warehouse.engine, tmp_path / "out", monkeypatch)
