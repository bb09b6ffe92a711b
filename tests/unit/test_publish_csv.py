"""A published CSV written in row slices is the file written from the whole frame."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tillvaxt.publish import csvfiles


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "paid_sek": [Decimal(i * 101 - 500).scaleb(-2) for i in range(rows)],
            "flag": pd.array([i % 3 == 0 if i % 4 else None for i in range(rows)], "boolean"),
            "day": pd.to_datetime(
                [dt.date(2017, 1, 1) + dt.timedelta(days=i) for i in range(rows)]
            ),
            "text": [f'a, "b" {i}\n' if i % 2 else f"t{i}" for i in range(rows)],
        }
    )


@pytest.mark.parametrize("rows", [0, 1, 7, 9])
def test_sliced_csv_is_the_whole_frames_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    frame = _frame(rows)
    whole = csvfiles.csv_frame(frame).to_csv(index=False, sep=",", lineterminator="\n")
    monkeypatch.setattr(csvfiles, "CSV_ROWS", 3)
    csvfiles.write_csv(frame, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text("utf-8")
    assert text == whole
    assert text.count("paid_sek") == 1
    if rows:
        assert "-5.00," in text  # exact decimal text, first row
