"""Turning internal frames (money in öre) into published tables (money in exact SEK)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tillvaxt.arrowcols import cents, ore_cents, uniform_array
from tillvaxt.money import decimal_to_ore, ore_to_decimal
from tillvaxt.orgnr import display, scrub
from tillvaxt.publish.schema import ORE_SUFFIX, SEK_SUFFIX, declared, ore_column, table_descriptions

__all__ = [
    "DESCRIPTIONS",
    "NUMBER_SHAPED",
    "ORE_SUFFIX",
    "SEK_SUFFIX",
    "to_published",
    "with_ore_columns",
]

# One sentence per published table (declared in `tillvaxt.publish.schema`).
DESCRIPTIONS = table_descriptions()

ORG_COLUMNS = ("org_number", "recipient_org_number", "applicant_org_number")
# `scrub` changes nothing in a text without ten ASCII digits, six and four with at most
# one separator between them (every match of `masking._IN_TEXT` holds such a run; voucher
# ids such as V2017-000042 and grouped amounts do not).
NUMBER_SHAPED = "[0-9]{6}[-+ \u00a0\u202f]?[0-9]{4}"


def _displayed(numbers: pd.Series) -> pd.Series:
    """`display` of every organisation number, decided once per distinct number."""
    shown = {n: display(str(n)) for n in numbers.dropna().unique()}
    return numbers.map(lambda v: None if pd.isna(v) else shown[v])


def _scrubbed(texts: pd.Series) -> pd.Series:
    """`scrub` of every text, run only on the texts that could hold a number to mask.

    One vectorised search finds them (a few among hundreds of thousands of finding
    messages and voucher ids); the others are kept as they are.
    """
    if isinstance(texts.dtype, pd.StringDtype):
        suspect = texts.str.contains(NUMBER_SHAPED, regex=True, na=False)
    elif (arrow := uniform_array(texts, str, pa.string())) is not None:  # texts alone
        found = pc.match_substring_regex(arrow, NUMBER_SHAPED)
        suspect = pd.Series(
            pc.fill_null(found, False).to_numpy(zero_copy_only=False), index=texts.index
        )
    else:  # an object column: only its texts can hold a number (ids may be ints)
        is_text = texts.map(lambda v: isinstance(v, str)).astype(bool)
        suspect = is_text.copy()
        if is_text.any():
            shaped = texts[is_text].astype("string").str.contains(NUMBER_SHAPED, regex=True)
            suspect[is_text] = shaped.astype(bool)
    out = texts.copy(deep=False)
    if not suspect.any():
        return out
    # Once per distinct text: a column of recipients' numbers repeats each many times.
    # Most suspects are organisations' numbers, which `scrub` keeps: only the rows it
    # changes are written (writing back all 400 000 of a column cost more than the search).
    shaped = texts[suspect]
    masked = {t: m for t in shaped.unique().tolist() if (m := scrub(t)) != t}
    if masked:
        rows = np.flatnonzero(suspect.to_numpy(dtype=bool))
        hit = shaped.isin(list(masked)).to_numpy(dtype=bool)
        out.iloc[rows[hit]] = shaped[hit].map(masked).to_numpy(dtype=object)
    return out


def to_published(frame: pd.DataFrame) -> pd.DataFrame:
    """Money columns `x_ore` become exact `x_sek` (Decimal); organisation numbers are masked.

    Masking happens here, at the one door every published table passes through, so no
    personal identity number can reach a table, a CSV or a workbook by forgetting it.
    The result shares the columns it does not change with `frame` (pandas copies on
    write), so a million-row table is not copied whole on its way out.
    """
    out = frame.copy(deep=False)
    renames = {}
    for col in frame.columns:
        if col.endswith(ORE_SUFFIX):
            new = col[: -len(ORE_SUFFIX)] + SEK_SUFFIX
            out[col] = _kronor(frame[col])
            renames[col] = new
        elif col in ORG_COLUMNS:
            out[col] = _displayed(frame[col])
        elif pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            # Free text (messages, reasons, ids as typed) may quote a personal number.
            out[col] = _scrubbed(frame[col])
    return out.rename(columns=renames)


def with_ore_columns(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A published frame as the warehouse stores it: each money column's öre beside it.

    Derived from the exact kronor (`Decimal`) at the last step, so the two can never
    disagree; an undeclared table is returned unchanged."""
    decl = declared(table)
    if decl is None:
        return frame
    out = frame.copy(deep=False)  # copy-on-write: only the öre columns are new
    for col in decl.money_columns:
        out[ore_column(col)] = _ore(frame[col])
    return out


def _kronor(ore: pd.Series) -> pd.Series:
    """`ore_to_decimal` of every öre amount (missing stays None), as an object column.

    A whole-number column is turned into Decimals by Arrow in one pass (its öre are the
    unscaled values of a two-decimal decimal array), a million in a fifth of a second
    instead of three; any other column value by value.
    """
    if not pd.api.types.is_signed_integer_dtype(ore.dtype):
        return ore.map(lambda v: None if pd.isna(v) else ore_to_decimal(int(v))).astype(object)
    missing = ore.isna().to_numpy()
    values = ore_cents(ore.to_numpy(dtype="int64", na_value=0)).to_numpy(zero_copy_only=False)
    values[missing] = None
    return pd.Series(values, index=ore.index, dtype=object, name=ore.name)


_HUNDRED = pa.scalar(Decimal(100), pa.decimal128(3, 0))


def _ore(kronor: pd.Series) -> pd.Series:
    """`decimal_to_ore` of every amount (missing stays None), as an object column of ints.

    Decimals exact to the öre (all of a published table's) are converted by Arrow as a
    whole; anything else, and a value finer than an öre (which `decimal_to_ore`
    refuses, with its message), value by value.
    """
    exact = cents(kronor)
    if exact is not None:
        arr, missing = exact
        out = np.full(len(kronor), None, dtype=object)
        out[~missing] = pc.cast(pc.multiply(arr, _HUNDRED), pa.int64()).to_pylist()
        return pd.Series(out, index=kronor.index, dtype=object, name=kronor.name)
    return kronor.map(lambda v: None if pd.isna(v) else decimal_to_ore(v)).astype(object)
