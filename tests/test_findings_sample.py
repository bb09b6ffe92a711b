"""The sample data's planted findings, and nothing else, come out of the rule catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import REPO
from tillvaxt.region import load_region
from tillvaxt.rules import payout_exceptions
from tillvaxt.validate.decisions import read_decisions, validate_decisions
from tillvaxt.validate.eu_projects import read_eu_projects, validate_eu_projects
from tillvaxt.validate.payouts import read_payouts, validate_payouts

RAW = REPO / "data" / "raw"
P17A = "payouts/utbetalningar_20170101_20170831.csv"
P17B = "payouts/utbetalningar_20170601_20171231.csv"
XLSX = "decisions/beslut_20190110.xlsx"

PLANTED = {
    ("unreadable_row", None, None, "decisions/beslut_20180110.csv", 123),
    ("unreadable_row", None, None, "payouts/utbetalningar_2018.csv", 96),
    ("orphan_payout", "V2017-00020", None, P17A, 21),
    ("orphan_payout", "V2017-00092", "RS170172", P17B, 53),
    ("invalid_org_number", "V2017-00020", None, P17A, 21),
    ("recipient_mismatch", "V2017-00078", "RS160110", P17B, 39),
    ("payout_outside_period", "V2017-00088", "RS160067", P17B, 49),
    ("possible_duplicate_payment", "V2017-00102", "RS170165", P17B, 63),
    ("instrument_mismatch", "V2017-00115", "RS160150", P17B, 76),
    ("payout_after_revocation", "V2017-00119", "RS170759", P17B, 80),
    ("overpaid_decision", None, "RS170066", XLSX, 34),
    ("eu_project_unknown", None, "RS170230", XLSX, 53),
    ("unknown_priority", None, "RS170303", XLSX, 60),
    ("eu_project_mismatch", None, "RS170498", XLSX, 85),
    ("cofinancing_too_low", None, "RS170737", XLSX, 113),
    ("cap_exceeded", None, "RS180193", XLSX, 152),
}


@pytest.fixture(scope="module")
def sample_findings() -> pd.DataFrame:
    if not (RAW / "payouts").is_dir():
        pytest.skip("no sample data in data/raw")
    region = load_region()
    pays = validate_payouts(read_payouts(RAW))
    decs = validate_decisions(read_decisions(RAW), region)
    eu = validate_eu_projects(read_eu_projects(RAW))
    quarantine = pd.concat([pays.quarantine, decs.quarantine, eu.quarantine], ignore_index=True)
    return payout_exceptions(pays.valid, decs.valid, quarantine, eu.valid, region)


def test_sample_findings_are_exactly_the_planted_ones(sample_findings: pd.DataFrame) -> None:
    got = {
        (r.rule, r.voucher_id, r.decision_id, r.source_file, int(r.source_line))
        for r in sample_findings.itertuples()
    }
    assert got == PLANTED
    assert len(sample_findings) == 16


def test_sample_finding_amounts(sample_findings: pd.DataFrame) -> None:
    diff = {
        (r.rule, r.voucher_id or r.decision_id): r.difference_ore
        for r in sample_findings.itertuples()
        if not pd.isna(r.difference_ore)
    }
    assert diff[("overpaid_decision", "RS170066")] == 30_000_00
    assert diff[("cap_exceeded", "RS180193")] == 20_000_00
    assert diff[("cofinancing_too_low", "RS170737")] == 1_400_00
    assert diff[("possible_duplicate_payment", "V2017-00102")] == 125_000_00
    years = dict(zip(sample_findings["rule"], sample_findings["year"], strict=False))
    assert years["overpaid_decision"] == 2018  # the 2018 payout took it over the grant
