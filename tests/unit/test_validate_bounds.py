"""Issue 13: amounts beyond ±10^13 kr are unreadable values, and no sum wraps int64."""

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.errors import InputError
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations
from tillvaxt.validate.eu_projects import validate_eu_projects
from tillvaxt.validate.fields import integer
from tillvaxt.validate.payouts import read_payouts, validate_payouts


def _payouts(tmp_path: Path, amounts: list[str]) -> Path:
    raw = tmp_path / "raw"
    write(
        raw / "payouts" / "p.csv",
        [PAYOUT_HEADER]
        + [
            f"V{i};2017-03-01;RS1;556677-8899;Åkes AB;UTV;{a};1:1;1380"
            for i, a in enumerate(amounts)
        ],
    )
    write(
        raw / "appropriations" / "a.csv",
        ["År;Anslag;Tilldelat belopp;Anslagskredit", "2017;1:1;1 000 000;0"],
    )
    return raw


def test_an_amount_near_int64_is_quarantined_and_its_year_incomplete(tmp_path: Path) -> None:
    """`92 233 720 368 547 758,07` was accepted; the sum wrapped and 2017 was published `ok`."""
    raw = _payouts(tmp_path, ["92 233 720 368 547 758,07", "1 000", "2 000"])
    v = validate_payouts(read_payouts(raw))
    assert list(v.valid["amount_ore"]) == [100_000, 200_000]
    q = v.quarantine.iloc[0]
    assert (q["source_line"], q["year"], q["appropriation"]) == (2, 2017, "1:1")
    assert q["reason"] == (
        "column 'Belopp': expected an amount within ±10 000 000 000 000 kr (far above any "
        "appropriation), found '92 233 720 368 547 758,07'"
    )
    a = validate_appropriations(read_appropriations(raw)).valid
    r = reconcile_appropriations(a, v.valid, v.quarantine)
    assert list(r["status"]) == ["incomplete"] and list(r["paid_ore"]) == [300_000]


def test_payouts_whose_total_would_wrap_int64_are_refused_with_a_sentence(
    tmp_path: Path,
) -> None:
    """Each amount is within the bound, but 10 000 of them add up past int64 öre."""
    raw = _payouts(tmp_path, ["9 999 999 999 999"] * 10_000)
    frame = read_payouts(raw)
    with pytest.raises(InputError) as exc:
        validate_payouts(frame)
    assert str(exc.value) == (
        "payouts: expected amounts that add up to at most 46 116 860 184 273 879,03 kr in all "
        "(what the figures can hold exactly), found 99 999 999 999 990 000,00 kr in absolute value"
    )


def test_a_huge_whole_number_is_an_unreadable_value_not_a_crash() -> None:
    values, errors = integer(
        pd.Series(["2017", "123456789012345678901234567890", "２０１７"], dtype="string"),
        "År",
        r"\d{4}|\d+",
        "a four-digit year",
    )
    assert values[0] == 2017 and pd.isna(values[1]) and pd.isna(values[2])
    assert (
        errors[1]
        == "column 'År': expected a four-digit year, found '123456789012345678901234567890'"
    )
    assert errors[2] == "column 'År': expected a four-digit year, found '２０１７'"


def test_an_eu_grant_beyond_the_bound_is_quarantined() -> None:
    raw = pd.DataFrame(
        {
            "ärende-id": ["A1", "A2"],
            "projekt_starttid": ["2017-01-01"] * 2,
            "projekt_sluttid": ["2018-01-01"] * 2,
            "län": ["Halland"] * 2,
            "område": [""] * 2,
            "insatsområde": [""] * 2,
            "tematiskt_mål": [""] * 2,
            "stödmottagare": [""] * 2,
            "projektnamn": [""] * 2,
            "beviljat_belopp_sek": ["3929285", "99999999999999999999"],
            "kommuner": [""] * 2,
            "_file": ["eu.csv"] * 2,
            "_line": [2, 3],
            "_error": [""] * 2,
        }
    ).astype({c: "string" for c in ["ärende-id", "beviljat_belopp_sek", "_error"]})
    v = validate_eu_projects(raw)
    assert list(v.valid["granted_ore"]) == [392_928_500]
    assert list(v.quarantine["source_line"]) == [3]
    assert "within ±10 000 000 000 000" in v.quarantine.iloc[0]["reason"]
