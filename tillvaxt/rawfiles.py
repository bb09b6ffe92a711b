"""Reading the source systems' files into frames of text, one row per record.

Every value stays text here; typing happens in `tillvaxt.validate`, row by row, so a
bad value sends its row to quarantine instead of failing the file. What *does* fail
the file (with an `InputError` naming it) is what makes the whole file unreadable: an
unknown encoding, binary content, no header, missing columns.

Each frame carries `_file` (the path relative to the raw directory) and `_line`
(the 1-based line of the record in the file, header = line 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from tillvaxt.errors import InputError

FILE_COL = "_file"
LINE_COL = "_line"
ERROR_COL = "_error"
# The physical line as written, kept only for a record whose fields could not be lined
# up with the header, so its year can still be looked for in the text.
RAW_COL = "_raw"


def counts_as_input(path: Path, root: Path) -> bool:
    """Whether a file under the raw tree is an input: the one rule for the readers, the
    sensor and the run fingerprint, so what is read is exactly what is watched.

    Hidden files and folders (`.DS_Store`, `.Trash/`, `.x.csv`) and Office lock files
    (`~$beslut_20190110.xlsx`, left beside a workbook open in Excel) are not exports,
    at any depth below the raw directory.
    """
    parts = path.relative_to(root).parts if path.is_relative_to(root) else (path.name,)
    return path.is_file() and not any(part.startswith((".", "~$")) for part in parts)


def input_files(root: Path) -> list[Path]:
    """Every file under the raw tree that counts as input (`counts_as_input`), sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if counts_as_input(p, root))


def decode(path: Path, data: bytes, label: str) -> str:
    """Decode a CSV export: UTF-8 (with or without BOM) or Windows-1252; nothing else.

    The files do not say which encoding they use. Valid UTF-8 is taken as UTF-8 (a
    Windows-1252 text with å/ä/ö is practically never valid UTF-8); otherwise
    Windows-1252, which leaves five byte values undefined, so most other encodings
    are caught rather than read as mojibake.
    """
    # NUL anywhere, not only near the start: a text export never holds one, and a
    # truncated or binary tail must not be read as text.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        kind = "UTF-16 text" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "binary content"
        if data.startswith(b"PK\x03\x04"):
            kind = "a ZIP archive (an .xlsx saved with a .csv name?)"
        raise InputError(label, "a ';'-separated text file in UTF-8 or Windows-1252", kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            label,
            "text in UTF-8 or Windows-1252",
            f"byte 0x{data[exc.start]:02x}, which neither encoding defines (unknown encoding)",
            line=line,
        ) from None


def _check_header(label: str, header: list[str], required: Iterable[str], delimiter: str) -> None:
    if not header or all(not h for h in header):
        raise InputError(label, "a header row naming the columns", "an empty first row", line=1)
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise InputError(label, "each column named once", f"column '{h}' twice", line=1)
        seen.add(h)
    missing = [c for c in required if c not in seen]
    if missing:
        found = ", ".join(f"'{h}'" for h in header[:12])
        hint = ""
        if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
            hint = f" (one single column: is the file separated by something other than '{delimiter}'?)"
        raise InputError(
            label,
            f"column(s) {', '.join(repr(c) for c in missing)} in the header",
            f"the columns {found}{hint}",
            line=1,
        )


# One field of a `;` line that starts (after optional spaces) with a double quote:
# the quoted text with `""` for a quote inside, optional blanks, then `;` or the end.
_QUOTED_FIELD = re.compile(r' *"((?:[^"]|"")*)"[ \t]*(;|$)')
_PLAIN_FIELD = re.compile(r"([^;]*)(;|$)")
_OPENS_QUOTE = re.compile(r' *"')


class _QuoteError(ValueError):
    """A `;` line whose quoting cannot be read (a quote left open, or text after a closing one)."""


def split_semicolon_line(line: str) -> list[str]:
    """The fields of one physical line of a `;` export, read as RFC 4180 quotes them.

    A field wrapped in double quotes may hold `;` and `""` (a quote), as Excel and every
    CSV writer write a name like `"Bygg; Måleri ""Nya"" AB"`. A quote inside an unquoted
    field (`Ålö "Ädelträ AB`) is text. A quote opened and not closed on the line raises
    `_QuoteError`: the line is quarantined, the lines after it are read as usual.
    """
    if '"' not in line:
        return line.split(";")
    try:
        # The C reader agrees with the rules below whenever it reads the line strictly
        # (blanks before a field aside, which the validators strip anyway).
        return next(csv.reader((line,), delimiter=";", skipinitialspace=True, strict=True))
    except csv.Error:
        pass  # blanks after a closing quote, a quote left open: the rules decide
    return split_by_rules(line)


def split_by_rules(line: str) -> list[str]:
    """`split_semicolon_line` without its fast paths: the quoting rules, field by field."""
    fields: list[str] = []
    pos, end = 0, len(line)
    while True:
        m = _QUOTED_FIELD.match(line, pos)
        if m is not None:
            fields.append(m.group(1).replace('""', '"'))
        elif _OPENS_QUOTE.match(line, pos):
            closes = line.find('"', line.index('"', pos) + 1)
            raise _QuoteError(
                f"field {len(fields) + 1} opens a double quote that is not closed on this line"
                if closes < 0
                else f"field {len(fields) + 1} has text after its closing double quote "
                "(a quote inside a quoted field is written as two)"
            )
        else:
            m = _PLAIN_FIELD.match(line, pos)
            fields.append(m.group(1))
        if not m.group(2):
            return fields
        pos = m.end()
        if pos == end:
            fields.append("")
            return fields


def _physical_lines(text: str) -> list[str]:
    """The text's lines without their endings (CRLF, LF, or a lone CR)."""
    if "\r" not in text:
        return text.split("\n")
    # The regex's `\r\n|\r|\n`, by two replacements (CRLF first) and one split: a third
    # of the time on a 100 MB export.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _text_frame(
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    errors: list[str],
    label: str,
    raw_lines: list[str] | None = None,
) -> pd.DataFrame:
    frame = (
        pd.DataFrame(rows, columns=header, dtype="string")
        if rows
        else pd.DataFrame({h: pd.Series([], dtype="string") for h in header})
    )
    frame[FILE_COL] = label
    frame[LINE_COL] = pd.Series(lines, dtype="int64")
    frame[ERROR_COL] = pd.Series(errors, dtype="string")
    if raw_lines is not None:
        frame[RAW_COL] = pd.Series(raw_lines, dtype="string")
    return frame


def read_delimited_text(
    text: str, label: str, required: Iterable[str], delimiter: str = ";"
) -> pd.DataFrame:
    """Parse CSV text into a frame of strings with `_file`/`_line`; malformed records get `_error`.

    A record with the wrong number of fields is kept (with `_error` set) so the
    validator can quarantine it; blank lines are skipped.

    The `;` exports are read one physical line per record, each line quote-aware
    (`split_semicolon_line`): a quoted field holds `;` and `""`, and a quote left open
    costs its own line only, never the lines after it. Tillväxtverket's `,` register
    does quote fields across line breaks, so it goes through `csv` whole.
    """
    if not text.strip():
        raise InputError(label, "a header row and data rows", "an empty file")
    if delimiter != ";":
        return _read_multiline_csv(text, label, required, delimiter)
    fast = _csv_reader_frame(text, label, required) if '"' not in text else None
    if fast is not None:
        return fast
    lines = _physical_lines(text)
    try:
        header = [h.strip() for h in split_semicolon_line(lines[0])]
    except _QuoteError as exc:
        raise InputError(label, "a readable header row", str(exc), line=1) from None
    _check_header(label, header, required, delimiter)
    width = len(header)
    fast = _plain_frame(header, lines, label) if '"' not in text else None
    if fast is not None:
        return fast
    rows: list[list[str]] = []
    numbers: list[int] = []
    errors: list[str] = []
    raw_lines: list[str] = []
    # One pass, the common case first: a line without a quote is split as it is.
    for n, line in enumerate(lines[1:], start=2):
        error = ""
        if '"' not in line:
            rec = line.split(";")
        else:
            try:
                rec = split_semicolon_line(line)
            except _QuoteError as exc:
                rec, error = [""] * width, f"not a readable CSV record: {exc}"
        if len(rec) != width and not error:
            if not line.strip(" \t;"):
                continue  # a blank line
            error = f"expected {width} fields separated by '{delimiter}', found {len(rec)}"
            rec = (rec + [""] * width)[:width]
        elif not error and not rec[0] and not line.strip(" \t;"):
            continue
        rows.append(rec)
        numbers.append(n)
        errors.append(error)
        raw_lines.append(line if error else "")
    return _text_frame(header, rows, numbers, errors, label, raw_lines)


def _csv_reader_frame(text: str, label: str, required: Iterable[str]) -> pd.DataFrame | None:
    """The text frame of a `;` file without quotes, read by Arrow's CSV reader, or None.

    The common export (every line one record of the header's width, no blank line) is
    read in one pass of C++ without a Python string per line; record i is then on line
    i + 2. Anything else returns None and goes the line-wise way (`_plain_frame`, the
    loop): a line of another width or an empty line (the reader refuses the file), or a
    record whose first field is empty (it may be a blank line of `;` the loop skips).
    """
    # The header is the first line; the reader ends lines at CRLF, LF or a lone CR alike.
    end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
    first, body = text[:end], text[end + (2 if text.startswith("\r\n", end) else 1) :]
    header = [h.strip() for h in first.split(";")]
    _check_header(label, header, required, ";")
    if not body.strip():
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=header, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=";", quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.large_string()),
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows == 0 or pc.any(pc.equal(table.column(0), "")).as_py():
        return None
    n = table.num_rows
    frame = pd.DataFrame(
        {h: pd.arrays.ArrowStringArray(table.column(j)) for j, h in enumerate(header)}
    )
    frame[FILE_COL] = label
    frame[LINE_COL] = pd.Series(np.arange(2, n + 2), dtype="int64")
    nothing = pa.repeat(pa.scalar("", pa.large_string()), n)
    frame[ERROR_COL] = pd.Series(pd.arrays.ArrowStringArray(nothing), dtype="string")
    frame[RAW_COL] = pd.Series(pd.arrays.ArrowStringArray(nothing), dtype="string")
    return frame


def _plain_frame(header: list[str], lines: list[str], label: str) -> pd.DataFrame | None:
    """The text frame of a `;` file without quotes, split by Arrow kernels, or None.

    The loop's rules column-wise: a line of only spaces, tabs and `;` is blank and
    skipped (with the header's field count only when its first field is empty), every
    other line is split at each `;`. A file where any line has the wrong field count
    returns None, so the loop reads it and keeps those lines for the quarantine.
    """
    width = len(header)
    if len(set(header)) != width:
        return None  # the loop keeps repeated column names as they are
    body = pa.array(lines[1:], pa.string())
    fields = pc.add(pc.count_substring(body, ";"), 1)
    right = pc.equal(fields, width)
    blank = pc.match_substring_regex(body, r"^[ \t;]*$")
    skip = pc.and_(blank, pc.or_(pc.invert(right), pc.starts_with(body, ";")))
    if not pc.all(pc.or_(right, skip)).as_py():
        return None
    kept = pc.invert(skip).to_numpy(zero_copy_only=False)
    flat = pc.list_flatten(pc.split_pattern(body.filter(kept), ";"))
    n = int(kept.sum())
    frame = pd.DataFrame(
        {
            h: pd.arrays.ArrowStringArray(flat.take(np.arange(j, n * width, width)))
            for j, h in enumerate(header)
        }
    )
    frame[FILE_COL] = label
    frame[LINE_COL] = pd.Series(kept.nonzero()[0] + 2, dtype="int64")
    frame[ERROR_COL] = pd.Series([""] * n, dtype="string")
    frame[RAW_COL] = pd.Series([""] * n, dtype="string")
    return frame


def _read_multiline_csv(
    text: str, label: str, required: Iterable[str], delimiter: str
) -> pd.DataFrame:
    """A CSV whose quoted fields may span lines; a record's line is the one it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise InputError(label, "a readable header row", str(exc), line=1) from None
    _check_header(label, header, required, delimiter)
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    errors: list[str] = []
    prev_end = reader.line_num
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append([""] * width)
            numbers.append(prev_end + 1)
            errors.append(f"not a readable CSV record: {exc}")
            prev_end = reader.line_num
            continue
        start = prev_end + 1
        prev_end = reader.line_num
        if not rec or all(not f.strip() for f in rec):
            continue
        if len(rec) != width:
            errors.append(f"expected {width} fields separated by '{delimiter}', found {len(rec)}")
            rec = (rec + [""] * width)[:width]
        else:
            errors.append("")
        rows.append(rec)
        numbers.append(start)
    return _text_frame(header, rows, numbers, errors, label)


def read_csv_file(path: Path, label: str, required: Iterable[str]) -> pd.DataFrame:
    """Read one `;`-separated export (encoding detected) into a text frame."""
    return read_delimited_text(decode(path, path.read_bytes(), label), label, required)


def _cell_text(value: object) -> str:
    """An XLSX cell as the text the CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel stores numbers as doubles; the shortest repr is the number the user typed.
        d = Decimal(repr(value))
        if d == d.to_integral_value():
            return str(int(d))
        return format(d.normalize(), "f").replace(".", ",")
    return str(value)


def _open_workbook(path: Path, label: str, data_only: bool):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError(
            label,
            "an Excel workbook (.xlsx)",
            f"a file openpyxl cannot open ({type(exc).__name__})",
        ) from None


def _uncached_formulas(header: list[str], values: tuple, formulas: tuple) -> str:
    """The reason a row holds a formula Excel never computed (a program wrote the file)."""
    reasons = [
        f"column '{h}': expected a value, found a formula without a cached value ({f}); "
        "open and save the file in Excel"
        for h, v, f in zip(header, values, formulas, strict=False)
        if v is None and isinstance(f, str) and f.startswith("=")
    ]
    return "; ".join(reasons)


def read_xlsx_file(path: Path, label: str, required: Iterable[str]) -> pd.DataFrame:
    """Read the first sheet of an XLSX export into a text frame (line = Excel row number).

    Cells are read as the values Excel cached. A workbook written by a program (not
    saved in Excel) holds formulas without cached values; those would read as empty,
    so the sheet is read a second time for its formulas, and such a row's reason
    says what happened instead of "found nothing".
    """
    wb = _open_workbook(path, label, data_only=True)
    wf = _open_workbook(path, label, data_only=False)
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        formulas = wf.worksheets[0].iter_rows(values_only=True)
        first = next(it, None)
        next(formulas, None)
        if first is None:
            raise InputError(
                label, "a header row and data rows on the first sheet", "an empty sheet"
            )
        header = [_cell_text(v).strip() for v in first]
        while header and not header[-1]:
            header.pop()
        required = list(required)
        if not any(h in required for h in header):
            raise InputError(
                label,
                f"a header row on line 1 of the first sheet naming {', '.join(repr(c) for c in required[:3])}, …",
                f"{', '.join(repr(h) for h in header[:5])} (no header row?)",
                line=1,
            )
        _check_header(label, header, required, delimiter="cell")
        width = len(header)
        rows, lines, errors = [], [], []
        for n, values in enumerate(it, start=2):
            written = next(formulas, ())
            cells = [_cell_text(v) for v in values[:width]]
            if not any(c.strip() for c in cells) and not any(
                isinstance(f, str) and f.startswith("=") for f in written[:width]
            ):
                continue
            rows.append((cells + [""] * width)[:width])
            lines.append(n)
            errors.append(_uncached_formulas(header, values[:width], written[:width]))
    finally:
        wb.close()
        wf.close()
    return _text_frame(header, rows, lines, errors, label)


def read_source_dir(
    directory: Path,
    root: Path,
    required: Iterable[str],
    patterns: tuple[str, ...] = ("*.csv",),
    must_exist: bool = False,
) -> pd.DataFrame:
    """Read every file of a source folder (sorted by name) into one text frame.

    File names match case-insensitively (`BESLUT_20190110.XLSX`). A source the
    figures cannot do without (`must_exist`) with no file at all is an input error,
    not an empty table that would publish as "nothing paid".
    """
    required = list(required)
    frames = []
    files = sorted(
        p
        for p in (directory.iterdir() if directory.is_dir() else [])
        if counts_as_input(p, root) and any(fnmatch(p.name.lower(), pat) for pat in patterns)
    )
    if must_exist and not files:
        where = (
            directory.relative_to(root).as_posix() if directory.is_relative_to(root) else directory
        )
        found = "an empty folder" if directory.is_dir() else "no such folder"
        if not root.is_dir():
            where, found = root, "no such directory (check TILLVAXT_RAW_DIR)"
        raise InputError(str(where), f"at least one {' or '.join(patterns)} export", found)
    for path in files:
        label = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if path.suffix.lower() == ".xlsx":
            frames.append(read_xlsx_file(path, label, required))
        else:
            frames.append(read_csv_file(path, label, required))
    if not frames:
        cols = {c: pd.Series([], dtype="string") for c in required}
        cols[FILE_COL] = pd.Series([], dtype="string")
        cols[LINE_COL] = pd.Series([], dtype="int64")
        cols[ERROR_COL] = pd.Series([], dtype="string")
        return pd.DataFrame(cols)
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class SourceFiles:
    """Where a source's files are and what they must hold: its folder under the raw tree,
    the file name patterns, the headers every file must have, and whether the figures
    can do without it."""

    folder: str
    required: tuple[str, ...]
    patterns: tuple[str, ...] = ("*.csv",)
    must_exist: bool = False

    def read(self, raw_dir: Path) -> pd.DataFrame:
        """Every file of the source as text (`read_source_dir`)."""
        return read_source_dir(
            raw_dir / self.folder, raw_dir, self.required, self.patterns, self.must_exist
        )
