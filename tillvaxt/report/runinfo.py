"""What a report records about the run that made it: time, code, inputs, rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd

from tillvaxt.instruments import INSTRUMENTS
from tillvaxt.money import decimal_to_ore, format_swedish
from tillvaxt.provenance import code_version, input_hashes
from tillvaxt.report.workbook import RunInfo


def _kr(value: object) -> str:
    if value is None or pd.isna(value):
        return "ingen gräns"
    return f"{format_swedish(decimal_to_ore(Decimal(str(value))))} kr"


def rules(year: int, reconciliation: pd.DataFrame) -> list[tuple[str, str]]:
    """The rules and thresholds the year's figures were produced under."""
    out: list[tuple[str, str]] = []
    rec = reconciliation[reconciliation["year"] == year]
    for r in rec.itertuples():
        out.append((f"Anslagskredit {r.appropriation} {year}", _kr(r.credit_limit_sek)))
        cap = getattr(r, "savings_cap_sek", None)
        out.append((f"Högsta anslagssparande {r.appropriation} {year}", _kr(cap)))
    for inst in INSTRUMENTS.values():
        cap = f"{format_swedish(inst.cap_ore)} kr" if inst.cap_ore is not None else "inget tak"
        cofin = "medfinansiering ≥ beviljat belopp" if inst.requires_cofinancing else "ingen"
        out.append((f"{inst.name} ({inst.code})", f"tak per beslut {cap}; {cofin}"))
    out += [
        ("Utbetalt", "netto per bokföringsår (återbetalningar dras av), exakt på öret"),
        ("Beslut och beviljat", "per beslutsdatum, ej återkallade, senaste beslutsexport"),
        ("Personnummer", "enskilda firmors nummer visas aldrig; ersatta med nyckelad hash (PNR-…)"),
        ("Undertryckta celler", "visas som '..'"),
    ]
    return out


def run_info(
    raw_dir: Path,
    year: int,
    reconciliation: pd.DataFrame,
    certifications: pd.DataFrame,
    now: dt.datetime | None = None,
    hashes: dict[str, str] | None = None,
    version: str | None = None,
) -> RunInfo:
    """The run sheet's content for `year`.

    `hashes` and `version` are the run's input hashes and code version when the caller
    has them already: hashing every raw file once per year would cost more than the
    reports themselves on a large tree.
    """
    now = now or dt.datetime.now(dt.UTC)
    cert = certifications[certifications["year"].astype("int64") == year]
    status = "ej certifierat"
    if len(cert):
        c = cert.iloc[0]
        status = f"certifierat {pd.Timestamp(c['certified_at']):%Y-%m-%d %H:%M} UTC ({c['code_version']}); siffrorna är de certifierade"
    return RunInfo(
        generated_at=f"{now:%Y-%m-%d %H:%M:%S}",
        code_version=version if version is not None else code_version(),
        raw_dir=str(raw_dir),
        input_hashes=hashes if hashes is not None else input_hashes(raw_dir),
        rules=rules(year, reconciliation),
        certification=status,
    )
