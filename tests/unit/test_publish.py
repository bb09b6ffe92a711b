"""Publishing: exact money in SQL and CSV, masking, and whole-or-nothing replacement of a
whole run (every table and file at once, or nothing)."""

import os
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.publish import fileset, publisher
from tillvaxt.publish.publisher import last_publication, publish_run, recover
from tillvaxt.publish.warehouse import has_table, read_table


def frame(amounts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2017] * len(amounts),
            "org_number": ["8001011234"] * len(amounts),
            "paid_ore": pd.Series(amounts, dtype="int64"),
        }
    )


def publish_one(name: str, f: pd.DataFrame, engine: sa.Engine, out: Path, run: str = "r1"):
    return publish_run({name: f}, engine, out, run)


def test_money_round_trips_exactly_and_personal_numbers_are_masked(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    publish_one("t", frame([10, 1_092_534_801, -11_434_800]), engine, tmp_path)
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


@pytest.mark.parametrize("column", ["paid_sek", "org_number"])  # a typed and a plain column
def test_failed_database_write_leaves_table_and_csv_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str
) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    publish_one("t", frame([100, 200]), engine, tmp_path)
    before_csv = (tmp_path / "t.csv").read_bytes()

    from tillvaxt.publish import warehouse

    real_column = warehouse._sqlite_column

    def failing(col: sa.Column, dialect: sa.Dialect, series: pd.Series) -> list:
        values = real_column(col, dialect, series)
        if col.name == column:
            values[-1] = object()  # not bindable: the INSERT fails mid-transaction
        return values

    monkeypatch.setattr(warehouse, "_sqlite_column", failing)
    with pytest.raises(sa.exc.SQLAlchemyError):
        publish_one("t", frame([1, 2, 3]), engine, tmp_path, run="r2")
    assert len(read_table(engine, "t")) == 2
    assert (tmp_path / "t.csv").read_bytes() == before_csv
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.csv")]
    assert not (tmp_path / "runs" / "r2").exists()
    engine.dispose()


TABLES = ["reconciliation", "usage", "balances"]


def _tables(amount: int) -> dict[str, pd.DataFrame]:
    return {t: frame([amount + i, amount * 2]) for i, t in enumerate(TABLES)}


def _report(tag: str, years: list[int]):
    """A report written from the publication's own transaction: the sum it reads, per year."""

    def write(conn: sa.Connection, run_dir: Path, kept: dict) -> dict:
        total = sum(read_table(conn, "usage")["paid_sek"])
        for year in years:
            (run_dir / f"report_{year}.txt").write_text(f"{tag} {total}", encoding="utf-8")
        return {}

    return write


def _seen(engine: sa.Engine, out: Path, names: list[str]) -> tuple:
    """What a reader sees: every warehouse table and every file path's bytes."""
    tables = tuple(
        tuple(map(tuple, read_table(engine, t).astype(str).values))
        if has_table(engine, t)
        else None
        for t in [*TABLES, "restatements"]
    )
    files = tuple((out / n).read_bytes() if (out / n).is_file() else None for n in names)
    return tables, files


def test_a_kill_at_every_step_leaves_the_old_publication_or_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publisher is stopped between every pair of steps (a checkpoint that raises);
    afterwards, and after the next run's recovery, every table and every file is the
    old run's or every one is the new run's. A file only the old run had (its report
    for 2016) disappears with the switch, one only the new run has appears with it."""
    names = [
        *(f"{t}.csv" for t in TABLES),
        "restatements.csv",
        "report_2016.txt",
        "report_2018.txt",
    ]
    steps: list[str] = []
    monkeypatch.setattr(publisher, "checkpoint", steps.append)
    probe = tmp_path / "probe"
    engine = sa.create_engine(f"sqlite:///{probe / 'w.sqlite'}")
    probe.mkdir()
    publish_run(_tables(100), engine, probe, "a", _report("old", [2016, 2017]))
    steps.clear()
    publish_run(_tables(900), engine, probe, "b", _report("new", [2017, 2018]))
    engine.dispose()
    assert len(steps) >= len(TABLES) + 5, steps

    for k, step in enumerate(steps):
        out = tmp_path / f"kill_{k}"
        out.mkdir()
        engine = sa.create_engine(f"sqlite:///{out / 'w.sqlite'}")
        monkeypatch.setattr(publisher, "checkpoint", lambda s: None)
        publish_run(_tables(100), engine, out, "a", _report("old", [2016, 2017]))
        old = _seen(engine, out, names)
        fresh = tmp_path / f"fresh_{k}"
        fresh.mkdir()
        fresh_engine = sa.create_engine(f"sqlite:///{fresh / 'w.sqlite'}")
        publish_run(_tables(900), fresh_engine, fresh, "b", _report("new", [2017, 2018]))
        new = _seen(fresh_engine, fresh, names)
        fresh_engine.dispose()
        assert old != new

        def kill(s: str, at: str = step) -> None:
            if s == at:
                raise KeyboardInterrupt(f"killed at {s}")

        monkeypatch.setattr(publisher, "checkpoint", kill)
        with pytest.raises(KeyboardInterrupt):
            publish_run(_tables(900), engine, out, "b", _report("new", [2017, 2018]))
        monkeypatch.setattr(publisher, "checkpoint", lambda s: None)
        before_commit = steps.index(step) <= steps.index("commit")
        if before_commit:
            assert _seen(engine, out, names) == old, f"killed at {step!r}"
            assert last_publication(engine) == "a"
        recover(engine, out)  # what the next run does first, under the run lock
        seen = _seen(engine, out, names)
        assert seen == (old if before_commit else new), f"killed at {step!r}"
        engine.dispose()


def test_paths_are_links_into_the_current_run_and_old_runs_are_pruned(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    (tmp_path / "t.csv").write_text("written by an older version\n", encoding="utf-8")
    for i in range(5):
        publish_one("t", frame([i]), engine, tmp_path, run=f"2026010{i}T000000Z-run{i}")
    assert os.readlink(tmp_path / "t.csv") == "current/t.csv"
    assert os.readlink(tmp_path / "current") == "runs/20260104T000000Z-run4"
    kept = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert kept == [f"2026010{i}T000000Z-run{i}" for i in (2, 3, 4)]
    assert len(kept) == fileset.KEEP_RUNS
    assert read_table(engine, "t")["paid_sek"].tolist() == [Decimal("0.04")]
    engine.dispose()
