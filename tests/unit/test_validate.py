"""Validation of each source: overlap, conflicts, snapshots, priorities, pandera gates."""

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tests.conftest import DECISION_HEADER, PAYOUT_HEADER, write
from tillvaxt.region import load_region
from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations
from tillvaxt.validate.decisions import authoritative, read_decisions, validate_decisions
from tillvaxt.validate.payouts import conflict_message, read_payouts, validate_payouts


def test_overlapping_exports_are_counted_once(small_raw: Path) -> None:
    v = validate_payouts(read_payouts(small_raw))
    assert v.rows_read == 6
    assert v.duplicates_merged == 1
    assert sorted(v.valid["voucher_id"]) == [
        "V2017-00001",
        "V2017-00002",
        "V2017-00003",
        "V2017-00004",
        "V2018-00001",
    ]
    assert v.valid["amount_ore"].sum() == (50_000 + 600_000 + 450_000 + 1_000 - 5_000) * 100
    assert v.conflicts.empty
    # Three spellings of one organisation are one organisation.
    assert v.valid.loc[v.valid["recipient_name"] == "Örby Energi AB", "org_number"].nunique() == 1


def _with_repeat(small_raw: Path, line: str):
    """The payouts validated with `line` repeating a voucher in a third export."""
    write(small_raw / "payouts" / "utbetalningar_c.csv", [PAYOUT_HEADER, line])
    v = validate_payouts(read_payouts(small_raw))
    assert len(v.conflicts) == 1
    assert v.rows_read == len(v.valid) + len(v.quarantine) + v.duplicates_merged + len(v.conflicts)
    return v


def test_same_voucher_with_different_content_is_a_conflict_naming_both_places(
    small_raw: Path,
) -> None:
    v = _with_repeat(
        small_raw, "V2017-00002;2017-04-01;RS2;5560360793;Örby Energi AB;PROJ;650 000;1:1;1383"
    )
    msg = conflict_message(v.conflicts.iloc[0])
    assert (
        "payouts/utbetalningar_a.csv line 3" in msg and "payouts/utbetalningar_c.csv line 2" in msg
    )
    assert "Belopp" in msg and "2017" in msg
    assert v.rows_read == len(v.valid) + len(v.quarantine) + v.duplicates_merged + len(v.conflicts)


def test_a_repeat_without_the_recipient_name_is_a_conflict_not_a_crash(small_raw: Path) -> None:
    v = _with_repeat(small_raw, "V2017-00002;2017-04-01;RS2;5560360793;;PROJ;600 000;1:1;1383")
    assert v.conflicts.iloc[0]["columns"] == "Mottagare"


def test_newest_snapshot_wins_even_across_csv_and_xlsx(small_raw: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(DECISION_HEADER.split(";"))
    ws.append(
        [
            "RS1",
            "2016-12-01",
            "UTV",
            "556677-8899",
            "Åkes Snickeri AB",
            "Ny hemsida",
            100000,
            "100 000",
            "2017-01-01",
            "2017-12-31",
            "SV3.5",
            "Återkallad",
            None,
        ]
    )
    wb.save(small_raw / "decisions" / "beslut_20190101.xlsx")
    v = validate_decisions(read_decisions(small_raw), load_region())
    auth = authoritative(v.valid)
    assert list(auth["decision_id"]) == ["RS1"]
    assert auth.iloc[0]["status"] == "Återkallad"
    assert auth.iloc[0]["granted_ore"] == 10_000_000
    assert auth.iloc[0]["source_file"] == "decisions/beslut_20190101.xlsx"
    assert (
        len(v.valid) == 4
    )  # every snapshot's rows are validated, only the newest is authoritative


def test_priority_names_match_ignoring_case_and_space(small_raw: Path) -> None:
    v = validate_decisions(read_decisions(small_raw), load_region())
    auth = authoritative(v.valid).set_index("decision_id")
    assert auth.loc["RS2", "priority_code"] == "SV3.1"
    assert auth.loc["RS1", "priority_code"] == "SV3.5"
    assert auth.loc["RS2", "cofinancing_ore"] == 0


def test_pandera_gate_quarantines_an_unknown_status(small_raw: Path) -> None:
    write(
        small_raw / "decisions" / "beslut_20190101.csv",
        [
            DECISION_HEADER,
            "RS1;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Beviljad;",
            "RS2;2017-02-01;PROJ;5560360793;Örby Energi AB;X;2 000 000;;2017-02-01;2018-12-31;SV3.1;Pågående;",
        ],
    )
    v = validate_decisions(read_decisions(small_raw), load_region())
    q = v.quarantine.set_index("source_line")
    assert q.loc[3, "reason"] == (
        "Status must be one of 'Beviljad', 'Avslutad', 'Återkallad', found 'Pågående'"
    )
    assert v.rows_read == len(v.valid) + len(v.quarantine)


def test_appropriations_optional_cap_and_credit(small_raw: Path) -> None:
    v = validate_appropriations(read_appropriations(small_raw))
    assert list(v.valid["allocated_ore"]) == [100_000_000, 100_000_000]
    assert list(v.valid["credit_limit_ore"]) == [10_000_000, 10_000_000]
    assert v.valid["max_savings_ore"].isna().all()
    assert pd.api.types.is_integer_dtype(v.valid["allocated_ore"])


def test_case_numbers_with_spaces_match_however_the_export_spells_the_space(
    small_raw: Path,
) -> None:
    """`RS 2017/0001` is a common register spelling; a payout typing it with two spaces or
    a no-break space is the same case (and a decision spelt both ways is one case twice)."""
    write(
        small_raw / "decisions" / "beslut_20190101.csv",
        [
            DECISION_HEADER,
            "RS 2017/0001;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Beviljad;",
            "RS\u00a0\u00a02017/0001;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Igen;1;;2017-01-01;2017-12-31;SV3.5;Beviljad;",
            "RS2017-0002;2017-02-01;PROJ;5560360793;Örby Energi AB;X;2 000 000;;2017-02-01;2018-12-31;SV3.1;Beviljad;",
        ],
    )
    write(
        small_raw / "payouts" / "utbetalningar_2019.csv",
        [
            PAYOUT_HEADER,
            "V2019-00001;2019-03-01;RS  2017/0001;556677-8899;Åkes Snickeri AB;UTV;1 000;1:1;1380",
            "V2019-00002;2019-03-02;RS\u00a02017/0001;556677-8899;Åkes Snickeri AB;UTV;1 000;1:1;1380",
        ],
    )
    v = validate_decisions(read_decisions(small_raw), load_region())
    newest = v.valid[v.valid["source_file"] == "decisions/beslut_20190101.csv"]
    assert sorted(newest["decision_id"]) == ["RS 2017/0001", "RS2017-0002"]
    q = v.quarantine.set_index("source_line")
    assert q.loc[3, "reason"] == (
        "column 'Diarienummer': expected a case number unique in the snapshot, "
        "found 'RS 2017/0001' again"
    )
    p = validate_payouts(read_payouts(small_raw))
    ids = p.valid.set_index("voucher_id")["decision_id"]
    assert ids["V2019-00001"] == ids["V2019-00002"] == "RS 2017/0001"
