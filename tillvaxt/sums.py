"""Exact sums of money columns: int64 öre and Decimal kronor, at a million rows.

A Python addition per amount is exact and slow; numpy's int64 sum is fast and wraps
silently past 2^63. Here an öre column is split into its high and low 32 bits, each
summed in int64 (a sum of 2^31 halves cannot wrap) and joined as a Python integer,
so the total is exact at any size; Decimal kronor are summed as Arrow decimals.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from tillvaxt.arrowcols import cents

_LOW = 0xFFFFFFFF


def _halves(ore: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int64 öre as their high (signed) and low 32 bits: `ore = high·2^32 + low`."""
    ore = np.asarray(ore, dtype=np.int64)
    return ore >> 32, ore & _LOW


def _joined(high: int, low: int) -> int:
    return (int(high) << 32) + int(low)


def exact_sum(ore: np.ndarray) -> int:
    """The sum of int64 öre as a Python integer, exact beyond the int64 range."""
    high, low = _halves(ore)
    return _joined(high.sum(), low.sum())


def sums_by_year(years: pd.Series, values: pd.Series) -> dict[int, int | Decimal]:
    """The exact sum of the present `values` per year (a year with none present sums to 0).

    Integer öre by halves (`exact_sum`'s way, grouped), Decimal kronor exact to the öre
    as Arrow decimals, so a million payouts take milliseconds; anything else (a value
    finer than an öre, an int among Decimals) is added in Python.
    """
    year = years.astype("int64").to_numpy()
    present = values.notna().to_numpy()
    totals: dict[int, int | Decimal] = dict.fromkeys(np.unique(year).tolist(), 0)
    if pd.api.types.is_integer_dtype(values.dtype):
        ore = values.to_numpy(dtype="int64", na_value=0)[present]
        high, low = _halves(ore)
        halves = pd.DataFrame({"year": year[present], "high": high, "low": low})
        for y, high_sum, low_sum in halves.groupby("year").sum().itertuples():
            totals[int(y)] = _joined(high_sum, low_sum)
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
