"""The table design: mostly-sensitive tables are not published, the headline tables always."""

from __future__ import annotations

import pandas as pd

from tillvaxt.groups import DIMENSIONS, TOTAL
from tillvaxt.statistics.design import THREE_WAY, crosses_to_publish
from tillvaxt.statistics.disclosure import DisclosureRules


def cell(instrument: str, table: str, n: int, **dims: str) -> dict:
    return (
        dict.fromkeys(DIMENSIONS, TOTAL)
        | dims
        | {
            "year": 2020,
            "instrument": instrument,
            "table": table,
            "recipients": n,
            # Equal amounts: only the frequency rule decides.
            "paid_ore": n * 10_000,
            "top1_ore": 10_000 if n else 0,
            "top2_ore": 10_000 if n > 1 else 0,
        }
    )


def test_tables_kept_and_dropped() -> None:
    rows = [
        cell("Alla", TOTAL, 10),
        # Alla's one-way margin: kept although 2 of its 3 non-empty cells are small.
        *(cell("Alla", "bakgrund", n, bakgrund=b) for n, b in [(1, "a"), (2, "b"), (7, "c")]),
        # An instrument's one-way margin under the same numbers: dropped (1/3 < 60 %).
        *(cell("UTV", "bakgrund", n, bakgrund=b) for n, b in [(1, "a"), (2, "b"), (7, "c")]),
        # A cross with 3 of 4 non-empty cells safe (75 %), and an empty cell: kept.
        *(
            cell("Alla", "kon × bakgrund", n, kon="K", bakgrund=b)
            for n, b in [(3, "a"), (4, "b"), (1, "c"), (5, "d"), (0, "e")]
        ),
        # The same cross for an instrument at exactly 60 %: kept.
        *(
            cell("UTV", "kon × bakgrund", n, kon="K", bakgrund=b)
            for n, b in [(3, "a"), (4, "b"), (1, "c"), (5, "d"), (2, "e")]
        ),
        # The three-way cross: never per instrument, for Alla by the same rule.
        cell("UTV", THREE_WAY, 9, kon="K", bakgrund="a", utbildning="x"),
        cell("Alla", THREE_WAY, 9, kon="K", bakgrund="a", utbildning="x"),
    ]
    cells = pd.DataFrame(rows)
    keep = crosses_to_publish(cells, DisclosureRules())
    kept = cells.assign(keep=keep).groupby(["instrument", "table"])["keep"].agg(["all", "any"])
    assert (kept["all"] == kept["any"]).all()  # a table is kept or dropped whole
    assert kept["all"].to_dict() == {
        ("Alla", TOTAL): True,
        ("Alla", "bakgrund"): True,
        ("Alla", "kon × bakgrund"): True,
        ("Alla", THREE_WAY): True,
        ("UTV", "bakgrund"): False,
        ("UTV", "kon × bakgrund"): True,
        ("UTV", THREE_WAY): False,
    }
