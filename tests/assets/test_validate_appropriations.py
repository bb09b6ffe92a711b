"""Issue 13: a year missing from appropriations/, and a row repeated identically."""

from pathlib import Path

import pandas as pd
from dagster import build_asset_context

from assets.validated import appropriations as appropriations_asset
from tests.conftest import APPROPRIATION_HEADER, raw_file
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.rules.quarantine import unreadable_row
from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations

MSEK = 100_000_000


def _payouts(*years: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "voucher_id": [f"V{y}" for y in years],
            "year": list(years),
            "instrument": "UTV",
            "amount_ore": 50 * MSEK // 100,
            "appropriation": "1:1",
            "org_number": "5560360793",
            "municipality_code": "1380",
            "decision_id": "RS1",
        }
    )


def test_a_year_missing_in_the_middle_is_named_and_makes_the_chain_incomplete(
    tmp_path: Path,
) -> None:
    """It became allocated 0 → `credit_breach`, with no finding naming the gap."""
    appropriations = """
        2016;1:1;1 000 000;0;
        2018;1:1;1 000 000;0;
        2019;1:1;1 000 000;0;
    """
    raw = raw_file(tmp_path, "appropriations/anslag.csv", APPROPRIATION_HEADER, appropriations)
    v = validate_appropriations(read_appropriations(raw))
    assert list(v.valid["year"]) == [2016, 2018, 2019]
    assert v.missing_years == 1
    gap = v.quarantine.iloc[0]
    assert (gap["year"], gap["appropriation"], gap["rule"]) == (2017, "1:1", "missing_year")
    assert (gap["source_file"], gap["source_line"]) == ("appropriations/anslag.csv", 3)
    assert gap["reason"] == (
        "no row for 1:1 2017 between 2016 and 2018: the year's allocation and credit limit "
        "are unknown, so 2017 and every later year of 1:1 are incomplete"
    )
    r = reconcile_appropriations(v.valid, _payouts(2016, 2017, 2018, 2019), v.quarantine)
    assert list(r["status"]) == ["ok", "incomplete", "incomplete", "incomplete"]
    finding = unreadable_row(v.quarantine).iloc[0]
    assert finding["year"] == 2017
    assert "no row for 1:1 2017" in finding["message"]
    assert "could not be read" not in finding["message"]


def test_a_year_quarantined_is_not_also_a_gap(tmp_path: Path) -> None:
    appropriations = """
        2016;1:1;1 000 000;0;
        2017;1:1;1.000;0;
        2018;1:1;1 000;0;
    """
    raw = raw_file(tmp_path, "appropriations/anslag.csv", APPROPRIATION_HEADER, appropriations)
    v = validate_appropriations(read_appropriations(raw))
    assert list(v.quarantine["rule"]) == ["unreadable_row"] and v.missing_years == 0


def _asset_checks(raw_frame: pd.DataFrame) -> dict:
    results = list(appropriations_asset(build_asset_context(), raw_frame))
    return {r.check_name: r for r in results if hasattr(r, "check_name")}


def test_an_identical_repeat_does_not_fail_nothing_lost(tmp_path: Path) -> None:
    """An appropriation row repeated identically failed the `nothing_lost` check."""
    appropriations = """
        2016;1:1;1 000 000;0;
        2017;1:1;1 000 000;0;
    """
    raw = raw_file(tmp_path, "appropriations/anslag.csv", APPROPRIATION_HEADER, appropriations)
    appropriations = """
        2017;1:1;1 000 000;0;
    """
    raw = raw_file(
        tmp_path, "appropriations/anslag_kopia.csv", APPROPRIATION_HEADER, appropriations
    )
    frame = read_appropriations(raw)
    v = validate_appropriations(frame)
    assert len(v.valid) == 2 and v.duplicates_merged == 1
    check = _asset_checks(frame)["nothing_lost"]
    assert check.passed
    assert check.metadata["merged_or_superseded"].value == 1


def test_nothing_lost_still_counts_a_gap_apart_from_raw_rows(tmp_path: Path) -> None:
    appropriations = """
        2016;1:1;1 000 000;0;
        2018;1:1;1 000 000;0;
        2018;1:1;1 000 000;0;
    """
    raw = raw_file(tmp_path, "appropriations/anslag.csv", APPROPRIATION_HEADER, appropriations)
    check = _asset_checks(read_appropriations(raw))["nothing_lost"]
    assert check.passed
    assert check.metadata["rows_read"].value == 3


def test_a_misaligned_allocation_row_counts_against_every_appropriation(tmp_path: Path) -> None:
    """A row cut by a stray separator has its `Anslag` in the wrong column: it may be
    1:1's allocation, so 1:1 is incomplete from that row's year (found in the line)."""
    header = "Tilldelat belopp;Anslagskredit;År;Anslag;Högsta anslagssparande"
    appropriations = """
        1 000 000;0;2016;1:1;
        1 000;000;0;2017;1:1;
        1 000 000;0;2018;1:1;
    """  # the 2017 allocation was written with ';' grouping
    raw = raw_file(tmp_path, "appropriations/anslag.csv", header, appropriations)
    v = validate_appropriations(read_appropriations(raw))
    q = v.quarantine.iloc[0]
    assert (q["source_line"], q["year"], q["appropriation"]) == (3, 2017, None)
    r = reconcile_appropriations(v.valid, _payouts(2016, 2017, 2018), v.quarantine)
    assert list(r["status"]) == ["ok", "incomplete", "incomplete"]
