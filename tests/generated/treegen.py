"""Random raw trees drawn from the whole input contract (docs: shared/spec/raw-inputs.md).

Written from the contract, not from `tillvaxt.sample`: nothing here imports the product.
A tree is drawn from a seed and a set of feature switches (`Features`); `draw` returns
the logical records (what the source systems meant) and `write` puts them on disk the
way the source systems would (encodings, header order, padding, quoting, line endings,
overlapping exports, csv/xlsx snapshots). The oracle (`oracle.py`) computes expected
figures from the logical records, so it never has to parse what was written.

Every contract feature is a switch, so a feature that breaks the current code because
of a known defect can be kept out of the default run and turned on once it is fixed.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tools.sample_data.contract import DECISION_COLUMNS, EU_COLUMNS, PAYOUT_COLUMNS

HALLAND = ["1315", "1380", "1381", "1382", "1383", "1384"]
OUTSIDE = ["0180", "1480", "1280"]
INSTRUMENT_CAPS = {"UTV": 100_000, "FOU": 250_000, "ENERGI": 50_000}
INSTRUMENTS = ["UTV", "FOU", "ENERGI", "PROJ", "EUMED", "DRIFT"]
PRIORITY_CODES = [f"SV3.{i}" for i in range(1, 7)] + ["SV1.4", "SV2.1", "SV4.1", "SV8.3"]
PRIORITY_NAMES = ["  regionalt INNOVATIONSSYSTEM ", "Entreprenörskap", "God tillgång till bredband"]
LABELS = {
    "Kön": ["K", "M"],
    "Bakgrund": [
        "Svensk bakgrund",
        "Utrikes född",
        "Inrikes född med två utrikes födda föräldrar",
    ],
    "Utbildning": ["Förgymnasial", "Gymnasial", "Eftergymnasial <3 år", "Eftergymnasial ≥3 år"],
    "Inkomstklass": ["1", "2", "3", "4", "5"],
    "Åldersgrupp": ["-29", "30-44", "45-64", "65-"],
}
LEGAL_NAMES = [
    "Åkes Snickeri AB",
    "Örby Energi AB",
    "Ängens Gård Ekonomisk förening",
    "Halmstad Hamn & Logistik AB",
    "Laholms Fisk AB",
    "Varbergs Måleri HB",
    "Kungsbacka IT-konsult AB",
]
# Names a real register holds that need quoting in a `;` export (contract: RFC 4180 quoting).
QUOTED_NAMES = ["Bygg; Måleri AB", 'Firma "Bästa" Bygg AB', "„;MEDIKOM-SOTSIAL” LTD"]
PERSON_NAMES = ["Anna Andersson", "Per Öberg", "Märta Ström", "Jörgen Ågren"]

# The headers as the source systems write them, shared with the sample generator; the
# decision exports' last column, `EU-ärende`, is written only when a tree draws it.
PAYOUT_COLS = list(PAYOUT_COLUMNS)
DECISION_COLS = [c for c in DECISION_COLUMNS if c != "EU-ärende"]
EU_COLS = list(EU_COLUMNS)

# The spellings a personal identity number may take in free text (issue 13, item 6).
# The largest amount the contract's bound allows: 10^13 kr less one öre (issue 13, item 7).
MAX_ORE = 10**15 - 1
PNR_SPELLINGS = ("hyphen", "plus", "plain", "century", "century_hyphen", "space", "century_space")


@dataclass(frozen=True)
class Features:
    """What a tree may contain. Each switch is one feature of the input contract."""

    encodings: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1252")
    shuffle_headers: bool = True  # column order is not guaranteed
    pad_headers: bool = True  # header names are matched after trimming white space
    pad_values: bool = True  # values with surrounding white space
    crlf: bool = True  # \r\n line endings (else \n only)
    trailing_blank_line: bool = True
    quote_plain_fields: bool = True  # "Åkes Snickeri AB" wholly quoted, nothing inside to escape
    quote_separators: bool = True  # a quoted field holding `;` or `""` (issue 13, item 1)
    amount_spellings: bool = True  # space / NBSP / no grouping, 0-2 decimals
    org_spellings: bool = True  # 556677-8899, 5566778899, 165566778899, 19800101...
    overlapping_exports: bool = True  # the same voucher, identical, in several exports
    xlsx_snapshots: bool = True
    several_snapshots: bool = True  # the newest by file-name date is authoritative
    repayments: bool = True
    revocations: bool = True
    sole_traders: bool = True
    pnr_in_text: tuple[str, ...] = PNR_SPELLINGS  # typed into names and project titles
    pnr_in_amount: tuple[str, ...] = PNR_SPELLINGS  # typed into Belopp (an unreadable row)
    eu_register: bool = True  # drawn with and without eu_projects/
    profiles: bool = True  # drawn sparse or dense
    population: bool = True
    other_funding: bool = True  # EGNA / SERV payouts, not charged to 1:1
    orphans: bool = True  # empty or unknown Diarienummer
    unreadable_rows: bool = True  # bad amounts and dates, the year still recoverable
    savings_cap: bool = True  # the optional Högsta anslagssparande column
    huge_amounts: bool = True  # amounts near and beyond the ±10^13 kr bound (issue 13, item 7)
    repeated_appropriation_rows: bool = True  # an appropriation row repeated identically
    # `RS 2019/0123`: case numbers with a space, as many registers write them; the payout
    # exports then spell the space as one, two or a no-break space (the same case).
    case_ids_with_spaces: bool = True
    max_years: int = 5
    max_payouts: int = 2000

    def with_changes(self, spec: str) -> Features:
        """`+name,-name` toggles booleans; `name=a|b` sets a tuple (for GEN_FEATURES)."""
        changes: dict[str, object] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            if "=" in part:
                name, _, value = part.partition("=")
                current = getattr(self, name)
                if isinstance(current, tuple):
                    changes[name] = tuple(v for v in value.split("|") if v)
                else:
                    changes[name] = int(value)
            else:
                name = part.lstrip("+-")
                if not isinstance(getattr(self, name), bool):
                    raise ValueError(f"{name} is not an on/off feature")
                changes[name] = not part.startswith("-")
        return dataclasses.replace(self, **changes)


# Everything the contract allows: the marker run (`-m generated`).
CONTRACT = Features()
# The default run's draws: the whole contract, kept small so the default run fits its
# time budget. (It once left out the features of the defects issue 13 fixed.)
CURRENT = dataclasses.replace(CONTRACT, max_years=3, max_payouts=40)
PROFILES = {"contract": CONTRACT, "current": CURRENT}


def features_from_env(default: str) -> tuple[str, Features]:
    """The profile named by GEN_PROFILE (default `default`), changed by GEN_FEATURES."""
    name = os.environ.get("GEN_PROFILE", default)
    return name, PROFILES[name].with_changes(os.environ.get("GEN_FEATURES", ""))


# --- the logical records ----------------------------------------------------------------


@dataclass
class Org:
    ten: str  # the 10-digit form
    century: str  # 19/20 for a person, 16 for a legal entity
    personal: bool
    name: str
    kommun: str


@dataclass
class Decision:
    id: str
    date: date
    instrument: str
    org: Org
    applicant: str
    project: str
    granted_ore: int
    cofinancing_ore: int | None
    start: date
    end: date
    priority: str
    status: str
    eu_case: str


@dataclass
class Payout:
    voucher: str
    booked: date
    decision_id: str
    org: Org
    name: str
    instrument: str
    amount_ore: int
    appropriation: str
    kommun: str


@dataclass
class BadPayout:
    """A row that cannot be read; `raw` is its field texts. Its year is always recoverable
    (the booking date's year prefix or the voucher's year), so it marks exactly that year."""

    voucher: str
    year: int
    appropriation: str
    raw: dict[str, str]
    why: str


@dataclass
class Allocation:
    year: int
    allocated_ore: int
    credit_ore: int | None
    cap_ore: int | None


@dataclass
class Tree:
    seed: int
    features: Features
    years: list[int]
    orgs: list[Org]
    snapshots: list[tuple[str, list[Decision]]]  # (file name, rows); the last is the newest
    payouts: list[Payout]  # distinct vouchers, each readable
    bad_payouts: list[BadPayout]
    payout_files: dict[str, list[Payout | BadPayout]] = field(default_factory=dict)
    allocations: list[Allocation] = field(default_factory=list)
    appropriation_files: dict[str, list[Allocation]] = field(default_factory=dict)
    cap_column: bool = False
    eu_projects: list[dict[str, str]] = field(default_factory=list)
    profiles: list[dict[str, str]] = field(default_factory=list)
    population: list[dict[str, str]] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)  # the year kind aimed at (coverage)
    written: list[dict[str, object]] = field(default_factory=list)  # how each file was written
    notes: list[str] = field(default_factory=list)

    @property
    def authoritative(self) -> list[Decision]:
        return self.snapshots[-1][1] if self.snapshots else []

    def personal_numbers(self) -> list[Org]:
        return [o for o in self.orgs if o.personal]


# --- drawing ------------------------------------------------------------------------------


def _luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _legal_number(rng: random.Random) -> str:
    nine = str(rng.choice([5, 7, 8, 9])) + str(rng.randint(0, 9)) + str(rng.randint(2, 9))
    nine += "".join(str(rng.randint(0, 9)) for _ in range(6))
    return nine + _luhn_digit(nine)


def _personal_number(rng: random.Random) -> tuple[str, str]:
    born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 60 * 365))
    nine = f"{born:%y%m%d}" + "".join(str(rng.randint(0, 9)) for _ in range(3))
    return nine + _luhn_digit(nine), str(born.year)[:2]


def pnr_spelled(org: Org, spelling: str) -> str:
    """A personal identity number as a person might type it."""
    t, c = org.ten, org.century
    return {
        "hyphen": f"{t[:6]}-{t[6:]}",
        "plus": f"{t[:6]}+{t[6:]}",
        "plain": t,
        "century": c + t,
        "century_hyphen": f"{c}{t[:6]}-{t[6:]}",
        "space": f"{t[:6]} {t[6:]}",
        "century_space": f"{c}{t[:6]} {t[6:]}",
    }[spelling]


def all_spellings(org: Org) -> list[str]:
    """Every spelling the output scan looks for (issue 13: with/without century, -, +, space)."""
    return [pnr_spelled(org, s) for s in PNR_SPELLINGS]


def _amount_ore(rng: random.Random, low_kr: int, high_kr: int) -> int:
    kr = rng.randint(low_kr, high_kr)
    ore = rng.choice([0, 0, 0, 50, rng.randint(1, 99)])
    return kr * 100 + ore


def draw(seed: int, features: Features, size: str = "small") -> Tree:
    """A tree from `seed`. `size` small keeps a tree cheap; `any` draws 0..max_payouts."""
    rng = random.Random(seed)
    f = features
    n_years = rng.randint(1, f.max_years)
    first = rng.randint(2015, 2022)
    years = list(range(first, first + n_years))
    if size == "small":
        n_payouts = rng.randint(0, min(40, f.max_payouts))
    else:
        roll = rng.random()
        top = f.max_payouts if roll < 0.05 else min(200, f.max_payouts) if roll < 0.3 else 40
        n_payouts = rng.randint(0, top)

    # organisations
    orgs: list[Org] = []
    for i in range(rng.randint(2, 12)):
        personal = f.sole_traders and rng.random() < 0.3
        if personal:
            ten, century = _personal_number(rng)
            name = rng.choice(PERSON_NAMES)
            if f.pnr_in_text and rng.random() < 0.5:
                # A sole trader's name as a register holds it: "Per Öberg 810815-1518".
                org0 = Org(ten, century, True, "", "")
                name = f"{name} {pnr_spelled(org0, rng.choice(f.pnr_in_text))}"
        else:
            ten, century = _legal_number(rng), "16"
            pool = LEGAL_NAMES + (QUOTED_NAMES if f.quote_separators else [])
            name = f"{rng.choice(pool)} {i}"
        kommun = rng.choice(HALLAND if rng.random() < 0.85 else OUTSIDE)
        orgs.append(Org(ten, century, personal, name, kommun))

    # EU register
    eu_projects: list[dict[str, str]] = []
    with_register = f.eu_register and rng.random() < 0.5
    if with_register:
        for k in range(rng.randint(1, 4)):
            start = date(years[0] - 1, rng.randint(1, 12), 1)
            eu_projects.append(
                {
                    "ärende-id": f"2020{k:04d}",
                    "område": "Västsverige",
                    "insatsområde": "Att stärka forskning, teknisk utveckling och innovation",
                    "tematiskt_mål": "Att öka konkurrenskraften, hos små och medelstora företag",
                    "stödmottagare": rng.choice(LEGAL_NAMES),
                    "projektnamn": 'Projekt "Hav, land och luft"\nfas 2',
                    "beviljat_belopp_sek": str(rng.randint(1, 90) * 100_000),
                    "projekt_starttid": start.isoformat(),
                    "projekt_sluttid": date(years[-1] + 2, 12, 31).isoformat(),
                    "län": rng.choice(["Halland", "Halland, Skåne", "Västra Götaland"]),
                    "kommuner": "Halmstad, Varberg, Falkenberg",
                }
            )

    # decisions (the newest snapshot holds every current decision)
    decisions: list[Decision] = []
    for k in range(rng.randint(1, max(2, len(orgs) + 3))):
        org = rng.choice(orgs)
        inst = rng.choice(INSTRUMENTS)
        cap = INSTRUMENT_CAPS.get(inst)
        granted = _amount_ore(rng, 10_000, cap if cap else 3_000_000)
        if rng.random() < 0.05:
            granted += 100_000_00  # above the cap: a finding, not a lost row
        ddate = date(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28))
        start = ddate + timedelta(days=rng.randint(-30, 60))
        end = start + timedelta(days=rng.randint(30, 900))
        status = rng.choice(["Beviljad", "Beviljad", "Avslutad"] + (["Återkallad"] * f.revocations))
        eu_case = ""
        if inst == "EUMED" and rng.random() < 0.8:
            eu_case = rng.choice([p["ärende-id"] for p in eu_projects] or ["20209999"])
            if rng.random() < 0.2:
                eu_case = "20209998"
        project = rng.choice(["Ny hemsida", "Energi i Halland", "Export; Tyskland", "Bredband"])
        if not f.quote_separators:
            project = project.replace(";", ",")
        if org.personal and f.pnr_in_text and rng.random() < 0.3:
            project = f"{project} ({pnr_spelled(org, rng.choice(f.pnr_in_text))})"
        decisions.append(
            Decision(
                id=f"RS {ddate.year}/{k + 1:04d}"
                if f.case_ids_with_spaces and k % 2 == 1
                else f"RS{ddate.year}-{k + 1:04d}",
                date=ddate,
                instrument=inst,
                org=org,
                applicant=org.name,
                project=project,
                granted_ore=granted,
                cofinancing_ore=None if rng.random() < 0.2 else _amount_ore(rng, 0, 400_000),
                start=start,
                end=end,
                priority=rng.choice(PRIORITY_CODES + PRIORITY_NAMES + ["", "Okänd prioritering"]),
                status=status,
                eu_case=eu_case,
            )
        )

    snapshots = _snapshots(rng, f, decisions, years)
    authoritative_ids = [d.id for d in snapshots[-1][1]]
    old_only = sorted({d.id for _, rows in snapshots[:-1] for d in rows} - set(authoritative_ids))

    # payouts
    payouts: list[Payout] = []
    per_year: dict[int, int] = {}
    # One tree in six holds an amount at the bound (readable) or beyond it (unreadable).
    huge_tree = f.huge_amounts and rng.random() < 0.17
    huge_drawn = False
    for _ in range(n_payouts):
        y = rng.choice(years)
        per_year[y] = per_year.get(y, 0) + 1
        booked = date(y, rng.randint(1, 12), rng.randint(1, 28))
        roll = rng.random()
        if f.orphans and roll < 0.08:
            did = ""
        elif f.orphans and roll < 0.12:
            did = rng.choice(old_only) if old_only else "RS 1999-9999"
        else:
            did = rng.choice(authoritative_ids)
        dec = next((d for d in decisions if d.id == did), None)
        org = dec.org if dec and rng.random() < 0.95 else rng.choice(orgs)
        inst = dec.instrument if dec and rng.random() < 0.95 else rng.choice(INSTRUMENTS)
        amount = _amount_ore(rng, 1_000, 400_000)
        if f.repayments and rng.random() < 0.1:
            amount = -_amount_ore(rng, 1, 50_000)
        if huge_tree and not huge_drawn and rng.random() < 0.2:
            huge_drawn = True  # one per tree: the allocation must stay inside the bound too
            amount = rng.choice([MAX_ORE, MAX_ORE // 2 + 1])
        approp = "1:1"
        if f.other_funding and rng.random() < 0.1:
            approp = rng.choice(["EGNA", "SERV"])
        payouts.append(
            Payout(
                voucher=f"V{y}-{len(payouts) + 1:05d}",
                booked=booked,
                decision_id=did,
                instrument=inst,
                amount_ore=amount,
                appropriation=approp,
                org=org,
                name=org.name,
                kommun=org.kommun,
            )
        )

    bad = _bad_payouts(rng, f, years, orgs, len(payouts), huge_tree) if f.unreadable_rows else []
    notes = [f"unreadable rows: {', '.join(b.why for b in bad)}"] if bad else []
    tree = Tree(seed, f, years, orgs, snapshots, payouts, bad, notes=notes)
    tree.payout_files = _payout_files(rng, f, payouts, bad, years)
    _allocations(rng, f, tree)
    tree.eu_projects = eu_projects
    if f.profiles and orgs:
        # none (no surveys/ folder: the contract does not require one), sparse or dense
        density = rng.choice([0.0, 0.1, 0.3, 0.9, 1.0])
        for o in orgs:
            if rng.random() < density:
                row = {"Organisationsnummer": _org_text(rng, f, o)}
                for col, labels in LABELS.items():
                    row[col] = rng.choice([*labels, ""])
                tree.profiles.append(row)
        tree.notes.append(f"profiles density {density}")
    if f.population:
        for y in years:
            for kommun in HALLAND:
                for _ in range(rng.randint(1, 6)):
                    row = {"År": str(y), "Kommun": kommun}
                    for col in ("Kön", "Bakgrund", "Utbildning", "Åldersgrupp"):
                        row[col] = rng.choice(LABELS[col])
                    row["Antal"] = str(rng.randint(1, 900))
                    tree.population.append(row)
        # one row per group and cell: a repeated group would be a second count
        seen: dict[tuple, dict[str, str]] = {}
        for row in tree.population:
            key = tuple(v for k, v in row.items() if k != "Antal")
            seen.setdefault(key, row)
        tree.population = list(seen.values())
    tree.notes.append(f"eu register: {with_register}")
    return tree


def _snapshots(
    rng: random.Random, f: Features, decisions: list[Decision], years: list[int]
) -> list[tuple[str, list[Decision]]]:
    """Full register snapshots with distinct dates; older ones hold fewer decisions, some with
    another status or amount, and perhaps one the newest no longer lists."""
    n = rng.randint(2, 3) if f.several_snapshots and rng.random() < 0.7 else 1
    day0 = date(years[0], 1, 10)
    dates = sorted(rng.sample(range(0, 365 * len(years) + 30), n))
    out = []
    for i, offset in enumerate(dates):
        when = day0 + timedelta(days=offset)
        ext = "xlsx" if f.xlsx_snapshots and rng.random() < 0.4 else "csv"
        name = f"beslut_{when:%Y%m%d}.{ext}"
        if i == n - 1:
            rows = list(decisions)
            if n > 1 and len(rows) > 1 and rng.random() < 0.3:
                rows = rows[:-1]  # dropped from the register: only an older snapshot has it
        else:
            rows = []
            for d in decisions:
                if rng.random() < 0.6:
                    rows.append(
                        dataclasses.replace(
                            d,
                            status="Beviljad",
                            granted_ore=d.granted_ore + rng.choice([0, 0, 100_000]),
                        )
                    )
            held = {d.id for d in rows}
            if len(decisions) > 1 and decisions[-1].id not in held and rng.random() < 0.5:
                rows.append(decisions[-1])
        out.append((name, rows))
    return out


def _bad_payouts(
    rng: random.Random, f: Features, years: list[int], orgs: list[Org], offset: int, huge: bool
) -> list[BadPayout]:
    out = []
    for i in range(rng.choice([0, 0, 0, 1, 2, 3])):
        y = rng.choice(years)
        org = rng.choice(orgs)
        voucher = f"V{y}-{90000 + offset + i:05d}"
        raw = {
            "Verifikationsnummer": voucher,
            "Bokföringsdatum": f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "Diarienummer": "",
            "Organisationsnummer": f"{org.ten[:6]}-{org.ten[6:]}",
            "Mottagare": org.name,
            "Insats": "PROJ",
            "Belopp": "1 000",
            "Anslag": "1:1",
            "Kommun": org.kommun,
        }
        kinds = ["amount", "date"]
        personal = [o for o in orgs if o.personal]
        if f.pnr_in_amount and personal:
            kinds += ["pnr_amount", "pnr_amount"]
        if huge:
            kinds.append("huge")
        kind = rng.choice(kinds)
        if kind == "amount":
            raw["Belopp"] = rng.choice(["1.250", "12,345", "1 2,5,0", "tusen", ""])
        elif kind == "date":
            raw["Bokföringsdatum"] = rng.choice(
                [f"{y}-13-01", f"{y}-02-30", f"31/12/{y}", f"{y}0105"]
            )
        elif kind == "pnr_amount":
            # Only spellings that are not also an amount: `8108151518` in Belopp is, by the
            # contract, 8 108 151 518 kr, and is read as such.
            spellings = [s for s in f.pnr_in_amount if s not in ("plain", "century")]
            spelling = rng.choice(spellings or ["hyphen"])
            raw["Belopp"] = pnr_spelled(rng.choice(personal), spelling)
            kind = f"pnr_amount({spelling})"
        else:
            raw["Belopp"] = rng.choice(["10 000 000 000 000,01", "99999999999999999,99"])
        out.append(BadPayout(voucher, y, "1:1", raw, kind))
    return out


def _payout_files(
    rng: random.Random, f: Features, payouts: list[Payout], bad: list[BadPayout], years: list[int]
) -> dict[str, list[Payout | BadPayout]]:
    """Exports over date ranges; with overlap, a voucher may be in two or three files."""
    n = rng.randint(1, 4)
    names = [f"utbetalningar_{years[0]}_{k + 1:02d}.csv" for k in range(n)]
    files: dict[str, list[Payout | BadPayout]] = {name: [] for name in names}
    for p in payouts:
        home = rng.randrange(n)
        files[names[home]].append(p)
        if f.overlapping_exports and n > 1 and rng.random() < 0.25:
            for other in rng.sample(range(n), rng.randint(1, n - 1)):
                if other != home:
                    files[names[other]].append(p)
    for b in bad:
        files[rng.choice(names)].append(b)
    for name in names:
        rng.shuffle(files[name])
    return files


def _allocations(rng: random.Random, f: Features, tree: Tree) -> None:
    """An allocation per year, aimed at a surplus, deficit, credit breach or capped surplus."""
    paid: dict[int, int] = {y: 0 for y in tree.years}
    for p in tree.payouts:
        if p.appropriation == "1:1":
            paid[p.booked.year] += p.amount_ore
    tree.cap_column = f.savings_cap and rng.random() < 0.7
    opening = 0
    for y in tree.years:
        kinds = ["surplus", "deficit", "breach"] + (["above_cap"] if tree.cap_column else [])
        kind = rng.choice(kinds)
        margin = _amount_ore(rng, 1_000, 2_000_000)
        credit: int | None = rng.choice([None, 0, 0]) if kind == "breach" else None
        cap: int | None = None
        if kind == "surplus":
            allocated = paid[y] - opening + margin
            cap = rng.choice([None, margin + _amount_ore(rng, 0, 100_000)])
        elif kind == "above_cap":
            allocated = paid[y] - opening + margin
            cap = margin // rng.choice([2, 3, 10])
        elif kind == "deficit":
            allocated = paid[y] - opening - margin
            credit = margin + _amount_ore(rng, 0, 500_000)
        else:
            allocated = paid[y] - opening - margin
            credit = credit if credit is not None else margin // 2
        if kind != "breach" and credit is None:
            credit = rng.choice([None, _amount_ore(rng, 0, 1_000_000)])
        # A negative allocation is an input error, and one beyond the bound is unreadable:
        # neither is drawn here.
        allocated = min(max(0, allocated), MAX_ORE)
        if not tree.cap_column:
            cap = None
        tree.kinds[y] = kind
        alloc = Allocation(y, allocated, credit, cap)
        tree.allocations.append(alloc)
        closing = opening + allocated - paid[y]
        withdrawn = max(0, closing - cap) if cap is not None and closing > 0 else 0
        opening = closing - withdrawn
    # one file, or the years split over two (a controller adds a file per budget year)
    if len(tree.years) > 1 and rng.random() < 0.4:
        cut = rng.randint(1, len(tree.years) - 1)
        tree.appropriation_files = {
            "anslag_a.csv": tree.allocations[:cut],
            "anslag_b.csv": tree.allocations[cut:],
        }
    else:
        tree.appropriation_files = {"anslag_1_1.csv": list(tree.allocations)}
    if f.repeated_appropriation_rows and rng.random() < 0.3:
        name = rng.choice(sorted(tree.appropriation_files))
        rows = tree.appropriation_files[name]
        rows.append(rng.choice(rows))


# --- writing ------------------------------------------------------------------------------


def _amount_text(rng: random.Random, f: Features, ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kr, rest = divmod(abs(ore), 100)
    digits = str(kr)
    sep = rng.choice([" ", "\u00a0", ""]) if f.amount_spellings else " "
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    whole = sep.join(groups)
    if rest == 0 and (not f.amount_spellings or rng.random() < 0.6):
        dec = "" if rng.random() < 0.7 else ",00"
    elif rest % 10 == 0 and f.amount_spellings and rng.random() < 0.5:
        dec = f",{rest // 10}"
    else:
        dec = f",{rest:02d}"
    return f"{sign}{whole}{dec}"


def _case_text(voucher: str, case: str) -> str:
    """A case number as a finance export may type it: each space one, two or a no-break space.

    Drawn from the voucher's own stream, so that the trees of older seeds keep their other
    draws (`regression_seeds.txt`)."""
    rng = random.Random(voucher)
    return "".join(rng.choice([" ", " ", "  ", "\u00a0"]) if ch == " " else ch for ch in case)


def _org_text(rng: random.Random, f: Features, org: Org) -> str:
    t = org.ten
    if not f.org_spellings:
        return f"{t[:6]}-{t[6:]}"
    return rng.choice([f"{t[:6]}-{t[6:]}", t, org.century + t])


def _field(rng: random.Random, f: Features, text: str) -> str:
    """One `;` field as an export writes it: quoted when it must be, perhaps when not."""
    if any(c in text for c in ';"\r\n'):
        if not f.quote_separators:
            raise AssertionError(f"drew {text!r} with quote_separators off")
        return '"' + text.replace('"', '""') + '"'
    if f.quote_plain_fields and text and rng.random() < 0.15:
        return f'"{text}"'
    if f.pad_values and text and rng.random() < 0.1:
        return rng.choice([" ", "  "]) + text + rng.choice(["", " "])
    return text


def _write_semicolon(
    rng: random.Random, f: Features, path: Path, header: list[str], rows: list[dict[str, str]]
) -> dict[str, object]:
    """Write one `;` export; returns how it was written (for the coverage test)."""
    cols = list(header)
    if f.shuffle_headers:
        rng.shuffle(cols)
    head = [(" " + c + " ") if f.pad_headers and rng.random() < 0.3 else c for c in cols]
    lines = [";".join(head)]
    for row in rows:
        lines.append(";".join(_field(rng, f, row.get(c, "")) for c in cols))
    newline = "\r\n" if f.crlf and rng.random() < 0.5 else "\n"
    text = newline.join(lines) + newline
    blank = f.trailing_blank_line and rng.random() < 0.3
    if blank:
        text += newline
    encoding = rng.choice(f.encodings)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # e.g. "≥" has no Windows-1252 byte; such a file is UTF-8
        encoding, data = "utf-8", text.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    body = "\n".join(lines[1:])
    return {
        "path": path.parent.name + "/" + path.name,
        "encoding": encoding,
        "newline": newline,
        "trailing_blank_line": blank,
        "shuffled": cols != list(header),
        "padded_header": head != cols,
        "quoted_separator": any(c in v for row in rows for v in row.values() for c in ';"'),
        "quoted": '"' in body,
    }


def _decision_row(rng: random.Random, f: Features, d: Decision) -> dict[str, str]:
    return {
        "Diarienummer": d.id,
        "Beslutsdatum": d.date.isoformat(),
        "Insats": d.instrument,
        "Organisationsnummer": _org_text(rng, f, d.org),
        "Sökande": d.applicant,
        "Projektnamn": d.project,
        "Beviljat belopp": _amount_text(rng, f, d.granted_ore),
        "Medfinansiering": ""
        if d.cofinancing_ore is None
        else _amount_text(rng, f, d.cofinancing_ore),
        "Projektstart": d.start.isoformat(),
        "Projektslut": d.end.isoformat(),
        "Prioritering": d.priority,
        "Status": d.status,
        "EU-ärende": d.eu_case,
    }


def _write_xlsx(
    rng: random.Random, f: Features, path: Path, header: list[str], rows: list[Decision]
) -> None:
    import xlsxwriter

    cols = list(header)
    if f.shuffle_headers:
        rng.shuffle(cols)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    try:
        ws = wb.add_worksheet("Beslut")
        datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        for c, name in enumerate(cols):
            ws.write_string(0, c, name)
        for r, d in enumerate(rows, start=1):
            text = _decision_row(rng, f, d)
            for c, name in enumerate(cols):
                if name in ("Beviljat belopp", "Medfinansiering") and rng.random() < 0.5:
                    ore = d.granted_ore if name == "Beviljat belopp" else d.cofinancing_ore
                    if ore is None:
                        continue
                    if ore % 100 == 0:
                        ws.write_number(r, c, ore // 100)
                    else:
                        ws.write_string(r, c, text[name])
                elif name in ("Beslutsdatum", "Projektstart", "Projektslut") and rng.random() < 0.5:
                    value = {"Beslutsdatum": d.date, "Projektstart": d.start}.get(name, d.end)
                    ws.write_datetime(r, c, value, datefmt)
                elif text[name]:
                    ws.write_string(r, c, text[name])
    finally:
        wb.close()


def write(tree: Tree, raw: Path) -> dict[str, int]:
    """Write the tree under `raw`; returns the data rows written per source."""
    rng = random.Random(tree.seed * 7919 + 1)
    f = tree.features
    rows_written = {"payouts": 0, "decisions": 0, "appropriations": 0}
    for name, entries in tree.payout_files.items():
        rows = []
        for e in entries:
            if isinstance(e, BadPayout):
                rows.append(dict(e.raw))
            else:
                rows.append(
                    {
                        "Verifikationsnummer": e.voucher,
                        "Bokföringsdatum": e.booked.isoformat(),
                        "Diarienummer": _case_text(e.voucher, e.decision_id),
                        "Organisationsnummer": _org_text(rng, f, e.org),
                        "Mottagare": e.name,
                        "Insats": e.instrument,
                        "Belopp": _amount_text(rng, f, e.amount_ore),
                        "Anslag": e.appropriation,
                        "Kommun": e.kommun,
                    }
                )
        tree.written.append(_write_semicolon(rng, f, raw / "payouts" / name, PAYOUT_COLS, rows))
        rows_written["payouts"] += len(rows)
    eu_column = any(d.eu_case for _, rows in tree.snapshots for d in rows) or rng.random() < 0.5
    header = DECISION_COLS + (["EU-ärende"] if eu_column else [])
    for name, decisions in tree.snapshots:
        if name.endswith(".xlsx"):
            _write_xlsx(rng, f, raw / "decisions" / name, header, decisions)
        else:
            rows = [_decision_row(rng, f, d) for d in decisions]
            tree.written.append(_write_semicolon(rng, f, raw / "decisions" / name, header, rows))
        rows_written["decisions"] += len(decisions)
    for name, allocs in tree.appropriation_files.items():
        header = ["År", "Anslag", "Tilldelat belopp", "Anslagskredit"]
        if tree.cap_column:
            header.append("Högsta anslagssparande")
        rows = [
            {
                "År": str(a.year),
                "Anslag": "1:1",
                "Tilldelat belopp": _amount_text(rng, f, a.allocated_ore),
                "Anslagskredit": "" if a.credit_ore is None else _amount_text(rng, f, a.credit_ore),
                "Högsta anslagssparande": ""
                if a.cap_ore is None
                else _amount_text(rng, f, a.cap_ore),
            }
            for a in allocs
        ]
        tree.written.append(_write_semicolon(rng, f, raw / "appropriations" / name, header, rows))
        rows_written["appropriations"] += len(rows)
    if tree.eu_projects:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=EU_COLS, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writeheader()
        w.writerows(tree.eu_projects)
        path = raw / "eu_projects" / f"projektbank_{tree.years[0]}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buf.getvalue().encode("utf-8"))
        rows_written["eu_projects"] = len(tree.eu_projects)
    if tree.profiles:
        _write_semicolon(
            rng,
            f,
            raw / "surveys" / f"mottagarprofil_{tree.years[-1]}.csv",
            ["Organisationsnummer", *LABELS],
            tree.profiles,
        )
        rows_written["profiles"] = len(tree.profiles)
    if tree.population:
        cols = ["År", "Kommun", "Kön", "Bakgrund", "Utbildning", "Åldersgrupp", "Antal"]
        _write_semicolon(
            rng, f, raw / "population" / "befolkning_foretagsledare.csv", cols, tree.population
        )
        rows_written["population"] = len(tree.population)
    return rows_written
