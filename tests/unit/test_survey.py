"""Survey estimates and SEs equal samplics' (Taylor linearisation, strata, weights) to 1e-6.

The intervals are checked against svy in test_survey_svy.py: samplics uses one
degrees-of-freedom value for the whole sample, svy and R each domain's own.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from tillvaxt.groups import CATEGORIES, DIMENSIONS, TOTAL
from tillvaxt.statistics.survey import domain_proportion, logit_interval, survey_estimates


def synthetic_survey(n: int = 900, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "respondent_id": [str(i) for i in range(n)],
            "year": 2021,
            "stratum": rng.choice(["S1", "S2", "S3", "S4"], n),
            "weight": np.round(rng.uniform(5, 80, n), 2),
        }
        | {d: rng.choice([*CATEGORIES[d], None], n, p=None) for d in DIMENSIONS}
    )
    p = np.where(frame["kon"] == "K", 0.7, 0.4)
    ind = (rng.uniform(size=n) < p).astype("float64")
    ind[rng.uniform(size=n) < 0.1] = np.nan  # item non-response
    frame["Ind_Sysselsatt"] = pd.array(np.where(np.isnan(ind), None, ind), dtype="Int64")
    return frame


def samplics_reference(frame: pd.DataFrame, mask: np.ndarray) -> tuple[float, float, float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    answered = frame["Ind_Sysselsatt"].notna().to_numpy()
    est = TaylorEstimator(PopParam.prop)
    est.estimate(
        y=frame.loc[answered, "Ind_Sysselsatt"].to_numpy(dtype="float64"),
        samp_weight=frame.loc[answered, "weight"].to_numpy(),
        stratum=frame.loc[answered, "stratum"].to_numpy(),
        domain=np.where(mask[answered], "in", "out"),
        remove_nan=True,
    )
    return (
        est.point_est["in"][1.0],
        est.stderror["in"][1.0],
        est.lower_ci["in"][1.0],
        est.upper_ci["in"][1.0],
    )


def group_mask(frame: pd.DataFrame, group: dict[str, str]) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for d, v in group.items():
        mask &= (frame[d] == v).fillna(False).to_numpy()
    return mask


def our_row(out: pd.DataFrame, group: dict[str, str]) -> pd.Series:
    row = out
    for d in DIMENSIONS:
        row = row[row[d] == group.get(d, TOTAL)]
    assert len(row) == 1
    return row.iloc[0]


def estimate_for(group: dict[str, str]) -> tuple[pd.Series, pd.DataFrame, np.ndarray]:
    """Our estimate for `group` on the synthetic survey, the survey, and the group's rows."""
    frame = synthetic_survey()
    return our_row(survey_estimates(frame, min_answers=1), group), frame, group_mask(frame, group)


# The whole sample, one dimension, two dimensions (svy's test adds one group per dimension).
GROUPS = [
    {},
    {"kon": "K"},
    {"kon": "M", "bakgrund": "Utrikes född"},
    {"kon": "K", "utbildning": "Gymnasial"},
]


@pytest.mark.parametrize("group", GROUPS)
def test_estimate_se_and_interval_equal_samplics(group: dict[str, str]) -> None:
    row, frame, mask = estimate_for(group)
    p, se, lo, hi = samplics_reference(frame, mask)
    assert row["estimate"] == pytest.approx(p, abs=1e-6)
    assert row["standard_error"] == pytest.approx(se, abs=1e-6)
    # samplics' interval uses the whole sample's df; ours the domain's (wider or equal).
    assert row["ci_low"] <= lo + 1e-12 and row["ci_high"] >= hi - 1e-12
    assert row["n"] == int((mask & frame["Ind_Sysselsatt"].notna().to_numpy()).sum())
    assert 0 <= row["ci_low"] < row["estimate"] < row["ci_high"] <= 1


def test_hand_computed_proportion_and_standard_error() -> None:
    # One stratum, four respondents, weights 1, 1, 2, 4, answers 1, 0, 1, 0: p = 3/8.
    y = np.array([1.0, 0.0, 1.0, 0.0])
    w = np.array([1.0, 1.0, 2.0, 4.0])
    p, se = domain_proportion(y, w, np.array(["A"] * 4), np.ones(4, dtype=bool))
    z = w * (y - 3 / 8) / 8
    assert p == 3 / 8
    assert se == pytest.approx(np.sqrt(4 / 3 * ((z - z.mean()) ** 2).sum()), abs=1e-15)
    lo, hi = logit_interval(0.02, 0.05, df=10)
    assert 0 < lo < 0.02 < hi < 1


def test_small_groups_are_suppressed_with_empty_numbers() -> None:
    out = survey_estimates(synthetic_survey(), min_answers=41)
    small = out[out["suppressed"]]
    assert len(small) > 0
    assert small[["n", "estimate", "ci_low", "ci_high"]].isna().all().all()
    assert (out.loc[~out["suppressed"], "n"] >= 41).all()
    overall = out[(out[list(DIMENSIONS)] == TOTAL).all(axis=1)]  # one overall row
    assert overall["indicator"].tolist() == ["Sysselsatt"]
