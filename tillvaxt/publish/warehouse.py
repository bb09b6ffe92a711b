"""The warehouse: finished tables in a SQL database through SQLAlchemy Core.

Each table is replaced in one transaction, so a reader sees the old table or the new
one, never half. When the columns are unchanged the rows are deleted and inserted
inside the transaction (under MVCC, PostgreSQL readers keep seeing the old rows until
commit); when they changed, the table is dropped and created in the same transaction.

Money is NUMERIC(18,2) on PostgreSQL. SQLite has no exact decimal type (NUMERIC
affinity turns 0,10 into a binary double), so there money is stored as decimal text.
"""

from __future__ import annotations

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
        return sa.Date()
    if pd.api.types.is_float_dtype(series):
        return sa.Float()
    return sa.Text()


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
    for rec in frame.astype(object).to_dict(orient="records"):
        for k, v in rec.items():
            if v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                rec[k] = None
            elif k in dt_cols and v is not None:
                rec[k] = pd.Timestamp(v).date()
            elif hasattr(v, "item") and not isinstance(v, Decimal):
                rec[k] = v.item()
        out.append(rec)
    return out


def _same_shape(conn: sa.Connection, table: sa.Table) -> bool:
    insp = sa.inspect(conn)
    if not insp.has_table(table.name):
        return False
    existing = [c["name"] for c in insp.get_columns(table.name)]
    return existing == [c.name for c in table.columns]


def replace_table(
    engine: sa.Engine,
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
) -> int:
    """Replace table `name` with `frame` in one transaction; returns rows written."""
    table = table_for(name, frame, comment, column_comments)
    rows = _records(frame)
    with engine.begin() as conn:
        if _same_shape(conn, table):
            conn.execute(table.delete())
        else:
            table.drop(conn, checkfirst=True)
            table.create(conn)
        if rows:
            conn.execute(table.insert(), rows)
    return len(rows)


def read_table(engine: sa.Engine, name: str) -> pd.DataFrame:
    """A published table as a frame, money as Decimal (for tests and follow-up)."""
    with engine.connect() as conn:
        table = sa.Table(name, sa.MetaData(), autoload_with=conn)
        for col in table.columns:
            if col.name.endswith(SEK_SUFFIX):
                col.type = Money()
        result = conn.execute(sa.select(table))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
