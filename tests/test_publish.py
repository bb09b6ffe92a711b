"""Publishing: exact money in SQL and CSV, masking, and whole-or-nothing replacement."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.publish.publisher import publish_table
from tillvaxt.publish.warehouse import read_table


def frame(amounts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2017] * len(amounts),
            "org_number": ["8001011234"] * len(amounts),
            "paid_ore": pd.Series(amounts, dtype="int64"),
        }
    )


def test_money_round_trips_exactly_and_personal_numbers_are_masked(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    publish_table("t", frame([10, 1_092_534_801, -11_434_800]), engine, tmp_path)
    back = read_table(engine, "t")
    assert list(back["paid_sek"]) == [
        Decimal("0.10"),
        Decimal("10925348.01"),
        Decimal("-114348.00"),
    ]
    text = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert "0.10" in text and "10925348.01" in text
    assert "8001011234" not in text and "800101" not in text
    assert all(v.startswith("PNR-") for v in back["org_number"])
    engine.dispose()


def test_failed_database_write_leaves_table_and_csv_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    publish_table("t", frame([100, 200]), engine, tmp_path)
    before_csv = (tmp_path / "t.csv").read_bytes()

    from tillvaxt.publish import warehouse

    real_records = warehouse._records

    def failing(f: pd.DataFrame) -> list[dict]:
        rows = real_records(f)
        rows[-1]["paid_sek"] = object()  # not bindable: the INSERT fails mid-transaction
        return rows

    monkeypatch.setattr(warehouse, "_records", failing)
    with pytest.raises(sa.exc.SQLAlchemyError):
        publish_table("t", frame([1, 2, 3]), engine, tmp_path)
    assert len(read_table(engine, "t")) == 2
    assert (tmp_path / "t.csv").read_bytes() == before_csv
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.csv")]
    engine.dispose()
