"""The publisher's shortcuts give exactly what the value-by-value paths gave.

Money text bound on SQLite from the öre companion is the `Money` bind processor's
text of the amount; text columns bound as their own objects are what `_values` binds;
scrubbing only the texts it changes gives every text `scrub` of it; a CSV column
rendered from numbers, Decimals or dates is written as pandas writes it unquoted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.examples import examples
from tillvaxt.orgnr import scrub
from tillvaxt.publish import csvfiles, warehouse
from tillvaxt.publish.sqltypes import Money
from tillvaxt.publish.tables import _ore, _scrubbed

DIALECT = sa.create_engine("sqlite://").dialect


def _slow(type_: sa.types.TypeEngine, series: pd.Series) -> list:
    process = type_.dialect_impl(DIALECT).bind_processor(DIALECT) or (lambda v: v)
    return [process(v) for v in warehouse._values("c", series)]


amounts = st.one_of(
    st.none(),
    st.integers(-(10**17), 10**17).map(lambda n: Decimal(n).scaleb(-2)),
    st.integers(-(10**6), 10**6).map(Decimal),  # whole kronor, exponent 0
    st.integers(-(10**6), 10**6),  # an int in a money column
    st.sampled_from([Decimal("0.00"), Decimal("-0.00"), Decimal("-0"), Decimal("1E+2"), 0]),
    st.integers(-(10**4), 10**4).map(lambda n: Decimal(n).scaleb(-1)),  # one decimal
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(amounts, max_size=30))
def test_money_bound_from_its_ore_is_the_bind_processors_text(values) -> None:
    kronor = pd.Series(values, dtype=object)
    ore = _ore(kronor)
    bound = warehouse._sqlite_column(sa.Column("x_sek", Money()), DIALECT, kronor, ore)
    assert bound == _slow(Money(), kronor)
    assert [type(v) for v in bound] == [type(v) for v in _slow(Money(), kronor)]


def test_money_from_ore_refuses_a_negative_zero_and_what_int64_cannot_hold() -> None:
    negative_zero = pd.Series([Decimal("-0.00"), Decimal("1.00")], dtype=object)
    assert warehouse._money_texts_from_ore(negative_zero, _ore(negative_zero)) is None
    huge = pd.Series([Decimal(2**64)], dtype=object)
    assert warehouse._money_texts_from_ore(huge, _ore(huge)) is None
    column = sa.Column("x_sek", Money())
    assert warehouse._sqlite_column(column, DIALECT, huge, _ore(huge)) == _slow(Money(), huge)


texts = st.one_of(st.none(), st.text(max_size=8), st.just(np.nan), st.just(pd.NA))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(texts, max_size=30), st.sampled_from([object, "string", "str"]))
def test_texts_are_bound_as_the_slow_path_binds_them(values, dtype) -> None:
    if dtype is not object:
        values = [None if v is not None and not isinstance(v, str) else v for v in values]
    series = pd.Series(values, dtype=dtype)
    fast = warehouse._bound_by_arrow(sa.Text(), series)
    assert fast == _slow(sa.Text(), series)
    assert all(v is None or type(v) is str for v in fast)


def test_a_text_column_holding_anything_but_str_goes_value_by_value() -> None:
    class Tagged(str):
        pass

    for odd in ([Tagged("a"), "b"], ["a", 1], [b"a"]):
        assert warehouse._bound_by_arrow(sa.Text(), pd.Series(odd, dtype=object)) is None


PIECES = [
    "198001011234",  # a personal number: masked
    "19800101-1234",
    "800101-1234",
    "5560001234",  # an organisation's number: kept
    "556000-1234",
    "V2017-000042",
    "Betalning till ",
    " avvisad",
    "",
]
composed = st.lists(st.sampled_from(PIECES), max_size=3).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.one_of(st.none(), composed), max_size=25),
    st.sampled_from([object, "string", "str"]),
    st.booleans(),
)
def test_only_the_texts_scrub_changes_are_rewritten(values, dtype, shuffled_index) -> None:
    index = list(range(len(values)))[::-1] if shuffled_index else None
    series = pd.Series(values, dtype=dtype, index=index)
    got = _scrubbed(series)
    assert got.dtype == series.dtype and list(got.index) == list(series.index)
    want = [None if pd.isna(v) else scrub(v) for v in series]
    assert [None if pd.isna(v) else v for v in got] == want


def test_columns_rendered_from_values_are_written_as_pandas_writes_them() -> None:
    frame = pd.DataFrame(
        {
            "sek": [Decimal("-0.05"), None, Decimal("1E+2"), Decimal("12345.60")],
            "day": [dt.date(2017, 1, 5), None, dt.date(5, 3, 1), dt.date(2030, 12, 31)],
            "n": [1, 7, -3, 10**15],
            "t": ["a,b", None, '"', "x"],
        },
        dtype=object,
    )
    assert csvfiles._column_texts(frame["sek"])[1] is False
    assert csvfiles._column_texts(frame["t"])[1] is True
    assert csvfiles._arrow_csv(frame, True) == csvfiles._pandas_csv(frame, True).encode()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(texts, min_size=1, max_size=30))
def test_an_object_text_column_is_typed_as_a_read_back_list_of_texts(values) -> None:
    from tillvaxt.publish.schema import Kind

    series = pd.Series(values, dtype=object)
    got = pd.DataFrame({"t": warehouse._as_stored(Kind.TEXT, series)})
    want = pd.DataFrame({"t": [None if pd.isna(v) else v for v in values]})
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(st.one_of(st.none(), amounts.filter(lambda v: isinstance(v, Decimal))), max_size=20)
)
def test_decimal_cells_are_formatted_as_csv_frame_formats_them(values) -> None:
    series = pd.Series(values, dtype=object)
    rendered = csvfiles._column_texts(series)
    if rendered is not None:  # all missing, or Decimals
        want = [None if v is None else format(v, "f") for v in values]
        assert rendered[0].to_pylist() == want
