"""A large raw tree in the shape of the raw-input spec, for the benchmark.

N distinct payouts over ten budget years in one finance-system export per year
(Windows-1252, CRLF, Swedish amounts with space or no-break-space grouping), each
export repeating the first 2 % of the next year's rows as real overlapping exports
do; N/10 decisions in one register snapshot; one appropriation file. Valid
organisation numbers (Luhn), 3 % of them personal identity numbers (sole traders),
3 % of payouts without a case number, 2 % on other funding than 1:1, 3 % repayments.

Deterministic for a given N and seed, and vectorised: a million payouts in seconds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

YEARS = np.arange(2015, 2025)
MUNICIPALITIES = np.array(["1315", "1380", "1381", "1382", "1383", "1384", "1280", "0180"])
MUNICIPALITY_P = np.array([0.06, 0.3, 0.12, 0.14, 0.17, 0.19, 0.01, 0.01])
INSTRUMENTS = np.array(["UTV", "FOU", "ENERGI", "PROJ", "EUMED", "DRIFT"])
INSTRUMENT_P = np.array([0.35, 0.15, 0.1, 0.25, 0.05, 0.1])
CAP_ORE = {"UTV": 100_000_00, "FOU": 250_000_00, "ENERGI": 50_000_00}
PRIORITIES = np.array(["SV1.4", "SV2.1", "SV3.1", "SV3.4", "SV3.5", "SV3.6", "SV4.2", "SV8.3"])

PAYOUT_HEADER = "Verifikationsnummer;Bokföringsdatum;Diarienummer;Organisationsnummer;Mottagare;Insats;Belopp;Anslag;Kommun"
DECISION_HEADER = (
    "Diarienummer;Beslutsdatum;Insats;Organisationsnummer;Sökande;Projektnamn;Beviljat belopp;"
    "Medfinansiering;Projektstart;Projektslut;Prioritering;Status"
)
APPROPRIATION_HEADER = "År;Anslag;Tilldelat belopp;Anslagskredit;Högsta anslagssparande"
SNAPSHOT = "beslut_20250110.csv"


def swedish(ore: np.ndarray, nbsp: np.ndarray | None = None, decimals: bool = False) -> list[str]:
    """Öre as the finance system writes them: `12 345,50`, `-1 000`, grouping by space or NBSP."""
    out = []
    seps = nbsp if nbsp is not None else np.zeros(len(ore), dtype=bool)
    for v, nb in zip(ore.tolist(), seps.tolist(), strict=True):
        kr, rest = divmod(abs(v), 100)
        text = f"{kr:,}".replace(",", "\u00a0" if nb else " ")
        if rest or decimals:
            text += f",{rest:02d}"
        out.append(("-" if v < 0 else "") + text)
    return out


def org_numbers(rng: np.random.Generator, n: int) -> pd.Series:
    """`n` valid 10-digit organisation numbers (NNNNNN-NNNN), 3 % personal identity numbers."""
    digits = rng.integers(0, 10, size=(n, 9))
    digits[:, 0] = 5
    digits[:, 1] = 5
    digits[:, 2] = rng.integers(2, 10, size=n)
    personal = rng.random(n) < 0.03
    # Sole traders: a birth date YYMMDD, so the third digit (month tens) is 0 or 1.
    digits[personal, 0] = rng.integers(4, 10, size=personal.sum())
    digits[personal, 2] = 0
    digits[personal, 3] = rng.integers(1, 10, size=personal.sum())
    digits[personal, 4] = rng.integers(0, 3, size=personal.sum())
    weights = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
    prod = digits * weights
    prod = np.where(prod > 9, prod - 9, prod)
    check = (10 - prod.sum(axis=1) % 10) % 10
    ten = np.concatenate([digits, check[:, None]], axis=1).astype(str)
    joined = pd.Series(["".join(r) for r in ten.tolist()])
    return joined.str[:6] + "-" + joined.str[6:]


def _dates(rng: np.random.Generator, years: np.ndarray) -> pd.Series:
    start = pd.to_datetime(pd.Series(years).astype(str) + "-01-01")
    return start + pd.to_timedelta(rng.integers(0, 365, size=len(years)), unit="D")


def _write(path: Path, header: str, lines: pd.Series) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\r\n".join([header, *lines.tolist()]) + "\r\n"
    path.write_bytes(body.encode("cp1252"))


def generate(raw: Path, payouts: int, seed: int = 20261127) -> dict[str, int]:
    """Write the raw tree under `raw`; return what was written (rows per source)."""
    rng = np.random.default_rng(seed)
    n_dec = max(1, payouts // 10)
    n_org = max(1, n_dec // 2)
    orgs = org_numbers(rng, n_org)
    names = "Företag " + pd.Series(np.arange(n_org)).astype(str) + " Åkeri & Ängsö AB"

    # Decisions: one snapshot, every decision in it.
    dec_year = rng.choice(YEARS, size=n_dec)
    dec_org = rng.integers(0, n_org, size=n_dec)
    dec_inst = rng.choice(INSTRUMENTS, size=n_dec, p=INSTRUMENT_P)
    caps = pd.Series(dec_inst).map(CAP_ORE).fillna(2_000_000_00).to_numpy(dtype=np.int64)
    granted = (rng.random(n_dec) * caps).astype(np.int64) // 100 * 100 + 10_000_00
    granted = np.minimum(granted, caps)
    is_cheque = pd.Series(dec_inst).isin(list(CAP_ORE)).to_numpy()
    cofin = np.where(is_cheque, granted + rng.integers(0, 50_000, size=n_dec) * 100, 0)
    dec_id = "RS" + pd.Series(dec_year).astype(str) + "-" + pd.Series(np.arange(n_dec)).astype(str)
    dec_date = _dates(rng, dec_year)
    start = dec_date
    end = start + pd.to_timedelta(rng.integers(365, 3 * 365, size=n_dec), unit="D")
    status = rng.choice(["Beviljad", "Avslutad", "Återkallad"], size=n_dec, p=[0.7, 0.25, 0.05])
    decisions = (
        dec_id
        + ";"
        + dec_date.dt.strftime("%Y-%m-%d")
        + ";"
        + dec_inst
        + ";"
        + orgs.iloc[dec_org].reset_index(drop=True)
        + ";"
        + names.iloc[dec_org].reset_index(drop=True)
        + ";Projekt "
        + pd.Series(np.arange(n_dec)).astype(str)
        + ";"
        + pd.Series(swedish(granted))
        + ";"
        + pd.Series(swedish(cofin)).where(cofin > 0, "")
        + ";"
        + start.dt.strftime("%Y-%m-%d")
        + ";"
        + end.dt.strftime("%Y-%m-%d")
        + ";"
        + rng.choice(PRIORITIES, size=n_dec)
        + ";"
        + status
    )
    _write(raw / "decisions" / SNAPSHOT, DECISION_HEADER, decisions)

    # Payouts: each to a decision's organisation and instrument, in or after its year.
    pick = rng.integers(0, n_dec, size=payouts)
    year = np.minimum(dec_year[pick] + rng.integers(0, 2, size=payouts), YEARS[-1])
    order = np.argsort(year, kind="stable")
    pick, year = pick[order], year[order]
    booked = _dates(rng, year)
    amount = rng.integers(1_000, 200_000, size=payouts).astype(np.int64) * 100
    amount += np.where(rng.random(payouts) < 0.3, rng.integers(0, 100, size=payouts), 0)
    amount = np.where(rng.random(payouts) < 0.03, -amount // 10, amount)
    no_case = rng.random(payouts) < 0.03
    funding = np.where(rng.random(payouts) < 0.02, "EGNA", "1:1")
    voucher = "V" + pd.Series(year).astype(str) + "-" + pd.Series(np.arange(payouts)).astype(str)
    lines = (
        voucher
        + ";"
        + booked.dt.strftime("%Y-%m-%d")
        + ";"
        + pd.Series(dec_id.to_numpy()[pick]).where(~no_case, "")
        + ";"
        + orgs.to_numpy()[dec_org[pick]]
        + ";"
        + names.to_numpy()[dec_org[pick]]
        + ";"
        + dec_inst[pick]
        + ";"
        + pd.Series(swedish(amount, rng.random(payouts) < 0.1, decimals=True))
        + ";"
        + funding
        + ";"
        + rng.choice(MUNICIPALITIES, size=payouts, p=MUNICIPALITY_P)
    )
    rows_written = 0
    for y in YEARS:
        mine = lines[year == y]
        nxt = lines[year == y + 1]
        export = pd.concat([mine, nxt.head(len(nxt) // 50)], ignore_index=True)
        rows_written += len(export)
        _write(raw / "payouts" / f"utbetalningar_{y}.csv", PAYOUT_HEADER, export)

    # Appropriations: roughly what was paid from 1:1 each year, a 5 % credit limit.
    charged = pd.Series(amount[funding == "1:1"]).groupby(year[funding == "1:1"]).sum()
    charged = charged.reindex(YEARS, fill_value=0)
    allocated = (
        (charged.to_numpy() * rng.uniform(0.97, 1.06, size=len(YEARS))).astype(np.int64)
        // 100_000
        * 100_000
    )
    credit = allocated // 20 // 100 * 100
    approp = (
        pd.Series(YEARS).astype(str)
        + ";1:1;"
        + pd.Series(swedish(allocated))
        + ";"
        + pd.Series(swedish(credit))
        + ";"
    )
    _write(raw / "appropriations" / "anslag_1_1.csv", APPROPRIATION_HEADER, approp)
    return {"payouts": payouts, "payout_rows": rows_written, "decisions": n_dec}
