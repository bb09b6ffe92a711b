"""Splitting a typed frame into accepted rows and quarantined rows.

Two gates: the field parsers (format: amounts, dates, organisation numbers) and the
source's pandera model (values: allowed codes, ranges). A row failing either leaves
with its file, line and every reason; the rest go on. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from tillvaxt.orgnr import scrub

QUARANTINE_COLUMNS = [
    "source",
    "source_file",
    "source_line",
    "year",
    "appropriation",
    "rule",
    "reason",
]


@dataclass
class Validated:
    """The outcome of validating one source: accepted rows, quarantined rows, rows read."""

    valid: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int


def empty_quarantine() -> pd.DataFrame:
    """A quarantine frame with no rows and the right columns."""
    return pd.DataFrame(
        {
            "source": pd.Series([], dtype="str"),
            "source_file": pd.Series([], dtype="str"),
            "source_line": pd.Series([], dtype="int64"),
            "year": pd.Series([], dtype="Int64"),
            "appropriation": pd.Series([], dtype="str"),
            "rule": pd.Series([], dtype="str"),
            "reason": pd.Series([], dtype="str"),
        }
    )


def quarantine_rows(
    source: str,
    files: pd.Series,
    lines: pd.Series,
    reasons: pd.Series,
    years: pd.Series | None = None,
    appropriations: pd.Series | None = None,
) -> pd.DataFrame:
    """Quarantine records for the given rows (all series share one index)."""
    n = len(files)
    if n == 0:
        return empty_quarantine()
    return pd.DataFrame(
        {
            "source": pd.Series([source] * n, index=files.index, dtype="str"),
            "source_file": files.astype("str"),
            "source_line": lines.astype("int64"),
            "year": (years if years is not None else pd.Series(pd.NA, index=files.index)).astype(
                "Int64"
            ),
            "appropriation": _text_or_none(appropriations, files.index),
            "rule": pd.Series(["unreadable_row"] * n, index=files.index, dtype="str"),
            # A reason may quote a raw value; a personal number in it is masked here, so
            # not even the intermediate quarantine frame holds it.
            "reason": reasons.astype("str").map(scrub),
        }
    ).reset_index(drop=True)


def _text_or_none(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series([None] * len(index), index=index, dtype="object")
    return values.astype("object").where(values.notna(), None)


def schema_failures(
    frame: pd.DataFrame, model: type[pa.DataFrameModel], raw_names: dict[str, str] | None = None
) -> pd.Series:
    """Per row, the pandera checks it fails (empty string when it passes).

    Frame-level failures (a missing column, a wrong dtype) are bugs in our parsing,
    not in the user's file, so they are raised.
    """
    reasons = pd.Series("", index=frame.index, dtype="string")
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        rowwise = cases[cases["index"].notna()]
        if len(rowwise) < len(cases):
            raise
        for idx, grp in rowwise.groupby("index", sort=False):
            msgs = []
            for _, c in grp.iterrows():
                col = (
                    c["column"]
                    if isinstance(c["column"], str) and c["column"] != model.__name__
                    else "row"
                )
                col = (raw_names or {}).get(col, col)
                msgs.append(
                    f"column '{col}': failed check {c['check']}, found {c['failure_case']!r}"
                )
            reasons[idx] = "; ".join(msgs)
    return reasons
