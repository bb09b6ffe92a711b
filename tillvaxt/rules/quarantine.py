"""`unreadable_row`: every quarantined raw row, as a finding a controller sees next to the rest.

A year missing between two on an appropriation file is in the quarantine too (rule
`missing_year`); it is reported here in its own words, under the same error rule.

The quarantine already holds the file, line and reason (which describes a malformed
organisation number's shape, never its digits); this turns it into findings so the
controller has one list to work through.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.rules.findings import findings, where
from tillvaxt.rules.rule import ERROR, rule


@rule(
    ERROR,
    "a raw row cannot be read (bad amount, bad date, missing required value, malformed organisation number); the row is quarantined, never silently dropped. A year missing from an appropriation file (quarantine rule `missing_year`) is reported here too",
)
def unreadable_row(quarantine: pd.DataFrame) -> pd.DataFrame:
    """One error per quarantined row of any source."""
    records = [
        {
            "year": q["year"],
            "source_file": q["source_file"],
            "source_line": q["source_line"],
            "message": _message(q),
        }
        for q in quarantine.to_dict("records")
    ]
    return findings(unreadable_row, records)


def _message(q: dict) -> str:
    if q.get("rule") == "missing_year":
        # No raw row is lost here: a year is absent from the file. Said so, not "unreadable".
        return f"The appropriation file {q['source_file']} has {q['reason']}."
    return (
        f"Row {where(q['source_file'], q['source_line'])} ({q['source']}) could "
        f"not be read and is in quarantine, not in any figure: {q['reason']}."
    )
