"""Payouts joined to the decision they name, in the authoritative snapshot only.

An older snapshot's version of a decision is history: a payout is judged against the
register as it stands now (`tillvaxt.validate.decisions.authoritative`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pandas.errors import MergeError

from tillvaxt.arrowcols import text_array
from tillvaxt.validate.decisions import authoritative

DECISION_FIELDS = [
    "decision_id",
    "decision_date",
    "instrument",
    "org_number",
    "granted_ore",
    "project_start",
    "project_end",
    "status",
]


def current_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """The newest snapshot's decisions (all of them if the frame has no `authoritative` flag)."""
    if "authoritative" in decisions.columns:
        return authoritative(decisions)
    return decisions.reset_index(drop=True)


# Lookups the rules share within one `shared_lookups()` block (one `payout_exceptions`):
# five rules join the same payouts to the same decisions.
_SHARED: ContextVar[dict | None] = ContextVar("tillvaxt_rules_shared", default=None)


@contextmanager
def shared_lookups() -> Iterator[None]:
    """Within the block, the payout-decision lookup of the same two frames is made once.

    The rules read their inputs and never change them, so the join of one pair of frames
    is the same for each; the block keeps the frames it saw alive, so an id is not reused
    for another frame while it lasts. Outside a block every call computes afresh.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared(name: str, payouts: pd.DataFrame, decisions: pd.DataFrame, make: Callable) -> object:
    memo = _SHARED.get()
    if memo is None:
        return make()
    key = (name, id(payouts), id(decisions))
    hit = memo.get(key)
    if hit is None or hit[0] is not payouts or hit[1] is not decisions:
        hit = memo[key] = (payouts, decisions, make())
    return hit[2]


def decision_positions(payouts: pd.DataFrame, decisions: pd.DataFrame) -> np.ndarray:
    """Each payout's position in `current_decisions(decisions)`, -1 where none matches
    (the authoritative snapshot's case numbers must be unique)."""

    def make() -> np.ndarray:
        ids = current_decisions(decisions)["decision_id"]
        fast = _positions_by_arrow(ids, payouts["decision_id"])
        return pd.Index(ids).get_indexer(payouts["decision_id"]) if fast is None else fast

    return _shared("positions", payouts, decisions, make)  # type: ignore[return-value]


def _positions_by_arrow(ids: pd.Series, wanted: pd.Series) -> np.ndarray | None:
    """`pd.Index(ids).get_indexer(wanted)` by Arrow's hash lookup (a million payouts:
    0.25 -> 0.04 s), for two text columns whose `ids` are unique and present; None for
    anything else (pandas then decides, and raises on repeated ids). Arrow compares the
    UTF-8 bytes, which is Python's string equality; a missing payout id finds nothing."""
    if not (_is_text(ids) and _is_text(wanted)) or ids.isna().any() or not ids.is_unique:
        return None
    found = pc.index_in(text_array(wanted), value_set=text_array(ids))
    return found.fill_null(-1).to_numpy().astype(np.intp, copy=False)


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype)


def with_decision(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Each payout with its decision's fields suffixed `_dec` (missing when none matches).

    `matched` says whether the case number was found in the authoritative snapshot.
    The left merge on `decision_id`, done as a lookup: the decisions' fields are taken
    at each payout's decision and set beside the payouts' own columns, which are not
    copied (a merge took every one of a million rows of each of them, five times a run).
    Within `shared_lookups()` it is made once per pair of frames; each caller gets its
    own shallow copy (copy-on-write), so a column set on it changes nobody else's.
    """
    joined = _shared("joined", payouts, decisions, lambda: _joined(payouts, decisions))
    return joined.copy(deep=False)  # type: ignore[union-attr]


def _joined(payouts: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    dec = current_decisions(decisions)[DECISION_FIELDS]
    if dec["decision_id"].dtype != payouts["decision_id"].dtype:
        return _merged(payouts, dec)  # the merge decides the key's common type
    if dec["decision_id"].duplicated().any():
        raise MergeError("Merge keys are not unique in right dataset; not a many-to-one merge")
    at = decision_positions(payouts, decisions)
    fields = dec.drop(columns="decision_id").reset_index(drop=True)
    fields = fields.rename(columns={c: f"{c}_dec" for c in fields.columns})
    left = payouts.reset_index(drop=True)
    taken = fields.reindex(at).set_axis(left.index)
    matched = (at >= 0) & payouts["decision_id"].notna().to_numpy()
    return pd.concat([left, taken], axis=1).assign(matched=matched)


def _merged(payouts: pd.DataFrame, dec: pd.DataFrame) -> pd.DataFrame:
    """`with_decision` as a pandas merge, for keys of two different types (hand-made frames)."""
    dec = dec.rename(columns={c: f"{c}_dec" for c in DECISION_FIELDS if c != "decision_id"})
    dec = dec.assign(matched=True)
    out = payouts.merge(dec, on="decision_id", how="left", validate="many_to_one")
    out["matched"] = out["matched"].astype("boolean").fillna(False).astype(bool)
    out.loc[payouts["decision_id"].isna().to_numpy(), "matched"] = False
    return out
