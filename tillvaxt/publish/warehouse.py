"""The warehouse: finished tables in a SQL database through SQLAlchemy Core.

A published table's shape comes from its declaration (`tillvaxt.publish.schema`), not
from the frame: the frame is checked against it (same columns, no empty value in a
NOT NULL column) and put in the declared column order. A table that is not declared
(a test's ad-hoc table) is typed from its frame as before.

Each table is replaced in one transaction, so a reader sees the old table or the new
one, never half: the rows are deleted and inserted inside the transaction (under
MVCC, PostgreSQL readers keep seeing the old rows until commit). The existing table
is compared with the wanted one first. A wanted column the table lacks is added
(`ALTER TABLE ... ADD COLUMN`, nullable only, in the same transaction); any other
difference (a column gone, renamed or retyped, or a new NOT NULL column) stops the
publication with `SchemaChanged`, one sentence naming the table, the difference and
docs/warehouse.md, which describes the migration. A table is never dropped.

Money is NUMERIC(18,2) on PostgreSQL and decimal text on SQLite (`sqltypes.Money`),
with an integer öre companion beside each money column (`paid_ore`, derived on write
by `tables.with_ore_columns`; added and filled in place on an older table), so SQL
sums money exactly on either.
Dates are DATE; points in time are TIMESTAMP WITH TIME ZONE. Table and column comments
are written on every replace (PostgreSQL keeps them; SQLite has nowhere to put them).

`Warehouse` owns an engine: created once, transactions from it, disposed at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from pandas.api.extensions import ExtensionArray

from tillvaxt.arrowcols import (
    CENTS,
    all_exactly,
    cents,
    ore_cents,
    present_values,
    uniform_array,
    uniform_values,
)
from tillvaxt.money import ONE_ORE
from tillvaxt.publish import schema
from tillvaxt.publish.schema import Kind, ore_column
from tillvaxt.publish.sqltypes import Money
from tillvaxt.publish.tables import SEK_SUFFIX, with_ore_columns

__all__ = [
    "Money",
    "SchemaChanged",
    "Warehouse",
    "as_read",
    "conform_frame",
    "has_table",
    "read_table",
    "replace_table",
    "upgrade_table",
    "wanted_table",
    "write_table",
]

MIGRATION_DOC = "docs/warehouse.md"
# Rows bound per `executemany` when a table is written (all inside the one transaction).
INSERT_ROWS = 20_000


class SchemaChanged(Exception):
    """The warehouse's table differs from the declared one in a way only a migration fixes."""


class Warehouse:
    """The warehouse database: one engine, created on first use and disposed at the end.

    Use it as a context manager (`with Warehouse(url) as wh:`) or call `dispose()`;
    `begin()` gives one transaction. The Dagster resource wraps this class, so the
    engine's setup and disposal are written once. `schema` (PostgreSQL) is created if
    missing; the URL's `search_path` option chooses it.
    """

    def __init__(self, url: str, schema: str = "", **engine_options: object) -> None:
        self.url = url
        self.schema = schema
        self._options = engine_options
        self._engine: sa.Engine | None = None

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            engine = sa.create_engine(self.url, **self._options)
            if self.schema:
                with engine.begin() as conn:
                    conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            self._engine = engine
        return self._engine

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """One transaction: committed when the block ends well, rolled back otherwise."""
        with self.engine.begin() as conn:
            yield conn

    def connect(self) -> sa.Connection:
        return self.engine.connect()

    def dispose(self) -> None:
        """Close the engine's connections (a new engine is made if used again)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


def sql_type(name: str, series: pd.Series) -> sa.types.TypeEngine:
    """The SQL type of an undeclared (ad-hoc) table's column, from its name and dtype."""
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
    """The `Table` an undeclared (ad-hoc) frame is published as, typed from its dtypes."""
    cols = [
        sa.Column(c, sql_type(c, frame[c]), comment=(column_comments or {}).get(c))
        for c in frame.columns
    ]
    return sa.Table(name, sa.MetaData(), *cols, comment=comment)


def _columns(frame: pd.DataFrame) -> dict[str, list]:
    """The frame's columns as Python values, None for every missing one.

    Converted column by column (a million rows in practice): dates as `date`, other
    datetimes as `datetime`, numpy scalars as Python ones.
    """
    return {str(c): _values(c, frame[c]) for c in frame.columns}


def _records(columns: dict[str, list]) -> list[dict]:
    """The columns zipped into rows, as parameter dicts for SQLAlchemy's executemany."""
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _insert(
    conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, derived: Collection[str] = ()
) -> None:
    """INSERT the rows of `frame` into `table`.

    `derived` names the money columns whose öre companion in `frame` was derived from
    them by `with_ore_columns` (so each amount is exactly its öre / 100).

    On SQLite each column is turned into what the driver takes, as its type's bind
    processor would make it value by value (Money to decimal text, Date to ISO text),
    but by Arrow kernels where the column's values allow (`_sqlite_column`), and the
    driver's executemany takes plain tuples. Elsewhere SQLAlchemy's executemany, which
    batches the rows of a PostgreSQL INSERT itself.
    """
    dialect = conn.dialect
    names = [str(c) for c in frame.columns]
    if dialect.name != "sqlite":
        conn.execute(table.insert(), _records(_columns(frame)))
        return
    compiled = table.insert().compile(dialect=dialect, column_keys=names)
    order = list(compiled.positiontup or [])
    if sorted(order) != sorted(names):
        conn.execute(table.insert(), _records(_columns(frame)))
        return
    bound = []
    for name in order:
        try:
            ore = frame[ore_column(name)] if name in derived else None
            bound.append(_sqlite_column(table.c[name], dialect, frame[name], ore))
        except Exception as exc:  # as SQLAlchemy reports a value its type cannot bind
            raise sa.exc.StatementError(
                f"({type(exc).__name__}) {exc} (column {name})", str(compiled), None, exc
            ) from exc
    conn.exec_driver_sql(str(compiled), list(zip(*bound, strict=True)))


def _sqlite_column(
    column: sa.Column, dialect: sa.Dialect, series: pd.Series, ore: pd.Series | None = None
) -> list:
    """One column's values as SQLite's driver takes them: what the column type's bind
    processor makes of each, by Arrow where it can vouch for the same values (a money
    column from its öre companion `ore`, when given)."""
    fast = _bound_by_arrow(column.type, series, ore)
    if fast is not None:
        return fast
    values = _values(column.name, series)
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return values if process is None else [process(v) for v in values]


def _bound_by_arrow(
    type_: sa.types.TypeEngine, series: pd.Series, ore: pd.Series | None = None
) -> list | None:
    """The SQLite-bound values of a money, date, text or whole-number column by Arrow
    (money as `str(Decimal.quantize(0.01))`, a date as `YYYY-MM-DD`, as the types' bind
    processors make them); None for another column or a value it cannot vouch for."""
    dtype = series.dtype
    if isinstance(type_, Money):
        texts = None if ore is None else _money_texts_from_ore(series, ore)
        return texts if texts is not None else _money_texts(series)
    if isinstance(type_, sa.Date) and not isinstance(type_, sa.DateTime):
        dates = uniform_array(series, dt.date, pa.date32())
        return None if dates is None else dates.cast(pa.string()).to_pylist()
    if isinstance(type_, sa.Integer) and pd.api.types.is_integer_dtype(dtype):
        return pa.array(series, from_pandas=True).to_pylist()
    if isinstance(type_, sa.String):
        return _texts(series)
    return None


def _texts(series: pd.Series) -> list | None:
    """A text column's values as they are (the driver binds `str` unchanged), missing
    as None; None unless every value is exactly a `str`.

    The column's own objects are handed on: converting them to Arrow and back made a
    new Python string per cell, only to bind the same text."""
    if isinstance(series.dtype, pd.StringDtype):  # texts by its type, missing as NA
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if (found := present_values(series, str)) is None:
        return None
    texts, missing = found
    out = np.full(len(series), None, dtype=object)
    out[~missing] = texts
    return out.tolist()


def _money_texts(series: pd.Series) -> list | None:
    """`Money`'s bound text on SQLite (`str(Decimal(v).quantize(0.01))`) of each value,
    by one Arrow conversion; None (value by value, then) unless every value is a
    Decimal that is exact to the öre and fits NUMERIC(18,2), none a negative zero
    (whose text keeps its sign)."""
    exact = cents(series)
    if exact is None:
        return None
    arr, missing = exact
    present = series.to_numpy(dtype=object)[~missing]
    zeros = pc.equal(arr, pa.scalar(Decimal(0), CENTS)).to_numpy(zero_copy_only=False)
    if any(v.is_signed() for v in present[zeros]):
        return None
    texts = np.full(len(series), None, dtype=object)
    texts[~missing] = arr.cast(pa.string()).to_numpy(zero_copy_only=False)
    return texts.tolist()


def _money_texts_from_ore(kronor: pd.Series, ore: pd.Series) -> list | None:
    """`_money_texts` of `kronor` from its öre companion (`kronor` = `ore` / 100 exactly,
    as `with_ore_columns` derived it): the öre are whole numbers, so their text needs no
    look at a Decimal's digits. None unless every öre is an `int` within int64 and every
    zero amount is a plain `0` (a negative zero's text keeps its sign)."""
    if (found := present_values(ore, int)) is None:
        return None
    present, missing = found
    try:
        ints = np.array(present, dtype=np.int64)
    except OverflowError:
        return None
    zeros = kronor.to_numpy(dtype=object)[~missing][ints == 0]
    if not all(type(v) is int or (type(v) is Decimal and not v.is_signed()) for v in zeros):
        return None
    texts = np.full(len(ore), None, dtype=object)
    texts[~missing] = ore_cents(ints).cast(pa.string()).to_numpy(zero_copy_only=False)
    return texts.tolist()


def _values(name: str, series: pd.Series) -> list:
    """One column's values as the database driver takes them."""
    missing = series.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(series):
        as_date = _is_date_column(name, series)
        values = [
            None if gap else (ts.date() if as_date else ts.to_pydatetime())
            for ts, gap in zip(series.astype(object).tolist(), missing.tolist(), strict=True)
        ]
        return values
    values = series.astype(object).tolist()
    for i in missing.nonzero()[0].tolist():
        values[i] = None
    if series.dtype == object and not set(map(type, values)) <= _PLAIN:
        # numpy scalars among them: the driver takes Python's own
        values = [
            v.item() if hasattr(v, "item") and not isinstance(v, Decimal) else v for v in values
        ]
    return values


# Values an object column may hold that need no `.item()` (not numpy scalars).
_PLAIN = {str, int, float, bool, Decimal, dt.date, dt.datetime, type(None)}


def wanted_table(
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
    like: str | None = None,
) -> sa.Table:
    """The `Table` to write: the declaration of `like` (default `name`) if there is one,
    else typed from the frame (an ad-hoc table)."""
    declared = like or name
    if schema.declared(declared) is not None:
        return schema.sa_table(declared, name=name, comment=comment)
    return table_for(name, frame, comment, column_comments)


def conform_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` in the declared column order of published `table` (unchanged if undeclared).

    A column the code produces but the declaration lacks (or the other way round), or an
    empty value in a NOT NULL column, is a mistake in the code, said in one sentence.
    """
    decl = schema.declared(table)
    if decl is None:
        return frame
    have, want = list(map(str, frame.columns)), decl.column_names
    extra = [c for c in have if c not in want]
    missing = [c for c in want if c not in have]
    if extra or missing:
        raise ValueError(
            f"table {table}: the computed frame "
            + "; ".join(
                part
                for part in (
                    f"has columns {', '.join(extra)} that tillvaxt/publish/schema.py does not declare"
                    if extra
                    else "",
                    f"lacks declared columns {', '.join(missing)}" if missing else "",
                )
                if part
            )
            + "."
        )
    out = frame[want].copy(deep=False)  # copy-on-write: only the date columns are new
    for col in decl.columns:
        if col.kind is schema.Kind.DATE and pd.api.types.is_datetime64_any_dtype(out[col.name]):
            dates = out[col.name].dt.date.astype(object)
            out[col.name] = dates.where(out[col.name].notna(), None)
    for col in decl.columns:
        if not col.nullable and out[col.name].isna().any():
            n = int(out[col.name].isna().sum())
            raise ValueError(
                f"table {table}: column {col.name} is declared NOT NULL but {n} rows have no value."
            )
    return out


# What a column stores, most specific first (Float is a Numeric, DateTime is not a Date).
_FAMILIES: tuple[tuple[type[sa.types.TypeEngine], str], ...] = (
    (sa.Boolean, "boolean"),
    (sa.Integer, "integer"),
    (sa.Float, "float"),
    (sa.DateTime, "timestamp"),
    (sa.Date, "date"),
    (sa.String, "text"),
)


def _family(type_: sa.types.TypeEngine, dialect: sa.Dialect) -> str:
    """A type as the comparison sees it: what it stores, not how the driver spells it
    (PostgreSQL reports FLOAT as DOUBLE PRECISION; Money is TEXT on SQLite)."""
    if isinstance(type_, sa.types.TypeDecorator):
        type_ = type_.load_dialect_impl(dialect)
    for kind, family in _FAMILIES:
        if isinstance(type_, kind):
            return family
    if isinstance(type_, sa.Numeric):
        return f"numeric({type_.precision},{type_.scale})"
    return " ".join(type_.compile(dialect=dialect).lower().split())


def _ensure(conn: sa.Connection, table: sa.Table) -> None:
    """Create `table`, or check the existing one against it and add its new nullable columns.

    Anything else that differs raises `SchemaChanged`: dropping or retyping a column
    would lose or change published figures, so it is a migration someone decides on.
    """
    insp = sa.inspect(conn)
    if not insp.has_table(table.name):
        table.create(conn)
        return
    dialect = conn.dialect
    existing = {c["name"]: c for c in insp.get_columns(table.name)}
    problems = [
        f"column {name} is in the warehouse but no longer declared"
        for name in existing
        if name not in table.c
    ]
    added = []
    for col in table.columns:
        old = existing.get(col.name)
        if old is None:
            if col.nullable:
                added.append(col)
            else:
                problems.append(
                    f"new column {col.name} is NOT NULL, so it cannot be added to the rows there"
                )
            continue
        was, now = _family(old["type"], dialect), _family(col.type, dialect)
        if was != now:
            problems.append(f"column {col.name} is {was} in the warehouse but declared {now}")
        elif not old["nullable"] and col.nullable:
            problems.append(f"column {col.name} is NOT NULL in the warehouse but declared nullable")
    if problems:
        raise SchemaChanged(
            f"The warehouse table {table.name} differs from its declaration: "
            + "; ".join(problems)
            + f". Nothing was published; migrate the table as {MIGRATION_DOC} describes "
            "(or publish to a new database) and run again."
        )
    prep = dialect.identifier_preparer
    for col in added:
        conn.exec_driver_sql(
            f"ALTER TABLE {prep.format_table(table)} ADD COLUMN {prep.format_column(col)} "
            f"{col.type.compile(dialect=dialect)}"
        )
        kronor = schema.kronor_column(col.name)
        if kronor is not None and kronor in table.c:
            _fill_ore(conn, table, col.name, kronor)


def _fill_ore(conn: sa.Connection, table: sa.Table, ore: str, kronor: str) -> None:
    """Fill a newly added öre companion from its kronor column (migration `2026.12-ore`).

    Computed in Python from the exact `Decimal`, one UPDATE per distinct amount, with
    bound parameters: SQL arithmetic on SQLite's decimal text would go through a float."""
    amounts = conn.execute(
        sa.select(table.c[kronor]).where(table.c[kronor].is_not(None)).distinct()
    ).scalars()
    for amount in list(amounts):
        conn.execute(
            table.update()
            .where(table.c[kronor] == amount)
            .values({ore: int(Decimal(amount) * 100)})
        )


def upgrade_table(conn: sa.Connection, name: str, like: str) -> None:
    """Bring an existing copy of published table `like` (e.g. `certified_<like>`) up to its
    declaration (new nullable columns added and filled) without touching its rows."""
    if has_table(conn, name):
        _ensure(conn, schema.sa_table(like, name=name))


def _write_comments(conn: sa.Connection, table: sa.Table) -> None:
    """Refresh table and column comments (a kept table may carry last run's wording)."""
    if not conn.dialect.supports_comments:
        return
    if table.comment:
        conn.execute(sa.schema.SetTableComment(table))
    for col in table.columns:
        if col.comment:
            conn.execute(sa.schema.SetColumnComment(col))


def replace_table(engine: sa.Engine, name: str, frame: pd.DataFrame, **options: object) -> int:
    """Replace table `name` with `frame` in one transaction (options as `write_table`'s);
    returns rows written."""
    with engine.begin() as conn:
        return write_table(conn, name, frame, **options)


def write_table(
    conn: sa.Connection,
    name: str,
    frame: pd.DataFrame,
    comment: str | None = None,
    column_comments: dict[str, str] | None = None,
    like: str | None = None,
) -> int:
    """Replace table `name` with `frame` inside the caller's transaction.

    For callers that must change several tables at once (a published table and its
    restatements; a certification's snapshots), so they commit or fail together. A
    declared table (or, with `like`, a copy of one, e.g. `certified_<table>`) takes its
    columns, types and comments from the declaration; `comment` overrides the table's.
    """
    table = wanted_table(name, frame, comment, column_comments, like)
    frame = with_ore_columns(like or name, conform_frame(like or name, frame))
    _ensure(conn, table)
    conn.execute(table.delete())
    _write_comments(conn, table)
    # In slices: a row's parameter dict costs far more than its values, so a million
    # rows at once held about a gigabyte of dicts.
    decl = schema.declared(like or name)
    derived = decl.money_columns if decl is not None else []
    for start in range(0, len(frame), INSERT_ROWS):
        _insert(conn, table, frame.iloc[start : start + INSERT_ROWS], derived)
    return len(frame)


def has_table(engine_or_conn: sa.Engine | sa.Connection, name: str) -> bool:
    """True when the warehouse has table `name`."""
    return sa.inspect(engine_or_conn).has_table(name)


def read_table(engine: sa.Engine | sa.Connection, name: str, ore: bool = False) -> pd.DataFrame:
    """A published table as a frame, money as Decimal (for tests and follow-up).

    Without `ore` the öre companions of the money columns are left out, so the frame
    has the published (CSV) columns."""
    if isinstance(engine, sa.Connection):
        return _read(engine, name, ore)
    with engine.connect() as conn:
        return _read(conn, name, ore)


def _read(conn: sa.Connection, name: str, ore: bool) -> pd.DataFrame:
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    names = set(table.c.keys())
    columns = [c for c in table.columns if ore or not _is_companion(c.name, names)]
    for col in columns:
        if col.name.endswith(SEK_SUFFIX):
            col.type = Money()
    result = conn.execute(sa.select(*columns))
    names, rows = list(result.keys()), result.fetchall()
    # Column by column: a frame from a list of row tuples infers types row-wise, slowly.
    frame = (
        pd.DataFrame({n: list(c) for n, c in zip(names, zip(*rows, strict=True), strict=True)})
        if rows
        else pd.DataFrame(rows, columns=names)
    )
    # Keep integer and boolean columns typed when they hold NULLs (else they read as float).
    for col in columns:
        if isinstance(col.type, sa.Integer):
            frame[col.name] = frame[col.name].astype("Int64")
        elif isinstance(col.type, sa.Boolean):
            frame[col.name] = frame[col.name].astype("boolean")
    return frame


def as_read(conn: sa.Connection, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`read_table(conn, name)` of a table just written from `frame`, without the round trip.

    The reports are built from the publication's own tables; reading a million rows back
    through the driver cost more than writing them. This makes the same frame from the
    written one: the warehouse's column order, each value as the driver returns it
    (money as `Decimal` to the öre, dates as `date`, texts as `str`, missing as None),
    and the frame built and typed as `_read` builds it. A table that is not declared, or
    a value whose stored form is not plain (an int in a text column, say), is read back.
    """
    decl = schema.declared(name)
    if decl is None:
        return read_table(conn, name)
    kinds = {c.name: c.kind for c in decl.columns}
    stored = [c["name"] for c in sa.inspect(conn).get_columns(name)]
    names = [n for n in stored if not _is_companion(n, set(stored))]
    if set(names) != set(kinds) or set(frame.columns) != set(kinds):
        return read_table(conn, name)
    columns = {}
    for n in names:
        values = _as_stored(kinds[n], frame[n])
        if values is None:
            return read_table(conn, name)
        columns[n] = values
    out = pd.DataFrame(columns) if len(frame) else pd.DataFrame([], columns=names)
    for n in names:
        if kinds[n] is Kind.INTEGER:
            out[n] = out[n].astype("Int64")
        elif kinds[n] is Kind.BOOLEAN:
            out[n] = out[n].astype("boolean")
    return out


# The dtype pandas gives a column built from a list of texts (what `_read` builds).
_TEXT_DTYPE = pd.Series(["a", None]).dtype


def _as_stored(kind: Kind, series: pd.Series) -> list | ExtensionArray | np.ndarray | None:
    """One column's values as `_read` makes them once stored, None if not plain.

    A column whose dtype already says what its values are (integers, booleans, floats,
    texts) is converted as a whole; only money, dates and object columns go value by value.
    """
    missing = series.isna().to_numpy()
    if missing.all():
        return [None] * len(series)  # `_read` gets a column of NULLs (object, or typed below)
    dtype = series.dtype
    if kind is Kind.INTEGER and pd.api.types.is_integer_dtype(dtype):
        return series.astype("Int64").array
    if kind is Kind.BOOLEAN and pd.api.types.is_bool_dtype(dtype):
        return series.astype("boolean").array
    if kind is Kind.RATIO and pd.api.types.is_float_dtype(dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    if kind is Kind.TEXT and dtype == _TEXT_DTYPE:
        return series.array
    if kind is Kind.TEXT and pd.api.types.is_object_dtype(dtype):
        texts = _text_array(series, missing)
        if texts is not None:
            return texts
    if kind is Kind.TEXT and isinstance(dtype, pd.StringDtype):
        # Another string dtype (`string`, missing as NA): converted as a whole, the same
        # column the text list below would make, without a million str objects on the way.
        return series.astype(_TEXT_DTYPE).array
    values = (series if pd.api.types.is_object_dtype(dtype) else series.astype(object)).tolist()
    for i in missing.nonzero()[0].tolist():
        values[i] = None
    if kind is Kind.MONEY:
        present = [v for v in values if v is not None]
        if all_exactly(present, Decimal) and all(map(ONE_ORE.same_quantum, present)):
            return values  # all to the öre already (as `to_published` makes them): kept
        if not all(isinstance(v, Decimal | int) for v in present):
            return None
        # A Decimal already to the öre (as `to_published` makes them) is kept, not copied:
        # a million-row table's money column would otherwise be held twice.
        return [
            None
            if v is None
            else v
            if isinstance(v, Decimal) and v.as_tuple().exponent == -2
            else Decimal(v).quantize(ONE_ORE)
            for v in values
        ]
    kinds = set(map(type, values)) - {type(None)}  # one C-level pass; subclasses checked below
    if kind is Kind.TEXT and kinds <= {str}:
        return values
    if kind is Kind.DATE and kinds <= {dt.date}:
        return values  # dates already, none a datetime
    if kind is Kind.TEXT:
        return values if all(isinstance(v, str) for v in values if v is not None) else None
    if kind is Kind.DATE:
        if not all(isinstance(v, dt.date) for v in values if v is not None):
            return None
        return [v.date() if isinstance(v, dt.datetime) else v for v in values]
    plain = [v.item() if hasattr(v, "item") else v for v in values]
    if any(isinstance(v, bool) != (kind is Kind.BOOLEAN) for v in plain if v is not None):
        return None
    if kind is Kind.BOOLEAN:
        return plain
    if not all(isinstance(v, int | float) for v in plain if v is not None):
        return None
    if kind is Kind.INTEGER:
        if not all(float(v).is_integer() for v in plain if isinstance(v, float)):
            return None
        return [None if v is None else int(v) for v in plain]
    return [None if v is None else float(v) for v in plain]  # RATIO


# How `_TEXT_DTYPE` holds its texts (an Arrow type), None if not in Arrow.
_TEXT_STORAGE = (
    pa.array(pd.array(["a"], dtype=_TEXT_DTYPE)).type if _TEXT_DTYPE.storage == "pyarrow" else None
)


def _text_array(series: pd.Series, missing: np.ndarray) -> ExtensionArray | None:
    """An object column of texts as `_read` makes it (`_TEXT_DTYPE`), by one Arrow
    conversion of the column's objects; None unless every value is exactly a `str`.

    pandas' own conversion of a list of texts took three times as long."""
    if _TEXT_STORAGE is None:
        return None
    arrow = uniform_values(series.to_numpy(dtype=object), missing, str, _TEXT_STORAGE)
    return None if arrow is None else pd.arrays.ArrowStringArray(arrow, dtype=_TEXT_DTYPE)


def _is_companion(column: str, names: set[str]) -> bool:
    """An öre column beside its kronor column (`paid_ore` where `paid_sek` is)."""
    kronor = schema.kronor_column(column)
    return kronor is not None and kronor in names
