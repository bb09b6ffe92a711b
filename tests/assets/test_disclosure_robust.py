"""Disclosure control on any input: the singleton attack, and statistics that never raise."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_disclosure import SV, UT, hand_table
from tillvaxt.groups import CATEGORIES, DIMENSIONS, MISSING
from tillvaxt.statistics.design import select_tables
from tillvaxt.statistics.disclosure import (
    FREQUENCY,
    WITHHELD,
    DisclosureRules,
    audit,
    p_sensitivity,
    primary_suppression,
    suppress,
)
from tillvaxt.statistics.guard import RULE, guarded_public, guarded_survey, protected_support
from tillvaxt.statistics.support import PUBLIC_COLUMNS, support_cells

RULES = DisclosureRules(time_limit_s=20)


def mark(cells: pd.DataFrame, withheld: set[tuple[str, str]]) -> pd.DataFrame:
    cells = cells.copy()
    cells["suppressed"] = [
        (k, b) in withheld for k, b in zip(cells["kon"], cells["bakgrund"], strict=True)
    ]
    return cells


def test_an_organisation_alone_in_a_withheld_cell_breaks_a_rectangle() -> None:
    # K × Utrikes holds one organisation. The rectangle K/M × Svensk/Utrikes protects it
    # from an outsider, but that organisation knows its own cell: then K × Svensk =
    # K − K × Inrikes2 − its own is exact, and so is the rest of the rectangle.
    cells = hand_table()
    m = (cells["kon"] == "K") & (cells["bakgrund"] == UT)
    cells.loc[m, ["recipients", "paid_ore", "top2_ore"]] = [1, 10_000, 0]
    for sel in (
        (cells["kon"] == "K") & (cells["bakgrund"] == "Totalt"),
        (cells["kon"] == "Totalt") & (cells["bakgrund"] == UT),
        cells["table"] == "Totalt",
    ):
        cells.loc[sel, "recipients"] -= 1
        cells.loc[sel, "paid_ore"] -= 10_000
    rect = mark(cells, {("K", SV), ("K", UT), ("M", SV), ("M", UT)})
    result = audit(rect, RULES, exact=True)
    k_sv = rect[(rect["kon"] == "K") & (rect["bakgrund"] == SV)].index[0]
    k_ut = rect[(rect["kon"] == "K") & (rect["bakgrund"] == UT)].index[0]
    assert result.at[k_ut, "protected"]  # the outsider cannot narrow it down
    assert not result.at[k_sv, "protected"] and result.at[k_sv, "attacker"] == "singleton"
    # The optimiser's pattern withstands the singleton too.
    out, _ = suppress(cells, RULES)
    assert audit(out, RULES)["protected"].all()
    assert out.loc[k_ut, "suppression_reason"] == FREQUENCY


def random_inputs(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Payouts and profiles of any shape the input contract allows."""
    rng = np.random.default_rng(seed)
    n_orgs = int(rng.integers(1, 120))
    n_pay = int(rng.integers(1, 400))
    orgs = [f"55{i:08d}" for i in range(n_orgs)]
    years = rng.choice([2019, 2020, 2021], int(rng.integers(1, 4)), replace=False)
    instruments = rng.choice(["UTV", "PROJ", "EUMED", "FOU", "DRIFT"], int(rng.integers(1, 6)))
    payouts = pd.DataFrame(
        {
            "year": rng.choice(years, n_pay).astype("int64"),
            "instrument": rng.choice(instruments, n_pay),
            "org_number": rng.choice(orgs, n_pay),
            # Repayments too; amounts from 1 öre to 10 million kronor.
            "amount_ore": (
                rng.choice([-1, 1, 1, 1, 1], n_pay) * np.exp(rng.uniform(0, 27.6, n_pay))
            ).astype("int64"),
        }
    )
    with_profile = rng.choice(orgs, int(rng.integers(0, n_orgs + 1)), replace=False)
    profiles = pd.DataFrame({"org_number": pd.Series(with_profile, dtype="str")})
    for d in DIMENSIONS:
        cats = [*CATEGORIES[d], None]
        p = rng.dirichlet(np.ones(len(cats)) * rng.uniform(0.2, 3))
        profiles[d] = pd.Series(rng.choice(np.array(cats, dtype=object), len(profiles), p=p))
    population = pd.DataFrame(
        {"year": [2020], "kon": ["K"], "bakgrund": [SV], "utbildning": ["Gymnasial"]}
        | {"aldersgrupp": ["30-44"], "count": [int(rng.integers(1, 500))]}
    )
    return payouts, profiles, population


@pytest.mark.parametrize("seed", range(6))
def test_random_inputs_never_raise_and_publish_only_safe_cells(seed: int) -> None:
    payouts, profiles, population = random_inputs(seed)
    result = protected_support(
        lambda: select_tables(support_cells(payouts, profiles, population), RULES), RULES
    )
    cells = result.frame
    table, why = guarded_public(cells)
    assert why == "" and list(table.columns) == PUBLIC_COLUMNS
    shown = cells[~cells["suppressed"]]
    assert ((shown["recipients"] == 0) | (shown["recipients"] >= 3)).all()
    assert (p_sensitivity(shown[shown["recipients"] > 0], RULES.p_percent) <= 0).all()
    assert table.loc[table["suppressed"], ["recipients", "paid_ore"]].isna().all().all()
    assert audit(cells, RULES)["protected"].all()
    assert result.under_protected == 0
    withheld = set(cells.loc[cells["withheld_because"] != "", "year"])
    assert set(result.withheld) == withheld
    for year in withheld:
        assert cells.loc[cells["year"] == year, "suppressed"].all()
    assert len(result.findings) == len(withheld)
    assert (result.findings["rule"] == RULE).all()


def test_a_year_out_of_time_is_withheld_whole_with_a_finding() -> None:
    payouts, profiles, population = random_inputs(3)
    rules = DisclosureRules(time_limit_s=1e-9)
    result = protected_support(
        lambda: select_tables(support_cells(payouts, profiles, population), rules), rules
    )
    cells = result.frame
    sensitive_years = set(cells.loc[cells["suppression_reason"] == FREQUENCY, "year"])
    assert sensitive_years and set(result.withheld) == sensitive_years
    withheld = cells[cells["year"].isin(sensitive_years)]
    assert withheld["suppressed"].all()
    assert (withheld.loc[withheld["recipients"] >= 3, "suppression_reason"] == WITHHELD).any()
    assert all("no safe pattern within" in m for m in result.findings["message"])
    assert (result.findings["severity"] == "warning").all()
    # The finding is published: a rerun on the same inputs must say it in the same words
    # (it once carried the seconds taken, and a second run differed).
    again = protected_support(
        lambda: select_tables(support_cells(payouts, profiles, population), rules), rules
    )
    assert list(again.findings["message"]) == list(result.findings["message"])
    assert not any(re.search(r"after [0-9.]+ s", m) for m in result.findings["message"])


def test_a_bug_in_the_statistics_withholds_and_names_no_organisation() -> None:
    def broken() -> pd.DataFrame:
        raise KeyError("5512345678 has no profile")

    result = protected_support(broken, RULES, years=[2020, 2021])
    assert len(result.frame) == 0 and set(result.withheld) == {2020, 2021}
    assert list(guarded_public(result.frame)[0].columns) == PUBLIC_COLUMNS
    messages = " ".join(result.findings["message"])
    assert "KeyError" in messages and "5512345678" not in messages
    survey = guarded_survey(pd.DataFrame({"year": [2020], "stratum": ["A"]}), 41)
    assert survey.withheld == {2020: survey.withheld[2020]} and len(survey.findings) == 1
    assert len(survey.frame) == 0 and "suppressed" in survey.frame.columns


def test_profiles_with_unknown_values_only() -> None:
    payouts, _, population = random_inputs(1)
    profiles = pd.DataFrame(
        {"org_number": pd.Series([], dtype="str")}
        | {d: pd.Series([], dtype="object") for d in DIMENSIONS}
    )
    result = protected_support(
        lambda: select_tables(support_cells(payouts, profiles, population), RULES), RULES
    )
    assert not result.findings["message"].str.contains("failed").any()
    frame = result.frame
    nonempty = frame[frame["recipients"] > 0]
    assert len(nonempty) and nonempty[list(DIMENSIONS)].isin(["Totalt", MISSING]).all().all()
    assert audit(frame, RULES)["protected"].all()


def test_the_statistics_assets_never_fail_and_say_why() -> None:
    from dagster import AssetCheckResult, build_asset_context

    from assets.statistics import DisclosureConfig, SurveyConfig
    from assets.statistics import support_cells as cells_asset
    from assets.statistics import survey_estimates as survey_asset

    # Payouts without an amount column: an internal error, not an input error.
    payouts = pd.DataFrame({"year": [2020], "instrument": ["UTV"], "org_number": ["5512345678"]})
    ctx = build_asset_context(partition_key="halland")
    cells, withheld, check = list(
        cells_asset(ctx, DisclosureConfig(), payouts, pd.DataFrame(), pd.DataFrame())
    )
    assert isinstance(check, AssetCheckResult) and check.passed
    assert len(cells.value) == 0
    assert withheld.value["rule"].tolist() == [RULE]
    assert "5512345678" not in withheld.value["message"].iat[0]
    table, found = list(
        survey_asset(build_asset_context(partition_key="halland"), SurveyConfig(), pd.DataFrame())
    )
    assert len(table.value) == 0 and found.value["rule"].tolist() == [RULE]


def test_a_pattern_failing_the_audit_is_never_published(monkeypatch) -> None:
    import tillvaxt.statistics.guard as guard

    def careless(cells: pd.DataFrame, rules: DisclosureRules):
        # An optimiser that forgets secondary suppression: only the primary cells.
        out = cells.copy()
        out["suppression_reason"] = primary_suppression(cells, rules)
        out["suppressed"] = out["suppression_reason"] != ""
        out["withheld_because"] = ""
        return out, None

    monkeypatch.setattr(guard, "suppress", careless)
    payouts, profiles, population = random_inputs(3)
    result = protected_support(
        lambda: select_tables(support_cells(payouts, profiles, population), RULES), RULES
    )
    cells = result.frame
    assert result.withheld and all("independent audit" in w for w in result.withheld.values())
    assert cells.loc[cells["year"].isin(list(result.withheld)), "suppressed"].all()
    assert audit(cells, RULES)["protected"].all()
    assert result.under_protected == 0
