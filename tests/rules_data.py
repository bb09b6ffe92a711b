"""Typed payouts and decisions, shaped like the validators' output, for the rule tests.

`clean_decisions()` and `clean_payouts()` trigger no rule at all; each test changes
one thing and checks that exactly its rule fires.
"""

from __future__ import annotations

import pandas as pd

COMPANY = "5566778899"  # Luhn-valid legal entity
OTHER_COMPANY = "5560360793"  # Luhn-valid legal entity
MUNICIPALITY = "2120000142"  # Luhn-valid legal entity (a kommun)
SOLE_TRADER = "8112189876"  # Luhn-valid personal identity number (third digit 1)

DECISIONS_FILE = "decisions/beslut_20190110.csv"
PAYOUTS_FILE = "payouts/utbetalningar_2017.csv"


def decision(decision_id: str, **kw: object) -> dict:
    """One decision row; defaults make a clean UTV cheque."""
    row = {
        "decision_id": decision_id,
        "decision_date": "2017-01-15",
        "instrument": "UTV",
        "org_number": COMPANY,
        "applicant_name": "Åkes Snickeri AB",
        "project_name": "Ny hemsida",
        "granted_ore": 100_000_00,
        "cofinancing_ore": 100_000_00,
        "project_start": "2017-02-01",
        "project_end": "2018-12-31",
        "priority_text": "SV3.5",
        "priority_code": "SV3.5",
        "status": "Beviljad",
        "eu_case_id": None,
        "snapshot_date": "2019-01-10",
        "authoritative": True,
        "source_file": DECISIONS_FILE,
        "source_line": 2,
    }
    row.update(kw)
    return row


def payout(voucher_id: str, decision_id: str | None, **kw: object) -> dict:
    """One payout row; defaults make a clean 1:1 UTV payment in Halmstad."""
    row = {
        "voucher_id": voucher_id,
        "booking_date": "2017-03-01",
        "decision_id": decision_id,
        "org_number": COMPANY,
        "recipient_name": "Åkes Snickeri AB",
        "instrument": "UTV",
        "amount_ore": 50_000_00,
        "appropriation": "1:1",
        "municipality_code": "1380",
        "source_file": PAYOUTS_FILE,
        "source_line": 2,
    }
    row.update(kw)
    return row


def decisions_frame(rows: list[dict]) -> pd.DataFrame:
    """Decision rows as the validator types them."""
    df = pd.DataFrame(rows)
    for col in ("decision_date", "project_start", "project_end", "snapshot_date"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[s]")
    for col in ("priority_text", "priority_code", "eu_case_id", "applicant_name", "project_name"):
        df[col] = df[col].astype("string")
    return df.astype({"granted_ore": "int64", "cofinancing_ore": "int64", "source_line": "int64"})


def payouts_frame(rows: list[dict]) -> pd.DataFrame:
    """Payout rows as the validator types them."""
    df = pd.DataFrame(rows)
    df["booking_date"] = pd.to_datetime(df["booking_date"]).astype("datetime64[s]")
    df.insert(2, "year", df["booking_date"].dt.year.astype("int64"))
    df["decision_id"] = df["decision_id"].astype("string")
    return df.astype({"amount_ore": "int64", "source_line": "int64"})


def clean_decisions() -> pd.DataFrame:
    """A register of four decisions, one per kind of rule, none of which breaks a rule."""
    return decisions_frame(
        [
            decision("RS1", source_line=2),
            decision(
                "RS2",
                instrument="PROJ",
                org_number=OTHER_COMPANY,
                granted_ore=2_000_000_00,
                cofinancing_ore=0,
                priority_text="  regionalt INNOVATIONSSYSTEM ",
                priority_code="SV3.1",
                source_line=3,
            ),
            decision(
                "RS3",
                instrument="EUMED",
                eu_case_id="20200339",
                project_start="2017-01-01",
                project_end="2018-06-30",
                org_number=MUNICIPALITY,
                granted_ore=400_000_00,
                cofinancing_ore=0,
                source_line=4,
            ),
            decision(
                "RS4",
                instrument="ENERGI",
                org_number=SOLE_TRADER,
                granted_ore=50_000_00,
                cofinancing_ore=60_000_00,
                status="Avslutad",
                source_line=5,
            ),
            # An older snapshot's version of RS1: history, never judged.
            decision(
                "RS1",
                granted_ore=10_00,
                status="Återkallad",
                authoritative=False,
                snapshot_date="2018-01-10",
                source_file="decisions/beslut_20180110.csv",
            ),
        ]
    )


def clean_payouts() -> pd.DataFrame:
    """Payouts that respect their decisions, including a repayment and an own-funds row."""
    return payouts_frame(
        [
            payout("V2017-00001", "RS1", source_line=2),
            payout("V2017-00002", "RS1", booking_date="2017-09-01", source_line=3),
            payout(
                "V2017-00003",
                "RS2",
                org_number=OTHER_COMPANY,
                instrument="PROJ",
                amount_ore=600_000_00,
                source_line=4,
            ),
            payout(
                "V2017-00004",
                "RS2",
                org_number=OTHER_COMPANY,
                instrument="PROJ",
                amount_ore=600_000_00,
                booking_date="2017-06-01",
                appropriation="EGNA",
                source_line=5,
            ),
            payout(
                "V2018-00001",
                "RS3",
                booking_date="2018-02-01",
                org_number=MUNICIPALITY,
                instrument="EUMED",
                amount_ore=400_000_00,
                source_line=6,
            ),
            payout(
                "V2018-00002",
                "RS4",
                booking_date="2018-02-01",
                org_number=SOLE_TRADER,
                instrument="ENERGI",
                amount_ore=50_000_00,
                source_line=7,
            ),
            payout("V2019-00001", "RS1", booking_date="2019-02-01", amount_ore=-5_000_00),
        ]
    )


def clean_payouts_and(*rows: dict) -> pd.DataFrame:
    """The clean payouts and, after them, the payouts that make a rule fire."""
    return pd.concat([clean_payouts(), payouts_frame(list(rows))], ignore_index=True)


def eu_register() -> pd.DataFrame:
    """Two real projects from Tillväxtverket's bank: one in Halland, one in Norrbotten."""
    return pd.DataFrame(
        {
            "case_id": ["20200339", "20200940"],
            "granted_ore": [6_310_017_00, 3_929_285_00],
            "project_start": pd.to_datetime(["2015-04-01", "2017-01-02"]).astype("datetime64[s]"),
            "project_end": pd.to_datetime(["2018-06-30", "2020-04-30"]).astype("datetime64[s]"),
            "counties": ["Halland", "Norrbotten"],
            "source_file": ["eu_projects/register.csv"] * 2,
            "source_line": [2, 3],
        }
    )


def rows(findings: pd.DataFrame, *columns: str) -> list[tuple]:
    """The findings' values in `columns`, one tuple a finding: one assertion names them all."""
    return list(findings[list(columns)].itertuples(index=False, name=None))


def with_decision(decisions: pd.DataFrame, decision_id: str, **kw: object) -> pd.DataFrame:
    """A copy of the register with one authoritative decision changed."""
    out = decisions.copy()
    mask = (out["decision_id"] == decision_id) & out["authoritative"]
    for k, v in kw.items():
        if k in ("decision_date", "project_start", "project_end"):
            v = pd.Timestamp(v)
        out.loc[mask, k] = v
    return out


def with_payout(payouts: pd.DataFrame, voucher_id: str, **kw: object) -> pd.DataFrame:
    """A copy of the payouts with one voucher changed."""
    out = payouts.copy()
    mask = out["voucher_id"] == voucher_id
    for k, v in kw.items():
        if k == "booking_date":
            v = pd.Timestamp(v)
            out.loc[mask, "year"] = v.year
        out.loc[mask, k] = v
    return out
