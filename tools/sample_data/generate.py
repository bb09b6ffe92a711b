"""Writes the whole raw tree and checks it against the report's figures and `PLANTED`.

Run `uv run python -m tools.sample_data [--out DIR] [--describe] [--table]`.

Hard figures (1:1, booked 2017, vouchers de-duplicated across exports):
ENERGI 14 700, FOU 467 357, PROJ 2 441 719, EUMED 2 970 638, UTV 5 030 934,
total 10 925 348, closing 10 811 000 - 10 925 348 = -114 348.  80 organisations
with net UTV payouts > 0 in 2017; 9 organisations granted a FOU decision dated
2017 that is not revoked; one 300 000 DRIFT payment from SERV to Handlar'n i Ätran.
Every planted 1:1 payment is inside the 2017/2018 sums: wrong money is still spent.

Snapshot differences (newest wins): RS170759 is Beviljad in the old CSV and
Återkallad in the XLSX; RS170873 (dated 2017-12-19, registered late) is missing
from the old CSV; RS160201 was amended from 600 000 to 750 000 granted (its
680 000 paid is over the old amount, not the new one); RS170815 carries the bad date.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from decimal import Decimal
from pathlib import Path

from tools.sample_data.appropriations import write_appropriations
from tools.sample_data.common import (
    ALLOCATIONS,
    DEFAULT_OUT,
    FOU_GRANTED_ORGS_2017,
    SEED,
    TARGETS_2017,
    UTV_RECIPIENTS_2017,
    kr,
    normalise,
    sv_amount,
)
from tools.sample_data.decisions import (
    DECISIONS_NEW,
    DECISIONS_OLD,
    write_new_decisions,
    write_old_decisions,
)
from tools.sample_data.eu_projects import EU_REGISTER_NAME, eu_register_source, read_eu_register
from tools.sample_data.ledger import build_ledger, year_payments
from tools.sample_data.model import Ledger
from tools.sample_data.payouts import write_payouts
from tools.sample_data.planted import PLANTED, audit, check_plants, locate, plant_ref, planted_table
from tools.sample_data.population import write_business_leaders
from tools.sample_data.surveys import write_population_survey, write_recipient_profiles


def figures(ledger: Ledger) -> dict[int, dict[str, dict[str, Decimal]]]:
    """year -> appropriation -> instrument -> net paid (readable rows, as booked)."""
    out: dict[int, dict[str, dict[str, Decimal]]] = {}
    for p in ledger.payments:
        if p.readable:
            bucket = out.setdefault(p.date.year, {}).setdefault(p.anslag, {})
            bucket[p.instrument] = bucket.get(p.instrument, Decimal(0)) + p.amount
    return out


def utv_recipients(ledger: Ledger, year: int) -> int:
    """Organisations with net 1:1 UTV payouts > 0 in the year, counted as the report does."""
    net: dict[str, Decimal] = {}
    for p in year_payments(ledger, year, "UTV"):
        key = normalise(p.org_text)
        net[key] = net.get(key, Decimal(0)) + p.amount
    return sum(1 for v in net.values() if v > 0)


def fou_granted_orgs(ledger: Ledger, year: int) -> int:
    """Organisations granted a FOU cheque dated in the year and not revoked."""
    return len({d.org.number for d in ledger.decisions if d.instrument == "FOU" and d.date.year == year and d.status != "Återkallad"})  # fmt: skip


def check_hard_numbers(ledger: Ledger) -> None:
    """Fail loudly if the model misses a figure of the 2017 report."""
    paid = figures(ledger)[2017]["1:1"]
    for instrument, target in TARGETS_2017.items():
        assert paid[instrument] == target, (instrument, paid[instrument], target)
    assert set(paid) == set(TARGETS_2017), paid
    assert utv_recipients(ledger, 2017) == UTV_RECIPIENTS_2017
    assert fou_granted_orgs(ledger, 2017) == FOU_GRANTED_ORGS_2017
    serv = [p for p in ledger.payments if p.anslag == "SERV"]
    assert [(p.amount, p.instrument, p.date.year, p.org.name) for p in serv] == [(kr(300_000), "DRIFT", 2017, "Handlar'n i Ätran")]  # fmt: skip
    for p in ledger.payments:
        assert p.date.year in (2017, 2018), p
        assert p.amount == p.amount.quantize(Decimal("0.01")), p


def generate(out: Path, eu_register: Path | None = None) -> Ledger:
    """Write the whole raw tree into `out` and return the model it came from.

    Nothing is written unless the model hits the report's figures, the audit finds exactly
    the planted findings, and the plants sit on the lines `PLANTED` declares.
    """
    ledger, _ = build_ledger()
    check_hard_numbers(ledger)
    eu_source = eu_register_source(eu_register)
    eu = read_eu_register(eu_source)
    expected = {(plant.rule, plant_ref(plant)) for plant in ledger.plants}
    found = audit(ledger, eu)
    if found != expected:
        raise RuntimeError(
            f"unplanned findings {sorted(found - expected)}; missing {sorted(expected - found)}"
        )

    files: dict[str, bytes] = {"appropriations/anslag_1_1.csv": write_appropriations()}
    payout_files, payout_lines = write_payouts(ledger, random.Random(SEED + 5))
    files.update(payout_files)
    files[DECISIONS_OLD], old_lines = write_old_decisions(ledger)
    files[DECISIONS_NEW], new_lines = write_new_decisions(ledger, random.Random(SEED + 6))
    files.update(write_recipient_profiles(ledger, random.Random(SEED + 7)))
    for offset, year in enumerate((2017, 2018)):
        files[f"surveys/befolkningsenkat_{year}.csv"] = write_population_survey(
            random.Random(SEED + 8 + offset), year
        )
        files[f"population/befolkning_foretagsledare_{year}.csv"] = write_business_leaders(random.Random(SEED + 10 + offset), year)  # fmt: skip
    files[f"eu_projects/{EU_REGISTER_NAME}"] = eu_source.read_bytes()

    check_plants([locate(plant, payout_lines, old_lines, new_lines) for plant in ledger.plants])
    out.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.resolve() != eu_source.resolve():
            target.write_bytes(data)
    return ledger


def describe(ledger: Ledger) -> str:
    """Planted findings with lines, and the 2017/2018 figures."""
    out = ["Planted findings (rule -> id -> file:line -> why):"]
    for p in PLANTED:
        ref = f"{p.first[0]}+{p.voucher}" if p.first else (p.voucher or p.decision)
        lines = f"{p.first[1]}+{p.line}" if p.first else str(p.line)
        out.append(f"- {p.rule} -> {ref} -> {p.file}:{lines} -> {p.why}")
    fig = figures(ledger)
    balance_in = Decimal(0)
    for year in (2017, 2018):
        out.append(f"\n{year}:")
        for anslag in sorted(fig[year]):
            for instrument, amount in sorted(fig[year][anslag].items()):
                out.append(f"  {anslag:5} {instrument:7} {sv_amount(amount, ' ', 'minimal'):>14}")
        paid = sum(fig[year]["1:1"].values(), Decimal(0))
        closing = balance_in + ALLOCATIONS[year] - paid
        out.append(f"  1:1 opening {sv_amount(balance_in, ' ', 'minimal')}, allocated {sv_amount(ALLOCATIONS[year], ' ', 'minimal')}, paid {sv_amount(paid, ' ', 'minimal')}, closing {sv_amount(closing, ' ', 'minimal')}")  # fmt: skip
        balance_in = closing
    unreadable = [p for p in ledger.payments if not p.readable]
    out.append(f"  (2018 excludes {len(unreadable)} unreadable row(s): {', '.join(p.voucher + ' ' + str(p.raw_amount) for p in unreadable)})")  # fmt: skip
    for year in (2017, 2018):
        out.append(
            f"{year}: {utv_recipients(ledger, year)} UTV recipients, "
            f"{fou_granted_orgs(ledger, year)} orgs granted FOU"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="raw directory to write (default data/raw)"
    )
    parser.add_argument(
        "--describe", action="store_true", help="also print planted findings and figures"
    )
    parser.add_argument(
        "--table", action="store_true", help="print the planted findings table of docs/findings.md"
    )
    parser.add_argument(
        "--eu-register",
        type=Path,
        help="Tillväxtverket's project bank to copy (default: the shared data, else data/raw's copy)",
    )
    args = parser.parse_args(argv)
    if args.table:
        print(planted_table(), end="")
        return 0
    if args.out.exists() and args.out.resolve() == DEFAULT_OUT.resolve():
        for sub in ("appropriations", "payouts", "decisions", "surveys", "population"):
            shutil.rmtree(args.out / sub, ignore_errors=True)
    ledger = generate(args.out, args.eu_register)
    print(f"wrote sample raw data to {args.out}", file=sys.stderr)
    if args.describe:
        print(describe(ledger))
    return 0
