"""The warehouse: finished tables in a SQL database through SQLAlchemy Core.

Each table is replaced in one transaction, so a reader sees the old table or the new
one, never half. When the columns are unchanged the rows are deleted and inserted
inside the transaction (under MVCC, PostgreSQL readers keep seeing the old rows until
commit); when they changed, the table is dropped and created in the same transaction.

Money is NUMERIC(18,2) on PostgreSQL. SQLite has no exact decimal type (NUMERIC
affinity turns 0,10 into a binary double), so there money is stored as decimal text.
Dates are DATE; points in time are TIMESTAMP WITH TIME ZONE. Table and column comments
are written on every replace (PostgreSQL keeps them; SQLite has nowhere to put them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from tillvaxt.publish.tables import SEK_SUFFIX


class Money(TypeDecorator):
    """Exact SEK: NUMERIC(18,2) where the database has it, decimal text on SQLite."""

    impl = sa.Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        d = Decimal(value).quantize(Decimal("0.01"))
        return str(d) if dialect.name == "sqlite" else d

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def sql_type(name: str, series: pd.Series) -> sa.types.TypeEngine:
    """The SQL type for a published column, from its name and dtype."""
    if name.endswith(SEK_SUFFIX):
        return Money()
    if pd.api.types.is_bool_dtype(series):
        return sa.Boolean()
    if pd.api.types.is_integer_dtype(series):
        return sa.BigInteger()
    if pd.api.types.is_datetime64_any_dtype(series):
        return sa.Date() if _is_date_column(name, series) else sa.DateTime(timezone=True)
    if pd.api.types.is_float_dtype(series):
        return sa.Float()
    values = series.dropna()
    if len(values) and all(
        isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values
    ):
        return sa.Date()
    return sa.Text()


def _is_date_column(name: str, series: pd.Series) -> bool:
    """A datetime column that holds calendar dates (named `*_date`, or all at midnight)."""
    if name.endswith(("_date", "_start", "_end")):
        return True
    values = series.dropna()
    return (
        bool(len(values))
        and bool((values == values.dt.normalize()).all())
        and (getattr(series.dt, "tz", None) is None)
    )


def table_for(
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
) -> sa.Table:
    """The `Table` a frame is published as."""
    cols = [
        sa.Column(c, sql_type(c, frame[c]), comment=(column_comments or {}).get(c))
        for c in frame.columns
    ]
    return sa.Table(name, sa.MetaData(), *cols, comment=comment)


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    dt_cols = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    date_cols = {c for c in dt_cols if _is_date_column(c, frame[c])}
    for rec in frame.astype(object).to_dict(orient="records"):
        for k, v in rec.items():
            if v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                rec[k] = None
            elif k in dt_cols and v is not None:
                ts = pd.Timestamp(v)
                rec[k] = ts.date() if k in date_cols else ts.to_pydatetime()
            elif hasattr(v, "item") and not isinstance(v, Decimal):
                rec[k] = v.item()
        out.append(rec)
    return out


def _same_shape(conn: sa.Connection, table: sa.Table) -> bool:
    """Same column names, in order, with the same SQL types (so rows can be swapped in place)."""
    insp = sa.inspect(conn)
    if not insp.has_table(table.name):
        return False
    existing = [(c["name"], _type_name(c["type"], conn)) for c in insp.get_columns(table.name)]
    wanted = [(c.name, _type_name(c.type, conn)) for c in table.columns]
    return existing == wanted


def _type_name(type_: sa.types.TypeEngine, conn: sa.Connection) -> str:
    name = type_.compile(dialect=conn.dialect).upper()
    return " ".join(name.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ").split())


def _write_comments(conn: sa.Connection, table: sa.Table) -> None:
    """Refresh table and column comments (a kept table may carry last run's wording)."""
    if not conn.dialect.supports_comments:
        return
    if table.comment:
        conn.execute(sa.schema.SetTableComment(table))
    for col in table.columns:
        if col.comment:
            conn.execute(sa.schema.SetColumnComment(col))


def replace_table(
    engine: sa.Engine,
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
) -> int:
    """Replace table `name` with `frame` in one transaction; returns rows written."""
    with engine.begin() as conn:
        return write_table(conn, name, frame, comment, column_comments)


def write_table(
    conn: sa.Connection,
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
) -> int:
    """Replace table `name` with `frame` inside the caller's transaction.

    For callers that must change several tables at once (a published table and its
    restatements; a certification's snapshots), so they commit or fail together.
    """
    table = table_for(name, frame, comment, column_comments)
    rows = _records(frame)
    if _same_shape(conn, table):
        conn.execute(table.delete())
        _write_comments(conn, table)
    else:
        table.drop(conn, checkfirst=True)
        table.create(conn)
    if rows:
        conn.execute(table.insert(), rows)
    return len(rows)


def has_table(engine_or_conn: sa.Engine | sa.Connection, name: str) -> bool:
    """True when the warehouse has table `name`."""
    return sa.inspect(engine_or_conn).has_table(name)


def read_table(engine: sa.Engine | sa.Connection, name: str) -> pd.DataFrame:
    """A published table as a frame, money as Decimal (for tests and follow-up)."""
    if isinstance(engine, sa.Connection):
        return _read(engine, name)
    with engine.connect() as conn:
        return _read(conn, name)


def _read(conn: sa.Connection, name: str) -> pd.DataFrame:
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    for col in table.columns:
        if col.name.endswith(SEK_SUFFIX):
            col.type = Money()
    result = conn.execute(sa.select(table))
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    # Keep integer and boolean columns typed when they hold NULLs (else they read as float).
    for col in table.columns:
        if isinstance(col.type, sa.Integer):
            frame[col.name] = frame[col.name].astype("Int64")
        elif isinstance(col.type, sa.Boolean):
            frame[col.name] = frame[col.name].astype("boolean")
    return frame
