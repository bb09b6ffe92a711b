"""Survey estimates equal svy 0.35's (R survey's method) to 1e-9: estimate, SE, interval, df."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
import svy

from tests.unit.test_survey import GROUPS, estimate_for, group_mask, our_row, synthetic_survey
from tillvaxt.groups import CATEGORIES, DIMENSIONS, TOTAL
from tillvaxt.statistics.survey import (
    domain_df,
    domain_proportion,
    korn_graubard,
    lonely_strata,
    survey_estimates,
)


def svy_row(frame: pd.DataFrame, mask: np.ndarray, ci_method: str = "logit") -> dict:
    answered = frame["Ind_Sysselsatt"].notna().to_numpy()
    data = pl.DataFrame(
        {
            "stratum": frame.loc[answered, "stratum"].to_numpy(),
            "weight": frame.loc[answered, "weight"].to_numpy(dtype="float64"),
            "y": frame.loc[answered, "Ind_Sysselsatt"].to_numpy(dtype="float64"),
            "g": np.where(mask[answered], "in", "out"),
        }
    )
    sample = svy.Sample(data, svy.Design(stratum="stratum", wgt="weight"))
    got = sample.estimation.prop("y", by="g", ci_method=ci_method).to_polars()
    row = got.filter((pl.col("g") == "in") & (pl.col("y") == 1.0)).to_dicts()
    assert len(row) == 1
    return row[0]


@pytest.mark.parametrize(
    "group",
    [
        *GROUPS,
        {"bakgrund": "Utrikes född"},
        {"utbildning": "Gymnasial"},
        {"aldersgrupp": "45-64"},
        {"inkomstklass": "3"},
    ],
)
def test_estimate_se_interval_and_df_equal_svy(group: dict[str, str]) -> None:
    row, frame, mask = estimate_for(group)
    ref = svy_row(frame, mask)
    assert row["estimate"] == pytest.approx(ref["est"], abs=1e-9)
    assert row["standard_error"] == pytest.approx(ref["se"], abs=1e-9)
    assert row["ci_low"] == pytest.approx(ref["lci"], abs=1e-9)
    assert row["ci_high"] == pytest.approx(ref["uci"], abs=1e-9)
    answered = frame["Ind_Sysselsatt"].notna().to_numpy()
    strata = frame.loc[answered, "stratum"].to_numpy(dtype="str")
    assert domain_df(strata, mask[answered]) == ref["df"]
    assert row["n"] == ref["n"]


def test_every_dimension_has_its_one_way_margins() -> None:
    out = survey_estimates(synthetic_survey(), min_answers=1)
    for dim in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != dim]
        margin = out[(out[others] == TOTAL).all(axis=1) & (out[dim] != TOTAL)]
        assert set(CATEGORIES[dim]) <= set(margin[dim]), dim


def test_a_proportion_of_zero_gets_korn_graubard_as_svy() -> None:
    frame = synthetic_survey()
    answered = frame["Ind_Sysselsatt"].notna()
    zeros = frame.index[answered & (frame["Ind_Sysselsatt"] == 0)][:73]
    frame["kon"] = frame["kon"].astype("object")
    frame.loc[frame["kon"] == "K", "kon"] = "M"
    frame.loc[zeros, "kon"] = "K"  # the only women all answered 0
    out = survey_estimates(frame, min_answers=1)
    row = our_row(out, {"kon": "K"})
    ref = svy_row(frame, group_mask(frame, {"kon": "K"}), ci_method="korn-graubard")
    assert row["estimate"] == 0.0 and row["n"] == 73
    assert (row["ci_low"], ref["lci"]) == (0.0, 0.0)
    assert row["ci_high"] == pytest.approx(ref["uci"], abs=1e-9)
    # Clopper–Pearson for 0 of 73 would be 1 − 0.025^(1/73) = 0.0493; the df scaling
    # makes the effective size a little smaller, the interval a little wider.
    assert 0.0493 < row["ci_high"] < 0.05
    assert korn_graubard(1.0, 73, 69) == pytest.approx((1 - row["ci_high"], 1.0), abs=1e-12)


def test_a_single_respondent_stratum_adds_its_score_squared_and_is_reported() -> None:
    # Strata A (3 respondents) and B (1): p = (1·1 + 1·0 + 2·1 + 4·0)/8 = 3/8.
    y = np.array([1.0, 0.0, 1.0, 0.0])
    w = np.array([1.0, 1.0, 2.0, 4.0])
    strata = np.array(["A", "A", "A", "B"])
    p, se = domain_proportion(y, w, strata, np.ones(4, dtype=bool))
    z = w * (y - 3 / 8) / 8
    za = z[:3]
    expected = 3 / 2 * ((za - za.mean()) ** 2).sum() + z[3] ** 2
    assert p == 3 / 8
    assert se == pytest.approx(np.sqrt(expected), abs=1e-15)
    frame = pd.DataFrame(
        {"year": 2021, "stratum": strata, "weight": w, "Ind_X": pd.array([1, 0, 1, 0])}
    )
    assert lonely_strata(frame) == [
        "2021 Ind_X: stratum B has one respondent; "
        "its variance is centred at the grand mean (lonely.psu = adjust)"
    ]


def test_a_single_respondent_stratum_is_treated_as_svy_center_and_r_adjust() -> None:
    frame = synthetic_survey()
    frame["stratum"] = frame["stratum"].astype(object)
    frame.loc[frame.index[frame["Ind_Sysselsatt"].notna()][0], "stratum"] = "S9"
    out = survey_estimates(frame, min_answers=1)
    for group in ({}, {"kon": "K"}):
        row = our_row(out, group)
        answered = frame[frame["Ind_Sysselsatt"].notna()]
        mask = group_mask(answered, group)
        data = pl.DataFrame(
            {
                "stratum": answered["stratum"].astype(str).to_numpy(),
                "weight": answered["weight"].to_numpy(dtype="float64"),
                "y": answered["Ind_Sysselsatt"].to_numpy(dtype="float64"),
                "g": np.where(mask, "in", "out"),
            }
        )
        design = svy.Design(stratum="stratum", wgt="weight", singleton="center")
        got = svy.Sample(data, design).estimation.prop("y", by="g").to_polars()
        ref = got.filter((pl.col("g") == "in") & (pl.col("y") == 1.0)).to_dicts()[0]
        for ours, theirs in (
            ("estimate", "est"),
            ("standard_error", "se"),
            ("ci_low", "lci"),
            ("ci_high", "uci"),
        ):
            assert row[ours] == pytest.approx(ref[theirs], abs=1e-9), (group, ours)
    assert any("stratum S9 has one respondent" in w for w in lonely_strata(frame))
