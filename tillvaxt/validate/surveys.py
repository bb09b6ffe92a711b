"""surveys/: recipient profiles (`mottagarprofil_*.csv`) and the population survey (`befolkningsenkat_*.csv`).

Both are read like every other source: each raw row is either validated or sent to
quarantine with its file, line and reason. Group values must be one of Statistics
Sweden's labels or empty (unknown); a misspelt label is quarantined, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from schemas.surveys import PopulationSurvey, RecipientProfiles
from tillvaxt.groups import CATEGORIES, DIMENSIONS
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, SourceFiles
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, model_verdict, quarantined

# Internal column → the name in the file, so a rejected row's reason names the file's column.
RAW_NAMES = {
    **{k: v for k, v in DIMENSIONS.items()},
    "org_number": "Organisationsnummer",
    "respondent_id": "Löpnummer",
    "year": "År",
    "municipality_code": "Kommun",
    "stratum": "Stratum",
    "weight": "Vikt",
}
PROFILE_REQUIRED = ["Organisationsnummer", *DIMENSIONS.values()]
SURVEY_REQUIRED = ["Löpnummer", "År", "Kommun", *DIMENSIONS.values(), "Stratum", "Vikt"]
PROFILE_FILES = SourceFiles("surveys", tuple(PROFILE_REQUIRED), ("mottagarprofil_*.csv",))
SURVEY_FILES = SourceFiles("surveys", tuple(SURVEY_REQUIRED), ("befolkningsenkat_*.csv",))
INDICATOR_PREFIX = "Ind_"

# A positive decimal with a decimal comma, optionally space-grouped: `35,42`, `1 204,5`.
_WEIGHT_RE = r"([0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+)(?:,([0-9]+))?"
WEIGHT_EXPECTED = "a weight with decimal comma like '35,42'"


@dataclass
class ValidatedProfiles(Validated):
    """Profiles, one per organisation, plus how many older rows a later one replaced."""

    superseded: int = 0

    @property
    def merged(self) -> int:
        return self.superseded


@dataclass
class ValidatedSurvey(Validated):
    """Survey respondents, plus identical repeats merged across overlapping files."""

    duplicates_merged: int = 0

    @property
    def merged(self) -> int:
        return self.duplicates_merged


def read_profiles(raw_dir: Path) -> pd.DataFrame:
    """Every recipient-profile file as text."""
    return PROFILE_FILES.read(raw_dir)


def read_survey(raw_dir: Path) -> pd.DataFrame:
    """Every population-survey file as text (each may carry its own `Ind_` columns)."""
    return SURVEY_FILES.read(raw_dir)


def category(s: pd.Series, dim: str) -> tuple[pd.Series, pd.Series]:
    """A group value: one of the dimension's labels, or empty (unknown)."""
    v = s.astype("string").fillna("").str.strip()
    ok = v.isin(CATEGORIES[dim]) | (v == "")
    expected = "one of " + ", ".join(f"'{c}'" for c in CATEGORIES[dim]) + " or empty"
    msg = pd.Series("", index=v.index, dtype="string")
    if (~ok).any():
        msg[~ok] = f"column '{DIMENSIONS[dim]}': expected {expected}, found '" + v[~ok] + "'"
    return v.mask(v == "").where(ok), msg


def weight(s: pd.Series, column: str = "Vikt") -> tuple[pd.Series, pd.Series]:
    """A design weight from its Swedish decimal text; `35.42` is refused, never read as 3542."""
    v = s.astype("string").fillna("").str.strip()
    parts = v.str.extract(f"^{_WEIGHT_RE}$")
    ok = parts[0].notna()
    out = pd.Series(float("nan"), index=v.index, dtype="float64")
    if ok.any():
        text = (
            parts.loc[ok, 0].str.replace(r"\D", "", regex=True) + "." + parts.loc[ok, 1].fillna("0")
        )
        out[ok] = text.astype("float64")
    msg = pd.Series("", index=v.index, dtype="string")
    if (~ok).any():
        found = ("'" + v + "'").mask(v == "", "nothing")
        msg[~ok] = f"column '{column}': expected {WEIGHT_EXPECTED}, found " + found[~ok]
    return out, msg


def indicator(s: pd.Series, column: str) -> tuple[pd.Series, pd.Series]:
    """A 0/1 indicator; empty is item non-response."""
    v = s.astype("string").fillna("").str.strip()
    ok = v.isin(["0", "1", ""])
    out = pd.Series(pd.NA, index=v.index, dtype="Int64")
    good = ok & (v != "")
    if good.any():
        out[good] = v[good].astype("int64")
    msg = pd.Series("", index=v.index, dtype="string")
    if (~ok).any():
        msg[~ok] = f"column '{column}': expected 0, 1 or empty, found '" + v[~ok] + "'"
    return out, msg


def _dims(raw: pd.DataFrame, names: list[str]) -> tuple[dict[str, pd.Series], list[pd.Series]]:
    values, errors = {}, []
    for dim in names:
        values[dim], e = category(raw[DIMENSIONS[dim]], dim)
        errors.append(e)
    return values, errors


def validate_profiles(raw: pd.DataFrame) -> ValidatedProfiles:
    """Type the profiles; an organisation listed again in a later file (or line) is replaced.

    Files are read in name order, so the newest delivery (`mottagarprofil_2024.csv` after
    `mottagarprofil_2023.csv`) describes the organisation; the replaced rows are counted.
    """
    raw = raw.reset_index(drop=True)
    org, e0 = fields.org_number(raw["Organisationsnummer"], "Organisationsnummer")
    dims, errs = _dims(raw, list(DIMENSIONS))
    typed = pd.DataFrame(
        {
            "org_number": org,
            **dims,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e0, *errs)
    good = typed[errors == ""]
    latest = good.sort_values(["source_file", "source_line"], kind="stable").drop_duplicates(
        subset=["org_number"], keep="last"
    )
    bad = model_verdict(errors, latest, RecipientProfiles, RAW_NAMES, raw)
    quarantine = quarantined("surveys", typed, errors, bad)
    valid = latest[~bad[latest.index]].sort_values("org_number").reset_index(drop=True)
    return ValidatedProfiles(
        valid=valid,
        quarantine=quarantine,
        rows_read=len(raw),
        superseded=len(good) - len(latest),
    )


def indicator_columns(frame: pd.DataFrame) -> list[str]:
    """The `Ind_` columns of a frame, in order."""
    return [c for c in frame.columns if c.startswith(INDICATOR_PREFIX)]


def validate_survey(raw: pd.DataFrame) -> ValidatedSurvey:
    """Type the respondents; a respondent id repeated in a year with other content is quarantined.

    Identical repeats (overlapping deliveries) are merged and counted.
    """
    raw = raw.reset_index(drop=True)
    rid, e0 = fields.required_text(raw["Löpnummer"], "Löpnummer")
    year, e1 = fields.integer(raw["År"], "År", r"\d{4}", "a four-digit year")
    kommun = fields.optional_text(raw["Kommun"])
    dims, errs = _dims(raw, list(DIMENSIONS))
    stratum, e2 = fields.required_text(raw["Stratum"], "Stratum")
    w, e3 = weight(raw["Vikt"])
    inds, ierrs = {}, []
    for col in indicator_columns(raw):
        inds[col], e = indicator(raw[col], col)
        ierrs.append(e)
    typed = pd.DataFrame(
        {
            "respondent_id": rid,
            "year": year,
            "municipality_code": kommun,
            **dims,
            "stratum": stratum,
            "weight": w,
            **inds,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e0, e1, *errs, e2, e3, *ierrs)
    good = typed[errors == ""].astype({"year": "int64"})
    content = [c for c in typed.columns if c not in ("source_file", "source_line")]
    ordered = good.sort_values(["source_file", "source_line"], kind="stable")
    distinct = ordered.drop_duplicates(subset=content, keep="first")
    again = distinct.duplicated(subset=["year", "respondent_id"], keep="first")
    if again.any():
        first = distinct[~again].set_index(["year", "respondent_id"])
        for idx, row in distinct[again].iterrows():
            f = first.loc[(row["year"], row["respondent_id"])]
            errors[idx] = (
                f"column 'Löpnummer': expected a respondent id unique in {row['year']}, found "
                f"'{row['respondent_id']}' already on line {f['source_line']} of {f['source_file']}"
            )
        distinct = distinct[~again]
    bad = model_verdict(errors, distinct, PopulationSurvey, RAW_NAMES, raw)
    quarantine = quarantined(
        "surveys",
        typed,
        errors,
        bad,
        years=typed.loc[bad, "year"],
    )
    valid = distinct[~bad[distinct.index]]
    valid = valid.sort_values(["year", "respondent_id"]).reset_index(drop=True)
    return ValidatedSurvey(
        valid=valid,
        quarantine=quarantine,
        rows_read=len(raw),
        duplicates_merged=len(good) - len(ordered.drop_duplicates(subset=content)),
    )
