"""appropriations/*.csv: the state's allocation per year, kept by the controller."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from schemas.appropriations import Appropriations
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, read_source_dir
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, quarantine_rows, schema_failures

REQUIRED = ["År", "Anslag", "Tilldelat belopp", "Anslagskredit"]
OPTIONAL = ["Högsta anslagssparande"]
RAW_NAMES = {
    "year": "År",
    "appropriation": "Anslag",
    "allocated_ore": "Tilldelat belopp",
    "credit_limit_ore": "Anslagskredit",
    "max_savings_ore": "Högsta anslagssparande",
}


def read_appropriations(raw_dir: Path) -> pd.DataFrame:
    """Every appropriation file as text."""
    return read_source_dir(raw_dir / "appropriations", raw_dir, REQUIRED, must_exist=True)


def validate_appropriations(raw: pd.DataFrame) -> Validated:
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
    more = schema_failures(good, Appropriations, RAW_NAMES, raw)
    errors[more.index] = fields.join_errors(errors[more.index], more)
    bad = errors != ""
    quarantine = quarantine_rows(
        "appropriations",
        typed.loc[bad, "source_file"],
        typed.loc[bad, "source_line"],
        errors[bad],
        years=typed.loc[bad, "year"],
        appropriations=typed.loc[bad, "appropriation"],
    )
    valid = good[~bad[good.index]].reset_index(drop=True)
    valid = _one_row_per_year(valid)
    return Validated(valid=valid, quarantine=quarantine, rows_read=len(raw))


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
