"""The warehouse on PostgreSQL: exact types, comments, and whole-table replacement.

Each test gets its own database (`tests/pg.py`); without a server they skip with the
reason, and in CI (`TILLVAXT_REQUIRE_POSTGRES=1`) they fail instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.cli import run_cli
from tillvaxt.publish.warehouse import read_table, replace_table

pytestmark = pytest.mark.postgres
pytest_plugins = ["tests.pg"]  # the pg_url fixture


def _columns(engine: sa.Engine, table: str) -> dict[str, tuple[str, str | None]]:
    """column -> (SQL type as PostgreSQL names it, column comment)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
                "col_description(a.attrelid, a.attnum) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum"
            ),
            {"t": table},
        ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _table_comment(engine: sa.Engine, table: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT obj_description(CAST(:t AS regclass), 'pg_class')"), {"t": table}
        ).scalar()


def test_pipeline_publishes_exact_types_comments_and_values(
    small_raw: Path, tmp_path: Path, pg_url: str, engine_on: Callable[..., sa.Engine]
) -> None:
    proc = run_cli(small_raw, tmp_path / "out", pg_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    engine = engine_on()
    cols = _columns(engine, "appropriation_reconciliation")
    assert cols["year"][0] == "bigint"
    assert cols["appropriation"][0] == "text"
    for money in ("opening_balance_sek", "allocated_sek", "paid_sek", "closing_balance_sek"):
        assert cols[money][0] == "numeric(18,2)", money
    assert cols["status"][0] == "text"
    assert cols["paid_sek"][1].startswith("Net amount paid in SEK")
    assert _table_comment(engine, "appropriation_reconciliation").startswith(
        "Appropriation balance per year"
    )
    assert _columns(engine, "appropriation_usage")["instrument_name"] == (
        "text",
        "Instrument name as the report shows it.",
    )
    with engine.connect() as conn:
        paid = conn.execute(
            sa.text(
                "SELECT year, paid_sek, closing_balance_sek FROM appropriation_reconciliation "
                "ORDER BY year"
            )
        ).fetchall()
    assert [tuple(r) for r in paid] == [
        (2017, Decimal("1100000.00"), Decimal("-100000.00")),
        (2018, Decimal("-5000.00"), Decimal("905000.00")),
    ]
    usage = read_table(engine, "appropriation_usage")
    assert sum(usage["paid_sek"], Decimal(0)) == Decimal("1095000.00")


def test_dates_are_date_columns_and_round_trip(
    engine_on: Callable[..., sa.Engine],
) -> None:
    frame = pd.DataFrame(
        {
            "decision_id": ["RS1", "RS2"],
            "decision_date": pd.to_datetime(["2017-02-01", "2017-12-31"]),
            "project_end": [pd.Timestamp("2018-12-31").date(), None],
            "granted_sek": [Decimal("0.10"), Decimal("2000000.05")],
        }
    )
    engine = engine_on()
    replace_table(
        engine, "dated", frame, comment="Dated.", column_comments={"decision_date": "When."}
    )
    cols = _columns(engine, "dated")
    assert cols["decision_date"] == ("date", "When.")
    assert cols["project_end"][0] == "date"
    assert cols["granted_sek"][0] == "numeric(18,2)"
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT decision_date, project_end, granted_sek FROM dated ORDER BY 1")
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        (pd.Timestamp("2017-02-01").date(), pd.Timestamp("2018-12-31").date(), Decimal("0.10")),
        (pd.Timestamp("2017-12-31").date(), None, Decimal("2000000.05")),
    ]


def _frame(n: int, extra: bool = False) -> pd.DataFrame:
    data = {"year": [2017] * n, "paid_sek": [Decimal("1.00")] * n}
    if extra:
        data["note"] = ["new column"] * n
    return pd.DataFrame(data)


@pytest.fixture
def engine_on(pg_url: str) -> Iterator[Callable[..., sa.Engine]]:
    """Makes engines on the test's database (`create_engine`'s keywords), disposed after it."""
    made: list[sa.Engine] = []

    def make(**kw: object) -> sa.Engine:
        made.append(sa.create_engine(pg_url, **kw))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def _count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()


def test_reader_during_replace_sees_the_old_table_until_commit(
    engine_on: Callable[..., sa.Engine],
) -> None:
    """Same columns: rows are swapped inside one transaction; another session sees old rows."""
    writer = engine_on()
    reader = engine_on()
    seen: list[int] = []

    def _just_before_commit(conn: sa.Connection) -> None:
        seen.append(_count(reader))

    replace_table(writer, "t", _frame(300))
    sa.event.listen(writer, "commit", _just_before_commit)
    replace_table(writer, "t", _frame(500))
    assert seen == [300]  # deleted and re-inserted, not yet committed: old table whole
    assert _count(reader) == 500


def test_repeatable_read_reader_keeps_its_snapshot_across_a_replace(
    engine_on: Callable[..., sa.Engine],
) -> None:
    writer = engine_on()
    reader = engine_on(isolation_level="REPEATABLE READ")
    replace_table(writer, "t", _frame(300))
    with reader.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
        replace_table(writer, "t", _frame(700))
        during = conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
    assert (before, during) == (300, 300)
    assert _count(writer) == 700


def test_reader_blocked_by_a_changed_table_gets_the_new_table_whole(
    engine_on: Callable[..., sa.Engine],
) -> None:
    """New columns: drop and create in one transaction; a reader waits, then reads the new table."""
    writer = engine_on()
    reader = engine_on()
    monitor = engine_on()
    result: dict[str, object] = {}

    def read() -> None:
        try:
            with reader.connect() as conn:
                result["count"] = conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
        except Exception as exc:  # reported below
            result["error"] = exc

    def _start_reader_before_commit(conn: sa.Connection) -> None:
        thread = threading.Thread(target=read)
        result["thread"] = thread
        thread.start()
        # Wait (bounded) until the reader's query is queued behind the writer's lock.
        for _ in range(500):
            with monitor.connect() as m:
                waiting = m.execute(
                    sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                ).scalar_one()
            if waiting:
                break
            threading.Event().wait(0.01)
        result["waited"] = bool(waiting)

    replace_table(writer, "t", _frame(300))
    sa.event.listen(writer, "commit", _start_reader_before_commit)
    replace_table(writer, "t", _frame(450, extra=True))
    result["thread"].join(timeout=60)
    assert result.get("waited") is True
    assert "error" not in result, result.get("error")
    assert result["count"] == 450
    assert list(read_table(writer, "t").columns) == ["year", "paid_sek", "note"]


def test_a_publication_is_one_transaction_under_an_advisory_lock(
    engine_on: Callable[..., sa.Engine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Until the run's one commit a reader sees every table of the previous run, and
    a second publisher to the same database cannot take the publication lock."""
    from tillvaxt.publish import publisher

    def tables(amount: int) -> dict[str, pd.DataFrame]:
        return {t: _frame(amount) for t in ("first", "second", "third")}

    engine = engine_on()
    reader = engine_on()
    publisher.publish_run(tables(300), engine, tmp_path, "a")
    seen: dict[str, object] = {}

    def at(step: str) -> None:
        if step != "commit":
            return
        with reader.connect() as conn:
            seen["rows"] = [
                conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("first", "second", "third")
            ]
            key = publisher._advisory_key(conn)
            seen["lock_free"] = conn.execute(
                sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": key}
            ).scalar_one()

    monkeypatch.setattr(publisher, "checkpoint", at)
    publisher.publish_run(tables(500), engine, tmp_path, "b")
    assert seen == {"rows": [300, 300, 300], "lock_free": False}
    assert [len(read_table(engine, t)) for t in ("first", "second", "third")] == [500] * 3
    assert publisher.last_publication(engine) == "b"
