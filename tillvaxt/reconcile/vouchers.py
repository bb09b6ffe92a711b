"""The underlag of the usage table: every voucher charged to the appropriation, one row each.

Auditors ask which vouchers make up "Utvecklingscheckar 5 030 934"; this table answers
with one row per voucher, and its amounts add up to `appropriation_usage` per year and
instrument by construction (the same payouts, the same appropriations on file).
`usage_differences` says where they do not, for the asset check that stops a run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from tillvaxt.arrowcols import ascending_positions, places_in, text_array
from tillvaxt.instruments import REPORT_ORDER
from tillvaxt.masking import display, is_personal, mask
from tillvaxt.reconcile.usage import is_charged


def _name(org_number: str, name: object) -> object:
    """A sole trader's firm name is usually the person's name: shown as the masked number."""
    if is_personal(org_number):
        return mask(org_number)
    return name


def _per_number(numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`display` of each number and whether it is personal, each distinct number once.

    A million vouchers name a few hundred thousand organisations; hashing and
    formatting per voucher was most of the step's time.
    """
    codes, distinct = pd.factorize(numbers, use_na_sentinel=False)
    each = distinct.tolist()
    shown = pd.Series(
        pd.array([display(n) for n in each], dtype=numbers.dtype).take(codes),
        index=numbers.index,
    )
    personal = pd.Series(np.array([is_personal(n) for n in each], dtype=bool)[codes], numbers.index)
    return shown, personal


def _names(shown: pd.Series, personal: pd.Series, names: pd.Series) -> pd.Series:
    """`_name` column-wise: the masked number (`display` of a personal number) where the
    number is personal, else the firm name as it stands (missing stays missing)."""
    return names.astype(object).mask(personal.to_numpy(), shown.astype(object))


def usage_vouchers(payouts: pd.DataFrame, appropriations: pd.DataFrame) -> pd.DataFrame:
    """One row per voucher charged to an appropriation on the allocation file (1:1).

    The selection is `appropriation_usage`'s: every payment charged to the appropriation,
    matched to a decision or not. A sole trader's organisation number (a personal
    identity number) and firm name are masked here, before anything is published.
    """
    rows = np.flatnonzero(is_charged(payouts, appropriations))
    mine = payouts.take(rows[_report_order(payouts, rows)])
    shown, personal = _per_number(mine["org_number"])
    out = pd.DataFrame(
        {
            "year": mine["year"].astype("int64"),
            "instrument": mine["instrument"],
            "voucher_id": mine["voucher_id"],
            "booking_date": mine["booking_date"],
            "decision_id": mine["decision_id"],
            "recipient_id": shown,
            "recipient_name": _names(shown, personal, mine["recipient_name"]),
            "paid_ore": mine["amount_ore"].astype("int64"),
            "source_file": mine["source_file"],
            "source_line": mine["source_line"].astype("int64"),
        }
    )
    out["recipient_name"] = out["recipient_name"].astype(object)
    return out.reset_index(drop=True)


def _report_order(payouts: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Positions in `rows` (of `payouts`) of those payouts by year, instrument in the report's order (others after,
    by code), booking date and voucher id.

    Arrow sorts the five keys at once (`ascending_positions`), as `sort_values` would.
    """
    instrument = payouts["instrument"]
    return ascending_positions(
        {
            "year": payouts["year"].to_numpy(dtype=np.int64)[rows],
            "rank": places_in(instrument, REPORT_ORDER)[rows],
            "instrument": text_array(instrument).take(rows),
            "booking_date": pa.array(payouts["booking_date"]).take(rows),
            "voucher_id": text_array(payouts["voucher_id"]).take(rows),
        }
    )


def usage_differences(vouchers: pd.DataFrame, usage: pd.DataFrame) -> pd.DataFrame:
    """Each year × instrument where the vouchers' sum differs from the usage table's paid.

    Columns year, instrument, vouchers_ore, usage_ore; empty when every figure adds up.
    Both sides are summed as integer öre, so "adds up" means to the öre.
    """
    keys = ["year", "instrument"]

    def totals(frame: pd.DataFrame) -> dict[tuple[int, str], int]:
        # A handful of groups: plain ints and strs, so empty inputs (a year without a
        # payout) need no common key dtype for a merge.
        sums = frame.groupby(keys)["paid_ore"].sum()
        return {(int(y), str(i)): int(v) for (y, i), v in sums.items()}

    a, b = totals(vouchers), totals(usage)
    rows = [
        {
            "year": y,
            "instrument": i,
            "vouchers_ore": a.get((y, i), 0),
            "usage_ore": b.get((y, i), 0),
        }
        for y, i in sorted(a.keys() | b.keys())
        if a.get((y, i), 0) != b.get((y, i), 0)
    ]
    return pd.DataFrame(rows, columns=[*keys, "vouchers_ore", "usage_ore"]).astype(
        {"year": "int64", "vouchers_ore": "int64", "usage_ore": "int64"}
    )
