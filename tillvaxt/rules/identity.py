"""`invalid_org_number`: organisation numbers whose Luhn check digit is wrong.

A number of the wrong *format* cannot be normalised, so its row is quarantined by
the validator and reported as `unreadable_row` (its reason names the column). What
reaches the rules is well-formed; here the check digit is verified on every payout
and on every decision of the authoritative snapshot. The number is shown through
`display`, so a personal identity number stays masked in the message.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.orgnr import luhn_ok_many
from tillvaxt.rules.findings import concat_findings, findings, org
from tillvaxt.rules.matching import current_decisions
from tillvaxt.rules.rule import ERROR, rule


def _bad(numbers: pd.Series) -> pd.Series:
    """True where the check digit is wrong; each distinct number checked once."""
    distinct = [str(n) for n in numbers.unique().tolist()]
    return numbers.isin(
        [n for n, ok in zip(distinct, luhn_ok_many(distinct), strict=True) if not ok]
    )


@rule(
    ERROR,
    "an organisation number on a payout or decision fails the check digit (one of the wrong format is quarantined and reported as `unreadable_row`)",
)
def invalid_org_number(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Payouts and authoritative decisions whose organisation number fails the check digit."""
    pay = payouts[_bad(payouts["org_number"])] if len(payouts) else payouts
    pay_records = [
        {
            "year": p["year"],
            "voucher_id": p["voucher_id"],
            "decision_id": None if pd.isna(p["decision_id"]) else p["decision_id"],
            "source_file": p["source_file"],
            "source_line": p["source_line"],
            "message": f"Payout {p['voucher_id']} names organisation number "
            f"{org(p['org_number'])}, whose check digit is wrong: the recipient cannot be "
            "identified for certain.",
        }
        for p in pay.to_dict("records")
    ]
    dec = current_decisions(decisions)
    dec = dec[_bad(dec["org_number"])] if len(dec) else dec
    dec_records = [
        {
            "year": d["decision_date"].year,
            "voucher_id": None,
            "decision_id": d["decision_id"],
            "source_file": d["source_file"],
            "source_line": d["source_line"],
            "message": f"Decision {d['decision_id']} names applicant organisation number "
            f"{org(d['org_number'])}, whose check digit is wrong.",
        }
        for d in dec.to_dict("records")
    ]
    return concat_findings(
        [findings(invalid_org_number, pay_records), findings(invalid_org_number, dec_records)]
    )
