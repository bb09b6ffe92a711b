"""Metadata shared by the assets: counts, money totals and masked previews.

Money in the UI reads as a controller writes it (`10 811 000,00 kr`), never as the
float a markdown renderer makes of a Decimal (`1.0811e+07`); totals are per year,
since a sum across budget years is a figure nobody uses.
"""

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
from dagster import Failure, MetadataValue

from tillvaxt.arrowcols import cents
from tillvaxt.errors import InputError
from tillvaxt.money import decimal_to_ore, format_swedish
from tillvaxt.publish.tables import SEK_SUFFIX, to_published


def money(ore: int) -> str:
    """A total as a controller reads it."""
    return f"{format_swedish(int(ore), decimals=True)} kr"


def kronor(value: object) -> object:
    """A published amount (exact `Decimal` kronor) as Swedish text; empty stays empty."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return money(decimal_to_ore(value))
    return value


def swedish_money(published: pd.DataFrame) -> pd.DataFrame:
    """A published frame with its money columns as Swedish text, for showing only."""
    out = published.copy()
    for col in out.columns:
        if str(col).endswith(SEK_SUFFIX):
            out[col] = out[col].map(kronor).astype(object)
    return out


def preview(frame: pd.DataFrame, rows: int = 10) -> MetadataValue:
    """A markdown preview, masked and in SEK like the published table, money in Swedish."""
    shown = swedish_money(to_published(frame.head(rows)))
    return MetadataValue.md(shown.to_markdown(index=False) if len(shown) else "_(no rows)_")


def paid_by_year(frame: pd.DataFrame, column: str = "paid_ore") -> MetadataValue:
    """An amount per budget year ({"2017": "10 925 348,00 kr"}), from öre or published kronor."""
    totals = {}
    if len(frame) and column in frame.columns:
        for year, total in sorted(year_totals(frame["year"], frame[column]).items()):
            totals[str(year)] = money(int(total)) if column.endswith("_ore") else kronor(total)
    return MetadataValue.json(totals)


def year_totals(years: pd.Series, values: pd.Series) -> dict[int, int | Decimal]:
    """The exact sum of the present `values` per year (a year with none present sums to 0).

    Integer öre are summed as int64 halves (the high and the low 32 bits apart, which
    cannot overflow below 2^31 rows) and Decimal kronor as Arrow decimals, so a million
    payouts take milliseconds, not a Python addition each; anything else is added in Python.
    """
    year = years.astype("int64").to_numpy()
    present = values.notna().to_numpy()
    totals: dict[int, int | Decimal] = dict.fromkeys(np.unique(year).tolist(), 0)
    if pd.api.types.is_integer_dtype(values.dtype):
        ore = values.to_numpy(dtype="int64", na_value=0)[present]
        halves = pd.DataFrame({"year": year[present], "high": ore >> 32, "low": ore & 0xFFFFFFFF})
        for y, high, low in halves.groupby("year").sum().itertuples():
            totals[int(y)] = (int(high) << 32) + int(low)
        return totals
    exact = cents(values) if pd.api.types.is_object_dtype(values.dtype) else None
    if exact is not None:
        amounts, missing = exact
        sums = pa.table({"year": year[~missing], "amount": amounts}).group_by("year")
        for row in sums.aggregate([("amount", "sum")]).to_pylist():
            totals[int(row["year"])] = row["amount_sum"]
        return totals
    for y, v in zip(year[present].tolist(), values[present].tolist(), strict=True):
        totals[y] += v
    return totals


def input_failure(exc: InputError) -> Failure:
    """An input problem as a Dagster failure whose description is the user's sentence."""
    return Failure(
        description=str(exc),
        metadata={"file": str(exc.file), "line": exc.line or 0},
        allow_retries=False,
    )
