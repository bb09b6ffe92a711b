"""The shape of a finding, and the catalogue of rules with their default severity.

Every rule is a plain function returning a frame with `FINDING_COLUMNS`. Money is
`difference_ore` (int öre) here and becomes `difference_sek` (exact Decimal) when
published. Messages are sentences a controller can act on; an organisation number
only ever appears in them through `tillvaxt.orgnr.display`, so a sole trader's
personal identity number is masked.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from tillvaxt.money import format_swedish
from tillvaxt.orgnr import display

ERROR = "error"
WARNING = "warning"

# rule -> (default severity, when it fires); the order is the catalogue's in outputs.md.
RULES: dict[str, tuple[str, str]] = {
    "unreadable_row": (ERROR, "a raw row cannot be read; it is quarantined, never dropped"),
    "orphan_payout": (ERROR, "a payout's case number is empty or not in the newest snapshot"),
    "overpaid_decision": (ERROR, "net payouts on a decision, over all years, exceed the grant"),
    "payout_after_revocation": (ERROR, "a payout belongs to a revoked decision"),
    "recipient_mismatch": (ERROR, "a payout's organisation differs from the applicant's"),
    "instrument_mismatch": (ERROR, "a payout's Insats differs from its decision's"),
    "invalid_org_number": (ERROR, "an organisation number fails the format or the check digit"),
    "cap_exceeded": (ERROR, "a decision grants more than its instrument's cap"),
    "payout_outside_period": (
        WARNING,
        "a payout is booked before the decision or outside the period",
    ),
    "cofinancing_too_low": (WARNING, "a cheque's own co-financing is below the amount granted"),
    "possible_duplicate_payment": (
        WARNING,
        "two vouchers pay one decision the same amount the same day",
    ),
    "unknown_priority": (WARNING, "a decision's Prioritering matches no priority code or name"),
    "eu_project_unknown": (
        ERROR,
        "an EUMED decision names no EU project, or one not in the register",
    ),
    "eu_project_mismatch": (
        WARNING,
        "the EU project does not cover the county or the decision's period",
    ),
    "statistics_withheld": (
        WARNING,
        "a statistics table (or one year of it) is withheld whole; the message says why",
    ),
}

FINDING_COLUMNS = [
    "year",
    "rule",
    "severity",
    "voucher_id",
    "decision_id",
    "source_file",
    "source_line",
    "difference_ore",
    "message",
]

_DTYPES = {
    "year": "Int64",
    "rule": "str",
    "severity": "str",
    "voucher_id": "object",
    "decision_id": "object",
    "source_file": "str",
    "source_line": "Int64",
    "difference_ore": "Int64",
    "message": "str",
}


def empty_findings() -> pd.DataFrame:
    """A findings frame with no rows and the right columns."""
    return pd.DataFrame({c: pd.Series([], dtype=_DTYPES[c]) for c in FINDING_COLUMNS})


def findings(rule: str, records: Iterable[dict]) -> pd.DataFrame:
    """Findings of `rule` from records holding the columns other than rule and severity."""
    rows = [
        {
            "year": r.get("year"),
            "rule": rule,
            "severity": RULES[rule][0],
            "voucher_id": r.get("voucher_id"),
            "decision_id": r.get("decision_id"),
            "source_file": r["source_file"],
            "source_line": r.get("source_line"),
            "difference_ore": r.get("difference_ore"),
            "message": r["message"],
        }
        for r in records
    ]
    if not rows:
        return empty_findings()
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS, dtype=object)  # no float on the way
    for col in ("year", "source_line", "difference_ore"):
        frame[col] = pd.array([None if pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
    for col in ("voucher_id", "decision_id"):
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def concat_findings(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """All findings in one frame, ordered by year, rule (catalogue order), file and line."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return empty_findings()
    out = pd.concat(parts, ignore_index=True)
    order = {r: i for i, r in enumerate(RULES)}
    out["_o"] = out["rule"].map(order).fillna(len(order))
    out = out.sort_values(
        ["year", "_o", "source_file", "source_line", "voucher_id"],
        na_position="last",
        kind="stable",
    )
    return out.drop(columns="_o").reset_index(drop=True)


def kr(ore: int) -> str:
    """An amount in a message, as a controller reads it: `125 000 kr`, `1 250,50 kr`."""
    ore = int(ore)
    return f"{format_swedish(ore, decimals=ore % 100 != 0)} kr"


def org(ten_digits: str) -> str:
    """An organisation number in a message: legal entities as NNNNNN-NNNN, persons masked."""
    return display(str(ten_digits))


def where(file: str, line: int) -> str:
    """The place a row came from, for a message."""
    return f"{file} line {int(line)}"
