"""Turning internal frames (money in öre) into published tables (money in exact SEK)."""

from __future__ import annotations

import pandas as pd

from tillvaxt.money import ore_to_decimal
from tillvaxt.orgnr import display, scrub

ORE_SUFFIX = "_ore"
SEK_SUFFIX = "_sek"

# One sentence per published table, for SQL comments, the UI and the README.
DESCRIPTIONS = {
    "appropriation_reconciliation": "Appropriation balance per year: opening, allocated, paid, closing, withdrawn, carried over, status.",
    "appropriation_usage": "Net amount paid from each appropriation per year and instrument (the report's table 'Användning av anslag 1:1').",
    "recipients_by_instrument": "Recipients (net payouts > 0), decisions and net SEK per year, instrument and municipality, with county totals.",
    "support_by_group": "Recipients and net SEK per year, instrument (or Alla) and person group, with shares, population baseline and representation ratio; disclosure-controlled (suppressed cells empty).",
    "survey_estimates": "Weighted survey proportions per year, indicator and group with 95 % design-based intervals; estimates on fewer than 41 answers suppressed.",
    "support_by_priority": "Decisions and granted SEK (by decision date) and net SEK paid (by booking date) per year, national priority, strategic choice and growth-strategy priority.",
    "quarantine": "Raw rows that could not be read, with source file, 1-based line and reason.",
    "payout_exceptions": "Findings of the payout and decision rules: rule, severity, year, voucher, decision, source file and 1-based line, difference in SEK and a message.",
    "decision_balances": "Per decision of the newest snapshot: granted, paid to date over all years, remaining and status.",
}


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
