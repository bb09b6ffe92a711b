"""Swedish amounts: exact round trips, and refusal of anything ambiguous."""

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tillvaxt.errors import ParseError
from tillvaxt.money import decimal_to_ore, format_swedish, ore_to_decimal, parse_amount
from tillvaxt.validate.fields import amount_ore

amounts = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def render(d: Decimal, sep: str, decimals: bool) -> str:
    """Write `d` as a Swedish export would, with the given thousands separator."""
    sign = "-" if d < 0 else ""
    q = abs(d).quantize(Decimal("0.01"))
    whole, frac = f"{q:f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    body = sep.join(groups)
    return f"{sign}{body},{frac}" if decimals or frac != "00" else f"{sign}{body}"


@pytest.mark.parametrize("sep", [" ", "\u00a0", ""])
@given(d=amounts, decimals=st.booleans())
def test_every_two_decimal_amount_survives_format_and_parse(
    sep: str, d: Decimal, decimals: bool
) -> None:
    text = render(d, sep, decimals)
    assert ore_to_decimal(parse_amount(text)) == d.quantize(Decimal("0.01"))
    ore, err = amount_ore(pd.Series([text]), "Belopp")
    assert err.iloc[0] == ""
    assert ore.iloc[0] == decimal_to_ore(d)


@given(d=amounts)
def test_format_swedish_parses_back(d: Decimal) -> None:
    ore = decimal_to_ore(d)
    assert parse_amount(format_swedish(ore, decimals=True)) == ore


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("10 811 000", 1_081_100_000),
        ("62 500,00", 6_250_000),
        ("-1 250,5", -125_050),
        ("14700", 1_470_000),
        ("5\u00a0030\u00a0934,00", 503_093_400),
        ("0,01", 1),
    ],
)
def test_examples_from_the_spec(text: str, ore: int) -> None:
    assert parse_amount(text) == ore


@pytest.mark.parametrize(
    "text", ["1.250", "12,345,67", "1 25", "1,234", "12 34 567", "--5", "5-", "", "1 250.00", "abc"]
)
def test_ambiguous_or_malformed_amounts_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ParseError, match="Swedish amount"):
        parse_amount(text)
    _, err = amount_ore(pd.Series([text]), "Belopp")
    assert err.iloc[0].startswith("column 'Belopp': expected a Swedish amount")
    assert repr(text) in err.iloc[0] or text == ""


def test_one_point_two_five_zero_is_neither_1_25_nor_1250() -> None:
    ore, err = amount_ore(pd.Series(["1.250", "1 250"]), "Belopp")
    assert pd.isna(ore.iloc[0])
    assert "found '1.250'" in err.iloc[0]
    assert ore.iloc[1] == 125_000


BOUND = "an amount within ±10 000 000 000 000 kr"


@pytest.mark.parametrize(
    "text",
    [
        "99999999999999999,99",  # crashed the run with an OverflowError
        "92 233 720 368 547 758,07",  # was accepted; the int64 sum then wrapped
        "-10 000 000 000 000,01",
        "10000000000001",
        "123456789012345678901234567890",
    ],
)
def test_an_amount_beyond_the_bound_is_unreadable_with_a_clear_reason(text: str) -> None:
    """Issue 13: amounts had no bound."""
    with pytest.raises(ParseError) as exc:
        parse_amount(text)
    assert exc.value.expected.startswith(BOUND) and exc.value.found == repr(text)
    ore, errors = amount_ore(pd.Series([text, "1 000"], dtype="string"), "Belopp")
    assert pd.isna(ore[0]) and ore[1] == 100_000
    assert (
        errors[0]
        == f"column 'Belopp': expected {BOUND} (far above any appropriation), found '{text}'"
    )
    assert errors[1] == ""


def test_the_bound_itself_is_readable() -> None:
    for text, ore in [("10 000 000 000 000", 10**15), ("-10000000000000,00", -(10**15))]:
        assert parse_amount(text) == ore
        got, errors = amount_ore(pd.Series([text], dtype="string"), "Belopp")
        assert got[0] == ore and errors[0] == ""


@pytest.mark.parametrize("text", ["５００", "1 ０００", "١٢٣", "500,５"])
def test_non_ascii_digits_are_not_amounts(text: str) -> None:
    """Issue 13: `５００` (full-width digits) was accepted as 500 kr."""
    with pytest.raises(ParseError):
        parse_amount(text)
    ore, errors = amount_ore(pd.Series([text], dtype="string"), "Belopp")
    assert pd.isna(ore[0]) and errors[0].startswith("column 'Belopp': expected a Swedish amount")
