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
import pyarrow as pa
import pyarrow.compute as pc

from schemas.raw import WHITESPACE
from tillvaxt.arrowcols import text_array
from tillvaxt.money import (
    AMOUNT_EXPECTED,
    BOUND_EXPECTED,
    MAX_AMOUNT_ORE,
    MAX_TOTAL_ORE,
    ORE_PER_KRONA,
    check_total,
)
from tillvaxt.sums import exact_sum

_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ORGNR_RE = r"(?:16|18|19|20)?([0-9]{6})[-+]?([0-9]{4})"

DATE_EXPECTED = "an ISO date YYYY-MM-DD"
ORGNR_EXPECTED = (
    "an organisation number of 10 digits (NNNNNN-NNNN) or 12 digits with a 16/19/20 prefix"
)


def _clean(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip()


_ORGNR_MATCH = re.compile(f"^{_ORGNR_RE}$").match


def no_reasons(index: pd.Index) -> pd.Series:
    """An empty reason per row, as a `string` column, made by Arrow's repeat: pandas'
    broadcast of `""` took four times as long (a million rows: 0.05 -> 0.012 s), and
    each field of a payout export starts from one."""
    blank = pa.repeat(pa.scalar("", pa.large_string()), len(index))
    return pd.Series(pd.arrays.ArrowStringArray(blank), index=index, dtype="string")


def _errors(
    bad: pd.Series,
    column: str,
    expected: str,
    found: str | pd.Series | Callable[[pd.Series], pd.Series],
) -> pd.Series:
    """The message per bad row. `found` may be one text for every row, or a function of
    the bad rows' mask, so the description of what was found is only built for the
    (usually few) rows that need it."""
    msg = no_reasons(bad.index)
    if bad.any():
        shown = found(bad) if callable(found) else found if isinstance(found, str) else found[bad]
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
    return v.mask(bad), _errors(bad, column, "a value", "nothing")


def optional_text(s: pd.Series) -> pd.Series:
    """A text value; empty means no value."""
    v = _clean(s)
    return v.mask(v == "")


def case_number(s: pd.Series) -> pd.Series:
    """A case number (`Diarienummer`), white space inside read as one space; empty is none.

    Registers write `RS 2019/0123` as often as `RS2019-0123`, and a finance export typed
    by hand may hold the same number with two spaces or a no-break space: all of them are
    the one case, so the payouts still match their decision.
    """
    v = _clean(s)
    text = pc.replace_substring_regex(text_array(v), f"[{WHITESPACE}]+", " ")
    v = pd.Series(text, index=v.index, dtype=v.dtype, name=v.name)
    return v.mask(v == "")


def amount_ore(s: pd.Series, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
    """Swedish amounts to int64 öre; `1.250` and `12,345,67` are refused, never guessed.

    Arrow kernels over the whole column (the payout exports hold a million of them):
    the pattern `money.AMOUNT_PATTERN` (RE2, whose `\\d` is ASCII as Python's `re.ASCII`),
    then integer arithmetic as `money.amount_from_match` does it.
    """
    v = _clean(s)
    values, ok, beyond = _amounts_arrow(text_array(v))
    ore = pd.Series(pd.arrays.IntegerArray(values, ~ok), index=v.index)
    ok_s = pd.Series(ok, index=v.index)
    bad = ~ok_s & ((v != "") | required)
    beyond_s = pd.Series(beyond, index=v.index)
    errors = _errors(bad & ~beyond_s, column, AMOUNT_EXPECTED, _quoted_or_nothing(v))
    if beyond.any():  # the sentence built for those rows only, not for a million
        errors[beyond_s] = (
            f"column '{column}': expected {BOUND_EXPECTED}, found '" + v[beyond_s] + "'"
        )
    return ore, errors


# `AMOUNT_PATTERN` with named groups; the first group may be empty (no minus sign).
_AMOUNT_GROUPS = (
    r"^(?P<sign>-?)(?P<whole>\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+|\d+)(?:,(?P<dec>\d{1,2}))?$"
)
_WHOLE_DIGITS = len(str(MAX_AMOUNT_ORE // ORE_PER_KRONA))


def _amounts_arrow(texts: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Öre per text, whether it read, and whether it is shaped right but beyond the bound.

    One match of the pattern, then plain kernels: a text of that shape holds only its
    sign, digits, group separators and a decimal comma, so its digits without the rest
    are the kronor then the öre, and the comma's place says how many öre digits there
    are (extracting the pattern's groups took twice as long as all of this).
    """
    shaped = _bools(pc.match_substring_regex(texts, _AMOUNT_GROUPS))
    digits = texts
    for mark in _AMOUNT_MARKS:
        digits = pc.replace_substring(digits, mark, "")
    digits = pc.utf8_ltrim(digits, "0")
    two = _bools(pc.equal(pc.utf8_slice_codeunits(texts, -3, -2), ","))
    one = _bools(pc.match_substring(texts, ",")) & ~two
    decimals = np.where(two, 2, np.where(one, 1, 0))
    # Length first, as `amount_from_match` does: a 10^4300-digit text is never parsed.
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    short = shaped & (length - decimals <= _WHOLE_DIGITS)
    digits = pc.if_else(short, pc.if_else(pc.equal(digits, ""), "0", digits), "0")
    number = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    ore = number * np.array([ORE_PER_KRONA, ORE_PER_KRONA // 10, 1])[decimals]
    within = short & (ore <= MAX_AMOUNT_ORE)
    negative = _bools(pc.starts_with(texts, "-"))
    ok = shaped & within
    values = np.where(ok, np.where(negative, -ore, ore), 0).astype(np.int64)
    return values, ok, shaped & ~within


# What a shaped amount holds beside its digits: the sign, the group separators, the comma.
_AMOUNT_MARKS = ("-", ",", " ", "\u00a0", "\u202f")


def _bools(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow result as NumPy, missing as False."""
    return values.fill_null(False).to_numpy(zero_copy_only=False)


def iso_date(s: pd.Series, column: str, required: bool = True) -> tuple[pd.Series, pd.Series]:
    """ISO dates to datetime64; `2017-13-01` and `13/01/2017` are refused."""
    v = _clean(s)
    empty = v == ""
    shaped = v.str.fullmatch(_DATE_RE).fillna(False)
    parsed = _dates_by_arrow(v.where(shaped))
    if parsed is None:
        parsed = pd.to_datetime(v.where(shaped), format="%Y-%m-%d", errors="coerce")
        parsed = parsed.astype("datetime64[s]")
    bad = (parsed.isna() & ~empty) | (empty & required)
    return parsed, _errors(bad, column, DATE_EXPECTED, _quoted_or_nothing(v))


_FIRST_DAY = np.datetime64("0001-01-01", "s")


def _dates_by_arrow(texts: pd.Series) -> pd.Series | None:
    """`YYYY-MM-DD` texts (or missing) as `datetime64[s]` by Arrow's cast, which takes a
    million in a sixth of pandas' time; None when any is no real day (the cast refuses
    the whole column: `2017-02-30`) or falls before year 1, which pandas does not read,
    so pandas reads the column and says which."""
    try:
        stamps = pc.cast(text_array(texts), pa.timestamp("s"))
    except pa.ArrowInvalid:
        return None
    days = stamps.to_numpy(zero_copy_only=False).astype("datetime64[s]")
    if (days[~np.isnat(days)] < _FIRST_DAY).any():
        return None
    return pd.Series(days, index=texts.index, name=texts.name, dtype="datetime64[s]")


def org_number(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """Organisation numbers to their 10-digit form.

    The error message describes the value's shape but never repeats it: a malformed
    number may still be a personal identity number.
    """
    v = _clean(s).str.replace(" ", "", regex=False)
    texts = text_array(v)
    # A value of that shape is its ten digits with a century and a separator or not, so
    # the ten are its last ten characters once a separator is gone: two plain kernels
    # after one match, where extracting the two groups took three times as long.
    shaped = pc.match_substring_regex(texts, f"^{_ORGNR_RE}$")
    digits = pc.replace_substring(pc.replace_substring(texts, "-", ""), "+", "")
    ten = pc.utf8_slice_codeunits(digits, -10)
    out = pd.Series(pc.if_else(shaped, ten, None), index=v.index, dtype="string")

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


def check_total_of(amounts: list[pd.Series], source: str) -> None:
    """`money.check_total` of the amounts together, exact and without a Python sum over
    a million of them (`sums.exact_sum` of their sizes). An amount beyond
    `MAX_AMOUNT_ORE` (never, after validation) goes to `check_total` itself."""
    values = [a.to_numpy(dtype=np.int64) for a in amounts]
    ore = np.concatenate(values) if values else np.zeros(0, dtype=np.int64)
    if not len(ore):
        return
    if ore.min() < -MAX_AMOUNT_ORE or ore.max() > MAX_AMOUNT_ORE:
        check_total(ore.tolist(), source)
        return
    if exact_sum(np.abs(ore)) > MAX_TOTAL_ORE:
        check_total(ore.tolist(), source)  # it says what was found, in kronor


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
