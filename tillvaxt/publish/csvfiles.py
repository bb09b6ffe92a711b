"""Machine-readable CSV copies of the published tables: UTF-8, `,` separator, `.` decimals.

The file is what pandas' `to_csv` writes from `csv_frame(frame)` (the stdlib `csv`
module's minimal quoting, `\\n` line ends, missing values empty), byte for byte. A
table's columns of the kinds published tables hold (texts, whole numbers, flags,
Decimals, dates) are rendered and quoted by Arrow string kernels instead, column by
column, because pandas' writer goes through a Python object per cell (12.8 s of a
million-row publication); a column of another kind (floats) is rendered by pandas
alone, and a frame with anything else goes through pandas whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tillvaxt.arrowcols import all_exactly, single, uniform_values
from tillvaxt.money import ONE_ORE
from tillvaxt.publish.files import staged_file

CSV_ROWS = 100_000
# Rows rendered by Arrow kernels at a time within a slice (`_write_slice`).
ARROW_ROWS = 20_000


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
            # Not `map`: it infers a type from the results, and `[1, None]` became 1.0.
            # Datetimes alone become a datetime column, as `map` made them (a date
            # without its midnight, as pandas writes a datetime column of dates).
            cells = pd.Series([_cell(v) for v in out[col].tolist()], index=out.index, dtype=object)
            present = cells[cells.notna()]
            if len(present) and all(isinstance(v, dt.datetime) for v in present):
                cells = cells.infer_objects()
            out[col] = cells
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def _pandas_csv(frame: pd.DataFrame, header: bool) -> str:
    """The slice as pandas writes it: the reference the Arrow path reproduces."""
    return csv_frame(frame).to_csv(index=False, header=header, sep=",", lineterminator="\n")


def _quote_triggers() -> str:
    """The characters that make this Python's `csv` module quote a field (minimal
    quoting, `\\n` line ends): asked of the module itself, since whether a lone `\\r`
    is quoted has changed between Python versions."""
    found = []
    for ch in ',"\r\n':
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([f"a{ch}b", "x"])
        if buf.getvalue().startswith('"'):
            found.append(ch)
    return "".join(found)


_NEEDS_QUOTES = _quote_triggers()


def _quoted(texts: pa.Array) -> pa.Array:
    """Each text as the `csv` module writes it: in quotes, inner quotes doubled, when
    it holds a separator, a quote or a line break; as it is otherwise."""
    texts = pc.fill_null(texts.cast(pa.string()), "")
    needs = None
    for ch in _NEEDS_QUOTES:  # literal searches: quicker than one regex over long messages
        has = pc.match_substring(texts, ch)
        needs = has if needs is None else pc.or_(needs, has)
    if needs is None or not pc.any(needs).as_py():
        return texts
    wrapped = pc.binary_join_element_wise('"', pc.replace_substring(texts, '"', '""'), '"', "")
    return pc.if_else(needs, wrapped, texts)


def _object_texts(series: pd.Series) -> tuple[pa.Array, bool] | None:
    """An object column's cells as `csv_frame` and pandas render them, None if unsure,
    and whether they are texts (which may need quotes; see `_column_texts`).

    Dispatched on the first value's type and then checked for all: Arrow's own type
    inference asks every Decimal for its digits, slower than formatting it."""
    values = series.to_numpy(dtype=object)
    missing = series.isna().to_numpy()
    present = values[~missing]
    if not len(present):
        return pa.nulls(len(values), pa.string()), False
    kind = type(present[0])
    texts = _rendered(kind, values, missing, present)
    return None if texts is None else (texts, kind is str)


def _rendered(
    kind: type, values: np.ndarray, missing: np.ndarray, present: np.ndarray
) -> pa.Array | None:
    """`_object_texts` of a column whose first present value is a `kind`."""
    if kind is Decimal:
        if not all_exactly(present, kind):
            return None
        texts = np.full(len(values), None, dtype=object)
        # `str` of a two-decimal Decimal is its `format(v, "f")` (no exponent notation
        # below an exponent of -6 or above 0), and quicker; others are formatted.
        two = all(map(ONE_ORE.same_quantum, present))
        texts[~missing] = list(map(str, present) if two else map(format, present, repeat("f")))
        return pa.array(texts, type=pa.string(), from_pandas=True)
    arrow_type = {str: pa.string(), dt.date: pa.date32(), int: pa.int64(), bool: pa.bool_()}
    if kind not in arrow_type:
        return None
    arr = uniform_values(values, missing, kind, arrow_type[kind])
    if arr is None:
        return None
    if kind is bool:
        return pc.if_else(arr, "true", "false")
    return arr.cast(pa.string())  # str(int), date.isoformat()


def _column_texts(series: pd.Series) -> tuple[pa.Array, bool] | None:
    """One column's cells as text before quoting (missing as null), None if unsure, and
    whether they may need quotes: only texts can; what is rendered here from numbers,
    flags, Decimals and dates (digits, `-`, `.`, `e`, letters) holds no separator,
    quote or line break, so it is not searched for them."""
    if pd.api.types.is_object_dtype(series.dtype):
        return _object_texts(series)
    texts = _typed_texts(series)
    quotable = pd.api.types.is_string_dtype(series.dtype)
    return None if texts is None else (texts, quotable)


def _typed_texts(series: pd.Series) -> pa.Array | None:
    """`_column_texts` of a column whose dtype is not object."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return pc.if_else(pa.array(series, from_pandas=True), "true", "false")
    if pd.api.types.is_integer_dtype(dtype):
        return pa.array(series, from_pandas=True).cast(pa.string())
    if pd.api.types.is_float_dtype(dtype):
        # pandas' own float text (its repr rules), one column alone: floats need no quotes.
        # A lone column writes a missing value as `""`: those are set missing here.
        text = series.to_frame().to_csv(index=False, header=False, lineterminator="\n")
        lines = np.array(text.split("\n")[:-1], dtype=object)
        return pa.array(lines, type=pa.string(), mask=series.isna().to_numpy())
    if pd.api.types.is_string_dtype(dtype):
        return pa.array(series, from_pandas=True)
    if pd.api.types.is_datetime64_dtype(dtype):  # naive: `csv_frame`'s strftime
        return pc.strftime(pa.array(series, from_pandas=True), format="%Y-%m-%d")
    return None


def _arrow_csv(frame: pd.DataFrame, header: bool) -> bytes | None:
    """The slice's CSV bytes by Arrow kernels, None where it cannot vouch for the bytes."""
    if len(frame.columns) < 2 or not all(isinstance(c, str) for c in frame.columns):
        return None  # a lone empty field is written `""`; keep such frames to pandas
    head = b""
    if header:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(list(frame.columns))
        head = buf.getvalue().encode("utf-8")
    if not len(frame):
        return head
    cells = []
    for col in frame.columns:
        rendered = _column_texts(frame[col])
        if rendered is None:
            return None
        texts, quotable = rendered
        texts = single(texts)
        cells.append(_quoted(texts) if quotable else pc.fill_null(texts.cast(pa.string()), ""))
    lines = pc.binary_join_element_wise(*cells, ",")
    lines = pc.binary_join_element_wise(lines, "", "\n")  # each line with its line end
    return head + _joined(lines)


def _joined(lines: pa.Array) -> bytes:
    """The texts of a string array one after the other (its data buffer, no copies per row)."""
    lines = single(lines.cast(pa.string()))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return lines.buffers()[2].to_pybytes()[start:end]


def _write_slice(fh: BinaryIO, frame: pd.DataFrame, header: bool) -> None:
    """One slice of rows, by Arrow where it vouches for the bytes, else by pandas.

    The Arrow path goes `ARROW_ROWS` at a time: each step holds a few copies of its
    texts (rendered, quoted, joined), which for 100 000 rows of long finding messages
    was some 50 MB more than pandas' writer held."""
    for start in range(0, max(len(frame), 1), ARROW_ROWS):
        part = frame.iloc[start : start + ARROW_ROWS]
        first = header and start == 0
        data = _arrow_csv(part, first)
        fh.write(data if data is not None else _pandas_csv(part, first).encode("utf-8"))


@contextmanager
def staged_csv(frame: pd.DataFrame, path: Path) -> Iterator[Path]:
    """Write the CSV beside its final place; rename it into place only if the block succeeds.

    Publishing writes the file first, commits the database inside the block, and the
    rename after it: a reader never sees half a file, and a failed database write
    leaves the old CSV in place.
    """
    with staged_file(path) as tmp:
        with tmp.open("wb") as fh:
            # In slices of rows: the text form of a million rows would be held whole
            # beside the frame; a slice's is let go once written.
            for start in range(0, max(len(frame), 1), CSV_ROWS):
                _write_slice(fh, frame.iloc[start : start + CSV_ROWS], header=start == 0)
        yield tmp


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically (temporary file, then rename)."""
    with staged_csv(frame, path):
        pass
