"""Tillväxtverket's project bank, copied as delivered (a real public register)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tools.sample_data.common import DEFAULT_OUT

EU_REGISTER_NAME = "se_tillvaxtverket_erdf_2014-2020_projects_2016-10-14.csv"


EU_REGISTER_CANDIDATES = (
    Path("/work/shared/data/real") / EU_REGISTER_NAME,
    DEFAULT_OUT / "eu_projects" / EU_REGISTER_NAME,
)


def eu_register_source(override: Path | None = None) -> Path:
    """Where to copy the real project bank from (`--eu-register`, shared data, committed copy)."""
    candidates = ([override] if override else []) + list(EU_REGISTER_CANDIDATES)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"EU project register not found in {candidates}")


def read_eu_register(path: Path) -> dict[str, tuple[str, date, date]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["ärende-id"]: (
                r["län"],
                date.fromisoformat(r["projekt_starttid"]),
                date.fromisoformat(r["projekt_sluttid"]),
            )
            for r in csv.DictReader(handle)
        }
