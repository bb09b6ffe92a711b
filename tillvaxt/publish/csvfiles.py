"""Machine-readable CSV copies of the published tables: UTF-8, `,` separator, `.` decimals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pandas as pd

from tillvaxt.publish.files import staged_file

CSV_ROWS = 100_000


def _cell(v: object) -> object:
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it is written: Decimal as plain decimal text, dates as ISO."""
    out = frame.copy(deep=False)  # copy-on-write: the columns replaced below are new
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif out[col].dtype == object:
            out[col] = out[col].map(_cell)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


@contextmanager
def staged_csv(frame: pd.DataFrame, path: Path) -> Iterator[Path]:
    """Write the CSV beside its final place; rename it into place only if the block succeeds.

    Publishing writes the file first, commits the database inside the block, and the
    rename after it: a reader never sees half a file, and a failed database write
    leaves the old CSV in place.
    """
    with staged_file(path) as tmp:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            # In slices of rows: the text form of a million rows (a str per Decimal, date
            # and flag) would be held whole beside the frame; a slice's is let go once written.
            for start in range(0, max(len(frame), 1), CSV_ROWS):
                csv_frame(frame.iloc[start : start + CSV_ROWS]).to_csv(
                    fh, index=False, header=start == 0, sep=",", lineterminator="\n"
                )
        yield tmp


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically (temporary file, then rename)."""
    with staged_csv(frame, path):
        pass
