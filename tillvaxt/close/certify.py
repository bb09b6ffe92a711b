"""Certifying and reopening a year in the warehouse, and holding certified rows at publish.

Certifying year Y copies Y's rows of every published table with a `year` column into
`certified_<table>`, keeps Y's published 360Giving package (`certified_open_data`) and
records the act in `certifications` (when, by whom, code version, SHA-256 of every
input file), all in one transaction. Every later publish of
such a table goes through `hold`: Y's rows are published as certified and the cells
the current inputs would change are written to `restatements`, in the same
transaction as the table. A restatement can be reviewed (`review_year`: who, when,
why, in `restatement_reviews`); the restatement check passes for reviewed cells.
Reopening deletes the snapshot; it is logged, never silent.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json

import pandas as pd
import sqlalchemy as sa

from tillvaxt.close.opendata import drop_open_data, freeze_open_data
from tillvaxt.close.restate import RESTATEMENT_COLUMNS, conform, hold_certified
from tillvaxt.close.review import (
    REVIEW_COLUMNS,
    ReviewError,
    certification_text,
    review_restatements,
    with_reviews,
)
from tillvaxt.publish.warehouse import has_table, read_table, upgrade_table, write_table

CERTIFIED_PREFIX = "certified_"

_META = sa.MetaData()

CERTIFICATIONS = sa.Table(
    "certifications",
    _META,
    sa.Column("year", sa.BigInteger, primary_key=True, comment="The certified budget year."),
    sa.Column("certified_at", sa.DateTime(timezone=True), nullable=False, comment="When (UTC)."),
    sa.Column("certified_by", sa.Text, comment="User name of the process that certified."),
    sa.Column("code_version", sa.Text, comment="git describe of the code, or the package version."),
    sa.Column(
        "input_hashes", sa.Text, comment="SHA-256 of every raw input file, JSON {file: hash}."
    ),
    sa.Column("tables", sa.Text, comment="The published tables frozen, comma-separated."),
    comment="Certified (filed) years: their published figures are frozen in certified_<table>.",
)

CERTIFICATION_LOG = sa.Table(
    "certification_log",
    _META,
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, comment="When (UTC)."),
    sa.Column("year", sa.BigInteger, nullable=False, comment="The budget year."),
    sa.Column("action", sa.Text, nullable=False, comment="'certify' or 'reopen'."),
    sa.Column("by", sa.Text, comment="User name of the process."),
    sa.Column("code_version", sa.Text, comment="Code version at the time."),
    comment="Every certification and reopening, in order: reopening a year is never silent.",
)

RESTATEMENTS = sa.Table(
    "restatements",
    _META,
    sa.Column("year", sa.BigInteger, nullable=False, comment="The certified year affected."),
    sa.Column("table_name", sa.Text, nullable=False, comment="The published table."),
    sa.Column("key", sa.Text, nullable=False, comment="The row's key, 'column=value; …'."),
    sa.Column("column_name", sa.Text, nullable=False, comment="The differing column, or '(row)'."),
    sa.Column("certified_value", sa.Text, comment="The value as certified (filed)."),
    sa.Column("new_value", sa.Text, comment="The value the current inputs give."),
    sa.Column("difference", sa.Text, comment="new − certified as an exact decimal, for numbers."),
    comment="Cells of certified years that the current inputs would change; the certified value is what is published.",
)


class CloseError(Exception):
    """A certification or reopening that cannot be done; the message is one sentence."""


def certified_name(table: str) -> str:
    return f"{CERTIFIED_PREFIX}{table}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def certifications(engine: sa.Engine | sa.Connection) -> pd.DataFrame:
    """The certifications table as a frame (empty when nothing was ever certified)."""
    if not has_table(engine, CERTIFICATIONS.name):
        return pd.DataFrame(columns=[c.name for c in CERTIFICATIONS.columns])
    if isinstance(engine, sa.Connection):
        rows = engine.execute(sa.select(CERTIFICATIONS).order_by(CERTIFICATIONS.c.year)).fetchall()
    else:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(CERTIFICATIONS).order_by(CERTIFICATIONS.c.year)
            ).fetchall()
    return pd.DataFrame(rows, columns=[c.name for c in CERTIFICATIONS.columns])


def certified_years(conn: sa.Connection, table: str) -> set[int]:
    """The years whose rows of `table` are frozen."""
    certs = certifications(conn)
    return {int(r.year) for r in certs.itertuples() if table in str(r.tables).split(",")}


def certify_year(
    engine: sa.Engine,
    year: int,
    tables: list[str],
    hashes: dict[str, str],
    version: str,
    now: dt.datetime | None = None,
    open_data: str | None = None,
) -> dict[str, int]:
    """Freeze `year`'s rows of each published table in `tables`; returns rows frozen per table.

    `open_data` is the year's published 360Giving JSON (None when it had none), frozen
    with the tables (`tillvaxt.close.opendata`)."""
    now = now or _now()
    frozen: dict[str, int] = {}
    with engine.begin() as conn:
        _META.create_all(conn, checkfirst=True)
        done = conn.execute(
            sa.select(CERTIFICATIONS.c.certified_at).where(CERTIFICATIONS.c.year == year)
        ).first()
        if done:
            raise CloseError(
                f"Year {year} was already certified at {done[0]:%Y-%m-%d %H:%M} UTC; "
                f"reopen it first (`tillvaxt reopen --year {year}`) to certify it again."
            )
        for table in tables:
            if not has_table(conn, table):
                continue
            published = read_table(conn, table)
            if "year" not in published.columns:
                continue
            rows = published[published["year"].astype("int64") == year]
            frozen_name = certified_name(table)
            if has_table(conn, frozen_name):
                kept = read_table(conn, frozen_name)
                kept = conform(kept[kept["year"].astype("int64") != year], published)
                rows = pd.concat([kept, rows], ignore_index=True) if len(kept) else rows
            write_table(
                conn,
                frozen_name,
                conform(rows.reset_index(drop=True), published),
                comment=f"Certified (filed) rows of `{table}` for the certified years; never changed by a run.",
                like=table,
            )
            frozen[table] = int((rows["year"].astype("int64") == year).sum())
        if not frozen:
            raise CloseError(
                f"Nothing to certify for {year}: no published table with a year column is in "
                "the warehouse; run the pipeline first (`tillvaxt run`)."
            )
        freeze_open_data(conn, year, open_data)
        conn.execute(
            CERTIFICATIONS.insert(),
            {
                "year": year,
                "certified_at": now,
                "certified_by": _user(),
                "code_version": version,
                "input_hashes": json.dumps(hashes, sort_keys=True),
                "tables": ",".join(sorted(frozen)),
            },
        )
        _log(conn, year, "certify", version, now)
    return frozen


def reopen_year(engine: sa.Engine, year: int, version: str, now: dt.datetime | None = None) -> None:
    """Delete `year`'s snapshot so the next run publishes its figures as computed (logged)."""
    now = now or _now()
    with engine.begin() as conn:
        _META.create_all(conn, checkfirst=True)
        row = conn.execute(
            sa.select(CERTIFICATIONS.c.tables).where(CERTIFICATIONS.c.year == year)
        ).first()
        if row is None:
            raise CloseError(f"Year {year} is not certified, so there is nothing to reopen.")
        for table in str(row[0]).split(","):
            frozen_name = certified_name(table)
            if has_table(conn, frozen_name):
                frozen = sa.Table(frozen_name, sa.MetaData(), autoload_with=conn)
                conn.execute(frozen.delete().where(frozen.c.year == year))
        conn.execute(CERTIFICATIONS.delete().where(CERTIFICATIONS.c.year == year))
        conn.execute(RESTATEMENTS.delete().where(RESTATEMENTS.c.year == year))
        drop_open_data(conn, year)
        _log(conn, year, "reopen", version, now)


def _log(conn: sa.Connection, year: int, action: str, version: str, now: dt.datetime) -> None:
    conn.execute(
        CERTIFICATION_LOG.insert(),
        {"at": now, "year": year, "action": action, "by": _user(), "code_version": version},
    )


def hold(conn: sa.Connection, table: str, published: pd.DataFrame) -> pd.DataFrame:
    """Inside the publishing transaction: certified years' rows as certified, restatements recorded.

    Returns the frame to publish. The table's earlier restatement rows are replaced, so
    a corrected input clears them on the next run.
    """
    years = certified_years(conn, table) if "year" in published.columns else set()
    upgrade_table(conn, certified_name(table), like=table)
    if years and has_table(conn, certified_name(table)):
        certified = read_table(conn, certified_name(table))
        out, restated = hold_certified(table, published, certified, years)
    else:
        out, restated = published, pd.DataFrame(columns=RESTATEMENT_COLUMNS)
    RESTATEMENTS.create(conn, checkfirst=True)
    conn.execute(RESTATEMENTS.delete().where(RESTATEMENTS.c.table_name == table))
    if len(restated):
        records = [
            {k: (None if pd.isna(v) else v) for k, v in rec.items()}
            for rec in restated.astype(object).to_dict(orient="records")
        ]
        for rec in records:
            rec["year"] = int(rec["year"])
        conn.execute(RESTATEMENTS.insert(), records)
    return out


def read_restatements(engine: sa.Engine | sa.Connection) -> pd.DataFrame:
    """Every open restatement with its review, if any (who, when, note; empty when not
    reviewed); inside a transaction when given a connection."""
    if isinstance(engine, sa.Engine):
        with engine.connect() as conn:
            return read_restatements(conn)
    conn = engine
    if not has_table(conn, RESTATEMENTS.name):
        return pd.DataFrame(columns=[*RESTATEMENT_COLUMNS, *REVIEW_COLUMNS])
    query = sa.select(RESTATEMENTS).order_by(
        RESTATEMENTS.c.year, RESTATEMENTS.c.table_name, RESTATEMENTS.c.key
    )
    rows = pd.DataFrame(conn.execute(query).fetchall(), columns=RESTATEMENT_COLUMNS)
    return with_reviews(conn, rows, _certified_at(conn))


def _certified_at(conn: sa.Connection) -> dict[int, str]:
    """Each certified year's certification, as the reviews refer to it."""
    certs = certifications(conn)
    return {int(r.year): certification_text(r.certified_at) for r in certs.itertuples()}


def review_year(
    engine: sa.Engine, year: int, by: str, note: str, now: dt.datetime | None = None
) -> int:
    """Record that `by` reviewed every open restatement of `year`, and why; returns how many.

    The asset check on restatements passes for reviewed cells from the next run on."""
    with engine.begin() as conn:
        try:
            return review_restatements(
                conn,
                read_restatements(conn),
                year,
                _certified_at(conn).get(year),
                by,
                note,
                now or _now(),
            )
        except ReviewError as exc:
            raise CloseError(str(exc)) from exc
