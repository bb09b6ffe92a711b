"""Findings built column by column equal findings built from records, row for row."""

from __future__ import annotations

import pandas as pd

from tillvaxt.rules.findings import day_texts, findings, findings_of, kr, kr_texts
from tillvaxt.rules.payouts import orphan_payout


def test_findings_of_columns_equals_findings_of_records() -> None:
    rows = pd.DataFrame(
        {
            "year": [2017, 2018, 2016],
            "voucher_id": ["V1", None, "V3"],
            "decision_id": [None, "RS2", "RS3"],
            "source_file": ["a.csv", "b.csv", "a.csv"],
            "source_line": [2, 7, 3],
            "difference_ore": [-1, 2**62, 0],
        },
        index=[10, 4, 7],  # a filtered frame keeps its index; the findings do not
    )
    message = "Payout " + rows["source_file"] + " found"
    records = [r | {"message": m} for r, m in zip(rows.to_dict("records"), message, strict=True)]
    pd.testing.assert_frame_equal(
        findings_of(orphan_payout, rows, message), findings(orphan_payout, records)
    )


def test_a_column_missing_from_the_rows_is_empty_in_the_findings() -> None:
    rows = pd.DataFrame({"source_file": ["a.csv"], "source_line": [5]})
    got = findings_of(orphan_payout, rows, pd.Series(["m"]))
    assert got["voucher_id"].iloc[0] is None and pd.isna(got["year"].iloc[0])
    assert got["rule"].iloc[0] == "orphan_payout" and got["source_line"].iloc[0] == 5


def test_amount_and_date_columns_read_as_the_single_values_do() -> None:
    ore = pd.Series([0, 5, -125_050, 100_000_000_00, 1_250_50, 5], dtype="int64")
    assert kr_texts(ore).tolist() == [kr(v) for v in ore]
    assert kr_texts(ore).tolist()[2] == "-1 250,50 kr"
    days = pd.Series(pd.to_datetime(["2017-03-01", "2020-12-31"]))
    assert day_texts(days).tolist() == [f"{d:%Y-%m-%d}" for d in days]
