"""The fast paths taken for large exports give exactly what the careful paths give.

`rawfiles` splits a text without quotes at the delimiter instead of running the csv
module; `fields.amount_ore` parses a column in one regex pass. Each is checked against
the reference it replaces: the csv-module path, and `money.parse_amount`.
"""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tillvaxt.errors import ParseError
from tillvaxt.money import parse_amount
from tillvaxt.rawfiles import _is_plain, _split_plain, _split_quoted, read_delimited_text
from tillvaxt.validate import fields

REQUIRED = ["a", "b"]
cells = st.sampled_from(["1", "", " ", "x y", "1 000,50", "å", "\u00a0", "\t", "-5"])
lines = st.lists(cells, min_size=0, max_size=4).map(";".join)


@settings(max_examples=300, deadline=None)
@given(
    body=st.lists(lines, max_size=8),
    newline=st.sampled_from(["\n", "\r\n"]),
    trailing=st.booleans(),
)
def test_plain_split_equals_the_csv_module(body: list[str], newline: str, trailing: bool) -> None:
    text = newline.join([" a ;b", *body]) + (newline if trailing else "")
    assert _is_plain(text)
    assert _split_plain(text, "f.csv", REQUIRED, ";") == _split_quoted(text, "f.csv", REQUIRED, ";")


def test_blank_lines_short_records_and_line_numbers_on_the_plain_path() -> None:
    text = "a;b\r\n1;2\r\n\r\n ; \r\n3\r\n4;5;6\r\n"
    frame = read_delimited_text(text, "f.csv", REQUIRED)
    assert list(frame["_line"]) == [2, 5, 6]
    assert list(frame["a"]) == ["1", "3", "4"]
    assert list(frame["b"]) == ["2", "", "5"]
    assert list(frame["_error"]) == [
        "",
        "expected 2 fields separated by ';', found 1",
        "expected 2 fields separated by ';', found 3",
    ]


def test_quoted_or_oddly_ended_text_takes_the_csv_module() -> None:
    assert not _is_plain('a;b\n"1;2";3\n')
    assert not _is_plain("a;b\r1;2\r")
    frame = read_delimited_text('a;b\n"x\ny";2\n3;4\n', "f.csv", REQUIRED)
    assert list(frame["a"]) == ["x\ny", "3"]
    assert list(frame["_line"]) == [2, 4]


amount_text = st.one_of(
    st.from_regex(r"-?\d{1,3}([ \u00a0]\d{3}){0,3}(,\d{1,3})?", fullmatch=True),
    st.text(alphabet="0123456789 ,.-\u00a0", max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(amount_text, min_size=1, max_size=20))
def test_vectorised_amounts_agree_with_parse_amount(texts: list[str]) -> None:
    ore, errors = fields.amount_ore(pd.Series(texts, dtype="string"), "Belopp")
    for text, value, error in zip(texts, ore, errors, strict=True):
        try:
            expected = parse_amount(text)
        except ParseError:
            assert pd.isna(value) and error.startswith("column 'Belopp': expected a Swedish")
        else:
            assert value == expected and error == ""


def test_join_errors_only_separates_present_reasons() -> None:
    joined = fields.join_errors(
        pd.Series(["", "a", "", "p"], dtype="string"),
        pd.Series(["x", "b", "", ""], dtype="string"),
        pd.Series(["", "", "c", "q"], dtype="string"),
    )
    assert list(joined) == ["x", "a; b", "c", "p; q"]
