"""Splitting a typed frame into accepted rows and quarantined rows.

Two gates: the field parsers (format: amounts, dates, organisation numbers) and the
source's pandera model (values: allowed codes, ranges). A row failing either leaves
with its file, line and every reason; the rest go on. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from tillvaxt.money import format_swedish
from tillvaxt.orgnr import scrub
from tillvaxt.validate.fields import join_errors, no_reasons

QUARANTINE_COLUMNS = [
    "source",
    "source_file",
    "source_line",
    "year",
    "appropriation",
    "rule",
    "reason",
]


@dataclass
class Validated:
    """The outcome of validating one source: accepted rows, quarantined rows, rows read."""

    valid: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int

    @property
    def merged(self) -> int:
        """Raw rows accounted for without a row of their own (repeats merged, superseded)."""
        return 0

    @property
    def not_rows(self) -> int:
        """Quarantine records that stand for no raw row (e.g. a missing year)."""
        return 0


def empty_quarantine() -> pd.DataFrame:
    """A quarantine frame with no rows and the right columns."""
    return pd.DataFrame(
        {
            "source": pd.Series([], dtype="str"),
            "source_file": pd.Series([], dtype="str"),
            "source_line": pd.Series([], dtype="int64"),
            "year": pd.Series([], dtype="Int64"),
            "appropriation": pd.Series([], dtype="str"),
            "rule": pd.Series([], dtype="str"),
            "reason": pd.Series([], dtype="str"),
        }
    )


def quarantine_rows(
    source: str,
    files: pd.Series,
    lines: pd.Series,
    reasons: pd.Series,
    years: pd.Series | None = None,
    appropriations: pd.Series | None = None,
    rule: str = "unreadable_row",
) -> pd.DataFrame:
    """Quarantine records for the given rows (all series share one index).

    `rule` is `unreadable_row` for a raw row that could not be read, `missing_year` for
    a year missing between two on an appropriation file (no raw row of its own).
    """
    n = len(files)
    if n == 0:
        return empty_quarantine()
    return pd.DataFrame(
        {
            "source": pd.Series([source] * n, index=files.index, dtype="str"),
            "source_file": files.astype("str"),
            "source_line": lines.astype("int64"),
            "year": (years if years is not None else pd.Series(pd.NA, index=files.index)).astype(
                "Int64"
            ),
            "appropriation": _text_or_none(appropriations, files.index),
            "rule": pd.Series([rule] * n, index=files.index, dtype="str"),
            # A reason may quote a raw value; a personal number in it is masked here, so
            # not even the intermediate quarantine frame holds it.
            "reason": reasons.astype("str").map(scrub),
        }
    ).reset_index(drop=True)


def _text_or_none(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series([None] * len(index), index=index, dtype="object")
    return values.astype("object").where(values.notna(), None)


def schema_failures(
    frame: pd.DataFrame,
    model: type[pa.DataFrameModel],
    raw_names: dict[str, str] | None = None,
    raw: pd.DataFrame | None = None,
) -> pd.Series:
    """Per row, the pandera checks it fails as sentences (empty string when it passes).

    pandera stays the validator; its failure cases are put in the file's words: the
    column as the file names it, what the value must be (`check_sentence`), and the
    value as the file wrote it (from `raw`, so an amount reads `'-19 019,45'`, not
    öre). Frame-level failures (a missing column, a wrong dtype) are bugs in our
    parsing, not in the user's file, so they are raised.
    """
    reasons = no_reasons(frame.index)
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        rowwise = cases[cases["index"].notna()]
        if len(rowwise) < len(cases):
            raise
        columns = model.to_schema().columns
        names = raw_names or {}
        for idx, grp in rowwise.groupby("index", sort=False):
            msgs = []
            for _, c in grp.iterrows():
                col = c["column"] if isinstance(c["column"], str) else ""
                spec = columns.get(col)
                name = names.get(col, col if spec is not None else "the row")
                if c["check"] == "field_uniqueness":
                    must = "must appear only once"
                elif spec is not None and pd.notna(c["check_number"]):
                    must = check_sentence(spec, int(c["check_number"]), col)
                else:
                    must = f"must pass the check {c['check']}"
                msgs.append(f"{name} {must}, found {_as_written(raw, idx, name, col, c)}")
            reasons[idx] = "; ".join(msgs)
    return reasons


def _as_written(raw: pd.DataFrame | None, idx: object, name: str, col: str, case: pd.Series) -> str:
    if raw is not None and name in raw.columns and idx in raw.index:
        return f"'{str(raw.at[idx, name]).strip()}'"
    value = case["failure_case"]
    if col.endswith("_ore") and isinstance(value, int | float) and not isinstance(value, bool):
        return f"'{format_swedish(int(value), decimals=int(value) % 100 != 0)}'"
    return f"'{value}'"


def _kr(value: object, col: str) -> str:
    if col.endswith("_ore"):
        return f"{format_swedish(int(value), decimals=int(value) % 100 != 0)} kr"
    return str(value)


def check_sentence(column: pa.Column, number: int, col: str) -> str:
    """What a value must be, in words, for check `number` of a pandera column.

    A column may say it itself in its Field metadata (`{"must": "be four digits"}`),
    which a pattern needs; the common built-in checks are put in words here, with
    amounts (`*_ore`) in kronor.
    """
    own = (column.metadata or {}).get("must")
    if own:
        return f"must {own}"
    check = column.checks[number]
    stats = check.statistics or {}
    name = check.name
    if name == "greater_than_or_equal_to":
        low = stats["min_value"]
        return "must not be negative" if low == 0 else f"must be at least {_kr(low, col)}"
    if name == "greater_than":
        low = stats["min_value"]
        return "must be above 0" if low == 0 else f"must be above {_kr(low, col)}"
    if name == "less_than_or_equal_to":
        return f"must be at most {_kr(stats['max_value'], col)}"
    if name == "less_than":
        return f"must be below {_kr(stats['max_value'], col)}"
    if name == "in_range":
        return f"must be from {_kr(stats['min_value'], col)} to {_kr(stats['max_value'], col)}"
    if name == "isin":
        return "must be one of " + ", ".join(f"'{v}'" for v in stats["allowed_values"])
    if name == "str_length":
        lo, hi = stats.get("min_value"), stats.get("max_value")
        return f"must be {lo} characters long" if lo == hi else f"must be {lo} to {hi} characters"
    if name == "unique":
        return "must appear only once"
    return f"must pass the check {check.name}"


def model_verdict(
    errors: pd.Series,
    checked: pd.DataFrame,
    model: type[pa.DataFrameModel],
    raw_names: dict[str, str],
    raw: pd.DataFrame,
) -> pd.Series:
    """The second gate: the model's failures on `checked` (the rows the field parsers let
    through) added to `errors` in place; returns which rows are to be quarantined."""
    more = schema_failures(checked, model, raw_names, raw)
    more = more[more != ""]  # only the failing rows are touched: a handful in a million
    if len(more):
        errors[more.index] = join_errors(errors[more.index], more)
    return errors != ""


def quarantined(
    source: str, typed: pd.DataFrame, errors: pd.Series, bad: pd.Series, **where: pd.Series
) -> pd.DataFrame:
    """The quarantine records of the `bad` rows of a typed frame, with file, line and
    reasons (`where`: the years and appropriations, as `quarantine_rows` takes them)."""
    return quarantine_rows(
        source, typed.loc[bad, "source_file"], typed.loc[bad, "source_line"], errors[bad], **where
    )
