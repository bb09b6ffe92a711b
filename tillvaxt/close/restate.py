"""Holding certified rows and listing restatements: plain frames in, frames out.

A run whose inputs would change a certified year's figures publishes the certified
rows for that year unchanged; each differing cell (and each row that appeared or
vanished) becomes one restatement row for someone to review.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

ROW = "(row)"
PRESENT, ABSENT = "present", "absent"

RESTATEMENT_COLUMNS = [
    "year",
    "table_name",
    "key",
    "column_name",
    "certified_value",
    "new_value",
    "difference",
]

# The columns that identify a row in each table; tables not named here are keyed by
# their year and text columns (so a table added later is held without a code change).
KEYS: dict[str, list[str]] = {
    "appropriation_reconciliation": ["year", "appropriation"],
    "appropriation_usage": ["year", "appropriation", "instrument"],
    "recipients_by_instrument": ["year", "instrument", "municipality"],
    "support_by_priority": ["year", "national_priority", "strategic_choice", "priority"],
    "support_by_group": [
        "year",
        "instrument",
        "kon",
        "bakgrund",
        "utbildning",
        "inkomstklass",
        "aldersgrupp",
    ],
    "survey_estimates": [
        "year",
        "indicator",
        "kon",
        "bakgrund",
        "utbildning",
        "inkomstklass",
        "aldersgrupp",
    ],
    "decision_balances": ["decision_id"],
    "usage_vouchers": ["year", "voucher_id"],
}


def key_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The key of `table`: declared in KEYS, else `year` and every text column."""
    if table in KEYS:
        return [c for c in KEYS[table] if c in frame.columns]
    text = [
        c
        for c in frame.columns
        if c != "year"
        and not c.endswith("_sek")
        and (pd.api.types.is_string_dtype(frame[c]) or pd.api.types.is_object_dtype(frame[c]))
        and not frame[c].map(lambda v: isinstance(v, Decimal)).any()
    ]
    return ["year", *text]


def canonical(value: object) -> str | None:
    """One text form per value, so 5, 5.0 and np.int64(5) compare equal and NaN equals None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        ts = pd.Timestamp(value)
        return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()
    return str(value)


def _difference(certified: str | None, new: str | None) -> str | None:
    if certified is None or new is None:
        return None
    try:
        return format(Decimal(new) - Decimal(certified), "f")
    except ArithmeticError:
        return None


def _key_text(keys: list[str], values: tuple) -> str:
    return "; ".join(f"{k}={canonical(v)}" for k, v in zip(keys, values, strict=True))


def restatements(
    table: str, certified: pd.DataFrame, new: pd.DataFrame, years: set[int]
) -> pd.DataFrame:
    """Every cell of the certified `years` whose current value differs from the certified one."""
    keys = key_columns(table, new if len(new.columns) else certified)
    cert = certified[certified["year"].astype("int64").isin(years)] if len(certified) else certified
    cur = new[new["year"].astype("int64").isin(years)] if len(new) else new

    def index(frame: pd.DataFrame) -> dict[tuple, dict[str, str | None]]:
        out = {}
        for rec in frame.to_dict(orient="records"):
            k = tuple(canonical(rec.get(c)) for c in keys)
            out[k] = {c: canonical(v) for c, v in rec.items()}
        return out

    a, b = index(cert), index(cur)
    value_cols = [c for c in new.columns if c not in keys and c in certified.columns]
    rows = []
    for k in sorted(set(a) | set(b), key=lambda t: tuple("" if v is None else v for v in t)):
        year = int(k[keys.index("year")]) if "year" in keys else None
        base = {"year": year, "table_name": table, "key": _key_text(keys, k)}
        if k not in b:
            rows.append(
                {**base, "column_name": ROW, "certified_value": PRESENT, "new_value": ABSENT}
            )
            continue
        if k not in a:
            rows.append(
                {**base, "column_name": ROW, "certified_value": ABSENT, "new_value": PRESENT}
            )
            continue
        for col in value_cols:
            old, now = a[k].get(col), b[k].get(col)
            if old != now:
                rows.append(
                    {
                        **base,
                        "column_name": col,
                        "certified_value": old,
                        "new_value": now,
                        "difference": _difference(old, now),
                    }
                )
    out = pd.DataFrame(rows, columns=RESTATEMENT_COLUMNS, dtype=object)
    out["difference"] = out["difference"].where(out["difference"].notna(), None)
    out["year"] = out["year"].astype("int64")
    return out


def conform(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `like`'s columns and dtypes (certified rows read back from SQL)."""
    out = pd.DataFrame(index=frame.index)
    for col in like.columns:
        values = frame[col] if col in frame.columns else pd.Series(None, index=frame.index)
        dtype = like[col].dtype
        if pd.api.types.is_object_dtype(dtype):
            out[col] = values.astype(object)
            continue
        try:
            if pd.api.types.is_datetime64_any_dtype(dtype):
                out[col] = pd.to_datetime(values).astype(dtype)
            else:
                out[col] = values.astype(dtype)
        except (TypeError, ValueError):
            out[col] = values
    return out


def hold_certified(
    table: str, new: pd.DataFrame, certified: pd.DataFrame, years: set[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table to publish (certified years' rows as certified) and its restatements."""
    if not years or "year" not in new.columns:
        return new, pd.DataFrame(columns=RESTATEMENT_COLUMNS).astype({"year": "int64"})
    restated = restatements(table, certified, new, years)
    keep = new[~new["year"].astype("int64").isin(years)]
    held = conform(certified[certified["year"].astype("int64").isin(years)], new)
    out = pd.concat([keep, held], ignore_index=True) if len(held) else keep.reset_index(drop=True)
    keys = key_columns(table, new)
    if keys and len(out):
        out = out.loc[_sort_like(new, out, keys)].reset_index(drop=True)
    return conform(out, new), restated


def _sort_like(new: pd.DataFrame, out: pd.DataFrame, keys: list[str]) -> list:
    """Keep the new table's row order; certified rows go where their key was, else by year."""
    pos = {
        tuple(canonical(v) for v in row): i
        for i, row in enumerate(new[keys].itertuples(index=False, name=None))
    }
    ranked = []
    for idx, row in zip(out.index, out[keys].itertuples(index=False, name=None), strict=True):
        k = tuple(canonical(v) for v in row)
        ranked.append(
            (int(row[keys.index("year")]) if "year" in keys else 0, pos.get(k, len(pos)), idx)
        )
    return [idx for _, _, idx in sorted(ranked)]
