"""The shape of a finding: the columns every rule's findings share, and how they are built.

Every rule is a plain function returning a frame with `FINDING_COLUMNS`; its name and
severity come from its `Rule` (`tillvaxt.rules.rule`), the catalogue's order from
`tillvaxt.rules.catalogue`. Money is
`difference_ore` (int öre) here and becomes `difference_sek` (exact Decimal) when
published. Messages are sentences a controller can act on; an organisation number
only ever appears in them through `tillvaxt.orgnr.display`, so a sole trader's
personal identity number is masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tillvaxt.arrowcols import ascending_positions, places_in, text_array
from tillvaxt.money import ORE_PER_KRONA, format_swedish
from tillvaxt.orgnr import display
from tillvaxt.rules.rule import ERROR, WARNING, Rule

__all__ = [
    "ERROR",
    "FINDING_COLUMNS",
    "WARNING",
    "concat_findings",
    "empty_findings",
    "findings",
    "findings_of",
]

FINDING_COLUMNS = [
    "year",
    "rule",
    "severity",
    "voucher_id",
    "decision_id",
    "source_file",
    "source_line",
    "difference_ore",
    "message",
]

_DTYPES = {
    "year": "Int64",
    "rule": "str",
    "severity": "str",
    "voucher_id": "object",
    "decision_id": "object",
    "source_file": "str",
    "source_line": "Int64",
    "difference_ore": "Int64",
    "message": "str",
}


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows and the right columns."""
    return pd.DataFrame({c: pd.Series([], dtype=_DTYPES[c]) for c in FINDING_COLUMNS})


def findings(rule: Rule, records: Iterable[dict]) -> pd.DataFrame:
    """Findings of `rule` from records holding the columns other than rule and severity."""
    rows = [
        {
            "year": r.get("year"),
            "rule": rule.name,
            "severity": rule.severity,
            "voucher_id": r.get("voucher_id"),
            "decision_id": r.get("decision_id"),
            "source_file": r["source_file"],
            "source_line": r.get("source_line"),
            "difference_ore": r.get("difference_ore"),
            "message": r["message"],
        }
        for r in records
    ]
    if not rows:
        return empty_findings()
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS, dtype=object)  # no float on the way
    for col in ("year", "source_line", "difference_ore"):
        frame[col] = pd.array([None if pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
    for col in ("voucher_id", "decision_id"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def findings_of(rule: Rule, rows: pd.DataFrame, message: pd.Series) -> pd.DataFrame:
    """Findings of `rule`, one per row of `rows`, built column by column.

    `rows` holds `source_file` and those of the other finding columns it has (a missing
    one is empty); `message` holds the sentences, aligned with `rows`. The same frame as
    `findings` on the rows as records, without a Python loop over them.
    """
    if len(rows) == 0:
        return empty_findings()

    def column(name: str) -> pd.Series:
        if name in rows.columns:
            return rows[name]
        return pd.Series(None, index=rows.index, dtype=object)

    frame = pd.DataFrame(
        {
            "year": column("year"),
            # Object columns from the start: a text broadcast to every row and then
            # converted to objects was two passes over the findings per rule.
            "rule": _objects(rule.name, rows.index),
            "severity": _objects(rule.severity, rows.index),
            "voucher_id": column("voucher_id"),
            "decision_id": column("decision_id"),
            "source_file": rows["source_file"],
            "source_line": column("source_line"),
            "difference_ore": column("difference_ore"),
            "message": message,
        },
        index=rows.index,
    ).reset_index(drop=True)
    for col in ("source_file", "message"):
        frame[col] = frame[col].astype(object)
    for col in ("year", "source_line", "difference_ore"):
        frame[col] = frame[col].astype("Int64")
    for col in ("voucher_id", "decision_id"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _objects(text: str, index: pd.Index) -> pd.Series:
    """One text on every row, as an object column (pandas infers `str` from a bare array)."""
    return pd.Series(np.full(len(index), text, dtype=object), index=index, dtype=object)


def concat_findings(frames: Iterable[pd.DataFrame], order: Sequence[str] = ()) -> pd.DataFrame:
    """All findings in one frame, ordered by year, rule (in `order`, the catalogue's), file
    and line; a rule missing from `order` sorts after those in it."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return empty_findings()
    out = pd.concat(parts, ignore_index=True)
    rule_rank = places_in(out["rule"], order)
    positions = _sorted_positions(out, rule_rank)
    if positions is not None:
        return out.take(positions).reset_index(drop=True)
    out["_o"] = rule_rank
    out = out.sort_values(
        ["year", "_o", "source_file", "source_line", "voucher_id"],
        na_position="last",
        kind="stable",
    )
    return out.drop(columns="_o").reset_index(drop=True)


def _sorted_positions(out: pd.DataFrame, rule_rank: np.ndarray) -> np.ndarray | None:
    """The findings' order (year, rule rank, file, line, voucher; missing last; stable) by
    Arrow's sort of the five keys, or None when a key is no column Arrow can type (then
    pandas sorts). Arrow compares texts by code point as Python does."""
    try:
        keys = {
            "year": pa.array(out["year"], pa.int64()),
            "rank": pa.array(rule_rank),
            "file": pa.array(out["source_file"], pa.large_string()),
            "line": pa.array(out["source_line"], pa.int64()),
            "voucher": pa.array(out["voucher_id"], pa.large_string()),
        }
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    return ascending_positions(keys)


def kr(ore: int) -> str:
    """An amount in a message, as a controller reads it: `125 000 kr`, `1 250,50 kr`."""
    ore = int(ore)
    return f"{format_swedish(ore, decimals=ore % 100 != 0)} kr"


# Digits of the largest kronor amount an int64 of öre holds (17), padded to whole groups.
_PADDED_DIGITS = 21
_STR = pd.StringDtype("pyarrow", na_value=np.nan)


def kr_texts(ore: pd.Series) -> pd.Series:
    """`kr` of every amount as a string column, by Arrow string kernels.

    Python formatted each distinct amount in turn; a million payouts have hundreds of
    thousands of distinct amounts. Here the kronor are padded with zeros to whole groups
    of three digits, cut into the groups, joined with spaces and stripped of the leading
    zeros and spaces again: the text `format_swedish` gives, `kr` on each
    (`tests/unit/test_fast_paths.py` holds the two together).
    """
    values = np.asarray(ore, dtype=np.int64)
    kronor, rest = np.divmod(np.abs(values), ORE_PER_KRONA)
    padded = pc.utf8_lpad(pa.array(kronor).cast(pa.string()), _PADDED_DIGITS, "0")
    groups = [pc.utf8_slice_codeunits(padded, i, i + 3) for i in range(0, _PADDED_DIGITS, 3)]
    grouped = pc.utf8_ltrim(pc.binary_join_element_wise(*groups, " "), " 0")
    grouped = pc.if_else(pc.equal(grouped, ""), "0", grouped)
    cents = pc.utf8_lpad(pa.array(rest).cast(pa.string()), 2, "0")
    decimals = pc.if_else(pa.array(rest != 0), pc.binary_join_element_wise(",", cents, ""), "")
    sign = pc.if_else(pa.array(values < 0), "-", "")
    text = pc.binary_join_element_wise(sign, grouped, decimals, " kr", "")
    return pd.Series(text, index=ore.index, dtype=_STR, name=ore.name)


def day_texts(dates: pd.Series) -> pd.Series:
    """Dates as `2017-03-01` in a message, as a string column (missing stays missing).

    Year, month and day by Arrow kernels, zero-padded and joined (Arrow's `strftime` is
    ten times slower); a year before 1000, which pandas writes without its leading
    zeros, keeps pandas' text.
    """
    values = dates.to_numpy(dtype="datetime64[s]")
    if len(values) == 0 or (values[~np.isnat(values)] < np.datetime64("1000-01-01")).any():
        return dates.dt.strftime("%Y-%m-%d").astype(str)
    stamps = pa.array(values, pa.timestamp("s"))
    month, day = (pc.utf8_lpad(f(stamps).cast(pa.string()), 2, "0") for f in (pc.month, pc.day))
    text = pc.binary_join_element_wise(pc.year(stamps).cast(pa.string()), month, day, "-")
    return pd.Series(text, index=dates.index, dtype=_STR, name=dates.name)


def sentence(*parts: pd.Series | str) -> pd.Series:
    """Text columns and literal words joined, row by row, into one message column.

    One Arrow join of all the parts when every column is an Arrow-backed text column on
    the same index (a missing part makes the row missing, as `+` does); otherwise the
    parts added one by one. A message of a dozen parts was a dozen passes over the rows.
    """
    columns = [p for p in parts if isinstance(p, pd.Series)]
    if not columns or not all(_joinable(c, columns[0].index) for c in columns):
        out = parts[0]
        for part in parts[1:]:
            out = out + part
        return out  # type: ignore[return-value]
    arrays = [
        text_array(p, pa.large_string()) if isinstance(p, pd.Series) else _large(p) for p in parts
    ]
    text = pc.binary_join_element_wise(*arrays, _large(""))
    return pd.Series(text, index=columns[0].index, dtype=_STR)


def _large(word: str) -> pa.Scalar:
    return pa.scalar(word, pa.large_string())


def _joinable(column: pd.Series, index: pd.Index) -> bool:
    return column.dtype == _STR and column.index.equals(index)


def texts(values: pd.Series) -> pd.Series:
    """Any column as a string column, to join into messages."""
    return values.astype(str)


def org(ten_digits: str) -> str:
    """An organisation number in a message: legal entities as NNNNNN-NNNN, persons masked."""
    return display(str(ten_digits))


def where(file: str, line: int) -> str:
    """The place a row came from, for a message."""
    return f"{file} line {int(line)}"
