"""The payout_exceptions checks' counts per rule and year, from one grouping."""

import pandas as pd

from assets.reconciled import findings_by_rule_year


def test_counts_equal_filtering_rule_by_rule() -> None:
    rules = ["orphan_payout", "overpaid_decision", "payout_outside_period"]
    rows = [(rules[i % 3], None if i % 10 == 0 else 2015 + i % 4) for i in range(97)]
    table = pd.DataFrame(rows, columns=["rule", "year"]).astype({"year": "Int64"})
    table["message"] = "text"
    got = findings_by_rule_year(table)
    for rule in [*rules, "recipient_mismatch"]:
        mine = [y for r, y in rows if r == rule]
        expected = {str(y): mine.count(y) for y in sorted({y for y in mine if y is not None})}
        if None in mine:
            expected["unknown"] = mine.count(None)
        assert got.get(rule, {}) == expected
        assert list(got.get(rule, {})) == list(expected)  # years in order, unknown last
