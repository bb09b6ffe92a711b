"""eu_projects/*.csv: Tillväxtverket's project bank for the EU funds (optional source).

This export is *not* in the finance-system dialect the other sources share: it is
`,`-separated UTF-8 with double-quoted fields that hold commas and line breaks, and
plain integer amounts (`3929285`). Python's `csv` module reads that correctly as
long as the text is handed over with its line breaks untouched; a record's line is
the physical line it *starts* on, so a finding can point at it even after a
multi-line project description.

The folder is optional: when nothing is delivered the register is empty and the
EU checks that need it do not run (see `tillvaxt.rules.eu`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tillvaxt.rawfiles import (
    ERROR_COL,
    FILE_COL,
    LINE_COL,
    SourceFiles,
    counts_as_input,
    decode,
    read_delimited_text,
)
from tillvaxt.region import Region
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, quarantined

REQUIRED = ["ärende-id", "projekt_starttid", "projekt_sluttid", "län"]
# Declared like the other sources; read by `read_eu_projects` (','-separated, multi-line).
FILES = SourceFiles("eu_projects", tuple(REQUIRED))
OPTIONAL = [
    "område",
    "insatsområde",
    "tematiskt_mål",
    "stödmottagare",
    "projektnamn",
    "beviljat_belopp_sek",
    "kommuner",
]
COLUMNS = [
    "case_id",
    "area",
    "priority_axis",
    "thematic_objective",
    "beneficiary",
    "project_name",
    "granted_ore",
    "project_start",
    "project_end",
    "counties",
    "municipalities",
    "source_file",
    "source_line",
]


def _empty_raw() -> pd.DataFrame:
    cols = {c: pd.Series([], dtype="string") for c in REQUIRED + OPTIONAL}
    cols[FILE_COL] = pd.Series([], dtype="string")
    cols[LINE_COL] = pd.Series([], dtype="int64")
    cols[ERROR_COL] = pd.Series([], dtype="string")
    return pd.DataFrame(cols)


def read_eu_projects(raw_dir: Path) -> pd.DataFrame:
    """Every register file in `<raw>/eu_projects/` as text; an empty frame when none is delivered."""
    folder = raw_dir / "eu_projects"
    files = (
        sorted(
            p
            for p in folder.iterdir()
            if counts_as_input(p, raw_dir) and p.suffix.lower() == ".csv"
        )
        if folder.is_dir()
        else []
    )
    frames = []
    for path in files:
        label = path.relative_to(raw_dir).as_posix()
        text = decode(path, path.read_bytes(), label)
        frames.append(read_delimited_text(text, label, REQUIRED, delimiter=","))
    if not frames:
        return _empty_raw()
    out = pd.concat(frames, ignore_index=True)
    for col in OPTIONAL:
        if col not in out.columns:
            out[col] = pd.Series("", index=out.index, dtype="string")
    return out


def validate_eu_projects(raw: pd.DataFrame) -> Validated:
    """Type the register: integer SEK to öre, ISO dates; a repeated case id is quarantined."""
    raw = raw.reset_index(drop=True)
    case_id, e1 = fields.required_text(raw["ärende-id"], "ärende-id")
    start, e2 = fields.iso_date(raw["projekt_starttid"], "projekt_starttid")
    end, e3 = fields.iso_date(raw["projekt_sluttid"], "projekt_sluttid")
    amount_text = raw["beviljat_belopp_sek"].astype("string").fillna("").str.strip()
    granted, e4 = fields.integer(
        amount_text.mask(amount_text == "", "0"),
        "beviljat_belopp_sek",
        pattern=r"-?\d+",
        expected="a whole number of kronor like 3929285, within ±10 000 000 000 000",
        max_abs=10**13,
    )
    typed = pd.DataFrame(
        {
            "case_id": case_id,
            "area": fields.optional_text(raw["område"]),
            "priority_axis": fields.optional_text(raw["insatsområde"]),
            "thematic_objective": fields.optional_text(raw["tematiskt_mål"]),
            "beneficiary": fields.optional_text(raw["stödmottagare"]),
            "project_name": fields.optional_text(raw["projektnamn"]),
            "granted_ore": granted * 100,
            "project_start": start,
            "project_end": end,
            "counties": fields.optional_text(raw["län"]).fillna(""),
            "municipalities": fields.optional_text(raw["kommuner"]).fillna(""),
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    repeat = case_id.notna() & case_id.duplicated(keep="first")
    e5 = pd.Series("", index=raw.index, dtype="string").mask(
        repeat,
        "column 'ärende-id': expected a case id listed once, found '"
        + case_id.fillna("")
        + "' again",
    )
    errors = fields.row_errors(raw[ERROR_COL], e1, e2, e3, e4, e5)
    bad = errors != ""
    quarantine = quarantined("eu_projects", typed, errors, bad)
    valid = typed[~bad].astype({"granted_ore": "int64"}).reset_index(drop=True)
    return Validated(valid=valid[COLUMNS], quarantine=quarantine, rows_read=len(raw))


def county_names(counties: str) -> list[str]:
    """The counties a project covers, from the register's comma-separated `län` field."""
    return [c.strip() for c in str(counties).split(",") if c.strip()]


def covers_county(counties: str, region: Region) -> bool:
    """Whether the project covers the region's county (`Halland` or `Hallands län`)."""
    names = {region.county_short.casefold(), region.county_name.casefold()}
    return any(c.casefold() in names for c in county_names(counties))
