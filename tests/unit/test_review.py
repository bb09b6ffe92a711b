"""Reviews of restatements on a bare SQLite warehouse: what a review covers and refuses."""

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from tillvaxt.close.certify import (
    CERTIFICATIONS,
    RESTATEMENTS,
    CloseError,
    read_restatements,
    review_year,
)

CELL = {
    "year": 2017,
    "table_name": "appropriation_usage",
    "key": "year=2017; appropriation=1:1; instrument=UTV",
    "column_name": "paid_sek",
    "certified_value": "50000.00",
    "new_value": "60000.00",
    "difference": "10000.00",
}
AT = dt.datetime(2018, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def engine(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with engine.begin() as conn:
        CERTIFICATIONS.create(conn)
        RESTATEMENTS.create(conn)
        conn.execute(CERTIFICATIONS.insert(), {"year": 2017, "certified_at": AT, "tables": "x"})
        conn.execute(RESTATEMENTS.insert(), [CELL])
    yield engine
    engine.dispose()


def _set_new_value(engine: sa.Engine, value: str) -> None:
    with engine.begin() as conn:
        conn.execute(RESTATEMENTS.update().values(new_value=value))


def test_a_review_covers_the_values_it_saw(engine: sa.Engine) -> None:
    assert read_restatements(engine)["reviewed_by"].isna().all()
    when = dt.datetime(2018, 4, 2, 8, 0, tzinfo=dt.UTC)
    assert review_year(engine, 2017, " Karin Ek ", "Sen rättelse; godkänd", now=when) == 1
    [row] = read_restatements(engine).to_dict("records")
    assert (row["reviewed_by"], row["review_note"]) == ("Karin Ek", "Sen rättelse; godkänd")
    with pytest.raises(CloseError, match=r"no unreviewed restatement \(all 1 are reviewed\)"):
        review_year(engine, 2017, "Karin Ek", "again")
    _set_new_value(engine, "70000.00")  # the inputs changed the cell again
    assert read_restatements(engine)["reviewed_by"].isna().all()
    _set_new_value(engine, "60000.00")  # back to what was reviewed
    assert read_restatements(engine)["reviewed_by"].tolist() == ["Karin Ek"]


def test_a_review_does_not_carry_over_to_a_new_certification(engine: sa.Engine) -> None:
    review_year(engine, 2017, "Karin Ek", "ok")
    with engine.begin() as conn:
        conn.execute(CERTIFICATIONS.update().values(certified_at=AT + dt.timedelta(days=30)))
    assert read_restatements(engine)["reviewed_by"].isna().all()


def test_what_a_review_refuses_in_one_sentence(engine: sa.Engine) -> None:
    with pytest.raises(CloseError, match="needs the reviewer's name"):
        review_year(engine, 2017, "Karin Ek", "   ")
    with pytest.raises(CloseError, match="Year 2018 is not certified"):
        review_year(engine, 2018, "Karin Ek", "ok")
    # A personal identity number typed into the note is masked before it is stored.
    review_year(engine, 2017, "Karin Ek", "Se 810815-1518")
    [row] = read_restatements(engine).to_dict("records")
    assert "810815" not in row["review_note"] and "PNR-" in row["review_note"]
