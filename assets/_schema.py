"""Table schema and column lineage of a published table, as Dagster metadata.

Built from the frame actually published (after `to_published`), so the UI shows the
columns a report author will find in the warehouse and the CSV, not what we meant to
write. Money columns hold `Decimal` in an object column; they are shown as the
warehouse's `decimal(18,2)`.
"""

from decimal import Decimal

import pandas as pd
from dagster import (
    AssetKey,
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableColumnLineage,
    TableSchema,
)

from tillvaxt.publish.schema import Column, declared_columns
from tillvaxt.publish.tables import ORE_SUFFIX, SEK_SUFFIX


def column_type(series: pd.Series) -> str:
    """The column's type as a reader of the published table meets it."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int64"
    if pd.api.types.is_float_dtype(dtype):
        return "float64"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    values = series.dropna()
    if len(values) and all(isinstance(v, Decimal) for v in values.head(100)):
        return "decimal(18,2)"
    if series.name and str(series.name).endswith(SEK_SUFFIX):
        return "decimal(18,2)"
    return "text"


def _table_column(name: str, declared: Column | None, series: pd.Series | None) -> TableColumn:
    if declared is None:
        return TableColumn(name=name, type=column_type(series))
    return TableColumn(
        name=name,
        type=declared.kind.value,
        description=declared.description,
        constraints=TableColumnConstraints(nullable=declared.nullable),
    )


def table_schema(frame: pd.DataFrame, table: str = "") -> TableSchema:
    """One column entry per published column, in order, with its declared type, nullability
    and description (`tillvaxt.publish.schema`); an undeclared column's type from its dtype."""
    declared = {c.name: c for c in declared_columns(table)}
    return TableSchema(
        columns=[_table_column(str(c), declared.get(str(c)), frame[c]) for c in frame.columns]
    )


def declared_table_schema(table: str) -> TableSchema:
    """The declared columns of a published table, for the asset's definition, so the UI
    lists columns and descriptions before anything is materialized."""
    return TableSchema(columns=[_table_column(c.name, c, None) for c in declared_columns(table)])


def column_lineage(
    published: pd.DataFrame, source: pd.DataFrame, upstream: AssetKey
) -> TableColumnLineage:
    """Each published column from the upstream column it came from (`x_sek` ← `x_ore`)."""
    deps = {}
    for col in map(str, published.columns):
        origin = col
        if col.endswith(SEK_SUFFIX) and col not in source.columns:
            origin = col[: -len(SEK_SUFFIX)] + ORE_SUFFIX
        if origin in source.columns:
            deps[col] = [TableColumnDep(asset_key=upstream, column_name=origin)]
    return TableColumnLineage(deps_by_column=deps)


def published_table_metadata(
    published: pd.DataFrame, source: pd.DataFrame, upstream: AssetKey
) -> dict[str, object]:
    """Row count, column schema and column lineage under Dagster's standard keys."""
    return {
        "dagster/row_count": len(published),
        "dagster/column_schema": table_schema(published, upstream.path[-1]),
        "dagster/column_lineage": column_lineage(published, source, upstream),
    }
