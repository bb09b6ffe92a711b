"""pandas columns as Arrow arrays, for the vectorised paths of validation, rules and publishing.

Each of these is a place where a fast path must be sure it sees what the slow path
would: a column of several chunks is combined (Arrow kernels that build arrays from
several inputs want one chunk each), an object column is taken only when every value
is exactly of the expected type, and money only when Arrow need not round it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# NUMERIC(18,2): two decimals, up to 10^16 kr, what the warehouse holds.
CENTS = pa.decimal128(18, 2)


def single(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (a frame of several files holds its texts in chunks)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def text_array(column: pd.Series, type_: pa.DataType | None = None) -> pa.Array:
    """A text column as one Arrow string array (`string` unless `type_` says otherwise)."""
    return single(pa.array(column.array, type_ or pa.string()))


def ascending_positions(keys: dict[str, object]) -> np.ndarray:
    """Row positions in the order of `keys` (column name -> array), the first key first:
    each ascending, missing last, ties in row order (Arrow's sort is stable), texts by
    code point as Python compares them. One sort of a few key columns, for a frame then
    taken once, in place of `sort_values` factorising each text key and moving every
    column."""
    table = pa.table(keys)
    return pc.sort_indices(table, [(k, "ascending") for k in table.column_names]).to_numpy()


def places_in(values: pd.Series, order: Sequence[Hashable]) -> np.ndarray:
    """Each value's place in `order` (int64; a value listed twice keeps its last place),
    `len(order)` for any other value and for a missing one: a sort key that puts values
    in a report's order, the others after.

    Each distinct value is looked up once (`factorize`), not each row: mapping half a
    million rule names through a dict cost 0.12 s, factorising them 0.03 s."""
    place = {v: i for i, v in enumerate(order)}
    codes, seen = pd.factorize(values, use_na_sentinel=True)
    last = len(order)
    ranks = np.array([place.get(v, last) for v in seen.tolist()] + [last], dtype=np.int64)
    return ranks[codes]  # code -1 (missing) takes the last entry


def all_exactly(values: Iterable[object], kind: type) -> bool:
    """Is every one of `values` exactly a `kind` (a subclass, such as a bool among ints,
    is not)? One pass over the values' types, the check behind every fast path here."""
    return set(map(type, values)) <= {kind}


def uniform_array(column: pd.Series, kind: type, type_: pa.DataType) -> pa.Array | None:
    """An object column whose values are all exactly `kind` (missing aside) as an Arrow
    array of `type_`; None when it holds anything else, or Arrow refuses a value."""
    if not pd.api.types.is_object_dtype(column.dtype):
        return None
    return uniform_values(column.to_numpy(dtype=object), column.isna().to_numpy(), kind, type_)


def uniform_values(
    values: np.ndarray, missing: np.ndarray, kind: type, type_: pa.DataType
) -> pa.Array | None:
    """`uniform_array` of an object column's values and missing mask, for a caller
    that has them already."""
    if not all_exactly(values[~missing], kind):
        return None
    try:
        return pa.array(values, type=type_, mask=missing)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None


def present_values(column: pd.Series, kind: type) -> tuple[np.ndarray, np.ndarray] | None:
    """The present values of a column (an object array) with its missing mask, or None
    unless every present value is exactly a `kind` (a subclass, such as a bool among
    ints, is not)."""
    values = column.to_numpy(dtype=object)
    missing = column.isna().to_numpy()
    present = values[~missing]
    return (present, missing) if all_exactly(present, kind) else None


def cents(column: pd.Series) -> tuple[pa.Array, np.ndarray] | None:
    """The present values of a column of Decimals exact to the öre as a `CENTS` array,
    with the column's missing mask; None if any value is not a Decimal, is finer than an
    öre or is too large (Arrow refuses to round: `Rescaling ... data loss`)."""
    if (found := present_values(column, Decimal)) is None:
        return None
    present, missing = found
    try:
        return pa.array(present, type=CENTS), missing
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None


# Two decimals at the widest precision: any int64 öre fits.
WIDE_CENTS = pa.decimal128(38, 2)


def ore_cents(ore: np.ndarray) -> pa.Array:
    """int64 öre as exact kronor, a `WIDE_CENTS` array, in one pass: a two-decimal
    decimal's unscaled value is the öre (little-endian 128 bits: the öre, then its sign
    extension), so no value is looked at one by one."""
    ints = np.ascontiguousarray(ore, dtype=np.int64)
    words = np.empty((len(ints), 2), dtype=np.int64)
    words[:, 0], words[:, 1] = ints, ints >> 63
    return pa.Array.from_buffers(WIDE_CENTS, len(ints), [None, pa.py_buffer(words)])
