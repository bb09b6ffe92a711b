"""Publishing a run: every warehouse table in one transaction, every file as one set.

The order, and why a kill at any instant leaves the previous publication or the new
one, never a mix:

1. the run's files (CSVs, restatements, workbooks, HTML, JSON) are written into a
   new run directory `runs/<run>/` that no reader's path leads to yet;
2. every table is replaced inside one transaction (SQLite `BEGIN IMMEDIATE`, one
   PostgreSQL transaction under an advisory lock), with restatements of certified
   years and the run's row in `publications`; the reports are built from that
   transaction's tables, so they show exactly what is committed;
3. COMMIT: the publication's commit point;
4. `current` is switched to the run directory with one rename (`fileset.switch`).

Between 3 and 4 the warehouse is new and the files old for an instant; `recover`,
run before every publication and every CLI run (under the run lock), finishes such a
switch from the warehouse's `publications` row, so the set is completed, not mixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.close.certify import certifications, hold, read_restatements
from tillvaxt.publish import fileset
from tillvaxt.publish.csvfiles import write_csv
from tillvaxt.publish.files import sync_later
from tillvaxt.publish.tables import to_published
from tillvaxt.publish.warehouse import as_read, conform_frame, has_table, write_table

PUBLICATIONS = sa.Table(
    "publications",
    sa.MetaData(),
    sa.Column("run", sa.Text, primary_key=True, comment="The run directory runs/<run>/."),
    sa.Column(
        "published_at", sa.DateTime(timezone=True), nullable=False, comment="Commit time (UTC)."
    ),
    sa.Column("files", sa.Text, comment="The files of the run's set, comma-separated."),
    comment="Each publication of a run: its tables are these, its files are runs/<run>/.",
)

# Reports callback: (connection inside the publication transaction, the run
# directory, the kept tables as the warehouse now holds them) -> metadata per report,
# written into that directory. The callback may empty the dict of kept tables to let
# them go as soon as it is done with them (the publisher holds them no longer).
Reports = Callable[[sa.Connection, Path, dict[str, pd.DataFrame]], dict[str, dict]]
# Describe callback: (table name, the frame as published) -> what to keep of it (the
# asset metadata), so the frame itself can be released as soon as it is written.
Describe = Callable[[str, pd.DataFrame], dict]


@dataclass
class Publication:
    run: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    described: dict[str, dict] = field(default_factory=dict)
    restatements: pd.DataFrame | None = None
    certified_years: list[int] = field(default_factory=list)
    reports: dict[str, dict] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def checkpoint(step: str) -> None:
    """Between two steps of a publication. Does nothing; tests make it raise to kill
    the publisher at every step and check that what a reader sees is whole."""


def new_run_name(run_id: str, now: dt.datetime | None = None) -> str:
    """A run directory name that sorts by time: `20261201T182400Z-<run id prefix>`."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{run_id[:8]}"


def _advisory_key(conn: sa.Connection) -> int:
    """One advisory lock per database and schema (a signed 64-bit key)."""
    where = conn.exec_driver_sql("SELECT current_database() || '.' || current_schema()").scalar()
    return int.from_bytes(
        hashlib.sha256(f"tillvaxt:{where}".encode()).digest()[:8], "big", signed=True
    )


@contextmanager
def publication_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One transaction for the whole publication, committed when the block ends well.

    On SQLite `BEGIN IMMEDIATE` takes the write lock at the start (a second writer
    waits, not fails half-way); on PostgreSQL `pg_advisory_xact_lock` serialises
    publications to one database even from different processed directories.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
                checkpoint("commit")
                conn.exec_driver_sql("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
    else:
        with engine.connect() as conn, conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _advisory_key(conn)}
                )
            yield conn
            checkpoint("commit")


def _rollback(conn: sa.Connection) -> None:
    """Roll back what is open; a failed COMMIT may already have ended the transaction,
    and the error that matters is the one being raised."""
    with suppress(sa.exc.DBAPIError):
        conn.exec_driver_sql("ROLLBACK")


def last_publication(engine: sa.Engine | sa.Connection) -> str | None:
    """The run directory of the warehouse's newest publication (None if never)."""

    def _read(conn: sa.Connection) -> str | None:
        if not has_table(conn, PUBLICATIONS.name):
            return None
        return conn.execute(
            sa.select(PUBLICATIONS.c.run)
            .order_by(PUBLICATIONS.c.published_at.desc(), PUBLICATIONS.c.run.desc())
            .limit(1)
        ).scalar()

    if isinstance(engine, sa.Connection):
        return _read(engine)
    with engine.connect() as conn:
        return _read(conn)


def recover(engine: sa.Engine, processed: Path) -> bool:
    """Finish a publication that committed but was stopped before its files switched.

    Returns True when it switched `current`. Call it under the run lock.
    """
    run = last_publication(engine)
    if run is None or fileset.current_run(processed) == run:
        return False
    staged = fileset.run_dir(processed, run)
    if not staged.is_dir():
        return False
    fileset.link_names(processed, sorted(p.name for p in staged.iterdir()))
    fileset.switch(processed, run)
    return True


def publish_run(
    tables: dict[str, pd.DataFrame],
    engine: sa.Engine,
    processed_dir: Path,
    run: str,
    reports: Reports | None = None,
    describe: Describe | None = None,
    keep: Collection[str] = (),
) -> Publication:
    """Publish every table and report of a run as one (see the module docstring).

    Masks and converts money (`to_published`), holds certified years (`hold`), and
    returns what was published: each published frame in `tables`, or, with `describe`,
    only what it makes of each frame in `described` (the frames are then released
    once written). The tables named in `keep` are handed to `reports` as
    `warehouse.as_read` makes them, i.e. as `read_table` inside the transaction would
    return them, without reading them back; the others are not held. If anything fails
    before the commit, the warehouse and every file are as they were and the run
    directory is removed.
    """
    processed = Path(processed_dir)
    processed.mkdir(parents=True, exist_ok=True)
    recover(engine, processed)
    fileset.adopt_plain_files(processed)
    staged = fileset.run_dir(processed, run)
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    out = Publication(run=run)
    kept: dict[str, pd.DataFrame] = {}
    committed = False
    try:
        # Each file is fsynced once, by `fsync_tree` before the commit, not also as written.
        with sync_later(), publication_transaction(engine) as conn:
            for name, frame in tables.items():
                published = hold(conn, name, conform_frame(name, to_published(frame)))
                write_table(conn, name, published)
                write_csv(published, staged / f"{name}.csv")
                if name in keep:
                    kept[name] = as_read(conn, name, published)
                if describe is None:
                    out.tables[name] = published
                else:
                    out.described[name] = describe(name, published)
                del published
                checkpoint(f"table {name}")
            out.restatements = read_restatements(conn)
            write_csv(out.restatements, staged / "restatements.csv")
            out.certified_years = sorted(int(y) for y in certifications(conn)["year"])
            checkpoint("restatements")
            if reports is not None:
                out.reports = reports(conn, staged, kept)
                kept.clear()
                checkpoint("reports")
            out.files = sorted(p.name for p in staged.iterdir() if not p.name.startswith("."))
            PUBLICATIONS.create(conn, checkfirst=True)
            conn.execute(
                PUBLICATIONS.insert(),
                {"run": run, "published_at": dt.datetime.now(dt.UTC), "files": ",".join(out.files)},
            )
            fileset.fsync_tree(staged)
            checkpoint("files on disk")
        committed = True
    finally:
        if not committed:
            shutil.rmtree(staged, ignore_errors=True)
    checkpoint("committed")
    fileset.link_names(processed, out.files)
    checkpoint("names linked")
    fileset.switch(processed, run)
    checkpoint("switched")
    fileset.tidy(processed)
    return out
