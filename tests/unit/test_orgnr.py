"""Organisation numbers: three spellings, one organisation; personal numbers masked."""

import pandas as pd
import pytest

from tests.cli import PNR_SPELLINGS
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


@pytest.mark.parametrize("spelling", [*PNR_SPELLINGS, "810815\u00a01518"])
def test_scrub_masks_every_spelling_including_a_space(spelling: str) -> None:
    """Issue 13: `810815 1518` (a space between the parts) was published unmasked."""
    from tillvaxt.orgnr import scrub

    for text in (
        f"column 'Belopp': expected a Swedish amount, found '{spelling}'",
        f"Mottagare {spelling}",
        f"360G-region-halland-{spelling}-x",
        spelling,
    ):
        out = scrub(text)
        assert "1518" not in out and "810815" not in out, out
        assert mask("8108151518") in out


def test_scrub_leaves_amounts_ids_and_legal_entities_alone() -> None:
    """Only a number whose first six digits are a date (day + 60 for a coordination number)
    is masked; amounts, voucher ids and companies are left as written."""
    from tillvaxt.orgnr import scrub

    kept = [
        "found '1 000 000 1234'",  # not a personal-number shape
        "found '1000000000'",  # month 00: no date
        "found '101350 1234'",  # month 13
        "found '123456 7890'",  # month 34
        "org 556036-0793 and 5560360793 and 165560360793",
        "voucher V2017-00123, amount 10 925 348,00",
        "amount 92 233 720 368 547 758,07",
    ]
    for text in kept:
        assert scrub(text) == text
    # A coordination number (day + 60) and a wrong check digit are still someone's number.
    assert "810875" not in scrub("found 810875 1510")
    assert "1519" not in scrub("found 810815-1519")
