"""Many worksheet rows at once, as the exact XML xlsxwriter writes for them cell by cell.

A cell written through xlsxwriter's API costs 5-10 µs (argument parsing, dimension
checks, a tuple per cell, then the XML of each cell when its row is flushed): a
workbook listing 50 000 vouchers spent seconds there. In `constant_memory` mode a
worksheet streams each finished row as `<row r="n"><c .../>...</row>` to its row
file; `write_rows` renders those rows itself, a formatted string per cell, and hands
the worksheet back in the state its own writes would have left it in.

Only a plain cell is rendered here: a finite int or float, or a text xlsxwriter only
escapes `&<>` in (no control character, no `_xHHHH_`, no leading or trailing space, not
a rich string's `<r>`). Any other cell is rendered by xlsxwriter's own `_write_cell`. Where the sheet is
not what this assumes (not `constant_memory`, another xlsxwriter, rows with their own
format or height, a text long enough to be truncated, a value of another type) every
cell goes through the public API instead (`_slow_rows`), which is also what the tests
compare this with.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

# The versions whose row and cell XML this module's rendering was checked against
# (tests/unit/test_workbook_rows.py compares it with xlsxwriter's own on every run).
TESTED_XLSXWRITER = {"3.3.1"}
# Texts xlsxwriter writes other than as the text with `&`, `<` and `>` escaped
# (`_escape_control_characters`, `_preserve_whitespace`, rich strings): those cells are
# left to its `_write_cell`. In Python's terms
# `[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$|^<r>`; for Arrow's
# RE2, whose `\s` is ASCII only, Python's whitespace is listed (every character
# `str.isspace` holds; none lies above U+3000).
_SPACE = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
_SPECIAL_RE2 = (
    r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_|^<r>"
    rf"|^[{_SPACE}]|[{_SPACE}]$"
)

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    """One column of a block of rows: its index, a value per row (None: no cell) and the
    format of every cell, or one per row."""

    col: int
    values: Sequence[Value]
    fmt: Format | Sequence[Format | None] | None = None

    def format_at(self, i: int) -> Format | None:
        if self.fmt is None or isinstance(self.fmt, Format):
            return self.fmt
        return self.fmt[i]


def write_rows(ws: Worksheet, first: int, columns: Sequence[Column]) -> int:
    """Write `len(values)` rows from row `first`; the row after the last is returned.

    The same sheet as writing each cell with `write_string` / `write_number`, row by
    row (a str value is a string cell, an int or float a number cell).
    """
    n = len(columns[0].values) if columns else 0
    if any(len(c.values) != n for c in columns):
        raise ValueError("every column needs a value per row")
    if n > 1 and _fast_ok(ws, first, n, columns):
        _fast_rows(ws, first, n, columns)
    else:
        _slow_rows(ws, first, n, columns)
    return first + n


def _slow_rows(ws: Worksheet, first: int, n: int, columns: Sequence[Column]) -> None:
    """Cell by cell through xlsxwriter's API: the reference `_fast_rows` must equal."""
    for i in range(n):
        for c in columns:
            value = c.values[i]
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(first + i, c.col, value, c.format_at(i))
            else:
                ws.write_number(first + i, c.col, value, c.format_at(i))


def _fast_ok(ws: Worksheet, first: int, n: int, columns: Sequence[Column]) -> bool:
    """Whether the rows can be rendered here: the sheet streams rows, has nothing of its
    own on these rows, and every value is a str, a finite number or None."""
    if xlsxwriter.__version__ not in TESTED_XLSXWRITER or not ws.constant_memory:
        return False
    if ws.row_data_fh_closed or ws.excel_version != 2007 or first <= ws.previous_row:
        return False
    if ws.default_row_height != ws.original_row_height:
        return False
    rows = range(first, first + n)
    if any(r in rows for r in ws.row_info) or any(r in rows for r in ws.comments):
        return False
    if any(c.col < 0 or c.col >= ws.xls_colmax for c in columns):
        return False
    if first + n > ws.xls_rowmax:
        return False
    cols = [c.col for c in columns]
    if len(set(cols)) != len(cols):
        return False
    formatted = (ws.col_info.get(c) for c in cols)  # a column format styles plain cells
    if any(info is not None and info.column_format is not None for info in formatted):
        return False
    limit = ws.xls_strmax // 2  # longer texts may be truncated by `_write_string`
    for c in columns:
        for v in c.values:
            kind = type(v)
            if kind is str:
                if len(v) > limit:
                    return False
            elif kind is float:
                if not math.isfinite(v):
                    return False
            elif kind is not int and v is not None:
                return False
    return True


def _fast_rows(ws: Worksheet, first: int, n: int, columns: Sequence[Column]) -> None:
    """Render all rows but the last into the sheet's row file, leaving the sheet as its own
    writes would have (the last row goes through the API, so it stays the sheet's open row
    as after `_slow_rows`)."""
    columns = sorted(columns, key=lambda c: c.col)  # a row's cells in column order
    block = n - 1
    present = [_present(c, block) for c in columns]
    used_rows = present[0]
    for p in present[1:]:
        used_rows = pc.or_(used_rows, p)
    rows_used = pc.indices_nonzero(used_rows).to_numpy()
    if len(rows_used):
        top, bottom = first + int(rows_used[0]), first + int(rows_used[-1])
        # The open row is flushed first, as the next write would: its formats are
        # indexed before the block's.
        ws._write_single_row(top)
        _index_formats(block, columns)
        numbers = pc.cast(pa.array(range(first + 1, first + block + 1), pa.int64()), pa.string())
        cells = [_column_cells(ws, first, block, c, numbers) for c in columns]
        rows = pc.binary_join_element_wise(
            '<row r="', numbers, '">', *(pc.fill_null(c, "") for c in cells), "</row>", ""
        )
        ws.fh.write("".join(rows.filter(used_rows).to_pylist()))
        used = [c.col for c, p in zip(columns, present, strict=True) if pc.any(p).as_py()]
        _extend_dimensions(ws, top, bottom, used)
        ws.previous_row = bottom
        ws.table.clear()
    last = [Column(c.col, [c.values[block]], c.format_at(block)) for c in columns]
    _slow_rows(ws, first + block, 1, last)


def _present(column: Column, n: int) -> pa.BooleanArray:
    """Which of the first `n` rows have a cell in the column."""
    return pa.array([v is not None for v in column.values[:n]], pa.bool_())


def _index_formats(n: int, columns: Sequence[Column]) -> None:
    """Give the formats their xf indices in the order row flushes would (row by row, each
    row's cells in column order): the index is the format's number in styles.xml."""
    pending = {
        id(f): f
        for c in columns
        for f in ([c.fmt] if c.fmt is None or isinstance(c.fmt, Format) else c.fmt[:n])
        if f
    }
    for i in range(n):
        if not pending:
            return
        for c in columns:
            if c.values[i] is None:
                continue
            f = c.format_at(i)
            if f and pending.pop(id(f), None) is not None:
                f._get_xf_index()


def _extend_dimensions(ws: Worksheet, top: int, bottom: int, cols: list[int]) -> None:
    """The sheet's used range, as `_check_dimensions` would have kept it."""
    ws.dim_rowmin = top if ws.dim_rowmin is None else min(ws.dim_rowmin, top)
    ws.dim_rowmax = bottom if ws.dim_rowmax is None else max(ws.dim_rowmax, bottom)
    lo, hi = min(cols), max(cols)
    ws.dim_colmin = lo if ws.dim_colmin is None else min(ws.dim_colmin, lo)
    ws.dim_colmax = hi if ws.dim_colmax is None else max(ws.dim_colmax, hi)


def _column_cells(ws: Worksheet, first: int, n: int, column: Column, numbers: pa.Array) -> pa.Array:
    """Each row's `<c>` element of the column (null where it has no cell); `numbers` are
    the rows' numbers as Excel shows them."""
    values = column.values[:n]
    texts = pa.array([v if type(v) is str else None for v in values], pa.string())
    shown = pa.array(
        [None if v is None or type(v) is str else format(v, ".16G") for v in values], pa.string()
    )
    if column.fmt is None or isinstance(column.fmt, Format):
        style: pa.Array | str = _style(column.fmt)
    else:
        styles: dict[int, str] = {}  # each format's ` s="..."`, looked up once (cells only)
        listed = []
        for v, fmt in zip(values, column.fmt[:n], strict=True):
            if v is None:
                listed.append("")
                continue
            if (found := styles.get(id(fmt))) is None:
                found = styles[id(fmt)] = _style(fmt)
            listed.append(found)
        style = pa.array(listed, pa.string())
    opening = pc.binary_join_element_wise(
        f'<c r="{xl_col_to_name(column.col)}', numbers, '"', style, ""
    )
    escaped = texts
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        escaped = pc.replace_substring(escaped, char, entity)
    text_cells = pc.binary_join_element_wise(
        opening, ' t="inlineStr"><is><t>', escaped, "</t></is></c>", ""
    )
    number_cells = pc.binary_join_element_wise(opening, "><v>", shown, "</v></c>", "")
    cells = pc.coalesce(text_cells, number_cells)
    special = pc.fill_null(pc.match_substring_regex(texts, _SPECIAL_RE2), False)
    if pc.any(special).as_py():
        rendered = cells.to_pylist()
        formats = [column.format_at(i) for i in range(n)]
        for i in pc.indices_nonzero(special).to_pylist():
            cell = CellStringTuple(values[i], formats[i])
            rendered[i] = _by_xlsxwriter(ws, first + i, column.col, cell)
        cells = pa.array(rendered, pa.string())
    return cells


def _style(fmt: Format | None) -> str:
    """The cell's ` s="<xf index>"` as `_write_cell` writes it (its columns have no format
    of their own, `_fast_ok`)."""
    return f' s="{fmt._get_xf_index()}"' if fmt else ""


def _by_xlsxwriter(
    ws: Worksheet, row: int, col: int, cell: CellStringTuple | CellNumberTuple
) -> str:
    """One cell's XML written by xlsxwriter's own `_write_cell` (a text it escapes)."""
    fh, ws.fh = ws.fh, io.StringIO()
    try:
        ws._write_cell(row, col, cell)
        return ws.fh.getvalue()
    finally:
        ws.fh = fh
