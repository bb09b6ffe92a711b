"""The bound on a source's total amount is exact: at the bound it passes, one öre over it
is refused, whatever the signs, however many amounts (the int64 frames hold the sums)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tillvaxt.errors import InputError
from tillvaxt.money import MAX_AMOUNT_ORE, MAX_TOTAL_ORE
from tillvaxt.validate.fields import check_total_of


def _at_bound(extra: int, seed: int) -> list[pd.Series]:
    """Amounts (some negative, split over two columns) whose absolute total is the bound + extra."""
    full, rest = divmod(MAX_TOTAL_ORE + extra, MAX_AMOUNT_ORE)
    values = np.array([MAX_AMOUNT_ORE] * full + [rest], dtype=np.int64)
    rng = np.random.default_rng(seed)
    values *= rng.choice([-1, 1], len(values))
    rng.shuffle(values)
    half = len(values) // 2
    return [pd.Series(values[:half]), pd.Series(values[half:])]


@pytest.mark.parametrize("seed", range(3))
def test_the_bound_itself_passes_and_one_ore_more_is_refused(seed: int) -> None:
    check_total_of(_at_bound(0, seed), "payouts")
    with pytest.raises(InputError) as err:
        check_total_of(_at_bound(1, seed), "payouts")
    assert "payouts" in str(err.value)
    # Python's own sum, the reference, agrees on both sides of the bound.
    assert sum(abs(int(v)) for s in _at_bound(0, seed) for v in s) == MAX_TOTAL_ORE


def test_no_amounts_and_small_totals_pass() -> None:
    check_total_of([], "payouts")
    check_total_of([pd.Series([], dtype="int64")], "payouts")
    check_total_of([pd.Series([-5, 7, 0])], "decisions")
