"""The per-year totals of the asset metadata are exact: int64 halves and Arrow decimals
give what Python's own addition gives, at the int64 bounds, with gaps and with odd types."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assets._meta import paid_by_year, year_totals
from tests.examples import examples

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
    got = year_totals(pd.Series(years, dtype="int64"), pd.Series(values, dtype="Int64"))
    assert got == _python(years, values)
    if None not in values:
        assert year_totals(pd.Series(years), pd.Series(values, dtype="int64")) == got


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
    got = year_totals(pd.Series(years), pd.Series(values, dtype=object))
    assert got == _python(years, values)


def test_values_arrow_cannot_hold_are_added_in_python() -> None:
    # Finer than an öre, and an int among Decimals: the exact Python addition, not a rounding.
    values = [Decimal("0.001"), Decimal("0.002"), 3]
    assert year_totals(pd.Series([2017, 2017, 2018]), pd.Series(values, dtype=object)) == {
        2017: Decimal("0.003"),
        2018: 3,
    }


def test_the_metadata_reads_as_a_controller_writes_it() -> None:
    frame = pd.DataFrame(
        {"year": [2018, 2017, 2017, 2019], "paid_ore": np.array([5, 2**62, 2**62, 0])}
    )
    assert paid_by_year(frame).data == {
        "2017": "92 233 720 368 547 758,08 kr",
        "2018": "0,05 kr",
        "2019": "0,00 kr",
    }
    published = pd.DataFrame({"year": [2017, 2017], "paid_sek": [Decimal("1.50"), None]})
    assert paid_by_year(published, "paid_sek").data == {"2017": "1,50 kr"}
