"""The sample data's planted findings, and nothing else, come out of the rule catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import REPO
from tillvaxt.rules import payout_exceptions
from tools.sample_data.planted import PLANTED as DECLARED

RAW = REPO / "data" / "raw"

# The declaration the sample generator plants from. A quarantined row carries no typed
# voucher or case number, so the pipeline reports an unreadable row with neither.
PLANTED = {
    (
        p.rule,
        None if p.rule == "unreadable_row" else p.voucher,
        None if p.rule == "unreadable_row" else p.decision,
        p.file,
        p.line,
    )
    for p in DECLARED
}


@pytest.fixture(scope="module")
def sample_findings(sample_sources) -> pd.DataFrame:
    pays, decs, eu = sample_sources.payouts, sample_sources.decisions, sample_sources.eu_projects
    quarantine = pd.concat([pays.quarantine, decs.quarantine, eu.quarantine], ignore_index=True)
    return payout_exceptions(pays.valid, decs.valid, quarantine, eu.valid, sample_sources.region)


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
