"""population/*.csv: Statistics Sweden's counts of people leading a business, per group.

The baseline for the representation ratio. `Antal` is a whole number (space grouping
allowed); group values as in the surveys, empty = unknown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from schemas.population import Population
from tillvaxt.groups import DIMENSIONS
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, SourceFiles
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, model_verdict, quarantined
from tillvaxt.validate.surveys import RAW_NAMES, category

POPULATION_DIMS = ["kon", "bakgrund", "utbildning", "aldersgrupp"]
REQUIRED = ["År", "Kommun", "Kön", "Bakgrund", "Utbildning", "Åldersgrupp", "Antal"]
FILES = SourceFiles("population", tuple(REQUIRED))


def read_population(raw_dir: Path) -> pd.DataFrame:
    """Every population file as text."""
    return FILES.read(raw_dir)


def validate_population(raw: pd.DataFrame) -> Validated:
    """Type the baseline counts; an unreadable count or label sends its row to quarantine."""
    raw = raw.reset_index(drop=True)
    year, e1 = fields.integer(raw["År"], "År", r"\d{4}", "a four-digit year")
    count, e2 = fields.integer(
        raw["Antal"].astype("string").str.replace(r"[ \u00a0\u202f](?=\d{3})", "", regex=True),
        "Antal",
        expected="a whole number of people like '1 204'",
    )
    dims, errs = {}, []
    for dim in POPULATION_DIMS:
        dims[dim], e = category(raw[DIMENSIONS[dim]], dim)
        errs.append(e)
    typed = pd.DataFrame(
        {
            "year": year,
            "municipality_code": fields.optional_text(raw["Kommun"]),
            **dims,
            "count": count,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e1, e2, *errs)
    good = typed[errors == ""].astype({"year": "int64", "count": "int64"})
    bad = model_verdict(errors, good, Population, {**RAW_NAMES, "count": "Antal"}, raw)
    quarantine = quarantined(
        "population",
        typed,
        errors,
        bad,
        years=typed.loc[bad, "year"],
    )
    valid = good[~bad[good.index]].reset_index(drop=True)
    return Validated(valid=valid, quarantine=quarantine, rows_read=len(raw))
