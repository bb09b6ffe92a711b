"""The publisher's Arrow paths give exactly what the value-by-value paths gave.

The CSV bytes are pandas' `to_csv` of `csv_frame`, the SQLite-bound values are what
each column type's bind processor makes, the kronor are `ore_to_decimal`'s and the öre
`decimal_to_ore`'s, on values chosen to hit the edges (quotes, separators, line
breaks, missing values of every kind, negative amounts below a krona, exponents other
than two decimals), and anything the Arrow paths cannot vouch for goes the old way.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from tillvaxt.money import ParseError, decimal_to_ore, ore_to_decimal
from tillvaxt.publish import csvfiles, warehouse
from tillvaxt.publish.sqltypes import Money
from tillvaxt.publish.tables import _kronor, _ore

TEXTS = [
    "",
    "plain",
    "a,b",
    'say "hi"',
    "two\nlines",
    "cr\ronly",
    "crlf\r\n",
    " lead",
    "å ä ö",
    '"',
]


def _mixed(rows: int, seed: int) -> pd.DataFrame:
    """A frame with one column of every kind a published table holds, missing values in each."""
    rng = random.Random(seed)

    def maybe(v: object, p: float = 0.2) -> object:
        return None if rng.random() < p else v

    return pd.DataFrame(
        {
            "texts_obj": [maybe(rng.choice(TEXTS)) for _ in range(rows)],
            "texts_str": pd.array([maybe(rng.choice(TEXTS)) for _ in range(rows)], "string"),
            "texts_py": pd.Series([maybe(rng.choice(TEXTS)) for _ in range(rows)], dtype="str"),
            "sek": [
                maybe(Decimal(rng.randint(-10**9, 10**9)).scaleb(-2) if rng.random() < 0.8 else
                      rng.choice([Decimal("15"), Decimal("1E+2"), Decimal("-0.5"), Decimal("0.00")]))
                for _ in range(rows)
            ],
            "day": [maybe(dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))) for _ in range(rows)],
            "year": pd.array([maybe(rng.randint(2000, 2030)) for _ in range(rows)], "Int64"),
            "line": np.arange(rows, dtype="int64"),
            "flag": pd.array([maybe(rng.random() < 0.5) for _ in range(rows)], "boolean"),
            "plain_flag": np.array([rng.random() < 0.5 for _ in range(rows)]),
            "share": [maybe(rng.choice([0.1, 1 / 3, 1e-7, 2.5e20, 1.0]), 0.3) for _ in range(rows)],
            "ts": pd.to_datetime([dt.datetime(2017, 1, 1) + dt.timedelta(hours=i) for i in range(rows)]),
        }
    )  # fmt: skip


@pytest.mark.parametrize("rows", [0, 1, 2, 50, 400])
def test_arrow_csv_is_byte_for_byte_what_pandas_writes(rows: int) -> None:
    frame = _mixed(rows, seed=rows)
    for header in (True, False):
        arrow = csvfiles._arrow_csv(frame, header)
        assert arrow is not None  # every column kind of a published table takes the Arrow path
        assert arrow == csvfiles._pandas_csv(frame, header).encode("utf-8")
    if rows >= 50:
        text = csvfiles._arrow_csv(frame, True).decode()
        assert '"a,b"' in text and '"say ""hi"""' in text and '"two\nlines"' in text


def test_what_arrow_cannot_vouch_for_is_written_by_pandas(tmp_path) -> None:
    odd = pd.DataFrame({"mixed": ["a", 1, Decimal("2.50"), None], "n": [1, 2, 3, 4]})
    assert csvfiles._arrow_csv(odd, True) is None
    assert csvfiles._arrow_csv(pd.DataFrame({"only": ["", "x"]}), True) is None
    csvfiles.write_csv(odd, tmp_path / "odd.csv")
    assert (tmp_path / "odd.csv").read_text("utf-8") == "mixed,n\na,1\n1,2\n2.50,3\n,4\n"


def test_whole_numbers_among_missing_values_stay_whole_in_both_paths() -> None:
    """An object column of ints with a gap is written `1`, not `1.0` (pandas' `map`
    turned it into floats), and an int beyond int64 as its digits."""
    frame = pd.DataFrame({"n": pd.Series([1, None, -(2**70)], dtype=object), "t": ["x", "y", "z"]})
    want = f"n,t\n1,x\n,y\n{-(2**70)},z\n"
    assert csvfiles._pandas_csv(frame, True) == want
    assert csvfiles._arrow_csv(frame, True) in (None, want.encode())
    small = frame.iloc[:2]
    assert csvfiles._arrow_csv(small, True) == csvfiles._pandas_csv(small, True).encode()


def test_datetimes_in_an_object_column_are_written_as_a_datetime_column() -> None:
    """Timestamps among gaps (as `concat` with an all-missing column makes them) are
    written as pandas writes their datetime column: a date alone when every one is at
    midnight, else with its time."""
    midnight = [pd.Timestamp("2017-01-02"), None, dt.datetime(2017, 1, 3)]
    frame = pd.DataFrame({"d": pd.Series(midnight, dtype=object), "n": [0, 1, 2]})
    assert csvfiles._pandas_csv(frame, True) == "d,n\n2017-01-02,0\n,1\n2017-01-03,2\n"
    timed = frame.assign(d=pd.Series([dt.datetime(2017, 1, 3, 5), None, None], dtype=object))
    assert csvfiles._pandas_csv(timed, True) == "d,n\n2017-01-03 05:00:00,0\n,1\n,2\n"


def test_kronor_are_ore_to_decimal_to_the_exponent() -> None:
    ore = [0, 1, -1, -50, 99, 100, -100, 1_081_100_000, 2**62, -(2**62), 123456789]
    got = _kronor(pd.Series(ore, dtype="int64"))
    assert [str(v) for v in got] == [str(ore_to_decimal(v)) for v in ore]
    assert all(v.as_tuple().exponent == -2 for v in got)
    nullable = _kronor(pd.Series([5, None, -7], dtype="Int64", index=[10, 11, 12]))
    assert nullable.tolist() == [Decimal("0.05"), None, Decimal("-0.07")]
    assert list(nullable.index) == [10, 11, 12] and nullable.dtype == object


def test_ore_is_decimal_to_ore_and_refuses_what_it_refused() -> None:
    values = [Decimal("0.00"), Decimal("-0.05"), Decimal("15"), Decimal("1E+2"), None,
              Decimal("10811000.00"), Decimal("-9999999999999999.99")]  # fmt: skip
    got = _ore(pd.Series(values, dtype=object))
    assert got.tolist() == [None if v is None else decimal_to_ore(v) for v in values]
    assert all(type(v) is int for v in got if v is not None)
    with pytest.raises(ParseError):
        _ore(pd.Series([Decimal("1.005")], dtype=object))


@pytest.mark.parametrize(
    "type_, values",
    [
        (Money(), [Decimal("1.50"), None, Decimal("15"), Decimal("-0.05"), Decimal("1E+2")]),
        (sa.Date(), [dt.date(2017, 1, 5), None, dt.date(5, 3, 1)]),
        (sa.Text(), ["a", None, "b,c"]),
        (sa.BigInteger(), pd.array([1, None, -3], "Int64")),
    ],
)
def test_sqlite_bound_values_are_the_bind_processors(type_, values) -> None:
    dialect = sa.create_engine("sqlite://").dialect
    series = pd.Series(values)
    fast = warehouse._bound_by_arrow(type_, series)
    assert fast is not None
    process = type_.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
    slow = [process(v) for v in warehouse._values("c", series)]
    assert fast == slow
    assert [type(v) for v in fast] == [type(v) for v in slow]


@pytest.mark.parametrize(
    "values",
    [
        [Decimal("-0.00"), Decimal("1.00")],  # a negative zero keeps its sign in the text
        [Decimal("1.005")],  # rounded by the bind processor, which Arrow refuses
        [Decimal("1.00"), 2],  # not all Decimals
    ],
)
def test_money_the_arrow_path_cannot_vouch_for_goes_value_by_value(values) -> None:
    column = sa.Column("x_sek", Money())
    dialect = sa.create_engine("sqlite://").dialect
    series = pd.Series(values, dtype=object)
    assert warehouse._bound_by_arrow(column.type, series) is None
    bound = warehouse._sqlite_column(column, dialect, series)
    assert bound == [str(Decimal(v).quantize(Decimal("0.01"))) for v in values]


def test_object_texts_are_scrubbed_as_before_and_other_objects_still_are() -> None:
    from tillvaxt.orgnr import scrub
    from tillvaxt.publish.tables import _scrubbed

    texts = ["Betalning till 19800101-1234 avvisad", None, "V2017-000042", np.nan, "ok"]
    got = _scrubbed(pd.Series(texts, dtype=object))
    assert got[0] == scrub(texts[0]) and "1234" not in got[0]
    assert got[1] is None and got[2] == "V2017-000042" and got[4] == "ok"
    mixed = _scrubbed(pd.Series([42, "till 198001011234", None], dtype=object))
    assert mixed[0] == 42 and mixed[1] == scrub("till 198001011234") and "1234" not in mixed[1]


def test_an_arrow_column_in_several_chunks_is_written_and_bound_as_one() -> None:
    import pyarrow as pa

    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["a", None], ["b,c", '"']])))
    frame = pd.DataFrame({"t": chunked, "n": [1, 2, 3, 4]})
    assert csvfiles._arrow_csv(frame, True) == csvfiles._pandas_csv(frame, True).encode()
    assert warehouse._bound_by_arrow(sa.Text(), chunked) == ["a", None, "b,c", '"']


def test_the_arrow_steps_within_a_slice_write_the_same_file(tmp_path, monkeypatch) -> None:
    frame = _mixed(23, seed=7)
    whole = csvfiles._pandas_csv(frame, True)
    monkeypatch.setattr(csvfiles, "CSV_ROWS", 10)
    monkeypatch.setattr(csvfiles, "ARROW_ROWS", 3)
    csvfiles.write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == whole.encode("utf-8")  # a lone CR kept
