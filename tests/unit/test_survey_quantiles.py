"""The survey intervals' quantiles (scipy.special) equal scipy.stats' ppf they replace."""

import math

import pytest
from scipy.stats import beta, t

from tillvaxt.statistics.survey import korn_graubard, logit_interval


@pytest.mark.parametrize(("n", "df"), [(2, 1), (41, 30), (120, 7), (5000, 4000)])
def test_korn_graubard_matches_scipy_stats(n: int, df: int) -> None:
    alpha = 0.05
    n_eff = n * (t.ppf(alpha / 2, n - 1) / t.ppf(alpha / 2, max(df, 1))) ** 2
    assert korn_graubard(0.0, n, df) == pytest.approx(
        (0.0, beta.ppf(1 - alpha / 2, 1, n_eff)), abs=1e-12
    )
    assert korn_graubard(1.0, n, df) == pytest.approx(
        (beta.ppf(alpha / 2, n_eff, 1), 1.0), abs=1e-12
    )


@pytest.mark.parametrize(("p", "se", "df"), [(0.3, 0.05, 12), (0.9, 0.01, 400), (0.02, 0.2, 1)])
def test_logit_interval_matches_scipy_stats(p: float, se: float, df: int) -> None:
    q = t.ppf(0.975, df=df)
    centre, half = math.log(p / (1 - p)), q * se / (p * (1 - p))
    expected = (1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half))))
    assert logit_interval(p, se, df) == pytest.approx(expected, abs=1e-12)
