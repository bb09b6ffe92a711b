"""Vectorised field parsers: text column in, (typed column, error column) out.

Each parser returns the parsed values (missing where unreadable) and a text column
holding, per row, the reason it could not be read (empty when fine). Working on
whole columns keeps a million-row export fast; the messages are the same a
row-by-row parser would give.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from tillvaxt.money import (
    AMOUNT_EXPECTED,
    AMOUNT_PATTERN,
    BOUND_EXPECTED,
    amount_from_match,
)

_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ORGNR_RE = r"(?:16|18|19|20)?([0-9]{6})[-+]?([0-9]{4})"

DATE_EXPECTED = "an ISO date YYYY-MM-DD"
ORGNR_EXPECTED = (
    "an organisation number of 10 digits (NNNNNN-NNNN) or 12 digits with a 16/19/20 prefix"
)


def _clean(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip()


_AMOUNT_MATCH = re.compile(f"^{AMOUNT_PATTERN}$", re.ASCII).match
_ORGNR_MATCH = re.compile(f"^{_ORGNR_RE}$").match


def _errors(
    bad: pd.Series,
    column: str,
    expected: str,
    found: pd.Series | Callable[[pd.Series], pd.Series],
) -> pd.Series:
    """The message per bad row. `found` may be a function of the bad rows' mask, so the
    description of what was found is only built for the (usually few) rows that need it."""
    msg = pd.Series("", index=bad.index, dtype="string")
    if bad.any():
        shown = found(bad) if callable(found) else found[bad]
        msg[bad] = f"column '{column}': expected {expected}, found " + shown
    return msg


def _quoted_or_nothing(v: pd.Series) -> Callable[[pd.Series], pd.Series]:
    """What was found, for the rows in a mask: the value in quotes, or `nothing` when empty."""

    def found(mask: pd.Series) -> pd.Series:
        sub = v[mask]
        return ("'" + sub + "'").mask(sub == "", "nothing")

    return found


def required_text(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """A text value that must be present."""
    v = _clean(s)
    bad = v == ""
    return v.mask(bad), _errors(
        bad, column, "a value", pd.Series("nothing", index=v.index, dtype="string")
    )


def optional_text(s: pd.Series) -> pd.Series:
    """A text value; empty means no value."""
    v = _clean(s)
    return v.mask(v == "")


def amount_ore(s: pd.Series, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
    """Swedish amounts to int64 öre; `1.250` and `12,345,67` are refused, never guessed.

    One pass of a compiled regular expression per value and integer arithmetic (the
    payout exports hold a million of them; a chain of `.str` operations was 4× slower).
    """
    v = _clean(s)
    values = np.zeros(len(v), dtype=np.int64)
    ok = np.zeros(len(v), dtype=bool)
    beyond = np.zeros(len(v), dtype=bool)
    for i, text in enumerate(v.tolist()):
        m = _AMOUNT_MATCH(text)
        if m is None:
            continue
        ore = amount_from_match(*m.groups())
        if ore is None:
            beyond[i] = True
            continue
        values[i] = ore
        ok[i] = True
    ore = pd.Series(pd.arrays.IntegerArray(values, ~ok), index=v.index)
    ok_s = pd.Series(ok, index=v.index)
    bad = ~ok_s & ((v != "") | required)
    beyond_s = pd.Series(beyond, index=v.index)
    return ore, _errors(bad & ~beyond_s, column, AMOUNT_EXPECTED, _quoted_or_nothing(v)).mask(
        beyond_s, f"column '{column}': expected {BOUND_EXPECTED}, found '" + v + "'"
    )


def iso_date(s: pd.Series, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
    """ISO dates to datetime64; `2017-13-01` and `13/01/2017` are refused."""
    v = _clean(s)
    empty = v == ""
    shaped = v.str.fullmatch(_DATE_RE).fillna(False)
    parsed = pd.to_datetime(v.where(shaped), format="%Y-%m-%d", errors="coerce")
    bad = (parsed.isna() & ~empty) | (empty & required)
    return parsed.astype("datetime64[s]"), _errors(
        bad, column, DATE_EXPECTED, _quoted_or_nothing(v)
    )


def org_number(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Organisation numbers to their 10-digit form.

    The error message describes the value's shape but never repeats it: a malformed
    number may still be a personal identity number.
    """
    v = _clean(s).str.replace(" ", "", regex=False)
    ten = []
    for text in v.tolist():
        m = _ORGNR_MATCH(text)
        ten.append(m.group(1) + m.group(2) if m else None)
    out = pd.Series(ten, index=v.index, dtype="string")

    def found(mask: pd.Series) -> pd.Series:
        sub = v[mask]
        return (
            "a value of "
            + sub.str.len().astype("string")
            + " characters with "
            + sub.str.count(r"\d").astype("string")
            + " digits"
        ).mask(sub == "", "nothing")

    return out, _errors(out.isna(), column, ORGNR_EXPECTED, found)


def integer(
    s: pd.Series,
    column: str,
    pattern: str = r"[0-9]+",
    expected: str = "a whole number",
    max_abs: int = 10**15,
) -> tuple[pd.Series, pd.Series]:
    """A whole number such as a year or a count, in ASCII digits and within ±`max_abs`.

    Without the bound a 30-digit value crashed the int64 conversion instead of
    quarantining its row.
    """
    v = _clean(s)
    shaped = v.str.fullmatch(pattern, flags=re.ASCII).fillna(False) & (v.str.len() <= 20)
    out = pd.Series(pd.NA, index=v.index, dtype="Int64")
    ok = shaped.copy()
    if shaped.any():
        as_int = v[shaped].map(int)
        ok[shaped] = as_int.abs() <= max_abs
        out[ok] = as_int[ok[shaped]].astype("int64")
    return out, _errors(~ok, column, expected, _quoted_or_nothing(v))


def join_errors(*errors: pd.Series) -> pd.Series:
    """Per row, every reason joined with '; ' (empty when the row is fine).

    Only rows with a reason are touched: in a million-row export they are a handful.
    """
    out = errors[0].astype("string").fillna("")
    for e in errors[1:]:
        e = e.astype("string").fillna("")
        has = e != ""
        if not has.any():
            continue
        before = out[has]
        out = out.copy()
        out[has] = before.where(before == "", before + "; ") + e[has]
    return out


def row_errors(record_errors: pd.Series, *field_errors: pd.Series) -> pd.Series:
    """Per row, why it cannot be read: the record's own error alone, else every field's.

    A record whose fields do not line up with the header (wrong count, broken quoting)
    would only add misleading per-column messages about values in the wrong columns.
    """
    record = record_errors.astype("string").fillna("")
    return join_errors(*field_errors).mask(record != "", record)
