"""Our primary cells on the sample's kön × bakgrund tables are exactly τ-ARGUS's (pytauargus)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO
from tillvaxt.groups import TOTAL
from tillvaxt.statistics.disclosure import DisclosureRules, primary_suppression
from tillvaxt.statistics.support import recipient_nets, support_cells, with_profiles
from tillvaxt.validate.payouts import read_payouts, validate_payouts
from tillvaxt.validate.population import read_population, validate_population
from tillvaxt.validate.surveys import read_profiles, validate_profiles

pytest.importorskip("pytauargus")
sys.path.insert(0, str(REPO / "benchmarks"))
from tauargus_check import tau_status

# τ-ARGUS, the reference, runs once per year and instrument (13 tables, a minute): heavy.
pytestmark = pytest.mark.heavy
RAW = REPO / "data" / "raw"
DIMS = ["kon", "bakgrund"]


def test_primary_cells_equal_tauargus_on_every_kon_bakgrund_table() -> None:
    payouts = validate_payouts(read_payouts(RAW)).valid
    profiles = validate_profiles(read_profiles(RAW)).valid
    cells = support_cells(payouts, profiles, validate_population(read_population(RAW)).valid)
    recipients = with_profiles(recipient_nets(payouts), profiles)
    others = ["utbildning", "inkomstklass", "aldersgrupp"]
    cells = cells[(cells[others] == TOTAL).all(axis=1)]
    cells = cells[cells["table"].isin([TOTAL, "kon", "bakgrund", "kon × bakgrund"])]
    cells = cells.assign(primary=primary_suppression(cells, DisclosureRules()) != "")
    compared = 0
    for (year, inst), ours in cells.groupby(["year", "instrument"]):
        mine = recipients[(recipients["year"] == year) & (recipients["instrument"] == inst)]
        theirs = tau_status(mine, DIMS, suppress="OPT(1)")
        theirs = theirs[theirs["freq"] > 0]
        ours = ours[ours["recipients"] > 0]
        key = ["kon", "bakgrund"]
        assert sorted(map(tuple, theirs[key].to_numpy())) == sorted(
            map(tuple, ours[key].to_numpy())
        ), (year, inst)
        assert set(map(tuple, theirs.loc[theirs["status"] == "U", key].to_numpy())) == set(
            map(tuple, ours.loc[ours["primary"], key].to_numpy())
        ), (year, inst)
        compared += 1
    assert compared == 13  # 2017: Alla + 6 instruments, 2018: Alla + 5
    assert cells["primary"].sum() > 10  # the comparison is not vacuous
