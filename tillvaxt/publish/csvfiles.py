"""Machine-readable CSV copies of the published tables: UTF-8, `,` separator, `.` decimals."""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import pandas as pd


def _cell(v: object) -> object:
    if isinstance(v, Decimal):
        return format(v, "f")
    return v


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write the table beside its final place, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            out.to_csv(fh, index=False, sep=",", lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
