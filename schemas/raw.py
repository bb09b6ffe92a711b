"""Which raw column each model column is read from, kept in the model's field metadata.

A field read from the source system's file carries `raw_column(...)` in its metadata:
the column's header as the file writes it, and whether a file may leave it out. From
that one declaration come the readers' required headers, the map the quarantine uses to
name a column in the file's own words, and the headers the tests (and the sample
generator) write.
"""

from __future__ import annotations

import pandera.pandas as pa

RAW = "raw"
OPTIONAL = "raw_optional"

# The characters Python's `\s` matches (`str.isspace`), as literal characters. A pattern
# with `\s` or `\S` makes pandas match every value in Python; one with a class of
# literal characters runs in Arrow's RE2 (a million voucher ids: 0.25 -> 0.08 s), with
# the same verdict on every stripped value (`tests/unit/test_fast_paths.py`).
WHITESPACE = "\x09\x0a\x0b\x0c\x0d\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
# One or more characters that are not white space: `\S+`.
WORD = f"[^{WHITESPACE}]+"


def raw_column(header: str, optional: bool = False, **metadata: str) -> dict[str, object]:
    """Field metadata: read from the raw column `header` (which a file may omit if `optional`)."""
    return {RAW: header, **({OPTIONAL: True} if optional else {}), **metadata}


def raw_names(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Model column → raw header, in the order of the source's files."""
    return {
        name: column.metadata[RAW]
        for name, column in model.to_schema().columns.items()
        if column.metadata and RAW in column.metadata
    }


def required_headers(model: type[pa.DataFrameModel]) -> list[str]:
    """The raw headers every file of the source must have."""
    columns = model.to_schema().columns
    return [h for c, h in raw_names(model).items() if not columns[c].metadata.get(OPTIONAL)]


def optional_headers(model: type[pa.DataFrameModel]) -> list[str]:
    """The raw headers a file of the source may leave out."""
    columns = model.to_schema().columns
    return [h for c, h in raw_names(model).items() if columns[c].metadata.get(OPTIONAL)]


def header_line(model: type[pa.DataFrameModel], delimiter: str = ";") -> str:
    """The header line of a complete file of the source, as the source system writes it."""
    return delimiter.join(raw_names(model).values())
