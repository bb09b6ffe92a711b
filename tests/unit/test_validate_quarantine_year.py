"""Issue 13: the year of a quarantined payout row, so an unreadable row never leaves a year `ok`."""

from pathlib import Path

import pandas as pd

from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.validate.payouts import read_payouts, validate_payouts

MSEK = 100_000_000


def _allocations(*years: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": list(years),
            "appropriation": "1:1",
            "allocated_ore": MSEK,
            "credit_limit_ore": 0,
            "max_savings_ore": pd.array([pd.NA] * len(years), dtype="Int64"),
            "source_file": "appropriations/a.csv",
            "source_line": range(2, 2 + len(years)),
        }
    )


def _row(voucher: str, date: str, name: str = "Åkes Snickeri AB", amount: str = "1 000") -> str:
    return f"{voucher};{date};RS1;556677-8899;{name};UTV;{amount};1:1;1380"


def _validate(tmp_path: Path, lines: list[str]):
    write(tmp_path / "raw" / "payouts" / "p.csv", [PAYOUT_HEADER, *lines])
    return validate_payouts(read_payouts(tmp_path / "raw"))


def test_a_row_cut_by_an_unquoted_separator_keeps_its_booking_year(tmp_path: Path) -> None:
    """The separator shifts `Anslag`; the row must still count against 1:1 in 2017."""
    v = _validate(
        tmp_path,
        [
            _row("V1", "2016-05-01"),
            # Date after the name: the cut moves it into another column.
            "V2;RS1;556677-8899;„;MEDIKOM-SOTSIAL” LTD;2017-06-01;UTV;91 680,92;1:1;1380",
            _row("V3", "2018-02-01"),
        ],
    )
    q = v.quarantine.iloc[0]
    assert (q["source_line"], q["year"]) == (3, 2017)
    assert q["appropriation"] is None  # the fields do not line up: it may be 1:1's
    r = reconcile_appropriations(_allocations(2016, 2017, 2018), v.valid, v.quarantine)
    assert list(r["status"]) == ["ok", "incomplete", "incomplete"]


def test_an_open_quote_row_keeps_its_booking_year(tmp_path: Path) -> None:
    v = _validate(tmp_path, [_row("V1", "2016-05-01"), _row("V2", "2017-06-01", name='"Open AB')])
    assert list(v.quarantine["year"]) == [2017]
    r = reconcile_appropriations(_allocations(2016, 2017), v.valid, v.quarantine)
    assert list(r["status"]) == ["ok", "incomplete"]


def test_a_row_without_a_booking_date_marks_every_year_of_its_file(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "payouts" / "a_2015.csv", [PAYOUT_HEADER, _row("V0", "2015-01-02")])
    v = _validate(
        tmp_path,
        [
            _row("V1", "2016-05-01"),
            "V2;RS1;556677-8899;Trasig; rad AB;UTV;500;1:1;1380",  # no date anywhere
            _row("V3", "2017-02-01"),
        ],
    )
    q = v.quarantine.iloc[0]
    assert q["source_file"] == "payouts/p.csv" and q["source_line"] == 3
    assert q["year"] == 2016  # the earliest year p.csv's readable rows touch
    assert q["reason"].endswith(
        "; its booking date cannot be found, so every year payouts/p.csv's readable rows "
        "touch (2016, 2017) is incomplete"
    )
    r = reconcile_appropriations(_allocations(2015, 2016, 2017), v.valid, v.quarantine)
    # 2015 is only in another export; the rule is "the years the row's own file touches".
    assert list(r["status"]) == ["ok", "incomplete", "incomplete"]


def test_a_date_in_another_format_still_gives_its_year(tmp_path: Path) -> None:
    v = _validate(
        tmp_path, [_row("V1", "2016-05-01"), _row("V2", "1/3/2017"), _row("V3", "2017-13-01")]
    )
    assert list(v.quarantine["year"]) == [2017, 2017]
    assert not v.quarantine["reason"].str.contains("cannot be found").any()


def test_a_date_written_without_separators_keeps_its_year(tmp_path: Path) -> None:
    """Found by the generated trees (seed 100079): `20200105` marked the file's first year."""
    v = _validate(tmp_path, [_row("V1", "2019-05-01"), _row("V2", "20200105")])
    assert list(v.quarantine["year"]) == [2020]
    r = reconcile_appropriations(_allocations(2019, 2020), v.valid, v.quarantine)
    assert list(r["status"]) == ["ok", "incomplete"]
