"""Organisation numbers: three spellings, one organisation; personal numbers masked."""

import pandas as pd
import pytest

from tillvaxt.errors import ParseError
from tillvaxt.orgnr import display, is_personal, luhn_ok, mask, normalise
from tillvaxt.validate.fields import org_number


@pytest.mark.parametrize("text", ["556036-0793", "5560360793", "165560360793", " 556036-0793 "])
def test_three_spellings_normalise_to_one(text: str) -> None:
    assert normalise(text) == "5560360793"


def test_vectorised_parser_agrees_and_never_echoes_the_value() -> None:
    values, errors = org_number(
        pd.Series(["556036-0793", "198001011234", "80010-1234"]), "Organisationsnummer"
    )
    assert list(values[:2]) == ["5560360793", "8001011234"]
    assert "80010" not in errors.iloc[2] and "10 characters" in errors.iloc[2]
    with pytest.raises(ParseError) as exc:
        normalise("80010-1234")
    assert "80010" not in str(exc.value)


def test_luhn() -> None:
    assert luhn_ok("5560360793")
    assert not luhn_ok("5560360794")
    assert luhn_ok("8112189876")


def test_personal_numbers_are_masked_consistently_and_legal_entities_shown() -> None:
    assert is_personal("8001011234") and not is_personal("5560360793")
    token = mask("8001011234")
    assert token.startswith("PNR-") and "8001011234" not in token
    assert mask("8001011234") == token != mask("8001011235")
    assert display("5560360793") == "556036-0793"
    assert display("8001011234") == token


def test_scrub_masks_personal_numbers_in_free_text_in_every_spelling() -> None:
    from tillvaxt.errors import InputError
    from tillvaxt.orgnr import scrub

    for spelling in ("800101-1234", "8001011234", "198001011234", "19800101-1234"):
        text = scrub(f"column 'Kommun': expected four digits, found '{spelling}'")
        assert "8001011234" not in text.replace("-", "") and mask("8001011234") in text
    assert scrub("org 556036-0793, amount 10 925 348, voucher V2017-00123") == (
        "org 556036-0793, amount 10 925 348, voucher V2017-00123"
    )
    err = InputError("payouts/p.csv", "a header row", "'800101-1234', 'Åke AB'", line=1)
    assert "800101" not in str(err) and "PNR-" in str(err)
