"""What each published column means: the SQL column comments a report author reads.

One dictionary by column name, shared by every table, because the same name means
the same thing everywhere (`paid_sek` is always the net amount paid in SEK). A
table-specific meaning can be given as `"<table>.<column>"`, which wins.
"""

from __future__ import annotations

COLUMN_DESCRIPTIONS: dict[str, str] = {
    "year": "Budget year (the booking date's year for payouts, the decision date's year for decisions).",
    "appropriation": "Appropriation code; 1:1 is Regionala tillväxtåtgärder (utvecklingsåtgärder from 2022).",
    "opening_balance_sek": "Opening balance in SEK: the previous year's carried-over balance.",
    "allocated_sek": "Amount the state allocated for the year (regleringsbrev), SEK.",
    "paid_sek": "Net amount paid in SEK (repayments and reversals subtracted), exact to the öre.",
    "closing_balance_sek": "Opening + allocated − paid, SEK; negative is a deficit.",
    "withdrawn_sek": "Surplus above the savings cap that is withdrawn (indragning), SEK.",
    "carried_over_sek": "Closing balance less withdrawn: next year's opening balance, SEK.",
    "credit_limit_sek": "Largest deficit that may be financed by next year's allocation (anslagskredit), SEK.",
    "savings_cap_sek": "Largest surplus that may be carried over (anslagssparande), SEK; empty = no cap.",
    "status": "Status of the row; see the outputs spec for the allowed values.",
    "on_allocation_file": "True when the year is on the allocation file (regleringsbrev).",
    "instrument": "Instrument code (UTV, FOU, ENERGI, PROJ, EUMED, DRIFT).",
    "instrument_name": "Instrument name as the report shows it.",
    "municipality": "Municipality name, 'Utanför länet' for a code outside the county, 'Totalt' for the county row.",
    "recipients": "Distinct organisations whose net payouts in the group and year are above zero.",
    "granted_recipients": "Distinct organisations granted a non-revoked decision dated in the year (county rows).",
    "decisions": "Distinct decisions counted in the row.",
    "granted_sek": "Amount granted by the decisions counted in the row, SEK.",
    "national_priority": "The national strategy's priority the growth-strategy choice serves.",
    "strategic_choice": "The growth strategy's strategic choice.",
    "goal": "The growth strategy's goal above the strategic choice.",
    "priority": "The growth strategy's priority (code and name), 'Uppgift saknas' when none matched.",
    "priority_code": "The priority's code SV<n>.<m>.",
    "source": "The raw source the row came from.",
    "source_file": "Raw file, relative to the raw directory.",
    "source_line": "1-based line in the raw file (header = line 1).",
    "rule": "Name of the rule that fired.",
    "reason": "Why the row could not be read: column, expected and found.",
    "suppressed": "True when the cell is suppressed for disclosure control; its numbers are then empty.",
    "certified_at": "When the year was certified (UTC).",
    "certified_by": "Who certified the year (user name of the process).",
    "code_version": "Code version that produced the certified figures (git describe or package version).",
    "input_hashes": "SHA-256 of every raw input file at certification, as JSON {file: hash}.",
    "table_name": "The published table the row is about.",
    "key": "The row's key columns and values, as 'column=value' joined by '; '.",
    "column_name": "The column whose value differs from the certified one.",
    "certified_value": "The value as certified (filed).",
    "new_value": "The value the current inputs would give.",
    "difference": "new − certified for amounts and counts; empty for text.",
}


def column_comments(table: str, columns: list[str]) -> dict[str, str]:
    """The comment for each column of `table` that has one."""
    out = {}
    for col in columns:
        text = COLUMN_DESCRIPTIONS.get(f"{table}.{col}") or COLUMN_DESCRIPTIONS.get(col)
        if text:
            out[col] = text
    return out
