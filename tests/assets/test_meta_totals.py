"""The per-year totals of the asset metadata read as a controller writes them, exact
beyond int64 (the sums themselves: tests/unit/test_sums.py)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from assets._meta import paid_by_year


def test_the_metadata_reads_as_a_controller_writes_it() -> None:
    frame = pd.DataFrame(
        {"year": [2018, 2017, 2017, 2019], "paid_ore": np.array([5, 2**62, 2**62, 0])}
    )
    assert paid_by_year(frame).data == {
        "2017": "92 233 720 368 547 758,08 kr",
        "2018": "0,05 kr",
        "2019": "0,00 kr",
    }
    published = pd.DataFrame({"year": [2017, 2017], "paid_sek": [Decimal("1.50"), None]})
    assert paid_by_year(published, "paid_sek").data == {"2017": "1,50 kr"}
