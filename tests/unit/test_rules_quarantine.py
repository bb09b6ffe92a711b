"""unreadable_row: quarantined rows become findings with file, line and reason."""

from __future__ import annotations

import pandas as pd

from tests.conftest import DECISION_HEADER, PAYOUT_HEADER
from tillvaxt.rawfiles import read_delimited_text
from tillvaxt.region import load_region
from tillvaxt.rules.quarantine import unreadable_row
from tillvaxt.validate import decisions as vd
from tillvaxt.validate import payouts as vp
from tillvaxt.validate.quarantine import empty_quarantine


def test_unreadable_row_fires_for_each_quarantined_row_of_any_source() -> None:
    pays = vp.validate_payouts(
        read_delimited_text(
            "\n".join(
                [
                    PAYOUT_HEADER,
                    "V2018-00095;2018-05-02;RS1;5566778899;Åkes Snickeri AB;UTV;1.250;1:1;1380",
                    "V2018-00096;2018-05-02;RS1;8112189876;Anna Andersson;UTV;1 250;1:1;1380",
                ]
            ),
            "payouts/utbetalningar_2018.csv",
            vp.REQUIRED,
        )
    )
    decs = vd.validate_decisions(
        read_delimited_text(
            "\n".join(
                [
                    DECISION_HEADER,
                    "RS170815;2017-13-01;UTV;5566778899;Åkes AB;X;100 000;100 000;2018-01-01;2018-12-31;SV3.5;Beviljad;",
                ]
            ),
            "decisions/beslut_20180110.csv",
            vd.REQUIRED,
        ),
        load_region(),
    )
    quarantine = pd.concat([pays.quarantine, decs.quarantine], ignore_index=True)
    got = unreadable_row(quarantine)
    assert list(got["source_file"]) == [
        "payouts/utbetalningar_2018.csv",
        "decisions/beslut_20180110.csv",
    ]
    assert list(got["source_line"]) == [2, 2]
    # Both years come from the date text, even where the date itself cannot be read.
    assert list(got["year"]) == [2018, 2017]
    assert list(got["severity"]) == ["error", "error"]
    assert "column 'Belopp': expected a Swedish amount" in got["message"].iloc[0]
    assert "found '1.250'" in got["message"].iloc[0]
    assert "column 'Beslutsdatum'" in got["message"].iloc[1]


def test_unreadable_row_quiet_on_clean_data() -> None:
    assert unreadable_row(empty_quarantine()).empty
