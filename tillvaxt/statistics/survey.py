"""Weighted proportions from the population survey, with design-based 95 % intervals.

For each year, each `Ind_` indicator and each group (overall, every one-way margin, and
`kon` × each other dimension) the estimate is the weighted share answering 1 among those who
answered the item. The design is stratified (`Stratum`) with the respondent as the
sampling unit and `Vikt` as the weight, sampled with replacement within strata (no
finite-population correction). The standard error is the Taylor-linearised one for a
ratio estimator over a domain: every respondent who answered the item stays in the
variance computation, those outside the group contributing zero, so the group's own
sample size is random as it is in the design. The 95 % interval is built on the
logit scale, `logit(p) ± t · SE / (p(1 − p))` with `t` from Student's t on
(respondents − strata) degrees of freedom, and transformed back, so it lies within
[0, 1]; this is what R's `svyciprop(method = "logit")` and svy do. As they do, `t`
has the *domain's own* degrees of freedom: its respondents minus the strata
represented among them.

When every answer in the group is the same (p = 0 or 1) the linearised SE is 0 and
a logit interval does not exist; the interval is then Korn–Graubard's (R's
`method = "beta"`): Clopper–Pearson on the effective sample size, here the domain's
respondents scaled by `(t(n − 1) / t(df))²`, e.g. [0, 0.0494] for 0 of 73.

A stratum with a single respondent has no within-stratum variance. It is treated as
R's `options(survey.lonely.psu = "adjust")` does: its one score is centred at the
sample's grand mean (0 for linearised scores) instead of its own, so it adds its
square rather than nothing; `lonely_strata` lists such strata for the metadata.

An estimate on fewer than `min_answers` (default 41, Statistics Sweden's rule for
ULF) answers is not published: the row stays, with `suppressed` true and its numbers empty.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

# The quantile functions scipy.stats.beta.ppf and t.ppf call, without importing
# scipy.stats (about 1 s at start-up); scipy.special comes with scipy.optimize anyway.
from scipy.special import betaincinv, stdtrit

from tillvaxt.groups import DIMENSIONS, MISSING, TOTAL
from tillvaxt.orgnr import scrub
from tillvaxt.validate.surveys import INDICATOR_PREFIX, indicator_columns

DIMS = list(DIMENSIONS)
MIN_ANSWERS = 41
COLUMNS = [
    "year",
    "indicator",
    *DIMS,
    "n",
    "estimate",
    "standard_error",
    "ci_low",
    "ci_high",
    "suppressed",
]


def group_specs() -> list[tuple[str, ...]]:
    """Overall, every one-way margin, and kon × each other dimension."""
    return [(), *[(d,) for d in DIMS], *[("kon", d) for d in DIMS if d != "kon"]]


def domain_proportion(
    y: np.ndarray, w: np.ndarray, stratum: np.ndarray, domain: np.ndarray
) -> tuple[float, float]:
    """Weighted proportion of `y` in the domain and its Taylor-linearised standard error.

    `y`, `w`, `stratum` are the respondents who answered the item; `domain` is True for
    those in the group. A stratum with a single respondent adds its score squared
    (R's `lonely.psu = "adjust"`; see the module).
    """
    d = domain.astype("float64")
    wd = w * d
    total = wd.sum()
    p = float((wd * y).sum() / total)
    z = wd * (y - p) / total
    var = 0.0
    for h in np.unique(stratum):
        zh = z[stratum == h]
        n_h = len(zh)
        if n_h > 1:
            var += n_h / (n_h - 1) * float(((zh - zh.mean()) ** 2).sum())
        else:
            var += float(zh[0] ** 2)
    return p, math.sqrt(var)


def domain_df(stratum: np.ndarray, domain: np.ndarray) -> int:
    """Degrees of freedom of a domain: its respondents minus the strata they are in."""
    return int(domain.sum()) - len(np.unique(stratum[domain]))


def korn_graubard(p: float, n: int, df: int, level: float = 0.95) -> tuple[float, float]:
    """Korn–Graubard interval for an estimate of 0 or 1 (no variance to build on)."""
    alpha = 1 - level
    n_eff = n * (stdtrit(n - 1, alpha / 2) / stdtrit(max(df, 1), alpha / 2)) ** 2
    if p <= 0.0:
        return 0.0, float(betaincinv(1, n_eff, 1 - alpha / 2))
    return float(betaincinv(n_eff, 1, alpha / 2)), 1.0


def lonely_strata(survey: pd.DataFrame) -> list[str]:
    """Per year and indicator, the strata with a single respondent who answered it."""
    out = []
    for year, yr in survey.groupby("year", sort=True):
        for col in indicator_columns(yr):
            counts = yr.loc[yr[col].notna(), "stratum"].astype("str").value_counts()
            single = sorted(counts[counts == 1].index)
            if single:
                # A stratum label is free text from the file: it may quote a personal number.
                out.append(
                    scrub(
                        f"{int(year)} {col}: stratum {', '.join(single)} has one respondent; "
                        "its variance is centred at the grand mean (lonely.psu = adjust)"
                    )
                )
    return out


def logit_interval(p: float, se: float, df: int, level: float = 0.95) -> tuple[float, float]:
    """The interval on the logit scale, back-transformed: always within [0, 1]."""
    if p <= 0.0 or p >= 1.0:
        return p, p
    q = float(stdtrit(df, 1 - (1 - level) / 2))
    centre = math.log(p / (1 - p))
    half = q * se / (p * (1 - p))
    return 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))


def _groups(answered: pd.DataFrame, spec: tuple) -> list[tuple[tuple, np.ndarray]]:
    """Each group of `spec`'s columns (sorted by its values) with its rows' mask.

    One pass over the rows: a mask per group by comparing whole frames took most of
    the step's time (0.7 s on the sample)."""
    if not spec:
        return [((), np.ones(len(answered), dtype=bool))]
    rows: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(map(tuple, answered[list(spec)].to_numpy())):
        rows[key].append(i)
    out = []
    for key in sorted(rows):
        mask = np.zeros(len(answered), dtype=bool)
        mask[rows[key]] = True
        out.append((key, mask))
    return out


def survey_estimates(survey: pd.DataFrame, min_answers: int = MIN_ANSWERS) -> pd.DataFrame:
    """Every indicator's estimate per year and group; small groups marked suppressed."""
    rows = []
    survey = survey.copy()
    for dim in DIMS:
        survey[dim] = survey[dim].astype("object").where(survey[dim].notna(), MISSING).astype("str")
    for year, yr in survey.groupby("year", sort=True):
        for col in indicator_columns(yr):
            answered = yr[yr[col].notna()]
            if answered.empty:
                continue
            y = answered[col].to_numpy(dtype="float64")
            w = answered["weight"].to_numpy(dtype="float64")
            strata = answered["stratum"].to_numpy(dtype="str")
            for spec in group_specs():
                for values, mask in _groups(answered, spec):
                    cell = dict.fromkeys(DIMS, TOTAL) | dict(zip(spec, values, strict=True))
                    n = int(mask.sum())
                    row = {
                        "year": int(year),
                        "indicator": col[len(INDICATOR_PREFIX) :],
                        **cell,
                        "n": n,
                        "suppressed": n < min_answers,
                    }
                    if n >= min_answers:
                        p, se = domain_proportion(y, w, strata, mask)
                        df = domain_df(strata, mask)
                        if p <= 0.0 or p >= 1.0:
                            lo, hi = korn_graubard(p, n, df)
                        else:
                            lo, hi = logit_interval(p, se, max(df, 1))
                        row |= {"estimate": p, "standard_error": se, "ci_low": lo, "ci_high": hi}
                    else:
                        row["n"] = None
                    rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["n"] = out["n"].astype("Int64")
    for c in ("estimate", "standard_error", "ci_low", "ci_high"):
        out[c] = out[c].astype("float64")
    out["suppressed"] = out["suppressed"].astype("bool")
    return out
