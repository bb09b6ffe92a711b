"""An unpublished table is still linked: its margin can be subtracted from published ones.

Instrument B's `kon` table is not published, but `Alla`'s and instrument A's are, and
B's amounts are `Alla`'s minus A's. B's kon × bakgrund withholds K×a (two recipients)
and M×a (so that B's bakgrund margin protects K×a); the kon × bakgrund of `Alla` and A
are not published. Left out of the model, B's `kon` margin is no constraint and the
pattern looks safe; in it, K×a's amount is B's K (Alla − A) minus the published K×b:
pinned.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.groups import DIMENSIONS, TOTAL
from tillvaxt.statistics.disclosure import UNPUBLISHED, DisclosureRules, audit

ORE = 100
# The kronor each recipient gets, per instrument and kon × bakgrund cell.
A = {("K", "a"): [1000] * 5, ("K", "b"): [1000] * 5, ("M", "a"): [1000] * 5, ("M", "b"): [1000] * 5}
B = {("K", "a"): [777, 700], ("K", "b"): [300] * 3, ("M", "a"): [300] * 5, ("M", "b"): [300] * 3}


def _cells() -> pd.DataFrame:
    people = [
        (inst, k, b, kronor * ORE)
        for inst, grid in (("A", A), ("B", B))
        for (k, b), amounts in grid.items()
        for kronor in amounts
    ]
    micro = pd.DataFrame(people, columns=["instrument", "kon", "bakgrund", "ore"])
    micro = pd.concat([micro, micro.assign(instrument="Alla")], ignore_index=True)
    rows = []
    tables = [(TOTAL, []), ("kon", ["kon"]), ("bakgrund", ["bakgrund"])]
    for table, dims in [*tables, ("kon × bakgrund", ["kon", "bakgrund"])]:
        for key, grp in micro.groupby(["instrument", *dims]):
            key = key if isinstance(key, tuple) else (key,)
            top = [*sorted(grp["ore"], reverse=True), 0, 0]
            rows.append(
                dict.fromkeys(DIMENSIONS, TOTAL)
                | dict(zip(["instrument", *dims], key, strict=True))
                | {
                    "year": 2020,
                    "table": table,
                    "recipients": len(grp),
                    "paid_ore": int(grp["ore"].sum()),
                    "top1_ore": top[0],
                    "top2_ore": top[1],
                }
            )
    cells = pd.DataFrame(rows)
    b_cross = (cells["instrument"] == "B") & (cells["table"] == "kon × bakgrund")
    cells["suppressed"] = b_cross & (cells["bakgrund"] == "a")
    return cells


def test_an_unpublished_margin_that_can_be_subtracted_is_part_of_the_audit() -> None:
    cells = _cells()
    cross = cells["table"] == "kon × bakgrund"
    unpublished = ((cells["instrument"] == "B") & (cells["table"] == "kon")) | (
        cross & (cells["instrument"] != "B")
    )
    k_a = (cells["instrument"] == "B") & (cells["kon"] == "K") & (cells["bakgrund"] == "a")
    # The published tables alone: K×a's count and amount can move, the pattern passes.
    alone = audit(cells[~unpublished], DisclosureRules(), exact=True)
    assert alone["protected"].all()
    # With the unpublished cells as unknowns, K×a's amount is pinned to its 1 477 kr.
    linked = audit(cells.assign(**{UNPUBLISHED: unpublished}), DisclosureRules(), exact=True)
    row = linked.loc[cells.index[k_a][0]]
    assert not row["protected"]
    assert row["paid_low_ore"] == row["paid_high_ore"] == 1477 * ORE
    # No row is asked of the unpublished cells themselves.
    assert not set(linked.index) & set(cells.index[unpublished])


def _unpublished(cells: pd.DataFrame) -> pd.Series:
    cross = cells["table"] == "kon × bakgrund"
    return ((cells["instrument"] == "B") & (cells["table"] == "kon")) | (
        cross & (cells["instrument"] != "B")
    )


def test_the_gate_audits_with_the_unpublished_tables_linked(monkeypatch) -> None:
    """The pipeline's guard withholds the year whose pattern leaks through an unpublished
    margin: its audit sees the unpublished cells, not only the published ones."""
    from tillvaxt.statistics import guard

    cells = _cells().assign(suppression_reason="", withheld_because="")
    # The hand-made pattern above, as if the optimiser had chosen it.
    monkeypatch.setattr(guard, "suppress", lambda published, rules: (published.copy(), None))
    result = guard.protected_support(
        lambda: cells, DisclosureRules(), [2020], design=lambda c: ~_unpublished(c)
    )
    assert set(result.withheld) == {2020}
    assert "failed the independent audit" in result.withheld[2020]
    assert result.frame["suppressed"].all()
    assert len(result.frame) == int((~_unpublished(cells)).sum())  # only published tables
    # Handed only the published tables (the gate before), the same pattern passed.
    alone = cells[~_unpublished(cells)].reset_index(drop=True)
    before = guard.protected_support(lambda: alone, DisclosureRules(), [2020])
    assert before.withheld == {} and before.under_protected == 0
