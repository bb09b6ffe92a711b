"""The CLI's run history in a local `DAGSTER_HOME` without a disk sync per event.

Dagster's SQLite storages open a new connection for every event they store and close
it afterwards. In WAL mode the last connection to close checkpoints the WAL into the
database and syncs both files, and every commit syncs the WAL: two `fsync`s per event,
some 600 events per sample run, which on a busy disk cost more wall time than the
steps themselves (measured: 44 ms an event, 0.03 ms with this module).

While a run executes, `quick_local_history` keeps one idle connection open to each of
Dagster's SQLite files under `DAGSTER_HOME` (so closing Dagster's own connections no
longer checkpoints) and sets `synchronous=NORMAL` on Dagster's connections to them
(SQLite's recommended setting for WAL: the database stays consistent; a power loss may
drop the last events, never corrupt the file). The WAL is checkpointed at most once a
`CHECKPOINT_SECONDS`, so the UI, which watches the run's database file, follows a CLI
run live; and when the run ends the connections close, which checkpoints it whole.
Nothing else is touched: the warehouse, PostgreSQL storage, or a `dagster.yaml` that
names other storage are left exactly as configured.

Dagster's SQLite storages also make a new SQLAlchemy engine for every connection, so
each event's statements are compiled again (an engine's statement cache lives with
the engine) and each engine's dialect is initialised on its first connection: with a
`DAGSTER_HOME` this cost 35 ms a step more than an in-memory instance. Within the block
those storages get one engine per file (`_Engines`): still a new DBAPI connection per
use (`NullPool`, as Dagster asks), but compiled once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from sqlalchemy import Engine, event

# Dagster's local storage: history/runs.db, history/runs/<run>.db, index.db, schedules/.
HISTORY_FOLDERS = ("history", "schedules")
CHECKPOINT_SECONDS = 1.0
# The modules of Dagster's SQLite storages; each calls `create_engine` per connection.
SQLITE_STORAGE_MODULES = (
    "dagster._core.storage.event_log.sqlite.sqlite_event_log",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage",
)


class _Keeper:
    """Connect hook: tunes Dagster's connections to its files and holds one open per file."""

    def __init__(self, home: str) -> None:
        root = os.path.abspath(home)
        self.prefixes = tuple(os.path.join(root, d) + os.sep for d in HISTORY_FOLDERS)
        self.held: dict[str, sqlite3.Connection] = {}
        self.checkpointed: dict[str, float] = {}
        self.lock = threading.Lock()

    def __call__(self, dbapi_connection: object, _record: object) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        row = dbapi_connection.execute("PRAGMA database_list").fetchone()
        path = row[2] if row else ""
        if not path.startswith(self.prefixes):
            return
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        with self.lock:
            held = self.held.get(path)
            if held is None:
                self._hold(path)
            elif time.monotonic() - self.checkpointed[path] > CHECKPOINT_SECONDS:
                held.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpointed[path] = time.monotonic()

    def _hold(self, path: str) -> None:
        """Open the idle connection once the file is in WAL mode (Dagster sets it on creation)."""
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.close()
            return
        self.held[path] = conn
        self.checkpointed[path] = time.monotonic()

    def close(self) -> None:
        with self.lock:
            for conn in self.held.values():
                conn.close()
            self.held.clear()


class _Engines:
    """`create_engine` for Dagster's storages: one engine per URL and options, kept for the block.

    Dagster disposes of the engine after each use; with its `NullPool` that closes no
    connection and keeps the dialect and the compiled statements, so the next use
    compiles nothing.
    """

    def __init__(self, create) -> None:
        self.create = create
        self.engines: dict[str, Engine] = {}
        self.lock = threading.Lock()

    def __call__(self, url, **options) -> Engine:
        key = repr((str(url), sorted(options.items(), key=lambda kv: kv[0])))
        with self.lock:
            engine = self.engines.get(key)
            if engine is None:
                engine = self.engines[key] = self.create(url, **options)
            return engine

    def close(self) -> None:
        with self.lock:
            for engine in self.engines.values():
                engine.dispose()
            self.engines.clear()


@contextmanager
def _shared_engines() -> Iterator[None]:
    """Dagster's SQLite storages reuse one engine per file within the block."""
    modules = [import_module(name) for name in SQLITE_STORAGE_MODULES]
    originals = [m.create_engine for m in modules]
    engines = _Engines(originals[0])
    for module in modules:
        module.create_engine = engines
    try:
        yield
    finally:
        for module, original in zip(modules, originals, strict=True):
            module.create_engine = original
        engines.close()


@contextmanager
def quick_local_history(home: str | None) -> Iterator[None]:
    """Within the block, Dagster's SQLite files under `home` are written without a sync
    per event; `home=None` (an in-memory instance) changes nothing."""
    if not home:
        yield
        return
    keeper = _Keeper(home)
    event.listen(Engine, "connect", keeper)
    try:
        with _shared_engines():
            yield
    finally:
        event.remove(Engine, "connect", keeper)
        keeper.close()
