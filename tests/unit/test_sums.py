"""Exact sums (`tillvaxt.sums`): int64 halves and Arrow decimals give what Python's own
addition gives, at the int64 bounds, with gaps and with odd types."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.examples import examples
from tillvaxt.sums import exact_sum, sums_by_year

I64 = st.integers(-(2**63), 2**63 - 1)


def _python(years: list[int], values: list[object]) -> dict[int, object]:
    totals: dict[int, object] = dict.fromkeys(years, 0)
    for y, v in zip(years, values, strict=True):
        if v is not None and not pd.isna(v):
            totals[y] += v
    return totals


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.tuples(st.integers(2000, 2003), st.one_of(st.none(), I64)), max_size=40))
def test_integer_ore_sum_exactly_beyond_int64(rows: list[tuple[int, int | None]]) -> None:
    years = [y for y, _ in rows]
    values = [v for _, v in rows]
    got = sums_by_year(pd.Series(years, dtype="int64"), pd.Series(values, dtype="Int64"))
    assert got == _python(years, values)
    if None not in values:
        assert sums_by_year(pd.Series(years), pd.Series(values, dtype="int64")) == got


@settings(max_examples=examples(60), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2000, 2003),
            st.one_of(st.none(), st.integers(-(10**17), 10**17).map(lambda c: Decimal(c) / 100)),
        ),
        max_size=40,
    )
)
def test_decimal_kronor_sum_exactly(rows: list[tuple[int, Decimal | None]]) -> None:
    years = [y for y, _ in rows]
    values = [v for _, v in rows]
    got = sums_by_year(pd.Series(years), pd.Series(values, dtype=object))
    assert got == _python(years, values)


def test_values_arrow_cannot_hold_are_added_in_python() -> None:
    # Finer than an öre, and an int among Decimals: the exact Python addition, not a rounding.
    values = [Decimal("0.001"), Decimal("0.002"), 3]
    assert sums_by_year(pd.Series([2017, 2017, 2018]), pd.Series(values, dtype=object)) == {
        2017: Decimal("0.003"),
        2018: 3,
    }


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(I64, max_size=60))
def test_an_exact_sum_is_pythons_sum(values: list[int]) -> None:
    assert exact_sum(np.array(values, dtype=np.int64)) == sum(values)


def test_an_exact_sum_goes_past_int64_where_numpy_wraps() -> None:
    big = np.full(4, 2**62, dtype=np.int64)
    assert exact_sum(big) == 2**64
    assert int(big.sum()) != 2**64  # what the halves are for
    assert exact_sum(np.full(3, -(2**63), dtype=np.int64)) == -3 * 2**63
