"""The CLI's local run history without a sync per event: only Dagster's SQLite files
under DAGSTER_HOME are tuned, and every row written is in the database afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines.run_history import quick_local_history


def _wal_db(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("create table event_logs (id integer primary key, event text)")
    conn.close()
    return f"sqlite:///{path}"


def _store(url: str, text: str) -> int:
    """One event the way Dagster stores it: a new engine and connection, closed after."""
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("insert into event_logs (event) values (:e)"), {"e": text})
        synchronous = conn.execute(sa.text("PRAGMA synchronous")).scalar_one()
    engine.dispose()
    return synchronous


def test_dagsters_files_are_written_without_a_sync_and_nothing_is_lost(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_db = home / "history" / "runs" / "run-1.db"
    url = _wal_db(run_db)
    with quick_local_history(str(home)):
        assert _store(url, "first") == 1  # NORMAL: no fsync per commit
        for i in range(20):
            _store(url, f"event {i}")
        # Dagster's connection closed, ours is held: no checkpoint (two syncs) per event.
        assert run_db.with_name("run-1.db-wal").exists()
    # When the run ends the held connection closes and checkpoints the WAL whole.
    assert not run_db.with_name("run-1.db-wal").exists()
    rows = sqlite3.connect(run_db).execute("select event from event_logs order by id").fetchall()
    assert [r[0] for r in rows] == ["first", *(f"event {i}" for i in range(20))]


def test_other_sqlite_files_keep_their_settings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    warehouse = _wal_db(home / "processed" / "warehouse.sqlite")
    elsewhere = _wal_db(tmp_path / "history" / "runs" / "run-1.db")
    with quick_local_history(str(home)):
        assert _store(warehouse, "x") == 2  # FULL, SQLite's default
        assert _store(elsewhere, "x") == 2
    history = _wal_db(home / "history" / "runs.db")
    assert _store(history, "after the run") == 2  # the hook is gone after the block


def test_dagsters_storages_share_one_engine_per_file_within_the_block(tmp_path: Path) -> None:
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    url = f"sqlite:///{tmp_path / 'index.db'}"
    with quick_local_history(str(tmp_path)):
        first = sqlite_event_log.create_engine(url, poolclass=NullPool)
        assert sqlite_event_log.create_engine(url, poolclass=NullPool) is first
        assert sqlite_event_log.create_engine(f"{url}x", poolclass=NullPool) is not first
    assert sqlite_event_log.create_engine is sa.create_engine


def test_a_run_stored_with_shared_engines_reads_back_whole(tmp_path: Path) -> None:
    """Every event of a run made inside the block is in the history a fresh instance reads."""
    from dagster import DagsterInstance, asset, materialize
    from dagster._core.instance.ref import InstanceRef

    @asset
    def upstream() -> int:
        return 1

    @asset
    def downstream(upstream: int) -> int:
        return upstream + 1

    home = str(tmp_path / "home")
    Path(home).mkdir()
    with (
        quick_local_history(home),
        DagsterInstance.from_ref(InstanceRef.from_dir(home)) as instance,
    ):
        result = materialize([upstream, downstream], instance=instance)
        stored_inside = len(instance.all_logs(result.run_id))
    with DagsterInstance.from_ref(InstanceRef.from_dir(home)) as instance:
        logs = instance.all_logs(result.run_id)
        assert instance.get_run_by_id(result.run_id).is_success
    assert len(logs) == stored_inside
    kinds = [e.dagster_event.event_type_value for e in logs if e.dagster_event]
    assert kinds.count("ASSET_MATERIALIZATION") == 2
    assert kinds[-1] == "PIPELINE_SUCCESS"  # the run's end, as Dagster still names it
