"""decisions/*.csv|*.xlsx: full snapshots of the grant-decision register; the newest rules."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from schemas.decisions import Decisions
from schemas.raw import optional_headers, raw_names, required_headers
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import ERROR_COL, FILE_COL, LINE_COL, SourceFiles
from tillvaxt.region import Region
from tillvaxt.validate import fields
from tillvaxt.validate.quarantine import Validated, model_verdict, quarantined

# The raw headers, from the model's field metadata (schemas/raw.py).
REQUIRED = required_headers(Decisions)
OPTIONAL = optional_headers(Decisions)
RAW_NAMES = raw_names(Decisions)
FILES = SourceFiles("decisions", tuple(REQUIRED), ("*.csv", "*.xlsx"), must_exist=True)
_SNAPSHOT_NAME = re.compile(r"beslut_(\d{8})\.(csv|xlsx)$", re.IGNORECASE)


def read_decisions(raw_dir: Path) -> pd.DataFrame:
    """Every decision snapshot (CSV and XLSX) as text."""
    return FILES.read(raw_dir)


def snapshot_date(label: str) -> pd.Timestamp:
    """The date in a snapshot's file name, which orders the snapshots."""
    m = _SNAPSHOT_NAME.search(label)
    ts = pd.to_datetime(m.group(1), format="%Y%m%d", errors="coerce") if m else pd.NaT
    if pd.isna(ts):
        raise InputError(
            label,
            "a file name like beslut_YYYYMMDD.csv or .xlsx (the export date)",
            f"'{Path(label).name}'",
        )
    return ts


def validate_decisions(raw: pd.DataFrame, region: Region) -> Validated:
    """Type every snapshot's rows; mark the newest snapshot authoritative."""
    raw = raw.reset_index(drop=True)
    for col in OPTIONAL:
        if col not in raw.columns:
            raw[col] = ""
    snapshots = {f: snapshot_date(f) for f in raw[FILE_COL].unique()}
    dates = pd.Series(
        raw[FILE_COL].map(snapshots).to_numpy(dtype="datetime64[s]"),
        index=raw.index,
        dtype="datetime64[s]",
    )
    newest = dates.max() if len(dates) else pd.NaT
    if len(raw):
        newest_files = sorted({f for f, d in snapshots.items() if d == newest})
        if len(newest_files) > 1:
            raise InputError(
                newest_files[1],
                "one newest snapshot per date",
                f"two files dated {newest.date()}: {', '.join(newest_files)}",
            )

    did, e1 = fields.required_text(fields.case_number(raw["Diarienummer"]), "Diarienummer")
    ddate, e2 = fields.iso_date(raw["Beslutsdatum"], "Beslutsdatum")
    inst, e3 = fields.required_text(raw["Insats"], "Insats")
    org, e4 = fields.org_number(raw["Organisationsnummer"], "Organisationsnummer")
    granted, e5 = fields.amount_ore(raw["Beviljat belopp"], "Beviljat belopp")
    cofin, e6 = fields.amount_ore(raw["Medfinansiering"], "Medfinansiering", required=False)
    start, e7 = fields.iso_date(raw["Projektstart"], "Projektstart")
    end, e8 = fields.iso_date(raw["Projektslut"], "Projektslut")
    status, e9 = fields.required_text(raw["Status"], "Status")
    prio_text = fields.optional_text(raw["Prioritering"])
    prio_code = _priority_codes(prio_text, region)
    order_bad = start.notna() & end.notna() & (end < start)
    e10 = fields.no_reasons(raw.index).mask(
        order_bad,
        "column 'Projektslut': expected a date on or after Projektstart, found '"
        + raw["Projektslut"].astype("string").str.strip()
        + "'",
    )
    typed = pd.DataFrame(
        {
            "decision_id": did,
            "decision_date": ddate,
            "instrument": inst.str.upper(),
            "org_number": org,
            "applicant_name": fields.optional_text(raw["Sökande"]),
            "project_name": fields.optional_text(raw["Projektnamn"]),
            "granted_ore": granted,
            "cofinancing_ore": cofin.fillna(0),
            "project_start": start,
            "project_end": end,
            "priority_text": prio_text,
            "priority_code": prio_code,
            "status": status,
            "eu_case_id": fields.optional_text(raw["EU-ärende"]),
            "snapshot_date": dates,
            "authoritative": dates == newest,
            "source_file": raw[FILE_COL].astype("str"),
            "source_line": raw[LINE_COL].astype("int64"),
        }
    )
    errors = fields.row_errors(raw[ERROR_COL], e1, e2, e3, e4, e5, e6, e7, e8, e9, e10)
    # A case number is unique within a snapshot; a repeat cannot be told apart from the first.
    dup = typed["decision_id"].notna() & typed.duplicated(
        subset=["source_file", "decision_id"], keep="first"
    )
    errors = fields.join_errors(
        errors,
        fields.no_reasons(raw.index).mask(
            dup,
            "column 'Diarienummer': expected a case number unique in the snapshot, found '"
            + did.fillna("")
            + "' again",
        ),
    )
    bad = errors != ""
    good = typed[~bad].astype({"granted_ore": "int64", "cofinancing_ore": "int64"})
    bad = model_verdict(errors, good, Decisions, RAW_NAMES, raw)
    quarantine = quarantined(
        "decisions",
        typed,
        errors,
        bad,
        years=_quarantine_years(ddate, raw["Beslutsdatum"], bad),
    )
    valid = (
        good[~bad[good.index]].sort_values(["snapshot_date", "decision_id"]).reset_index(drop=True)
    )
    for file, snapshot in valid.groupby("source_file"):
        fields.check_total_of([snapshot["granted_ore"], snapshot["cofinancing_ore"]], file)
    return Validated(valid=valid, quarantine=quarantine, rows_read=len(raw))


def _quarantine_years(dates: pd.Series, texts: pd.Series, bad: pd.Series) -> pd.Series:
    """The year of each quarantined row: its decision date's, else a year leading the
    date's text; looked for in the quarantined rows only (a Python regex per row)."""
    text = texts[bad].astype("string")
    found = text.str.extract(r"^\s*((?:19|20)\d{2})\D")[0].astype("Int64")
    return dates.dt.year.astype("Int64")[bad].fillna(found)


def _priority_codes(texts: pd.Series, region: Region) -> pd.Series:
    """The priority code each `Prioritering` text names (missing when none), as a string
    column; each distinct text matched once (a register repeats a few dozen texts)."""
    codes = {
        t: (p.code if (p := region.match_priority(t)) else pd.NA)
        for t in pd.unique(texts.dropna()).tolist()
    }
    return texts.map(codes).astype("string")


def authoritative(decisions: pd.DataFrame) -> pd.DataFrame:
    """The register as of the newest snapshot, one row per case number."""
    return decisions[decisions["authoritative"]].reset_index(drop=True)
