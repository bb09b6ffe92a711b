"""Turning internal frames (money in öre) into published tables (money in exact SEK)."""

from __future__ import annotations

import pandas as pd

from tillvaxt.money import ore_to_decimal
from tillvaxt.orgnr import display, scrub
from tillvaxt.publish.schema import table_descriptions

ORE_SUFFIX = "_ore"
SEK_SUFFIX = "_sek"

# One sentence per published table (declared in `tillvaxt.publish.schema`).
DESCRIPTIONS = table_descriptions()


def to_published(frame: pd.DataFrame) -> pd.DataFrame:
    """Money columns `x_ore` become exact `x_sek` (Decimal); organisation numbers are masked.

    Masking happens here, at the one door every published table passes through, so no
    personal identity number can reach a table, a CSV or a workbook by forgetting it.
    """
    out = frame.copy()
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
        elif col in ("org_number", "recipient_org_number", "applicant_org_number"):
            out[col] = frame[col].map(lambda v: None if pd.isna(v) else display(str(v)))
        elif pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            # Free text (messages, reasons, ids as typed) may quote a personal number.
            out[col] = frame[col].map(lambda v: scrub(v) if isinstance(v, str) else v)
    return out.rename(columns=renames)
