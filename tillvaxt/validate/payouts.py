"""payouts/*.csv: the finance system's exports, overlapping, merged by voucher."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.payouts import Payouts
from schemas.raw import raw_names, required_headers
from tillvaxt.arrowcols import ascending_positions, text_array
from tillvaxt.orgnr import scrub
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, RAW_COL, SourceFiles
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, model_verdict, quarantined

# The raw headers, from the model's field metadata (schemas/raw.py).
REQUIRED = required_headers(Payouts)
RAW_NAMES = raw_names(Payouts)
FILES = SourceFiles("payouts", tuple(REQUIRED), must_exist=True)
CONTENT = [c for c in RAW_NAMES if c != "recipient_name"] + ["recipient_name"]


@dataclass
class ValidatedPayouts(Validated):
    """Validated payouts, plus vouchers that appear with different content in two files."""

    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    duplicates_merged: int = 0

    @property
    def merged(self) -> int:
        """Identical repeats merged, and the rows of conflicting vouchers set aside."""
        return self.duplicates_merged + len(self.conflicts)


def read_payouts(raw_dir: Path) -> pd.DataFrame:
    """Every payout export as text."""
    return FILES.read(raw_dir)


def validate_payouts(raw: pd.DataFrame) -> ValidatedPayouts:
    """Type every payout row, quarantine the unreadable, merge overlapping exports by voucher."""
    raw = raw.reset_index(drop=True)
    voucher, e1 = fields.required_text(raw["Verifikationsnummer"], "Verifikationsnummer")
    booked, e2 = fields.iso_date(raw["Bokföringsdatum"], "Bokföringsdatum")
    org, e3 = fields.org_number(raw["Organisationsnummer"], "Organisationsnummer")
    instrument, e4 = fields.required_text(raw["Insats"], "Insats")
    amount, e5 = fields.amount_ore(raw["Belopp"], "Belopp")
    approp, e6 = fields.required_text(raw["Anslag"], "Anslag")
    kommun, e7 = fields.required_text(raw["Kommun"], "Kommun")
    typed = pd.DataFrame(
        {
            "voucher_id": voucher,
            "booking_date": booked,
            "year": booked.dt.year.astype("Int64"),
            "decision_id": fields.case_number(raw["Diarienummer"]),
            "org_number": org,
            "recipient_name": fields.optional_text(raw["Mottagare"]),
            "instrument": instrument.str.upper(),
            "amount_ore": amount,
            "appropriation": approp,
            "municipality_code": kommun,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e1, e2, e3, e4, e5, e6, e7)
    bad = errors != ""
    good = typed[~bad].astype({"year": "int64", "amount_ore": "int64"})
    bad = model_verdict(errors, good, Payouts, {**RAW_NAMES, "year": "Bokföringsdatum"}, raw)
    year, approp_of_bad, errors = _quarantine_years(raw, typed, bad, errors, good.index)
    quarantine = quarantined(
        "payouts",
        typed,
        errors,
        bad,
        years=year,
        appropriations=approp_of_bad,
    )
    accepted = good[~bad[good.index]]
    fields.check_total_of([accepted["amount_ore"]], "payouts")
    merged, conflicts = merge_exports(accepted)
    return ValidatedPayouts(
        valid=merged,
        quarantine=quarantine,
        rows_read=len(raw),
        conflicts=conflicts,
        duplicates_merged=len(accepted) - len(merged) - _conflict_rows(conflicts),
    )


_DATE_IN_TEXT = r"(?<!\d)((?:19|20)\d{2})-\d{2}-\d{2}(?!\d)"


# A year standing on its own in a date's text (`2017-13-01`, `1/3/2017`), or leading a
# date written without separators (`20170105`).
_YEAR_IN_DATE = r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])"
_YEAR_OF_COMPACT_DATE = r"^((?:19|20)[0-9]{2})[0-9]{4}$"


def _quarantine_years(
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    bad: pd.Series,
    errors: pd.Series,
    readable: pd.Index,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The budget year and appropriation each unreadable row may change, and its reasons.

    A quarantined row must make its year `incomplete`, so its year is looked for hard:
    its booking date; else a year standing in its date text (`2017-13-01`, `1/3/2017`,
    `20170105`); else,
    for a record whose fields do not line up, a date anywhere in the line (a payout row
    holds one date, its booking date). Such a record's `Anslag` cannot be trusted, so
    it may be any appropriation's. When no year is found, the row counts against the
    earliest year its file's readable rows touch, which makes that year and every later
    one `incomplete`, and the reason says so. Worked out for the quarantined rows only:
    they are few, the export may be large.
    """
    date_text = raw.loc[bad, "Bokföringsdatum"].astype("string").str.strip()
    year = (
        typed.loc[bad, "year"]
        .fillna(date_text.str.extract(_YEAR_IN_DATE)[0].astype("Int64"))
        .fillna(date_text.str.extract(_YEAR_OF_COMPACT_DATE)[0].astype("Int64"))
    )
    misaligned = raw.loc[bad, ERROR_COL].astype("string").fillna("") != ""
    appropriation = typed.loc[bad, "appropriation"].astype("object").mask(misaligned, None)
    if RAW_COL in raw.columns:
        line_text = raw.loc[bad, RAW_COL].astype("string").fillna("")
        found = line_text.str.findall(_DATE_IN_TEXT)
        one = found.map(lambda ys: int(ys[0]) if len(set(ys)) == 1 else pd.NA).astype("Int64")
        year = year.mask(misaligned & year.isna(), one)
    errors = errors.copy()
    lost = year.isna()
    if lost.any():
        file_years = (
            typed.loc[readable.difference(bad[bad].index)]
            .groupby("source_file")["year"]
            .agg(lambda ys: sorted({int(y) for y in ys}))
        )
        for idx in lost[lost].index:
            file = typed.at[idx, "source_file"]
            years = file_years.get(file, [])
            if not years:
                continue  # nothing readable in the file: year unknown, every year incomplete
            year[idx] = years[0]
            errors[idx] = (
                f"{errors[idx]}; its booking date cannot be found, so every year {file}'s "
                f"readable rows touch ({', '.join(map(str, years))}) is incomplete"
            )
    return year, appropriation, errors


def _conflict_rows(conflicts: pd.DataFrame) -> int:
    return 0 if conflicts.empty else int(conflicts["extra_rows"].sum())


def merge_exports(payouts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per voucher; a voucher repeated with different content is a conflict.

    Identical repeats (the exports overlap) keep their first occurrence, in file-name
    then line order. A conflicting voucher keeps its first version in the table, so the
    frame stays one row per voucher, and is listed in the conflicts with both places.
    """
    # Only a voucher that occurs more than once can repeat or clash (the voucher id is
    # part of the content), so the file-and-line order and the comparisons of whole
    # rows are needed for those rows only: a few per cent of a million.
    repeated = repeated_values(payouts["voucher_id"])
    ordered = payouts[repeated].sort_values(["source_file", "source_line"], kind="stable")
    distinct = ordered[~ordered.duplicated(subset=CONTENT, keep="first")]
    later = distinct.duplicated(subset=["voucher_id"], keep="first")
    clash = distinct[distinct.duplicated(subset=["voucher_id"], keep=False)]
    records = []
    for voucher, grp in clash.groupby("voucher_id", sort=True):
        a = grp.iloc[0]
        for _, b in grp.iloc[1:].iterrows():
            differs = [RAW_NAMES[c] for c in CONTENT if not _same(a[c], b[c])]
            records.append(
                {
                    "voucher_id": voucher,
                    "years": sorted({int(a["year"]), int(b["year"])}),
                    "appropriations": sorted({a["appropriation"], b["appropriation"]}),
                    "file_a": a["source_file"],
                    "line_a": int(a["source_line"]),
                    "file_b": b["source_file"],
                    "line_b": int(b["source_line"]),
                    "columns": ", ".join(differs),
                    "extra_rows": 1,
                }
            )
    conflicts = pd.DataFrame(
        records,
        columns=[
            "voucher_id",
            "years",
            "appropriations",
            "file_a",
            "line_a",
            "file_b",
            "line_b",
            "columns",
            "extra_rows",
        ],
    )
    firsts = payouts.index.get_indexer(distinct.index[~later.to_numpy()])
    kept = np.concatenate([np.flatnonzero(~repeated), firsts])
    return payouts.take(_by_year_and_voucher(payouts, kept)).reset_index(drop=True), conflicts


def repeated_values(column: pd.Series) -> np.ndarray:
    """`column.duplicated(keep=False)` as a NumPy mask: by Arrow's dictionary encoding and
    a count per code for a text column (a million voucher ids: 0.33 -> 0.12 s), missing
    values counting as one value as in pandas; by pandas for any other column."""
    if not isinstance(column.dtype, pd.StringDtype):
        return column.duplicated(keep=False).to_numpy()
    codes = pc.dictionary_encode(text_array(column), null_encoding="encode").indices
    codes = codes.to_numpy(zero_copy_only=False)
    return np.bincount(codes)[codes] > 1


def _by_year_and_voucher(payouts: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """`rows` (positions in `payouts`, one per voucher) in year then voucher-id order.

    Arrow sorts the two keys in place of `sort_values` on the concatenated frame, and the
    frame is then taken once: concatenating, then sorting a million rows of every column
    was most of the merge. Voucher ids are distinct here, so the order has no ties, and
    Arrow compares texts by code point as pandas does.
    """
    order = ascending_positions(
        {
            "year": payouts["year"].to_numpy(dtype=np.int64)[rows],
            "voucher_id": pa.array(payouts["voucher_id"].iloc[rows], pa.string()),
        }
    )
    return rows[order]


def _same(a: object, b: object) -> bool:
    """Equal, or both missing (a value against a missing one differs; `NA == x` is no bool)."""
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    return bool(a == b)


def conflict_message(row: pd.Series) -> str:
    """A sentence naming the voucher, both files and both lines (a typed voucher id may hold
    a personal number, and the sentence goes to the event log)."""
    return scrub(
        f"voucher {row['voucher_id']} appears with different content in {row['file_a']} "
        f"line {row['line_a']} and {row['file_b']} line {row['line_b']} "
        f"(differs in: {row['columns']}); year(s) {', '.join(map(str, row['years']))} cannot be reconciled"
    )
