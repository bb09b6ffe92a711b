"""Vectorised field parsers: text column in, (typed column, error column) out.

Each parser returns the parsed values (missing where unreadable) and a text column
holding, per row, the reason it could not be read (empty when fine). Working on
whole columns keeps a million-row export fast; the messages are the same a
row-by-row parser would give.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.money import ORE_PER_KRONA

_AMOUNT_RE = r"(-)?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,2}))?"
_DATE_RE = r"\d{4}-\d{2}-\d{2}"
_ORGNR_RE = r"(?:16|18|19|20)?(\d{6})[-+]?(\d{4})"

AMOUNT_EXPECTED = "a Swedish amount like '10 811 000' or '-1 250,50' (space grouping, decimal comma, at most two decimals)"
DATE_EXPECTED = "an ISO date YYYY-MM-DD"
ORGNR_EXPECTED = (
    "an organisation number of 10 digits (NNNNNN-NNNN) or 12 digits with a 16/19/20 prefix"
)


def _clean(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip()


def _errors(bad: pd.Series, column: str, expected: str, found: pd.Series) -> pd.Series:
    msg = pd.Series("", index=bad.index, dtype="string")
    if bad.any():
        msg[bad] = f"column '{column}': expected {expected}, found " + found[bad]
    return msg


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
    """Swedish amounts to int64 öre; `1.250` and `12,345,67` are refused, never guessed."""
    v = _clean(s)
    parts = v.str.extract(f"^{_AMOUNT_RE}$")
    ok = parts[1].notna()
    empty = v == ""
    whole = parts[1].str.replace(r"\D", "", regex=True)
    dec = parts[2].fillna("").str.ljust(2, "0")
    ore = pd.Series(pd.NA, index=v.index, dtype="Int64")
    if ok.any():
        ore[ok] = whole[ok].astype("int64") * ORE_PER_KRONA + dec[ok].astype("int64")
        neg = ok & parts[0].notna()
        ore[neg] = -ore[neg]
    bad = ~ok & (~empty | required)
    found = ("'" + v + "'").mask(empty, "nothing")
    return ore, _errors(bad, column, AMOUNT_EXPECTED, found)


def iso_date(s: pd.Series, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
    """ISO dates to datetime64; `2017-13-01` and `13/01/2017` are refused."""
    v = _clean(s)
    empty = v == ""
    shaped = v.str.fullmatch(_DATE_RE).fillna(False)
    parsed = pd.to_datetime(v.where(shaped), format="%Y-%m-%d", errors="coerce")
    bad = (parsed.isna() & ~empty) | (empty & required)
    found = ("'" + v + "'").mask(empty, "nothing")
    return parsed.astype("datetime64[s]"), _errors(bad, column, DATE_EXPECTED, found)


def org_number(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Organisation numbers to their 10-digit form.

    The error message describes the value's shape but never repeats it: a malformed
    number may still be a personal identity number.
    """
    v = _clean(s).str.replace(" ", "", regex=False)
    parts = v.str.extract(f"^{_ORGNR_RE}$")
    ok = parts[0].notna()
    ten = (parts[0] + parts[1]).where(ok)
    empty = v == ""
    found = (
        "a value of "
        + v.str.len().astype("string")
        + " characters with "
        + v.str.count(r"\d").astype("string")
        + " digits"
    ).mask(empty, "nothing")
    return ten.astype("string"), _errors(~ok, column, ORGNR_EXPECTED, found)


def integer(
    s: pd.Series, column: str, pattern: str = r"\d+", expected: str = "a whole number"
) -> tuple[pd.Series, pd.Series]:
    """A whole number such as a year."""
    v = _clean(s)
    ok = v.str.fullmatch(pattern).fillna(False)
    out = pd.Series(pd.NA, index=v.index, dtype="Int64")
    if ok.any():
        out[ok] = v[ok].astype("int64")
    found = ("'" + v + "'").mask(v == "", "nothing")
    return out, _errors(~ok, column, expected, found)


def join_errors(*errors: pd.Series) -> pd.Series:
    """Per row, every reason joined with '; ' (empty when the row is fine)."""
    out = errors[0].astype("string").fillna("")
    for e in errors[1:]:
        e = e.astype("string").fillna("")
        sep = pd.Series("; ", index=out.index, dtype="string").where((out != "") & (e != ""), "")
        out = out + sep + e
    return out
