"""Issue 13: reasons in words and in the file's own units, not pandera jargon or öre."""

from pathlib import Path

from tests.conftest import APPROPRIATION_HEADER, DECISION_HEADER, PAYOUT_HEADER, raw_file, write
from tillvaxt.region import load_region
from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations
from tillvaxt.validate.decisions import read_decisions, validate_decisions
from tillvaxt.validate.payouts import read_payouts, validate_payouts

DECISION = (
    "RS1;2017-01-15;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;{granted};100 000;"
    "2017-02-01;2017-12-31;SV3.5;{status};"
)


def _reasons(quarantine) -> dict[int, str]:
    return dict(zip(quarantine["source_line"], quarantine["reason"], strict=True))


def test_a_value_rule_is_a_sentence_naming_the_column_in_the_files_words(tmp_path: Path) -> None:
    payouts = """
        V1;2017-03-01;RS1;556677-8899;Åkes AB;UTV;1 000;1:1;138
        V2;2017-03-01;RS1;556677-8899;Åkes AB;utv-x;1 000;1:1;１３８０
        V3;1989-03-01;RS1;556677-8899;Åkes AB;UTV;1 000;1:1;1380
    """
    raw = raw_file(tmp_path, "payouts/p.csv", PAYOUT_HEADER, payouts)
    reasons = _reasons(validate_payouts(read_payouts(raw)).quarantine)
    assert reasons[2] == "Kommun must be four digits, found '138'"
    assert reasons[3] == (
        "Insats must be a code of capital letters, digits and '_', found 'utv-x'; "
        "Kommun must be four digits, found '１３８０'"
    )
    assert (
        reasons[4]
        == "Bokföringsdatum must be in a budget year from 1990 to 2100, found '1989-03-01'"
    )


def test_a_negative_grant_is_reported_in_kronor_as_written(tmp_path: Path) -> None:
    """`found -1901945` (öre) was printed for a grant of −19 019,45 kr."""
    raw = tmp_path / "raw"
    write(
        raw / "decisions" / "beslut_20180101.csv",
        [
            DECISION_HEADER,
            DECISION.format(granted="-19 019,45", status="Beviljad"),
            DECISION.format(granted="10 000", status="Pågående").replace("RS1", "RS2"),
        ],
    )
    reasons = _reasons(validate_decisions(read_decisions(raw), load_region()).quarantine)
    assert reasons[2] == "Beviljat belopp must not be negative, found '-19 019,45'"
    assert reasons[3] == (
        "Status must be one of 'Beviljad', 'Avslutad', 'Återkallad', found 'Pågående'"
    )


def test_a_negative_allocation_is_reported_in_kronor_as_written(tmp_path: Path) -> None:
    """`found -1121400000` (öre) was printed for an allocation of −11 214 000 kr."""
    appropriations = """
        2017;1:1;-11 214 000;0;
        2018;1:1;1 000;-5;
        2019;1 1;1;;
    """
    raw = raw_file(tmp_path, "appropriations/a.csv", APPROPRIATION_HEADER, appropriations)
    reasons = _reasons(validate_appropriations(read_appropriations(raw)).quarantine)
    assert reasons == {
        2: "Tilldelat belopp must not be negative, found '-11 214 000'",
        3: "Anslagskredit must not be negative, found '-5'",
        4: "Anslag must be a code without spaces, found '1 1'",
    }
    assert not any("check" in r or "1121400000" in r for r in reasons.values())
