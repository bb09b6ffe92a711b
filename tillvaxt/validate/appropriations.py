"""appropriations/*.csv: the state's allocation per year, kept by the controller."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from schemas.appropriations import Appropriations
from schemas.raw import optional_headers, raw_names, required_headers
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, RAW_COL, SourceFiles
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, model_verdict, quarantine_rows, quarantined

# The raw headers, from the model's field metadata (schemas/raw.py).
REQUIRED = required_headers(Appropriations)
OPTIONAL = optional_headers(Appropriations)
RAW_NAMES = raw_names(Appropriations)
FILES = SourceFiles("appropriations", tuple(REQUIRED), must_exist=True)


@dataclass
class ValidatedAppropriations(Validated):
    """Allocations, one per year, plus identical repeats merged and the years missing."""

    duplicates_merged: int = 0
    # Quarantine records that stand for no raw row: a year missing between two on file.
    missing_years: int = 0

    @property
    def merged(self) -> int:
        return self.duplicates_merged

    @property
    def not_rows(self) -> int:
        return self.missing_years


def read_appropriations(raw_dir: Path) -> pd.DataFrame:
    """Every appropriation file as text."""
    return FILES.read(raw_dir)


def validate_appropriations(raw: pd.DataFrame) -> ValidatedAppropriations:
    """Type the appropriation rows; a year given twice with different figures is an input error."""
    raw = raw.reset_index(drop=True)
    for col in OPTIONAL:
        if col not in raw.columns:
            raw[col] = ""
    year, e1 = fields.integer(raw["År"], "År", r"\d{4}", "a four-digit year")
    approp, e2 = fields.required_text(raw["Anslag"], "Anslag")
    alloc, e3 = fields.amount_ore(raw["Tilldelat belopp"], "Tilldelat belopp")
    credit, e4 = fields.amount_ore(raw["Anslagskredit"], "Anslagskredit", required=False)
    cap, e5 = fields.amount_ore(
        raw["Högsta anslagssparande"], "Högsta anslagssparande", required=False
    )
    typed = pd.DataFrame(
        {
            "year": year,
            "appropriation": approp,
            "allocated_ore": alloc,
            "credit_limit_ore": credit.fillna(0),
            "max_savings_ore": cap,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e1, e2, e3, e4, e5)
    bad = errors != ""
    good = typed[~bad].astype(
        {"year": "int64", "allocated_ore": "int64", "credit_limit_ore": "int64"}
    )
    bad = model_verdict(errors, good, Appropriations, RAW_NAMES, raw)
    years, codes = _quarantine_year_and_code(raw, typed, bad)
    quarantine = quarantined(
        "appropriations",
        typed,
        errors,
        bad,
        years=years,
        appropriations=codes,
    )
    accepted = good[~bad[good.index]].reset_index(drop=True)
    valid = _one_row_per_year(accepted)
    gaps = _missing_years(valid, quarantine)
    return ValidatedAppropriations(
        valid=valid,
        quarantine=pd.concat([quarantine, gaps], ignore_index=True) if len(gaps) else quarantine,
        rows_read=len(raw),
        duplicates_merged=len(accepted) - len(valid),
        missing_years=len(gaps),
    )


def _missing_years(valid: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """A quarantine record for every year missing between two years of an appropriation.

    Without it the chain would take the missing year as allocated 0 and most likely
    report a `credit_breach` nobody made. A year whose row is on file but unreadable is
    already in quarantine and is no gap. The record points at the row after the gap.
    """
    records = []
    for code, rows in valid.groupby("appropriation", sort=True):
        rows = rows.sort_values("year")
        mine = [
            y
            for y, a in zip(quarantine["year"], quarantine["appropriation"], strict=True)
            if a is None or pd.isna(a) or a == code
        ]
        if any(pd.isna(y) for y in mine):
            continue  # an unreadable row of unknown year may be the missing one
        known = set(rows["year"]) | {int(y) for y in mine}
        years = list(rows["year"])
        for before, after in itertools.pairwise(years):
            nxt = rows[rows["year"] == after].iloc[0]
            for y in range(before + 1, after):
                if y in known:
                    continue
                records.append(
                    {
                        "file": nxt["source_file"],
                        "line": int(nxt["source_line"]),
                        "year": y,
                        "appropriation": code,
                        "reason": f"no row for {code} {y} between {before} and {after}: the "
                        "year's allocation and credit limit are unknown, so "
                        f"{y} and every later year of {code} are incomplete",
                    }
                )
    if not records:
        return quarantine.iloc[0:0]
    gaps = pd.DataFrame(records)
    return quarantine_rows(
        "appropriations",
        gaps["file"],
        gaps["line"],
        gaps["reason"],
        years=gaps["year"],
        appropriations=gaps["appropriation"],
        rule="missing_year",
    )


def _quarantine_year_and_code(
    raw: pd.DataFrame, typed: pd.DataFrame, bad: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The year and appropriation an unreadable allocation row may change.

    A record whose fields do not line up with the header has its values in the wrong
    columns: its `Anslag` cannot be trusted (it may be any appropriation's), and its
    year is the one four-digit year standing alone in the line, if there is exactly one
    (else unknown, which makes every year incomplete).
    """
    years = typed.loc[bad, "year"].astype("Int64")
    codes = typed.loc[bad, "appropriation"].astype("object")
    misaligned = raw.loc[bad, ERROR_COL].astype("string").fillna("") != ""
    if misaligned.any() and RAW_COL in raw.columns:
        for idx in misaligned[misaligned].index:
            found = {
                int(f.strip())
                for f in str(raw.at[idx, RAW_COL]).split(";")
                if re.fullmatch(r"\s*(?:19|20)[0-9]{2}\s*", f)
            }
            years[idx] = found.pop() if len(found) == 1 else pd.NA
            codes[idx] = None
    return years, codes


def _one_row_per_year(valid: pd.DataFrame) -> pd.DataFrame:
    """Identical repeats of a year are one; differing ones are an error naming both lines."""
    content = ["year", "appropriation", "allocated_ore", "credit_limit_ore", "max_savings_ore"]
    deduped = valid.drop_duplicates(subset=content, keep="first")
    dup = deduped[deduped.duplicated(subset=["year", "appropriation"], keep=False)]
    if len(dup):
        first, second = dup.iloc[0], dup.iloc[1]
        raise InputError(
            second["source_file"],
            f"one allocation for {first['appropriation']} {first['year']} "
            f"(as on line {first['source_line']} of {first['source_file']})",
            "a different one",
            line=int(second["source_line"]),
        )
    return deduped.sort_values(["appropriation", "year"]).reset_index(drop=True)
