"""The appropriation chain and the usage tables, on hand-made frames."""

import pandas as pd

from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.reconcile.usage import appropriation_usage, recipients_by_instrument
from tillvaxt.region import load_region
from tillvaxt.validate.quarantine import empty_quarantine, quarantine_rows

MSEK = 100_000_000  # one million kronor in öre


def allocations(*rows: tuple[int, int, int, int | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "year": y,
                "appropriation": "1:1",
                "allocated_ore": a,
                "credit_limit_ore": c,
                "max_savings_ore": s,
                "source_file": "a.csv",
                "source_line": i + 2,
            }
            for i, (y, a, c, s) in enumerate(rows)
        ]
    ).astype({"max_savings_ore": "Int64"})


def payouts(*rows: tuple[int, str, int, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "voucher_id": f"V{i}",
                "year": y,
                "instrument": inst,
                "amount_ore": amt,
                "appropriation": app,
                "org_number": org,
                "municipality_code": kommun,
                "decision_id": dec,
            }
            for i, (y, inst, amt, app, org, kommun, dec) in enumerate(rows)
        ]
    )


def test_chain_deficit_then_surplus_with_withdrawal() -> None:
    a = allocations((2017, 10 * MSEK, MSEK, None), (2018, 10 * MSEK, MSEK, 2 * MSEK))
    p = payouts(
        (2017, "UTV", 10 * MSEK + 50_000_00, "1:1", "5560360793", "1380", "RS1"),
        (2018, "UTV", 5 * MSEK, "1:1", "5560360793", "1380", "RS1"),
        (2018, "UTV", 3 * MSEK, "EGNA", "5560360793", "1380", "RS1"),
    )
    r = reconcile_appropriations(a, p, empty_quarantine()).set_index("year")
    assert r.loc[2017, "closing_balance_ore"] == -50_000_00
    assert r.loc[2017, "status"] == "deficit_financed_by_next_year"
    assert r.loc[2018, "opening_balance_ore"] == -50_000_00
    assert r.loc[2018, "closing_balance_ore"] == 10 * MSEK - 50_000_00 - 5 * MSEK
    assert r.loc[2018, "withdrawn_ore"] == r.loc[2018, "closing_balance_ore"] - 2 * MSEK
    assert r.loc[2018, "carried_over_ore"] == 2 * MSEK
    assert r.loc[2018, "status"] == "ok"


def test_deficit_beyond_credit_is_a_breach() -> None:
    a = allocations((2017, MSEK, 10_000_00, None))
    p = payouts((2017, "PROJ", MSEK + 10_000_01, "1:1", "5560360793", "1380", "RS1"))
    r = reconcile_appropriations(a, p, empty_quarantine())
    assert r.loc[0, "status"] == "credit_breach"
    a2 = allocations((2017, MSEK, 10_000_01, None))
    assert (
        reconcile_appropriations(a2, p, empty_quarantine()).loc[0, "status"]
        == "deficit_financed_by_next_year"
    )


def test_quarantined_payout_makes_its_year_and_later_years_incomplete() -> None:
    a = allocations((2017, MSEK, 0, None), (2018, MSEK, 0, None), (2019, MSEK, 0, None))
    p = payouts((2017, "UTV", 1, "1:1", "5560360793", "1380", "RS1"))
    q = quarantine_rows(
        "payouts",
        pd.Series(["p.csv"]),
        pd.Series([7]),
        pd.Series(["bad"]),
        years=pd.Series([2018]),
        appropriations=pd.Series(["1:1"]),
    )
    r = reconcile_appropriations(a, p, q)
    assert list(r["status"]) == ["ok", "incomplete", "incomplete"]
    own_funds = q.assign(appropriation="EGNA")
    assert list(reconcile_appropriations(a, p, own_funds)["status"]) == ["ok", "ok", "ok"]


def test_usage_counts_every_payment_to_the_appropriation_and_nothing_else() -> None:
    a = allocations((2017, MSEK, 0, None))
    p = payouts(
        (2017, "UTV", 100, "1:1", "5560360793", "1380", "RS1"),
        (2017, "UTV", 50, "1:1", "5560360793", "1380", None),
        (2017, "DRIFT", 999, "SERV", "5560360793", "1380", "RS3"),
    )
    u = appropriation_usage(p, a)
    assert list(u["instrument"]) == ["UTV"] and u.loc[0, "paid_ore"] == 150
    assert u.loc[0, "instrument_name"] == "Utvecklingscheckar"


def test_recipients_count_net_positive_organisations_and_county_totals() -> None:
    p = payouts(
        (2017, "UTV", 100_00, "1:1", "5560360793", "1380", "RS1"),
        (2017, "UTV", -100_00, "1:1", "5560360793", "1380", "RS1"),  # fully repaid: not a recipient
        (2017, "UTV", 70_00, "1:1", "5566778899", "1383", "RS2"),
        (2017, "UTV", 30_00, "1:1", "5566778899", "9999", "RS2"),
    )
    d = pd.DataFrame(
        {
            "decision_id": ["RS1", "RS2", "RS3"],
            "instrument": ["UTV", "UTV", "UTV"],
            "org_number": ["5560360793", "5566778899", "2120000001"],
            "decision_date": pd.to_datetime(["2017-01-01", "2017-02-01", "2017-03-01"]),
            "status": ["Beviljad", "Beviljad", "Återkallad"],
            "authoritative": [True, True, True],
        }
    )
    r = recipients_by_instrument(p, d, load_region()).set_index("municipality")
    assert r.loc["Totalt", "recipients"] == 1 and r.loc["Totalt", "paid_ore"] == 100_00
    assert r.loc["Totalt", "granted_recipients"] == 2 and r.loc["Totalt", "decisions"] == 1
    assert r.loc["Varberg", "recipients"] == 1 and r.loc["Utanför länet", "paid_ore"] == 30_00
    assert "Halmstad" not in r.index or r.loc["Halmstad", "recipients"] == 0
    assert pd.isna(r.loc["Varberg", "granted_recipients"])


def test_nothing_paid_and_only_a_revoked_decision_gives_an_empty_recipients_table() -> None:
    """Found by the generated trees (seed 100097): this used to crash on an Arrow merge."""
    p = payouts((2017, "UTV", 100_00, "1:1", "5560360793", "1380", "RS1")).iloc[0:0]
    d = pd.DataFrame(
        {
            "decision_id": pd.Series(["RS1"], dtype="str"),
            "instrument": pd.Series(["UTV"], dtype="str"),
            "org_number": pd.Series(["5560360793"], dtype="str"),
            "decision_date": pd.to_datetime(["2017-01-01"]),
            "status": pd.Series(["Återkallad"], dtype="str"),
            "authoritative": [True],
        }
    )
    r = recipients_by_instrument(p.astype({"instrument": "str"}), d, load_region())
    assert r.empty
    assert list(r.columns)[:4] == ["year", "instrument", "instrument_name", "municipality"]


def test_an_unreadable_allocation_row_makes_the_chain_incomplete_not_a_breach() -> None:
    a = allocations((2018, MSEK, 0, None))
    p = payouts((2017, "UTV", MSEK, "1:1", "5560360793", "1380", "RS1"))
    q = quarantine_rows(
        "appropriations",
        pd.Series(["a.csv"]),
        pd.Series([2]),
        pd.Series(["column 'År'"]),
        years=pd.Series([pd.NA]),
        appropriations=pd.Series(["1:1"]),
    )
    r = reconcile_appropriations(a, p, q)
    assert list(r["status"]) == ["incomplete", "incomplete"]
    assert list(reconcile_appropriations(a, p, empty_quarantine())["status"]) == [
        "credit_breach",
        "ok",
    ]
