"""Turning internal frames (money in öre) into published tables (money in exact SEK)."""

from __future__ import annotations

import pandas as pd

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
    else:  # an object column: only its texts can hold a number (ids may be ints)
        is_text = texts.map(lambda v: isinstance(v, str)).astype(bool)
        suspect = is_text.copy()
        if is_text.any():
            shaped = texts[is_text].astype("string").str.contains(NUMBER_SHAPED, regex=True)
            suspect[is_text] = shaped.astype(bool)
    out = texts.copy(deep=False)
    if suspect.any():
        # Once per distinct text: a column of recipients' numbers repeats each many times.
        shaped = texts[suspect]
        out[suspect] = shaped.map({t: scrub(t) for t in shaped.unique().tolist()})
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
            out[col] = (
                frame[col]
                .map(lambda v: None if pd.isna(v) else ore_to_decimal(int(v)))
                .astype(object)
            )
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
        out[ore_column(col)] = (
            frame[col].map(lambda v: None if pd.isna(v) else decimal_to_ore(v)).astype(object)
        )
    return out
