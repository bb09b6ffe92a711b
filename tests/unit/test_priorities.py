"""support_by_priority: decisions by decision date, payments by booking date, nothing lost."""

import pandas as pd

from tillvaxt.reconcile.priorities import UNKNOWN, support_by_priority
from tillvaxt.region import load_region


def _decisions() -> pd.DataFrame:
    rows = [
        # id, date, priority, status, granted öre
        ("RS1", "2016-12-01", "SV3.5", "Beviljad", 100_000_00),
        ("RS2", "2017-02-01", "SV3.1", "Beviljad", 2_000_000_00),
        ("RS3", "2017-03-01", "SV3.1", "Återkallad", 500_000_00),
        ("RS4", "2017-04-01", None, "Beviljad", 7_00),
    ]
    return pd.DataFrame(
        {
            "decision_id": [r[0] for r in rows],
            "decision_date": pd.to_datetime([r[1] for r in rows]),
            "priority_code": pd.array([r[2] for r in rows], dtype="string"),
            "status": [r[3] for r in rows],
            "granted_ore": [r[4] for r in rows],
            "authoritative": [True] * len(rows),
        }
    )


def _payouts() -> pd.DataFrame:
    rows = [
        (2017, "RS1", 50_000_00, "1:1"),
        (2017, "RS2", 600_000_00, "1:1"),
        (2017, None, 3_00, "1:1"),  # no decision: counted under Uppgift saknas
        (2017, "RS2", 1_000_00, "EGNA"),  # own funds: not the appropriation's support
        (2018, "RS1", -5_000_00, "1:1"),
    ]
    return pd.DataFrame(
        {
            "year": [r[0] for r in rows],
            "decision_id": [r[1] for r in rows],
            "amount_ore": [r[2] for r in rows],
            "appropriation": [r[3] for r in rows],
        }
    )


def test_support_by_priority_counts_by_decision_date_and_pays_by_booking_date() -> None:
    region = load_region()
    appropriations = pd.DataFrame({"appropriation": ["1:1"]})
    out = support_by_priority(_decisions(), _payouts(), appropriations, region).set_index(
        ["year", "priority_code"]
    )
    assert out.loc[(2016, "SV3.5"), ["decisions", "granted_ore", "paid_ore"]].tolist() == [
        1,
        100_000_00,
        0,
    ]
    # RS3 is revoked: neither counted nor granted.
    assert out.loc[(2017, "SV3.1"), ["decisions", "granted_ore", "paid_ore"]].tolist() == [
        1,
        2_000_000_00,
        600_000_00,
    ]
    assert out.loc[(2017, "SV3.5"), "paid_ore"] == 50_000_00
    assert out.loc[(2017, UNKNOWN), ["decisions", "granted_ore", "paid_ore"]].tolist() == [
        1,
        7_00,
        3_00,
    ]
    assert out.loc[(2018, "SV3.5"), "paid_ore"] == -5_000_00
    assert out.xs(2017)["paid_ore"].sum() == 650_003_00
    assert out.loc[(2017, "SV3.1"), "national_priority"] == "Innovation och företagande"
    assert out.loc[(2017, "SV3.1"), "priority"] == "Regionalt innovationssystem"
    # every priority of the strategy has a row each year, so the report shows zeros too
    assert len(out.xs(2018)) == len(region.priorities)
