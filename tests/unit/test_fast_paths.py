"""The vectorised field parsers give exactly what the scalar reference gives.

`fields.amount_ore` parses a whole column in one regex pass (the payout exports hold
a million amounts); it must agree with `money.parse_amount` on every text, valid or not.
"""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tillvaxt import rawfiles
from tillvaxt.errors import ParseError
from tillvaxt.money import parse_amount
from tillvaxt.validate import fields

amount_text = st.one_of(
    st.from_regex(r"-?\d{1,3}([ \u00a0\u202f]\d{3}){0,5}(,\d{1,3})?", fullmatch=True),
    st.text(alphabet="0123456789 ,.-\u00a0\u202f", max_size=12),
    # Around the bound of ±10^13 kr, with leading zeros that do not count.
    st.from_regex(r"-?0{0,30}[1-9]\d{12,14}(,\d{1,2})?", fullmatch=True),
    st.sampled_from(["10000000000000", "10000000000000,01", "-10000000000000,00", "0" * 5000]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(amount_text, min_size=1, max_size=20))
def test_vectorised_amounts_agree_with_parse_amount(texts: list[str]) -> None:
    ore, errors = fields.amount_ore(pd.Series(texts, dtype="string"), "Belopp")
    for text, value, error in zip(texts, ore, errors, strict=True):
        try:
            expected = parse_amount(text)
        except ParseError as exc:
            assert pd.isna(value) and error.startswith(f"column 'Belopp': expected {exc.expected}")
        else:
            assert value == expected and error == ""


def test_join_errors_only_separates_present_reasons() -> None:
    joined = fields.join_errors(
        pd.Series(["", "a", "", "p"], dtype="string"),
        pd.Series(["x", "b", "", ""], dtype="string"),
        pd.Series(["", "", "c", "q"], dtype="string"),
    )
    assert list(joined) == ["x", "a; b", "c", "p; q"]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet='ab; "\t', max_size=24))
def test_quote_aware_split_agrees_with_its_rules_on_every_line(line: str) -> None:
    """`split_semicolon_line` takes `str.split` and the C csv reader where it can; both
    must give what the field-by-field rules give (up to the blanks the validators strip)."""
    from tillvaxt.rawfiles import _QuoteError, split_by_rules, split_semicolon_line

    try:
        expected = [f.strip(" \t") for f in split_by_rules(line)]
    except _QuoteError:
        expected = None
    try:
        got = [f.strip(" \t") for f in split_semicolon_line(line)]
    except _QuoteError:
        got = None
    assert got == expected


# Mostly lines of the header's three fields, so the Arrow path, not the loop, reads them.
_plain_line = st.one_of(
    st.from_regex(r"[ab \t\u00e5]{0,3};[ab \t]{0,3};[ab \t\u00e5]{0,3}", fullmatch=True),
    st.text(alphabet=" \t;", max_size=5),
    st.text(alphabet="ab ;\t\u00e5", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_plain_line, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]))
def test_arrow_split_of_a_file_without_quotes_agrees_with_the_line_loop(
    lines: list[str], newline: str
) -> None:
    text = newline.join(["A;B;C", *lines])
    fast = rawfiles.read_delimited_text(text, "f.csv", ["A", "B", "C"])
    original = rawfiles._plain_frame
    try:
        rawfiles._plain_frame = lambda *args: None  # the loop, for every line
        loop = rawfiles.read_delimited_text(text, "f.csv", ["A", "B", "C"])
    finally:
        rawfiles._plain_frame = original
    pd.testing.assert_frame_equal(fast, loop)
