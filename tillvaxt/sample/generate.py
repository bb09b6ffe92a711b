"""Deterministic generator for the sample raw tree (`data/raw/`).

Run `python -m tillvaxt.sample.generate [--out DIR]` to (re)write the tree and
`--describe` to print the planted findings (with file lines) and the year figures.

Why a generator and not hand-written files: the sample must reproduce the
figures of Region Halland's 2017 report to the krona (the table "Användning av
anslag 1:1", 80 utvecklingscheckar, nine FoU-checkar, 300 000 kr särskilt
driftstöd) while carrying every kind of untidiness the raw-input spec promises,
and it must be rebuilt byte for byte on any machine.  So: one fixed seed, one
`random.Random` per part (so changing the survey does not move the payouts),
amounts as `Decimal` (never float), no wall clock, and the XLSX written with
fixed document properties into a zip with fixed timestamps and no compression
(stored entries do not depend on the zlib version).

Hard figures (1:1, booked 2017, vouchers de-duplicated across exports):
ENERGI 14 700, FOU 467 357, PROJ 2 441 719, EUMED 2 970 638, UTV 5 030 934,
total 10 925 348, closing 10 811 000 - 10 925 348 = -114 348.  80 organisations
with net UTV payouts > 0 in 2017; 9 organisations granted a FOU decision dated
2017 that is not revoked; one 300 000 DRIFT payment from SERV to Handlar'n i Ätran.

Planted findings (rule -> id -> file -> why); `--describe` adds the line numbers.
Every planted 1:1 payment is inside the 2017/2018 sums: wrong money is still spent.

- overpaid_decision -> RS170066 -> decisions/beslut_20190110.xlsx -> PROJ "Grön näring
  Halland" got 430 000 over 2017+2018 on 400 000 granted.
- recipient_mismatch -> V2017-00078 -> payouts/utbetalningar_20170601_20171231.csv ->
  Falkenbergs kommun's project paid to its business company instead.
- payout_outside_period -> V2017-00088 -> payouts/utbetalningar_20170601_20171231.csv ->
  The incubator's last payment was booked after its Projektslut 2017-06-30.
- possible_duplicate_payment -> V2017-00101+V2017-00102 ->
  payouts/utbetalningar_20170601_20171231.csv -> Two vouchers pay 125 000 on the same
  Kungsbacka decision on the same day.
- orphan_payout -> V2017-00092 -> payouts/utbetalningar_20170601_20171231.csv -> The
  case number was typed with two digits swapped, so no decision has it.
- orphan_payout -> V2017-00020 -> payouts/utbetalningar_20170101_20170831.csv -> A
  manual payment to Företagarna Halland booked without any case number.
- invalid_org_number -> V2017-00020 -> payouts/utbetalningar_20170101_20170831.csv ->
  The same manual payment carries Företagarna Halland's number with a wrong check digit.
- instrument_mismatch -> V2017-00115 -> payouts/utbetalningar_20170601_20171231.csv ->
  An EUMED co-financing payment booked with Insats PROJ (counted under PROJ).
- cap_exceeded -> RS180193 -> decisions/beslut_20190110.xlsx -> A 2018 utvecklingscheck
  granted 120 000, above the 100 000 cap.
- cofinancing_too_low -> RS170737 -> decisions/beslut_20190110.xlsx -> An
  energikartläggningscheck granted 6 200 with only 4 800 own co-financing.
- payout_after_revocation -> V2017-00119 -> payouts/utbetalningar_20170601_20171231.csv
  -> FoU advance paid in November 2017 on a decision revoked in 2018.
- unknown_priority -> RS170303 -> decisions/beslut_20190110.xlsx -> Prioritering
  "Hållbar turism" is no code or name of the growth strategy.
- eu_project_unknown -> RS170230 -> decisions/beslut_20190110.xlsx -> EU-ärende 20201999
  does not exist in the project bank.
- eu_project_mismatch -> RS170498 -> decisions/beslut_20190110.xlsx -> EU-ärende
  20200940 is a real project, but in Norrbotten, not Halland.
- unreadable_row -> V2018-00095 -> payouts/utbetalningar_2018.csv -> Belopp `1.250` (dot
  as decimal mark) on a 2018 1:1 row, so 2018 is incomplete.
- unreadable_row -> RS170815 -> decisions/beslut_20180110.csv -> Beslutsdatum
  `2017-13-01` in the older snapshot (the newest says 2017-12-01).

Snapshot differences (newest wins): RS170759 is Beviljad in the old CSV and
Återkallad in the XLSX; RS170873 (dated 2017-12-19, registered late) is missing
from the old CSV; RS160201 was amended from 600 000 to 750 000 granted (its
680 000 paid is over the old amount, not the new one); RS170815 carries the bad date.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20171231
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "data" / "raw"
EU_REGISTER_NAME = "se_tillvaxtverket_erdf_2014-2020_projects_2016-10-14.csv"
EU_REGISTER_CANDIDATES = (
    Path("/work/shared/data/real") / EU_REGISTER_NAME,
    DEFAULT_OUT / "eu_projects" / EU_REGISTER_NAME,
)
FIXED_XLSX_TIME = datetime(2019, 1, 10, 6, 0, 0)
NBSP = "\u00a0"
ONE = Decimal(1)

# Hard figures from Region Halland's 2017 report ("Användning av anslag 1:1 (Kr)").
TARGETS_2017 = {
    "ENERGI": Decimal(14_700),
    "FOU": Decimal(467_357),
    "PROJ": Decimal(2_441_719),
    "EUMED": Decimal(2_970_638),
    "UTV": Decimal(5_030_934),
}
# 2018 has no published table here; these keep it plausible (about 11.2 M).
TARGETS_2018 = {
    "ENERGI": Decimal(33_412),
    "FOU": Decimal(361_380),
    "PROJ": Decimal(2_942_815),
    "EUMED": Decimal(2_768_150),
    "UTV": Decimal(5_204_617),
}
ALLOCATIONS = {2017: Decimal(10_811_000), 2018: Decimal(11_214_000)}
UTV_RECIPIENTS_2017 = 80
FOU_GRANTED_ORGS_2017 = 9
CAPS = {"UTV": Decimal(100_000), "FOU": Decimal(250_000), "ENERGI": Decimal(50_000)}
CHEQUES = ("UTV", "FOU", "ENERGI")

MUNICIPALITIES = {
    "1315": "Hylte",
    "1380": "Halmstad",
    "1381": "Laholm",
    "1382": "Falkenberg",
    "1383": "Varberg",
    "1384": "Kungsbacka",
}
# Where Halland's small firms are, roughly by population.
FIRM_KOMMUN_WEIGHTS = {"1380": 30, "1384": 22, "1383": 20, "1382": 14, "1381": 9, "1315": 5}

PRIORITIES = {
    "SV1.1": "Regionförstoring söderut och norrut",
    "SV1.2": "Samplanering mellan politikområden",
    "SV1.3": "Infrastrukturbehov för näringslivet",
    "SV1.4": "God tillgång till bredband",
    "SV2.1": "Attraktiva stadsmiljöer",
    "SV2.2": "Livsmiljö på landsbygden",
    "SV2.3": "God och jämlik samhällsservice",
    "SV2.4": "Utjämna hälsoskillnader",
    "SV2.5": "Kultur för ett socialt hållbart samhälle",
    "SV2.6": "Koldioxidneutral ekonomi och hållbar resurshantering",
    "SV2.7": "Insatser för förnyelsebar energi och fossilfria transporter",
    "SV3.1": "Regionalt innovationssystem",
    "SV3.2": "Innovationsupphandling",
    "SV3.3": "Halländska styrkeområden",
    "SV3.4": "Forskning och utveckling i företag",
    "SV3.5": "Omställning och förnyelse i företag",
    "SV3.6": "Entreprenörskap",
    "SV4.1": "Högre studier och yrkesstudier som ett naturligt val",
    "SV4.2": "Halland i framkant avseende senaste tekniken",
    "SV5.1": "Strategiska allianser",
    "SV5.2": "Fler och växande internationella företag",
    "SV5.3": "God internationell tillgänglighet",
    "SV5.4": "Ökad kännedom om Hallands attraktivitet",
    "SV6.1": "En god start i livet",
    "SV6.2": "Alla elever ska fullfölja grund- och gymnasieskolan",
    "SV6.3": "Barn och ungas entreprenöriella kompetenser",
    "SV7.1": "Regional struktur för matchning mellan arbetsmarknad och utbildning",
    "SV8.1": "En jämställd arbetsmarknad",
    "SV8.2": "Anställningsbarhet hos invånare långt från arbetsmarknaden",
    "SV8.3": "Social innovation och socialt företagande",
}
UNKNOWN_PRIORITY_TEXT = "Hållbar turism"

KON = ("K", "M")
BAKGRUND = (
    "Svensk bakgrund",
    "Utrikes född",
    "Inrikes född med två utrikes födda föräldrar",
)
UTBILDNING = ("Förgymnasial", "Gymnasial", "Eftergymnasial <3 år", "Eftergymnasial ≥3 år")
ALDER = ("-29", "30-44", "45-64", "65-")
INKOMST = ("1", "2", "3", "4", "5")

PAYOUT_COLUMNS = (
    "Verifikationsnummer",
    "Bokföringsdatum",
    "Diarienummer",
    "Organisationsnummer",
    "Mottagare",
    "Insats",
    "Belopp",
    "Anslag",
    "Kommun",
)
DECISION_COLUMNS = (
    "Diarienummer",
    "Beslutsdatum",
    "Insats",
    "Organisationsnummer",
    "Sökande",
    "Projektnamn",
    "Beviljat belopp",
    "Medfinansiering",
    "Projektstart",
    "Projektslut",
    "Prioritering",
    "Status",
    "EU-ärende",
)
PAYOUT_FILE_1 = "payouts/utbetalningar_20170101_20170831.csv"
PAYOUT_FILE_2 = "payouts/utbetalningar_20170601_20171231.csv"
PAYOUT_FILE_2018 = "payouts/utbetalningar_2018.csv"
DECISIONS_OLD = "decisions/beslut_20180110.csv"
DECISIONS_NEW = "decisions/beslut_20190110.xlsx"
OLD_SNAPSHOT_DATE = date(2018, 1, 10)
NEW_SNAPSHOT_DATE = date(2019, 1, 10)
OVERLAP = (date(2017, 6, 1), date(2017, 8, 31))


# --------------------------------------------------------------------------- numbers


def luhn_digit(nine: str) -> str:
    """Check digit of Swedish organisation/personal numbers (Luhn over 9 digits)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def make_legal_number(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A 10-digit legal-entity number with a valid check digit (third digit >= 2)."""
    while True:
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(9 - len(prefix)))
        number = body + luhn_digit(body)
        if number not in used:
            used.add(number)
            return number


def make_personal_number(rng: random.Random, used: set[str]) -> tuple[str, str]:
    """A sole trader's personal identity number (10 digits) and its century."""
    while True:
        year = rng.randint(1952, 1992)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        body = born.strftime("%y%m%d") + f"{rng.randrange(1000):03d}"
        number = body + luhn_digit(body)
        if number not in used:
            used.add(number)
            return number, str(year // 100)


def spell(org: Org, style: int) -> str:
    """The spellings real exports use for the same number; style picks one.

    Legal entity: 556677-8899 / 5566778899 / 165566778899.
    Sole trader:  19800101-1234 / 8001011234 / 198001011234.
    """
    n = org.number
    style %= 3
    if style == 0:
        return (org.century + n[:6] + "-" + n[6:]) if org.personal else (n[:6] + "-" + n[6:])
    if style == 1:
        return n
    return org.century + n


# --------------------------------------------------------------------------- formats


def kr(value: int | str) -> Decimal:
    """Whole kronor as Decimal (readability helper)."""
    return Decimal(value)


def group(digits: str, sep: str) -> str:
    """Group an unsigned digit string in threes from the right."""
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return sep.join(parts)


def sv_amount(amount: Decimal, sep: str = " ", decimals: str = "always") -> str:
    """Swedish amount text: `sep` groups thousands ('' = none), decimal comma.

    decimals: 'always' -> `62 500,00`; 'minimal' -> `62 500`, `1 250,5`, `12,75`.
    """
    sign = "-" if amount < 0 else ""
    cents = int((abs(amount) * 100).to_integral_value())
    whole, ore = divmod(cents, 100)
    text = sign + group(str(whole), sep)
    if decimals == "always":
        return f"{text},{ore:02d}"
    if ore == 0:
        return text
    return f"{text},{ore:02d}".rstrip("0")


def encode_csv(rows: list[list[str]], encoding: str, newline: str, trailing_blank: bool) -> bytes:
    """`;`-separated text the way the source systems write it (no quoting needed)."""
    lines = [";".join(row) for row in rows]
    for line in lines:
        if '"' in line or "\n" in line:
            raise ValueError(f"sample row needs quoting, keep sample values simple: {line!r}")
    text = newline.join(lines) + newline + (newline if trailing_blank else "")
    return text.encode(encoding)


# --------------------------------------------------------------------------- dates


def add_months(day: date, months: int) -> date:
    """Same day `months` later (day capped at 28 so every month has it)."""
    y, m = divmod(day.month - 1 + months, 12)
    return date(day.year + y, m + 1, min(day.day, 28))


def business_day(rng: random.Random, lo: date, hi: date) -> date:
    """A random weekday in [lo, hi] (any day if the range holds no weekday)."""
    if hi < lo:
        raise ValueError(f"empty date range {lo}..{hi}")
    days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    return rng.choice(weekdays or days)


# --------------------------------------------------------------------------- model


@dataclass(eq=False)
class Org:
    """An applicant/recipient. `number` is the normalised 10-digit form."""

    number: str
    name: str
    kommun: str
    kind: str  # company | sole_trader | municipality | association | public
    century: str = "16"
    spell_offset: int = 0

    @property
    def personal(self) -> bool:
        return self.kind == "sole_trader"


@dataclass(eq=False)
class Decision:
    """One grant decision as it stands in the newest snapshot, plus old-snapshot deltas."""

    instrument: str
    org: Org
    title: str
    date: date
    granted: Decimal
    cofin: Decimal | None
    start: date
    end: date
    priority: str
    status: str = "Beviljad"
    eu_case: str = ""
    case_id: str = ""
    in_old: bool = True
    old_granted: Decimal | None = None
    old_status: str | None = None
    old_date_text: str | None = None
    old_priority: str | None = None
    plan: list[tuple[date, str]] = field(default_factory=list)
    completion: Decimal = ONE


@dataclass(eq=False)
class Payment:
    """One voucher. `fixed` payments are never touched when balancing to targets."""

    date: date
    decision: Decision | None
    org: Org
    instrument: str
    amount: Decimal
    anslag: str = "1:1"
    fixed: bool = False
    floor: Decimal = Decimal(0)
    case_text: str | None = None
    org_text_override: str | None = None
    raw_amount: str | None = None
    voucher: str = ""
    org_text: str = ""

    @property
    def case_id(self) -> str:
        if self.case_text is not None:
            return self.case_text
        return self.decision.case_id if self.decision else ""

    @property
    def readable(self) -> bool:
        return self.raw_amount is None


@dataclass
class Plant:
    """A finding planted on purpose, resolved to ids and lines after writing."""

    rule: str
    target: Payment | Decision | tuple[Payment, ...]
    file: str
    why: str
    ref: str = ""
    lines: str = ""


@dataclass
class Ledger:
    """Everything the finance and case-management exports are made from."""

    orgs: list[Org] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    plants: list[Plant] = field(default_factory=list)

    def decide(self, **kwargs: object) -> Decision:
        decision = Decision(**kwargs)  # type: ignore[arg-type]
        self.decisions.append(decision)
        return decision

    def pay(self, **kwargs: object) -> Payment:
        payment = Payment(**kwargs)  # type: ignore[arg-type]
        if payment.floor == 0 and payment.amount > 0:
            payment.floor = max(kr(1_000), (payment.amount / 2).quantize(ONE))
        self.payments.append(payment)
        return payment

    def paid_on(self, decision: Decision) -> Decimal:
        """Net of every payment recorded on the decision (all years, all funds)."""
        return sum((p.amount for p in self.payments if p.decision is decision), Decimal(0))

    def headroom(self, decision: Decision | None) -> Decimal:
        return Decimal(0) if decision is None else decision.granted - self.paid_on(decision)

    def plant(self, rule: str, target: Payment | Decision | tuple[Payment, ...], why: str) -> None:
        self.plants.append(Plant(rule, target, "", why))


# --------------------------------------------------------------------------- organisations

SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jönsson", "Hansson", "Bengtsson",
    "Åkesson", "Göransson", "Löfgren", "Ström", "Sjöberg", "Bäckström", "Håkansson",
    "Nordström", "Lindqvist", "Öberg", "Fägerström", "Åström", "Mårtensson", "Kjellén",
)  # fmt: skip
PLACES = (
    "Ätran", "Nissan", "Viskan", "Lagan", "Tylösand", "Getterön", "Morup", "Skrea", "Onsala",
    "Särö", "Åsa", "Frillesås", "Tvååker", "Glommen", "Knäred", "Torup", "Unnaryd", "Veinge",
    "Mellbystrand", "Harplinge", "Steninge", "Ullared", "Fjärås", "Kungsäter", "Träslöv",
    "Båstad Väg", "Hishult", "Kvibille", "Älvsered", "Åled", "Rävinge", "Löftadalen",
)  # fmt: skip
TRADES = (
    "Snickeri", "Mekaniska Verkstad", "Plåtslageri", "Bygg & Måleri", "Elektronik",
    "Konsult", "Fastighetsservice", "Trädgård", "Fisk & Skaldjur", "Design", "Plast",
    "Verktyg", "Trävaror", "Gårdsmejeri", "Bageri", "Reklambyrå", "IT-lösningar",
    "Transport", "Hälsa", "Rör", "Kyl & Värme", "Båtvarv", "Miljöteknik", "Smide", "Glas",
    "Keramik", "Turism", "Camping", "Logistik", "Solenergi", "Gjuteri", "Laserteknik",
    "Möbler", "Ekologiska Odlingar", "Rökeri", "Textil", "Automation", "Ljud & Bild",
)  # fmt: skip
FIRST_NAMES = (
    "Anna",
    "Karin",
    "Lena",
    "Maria",
    "Sofia",
    "Per",
    "Lars",
    "Anders",
    "Björn",
    "Göran",
    "Åsa",
    "Jörgen",
)


class OrgFactory:
    """Makes unique names and numbers; keeps one `used` set for both kinds."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_numbers: set[str] = set()
        self.used_names: set[str] = set()
        self.orgs: list[Org] = []

    def _add(self, org: Org) -> Org:
        org.spell_offset = len(self.orgs)
        self.orgs.append(org)
        self.used_names.add(org.name)
        return org

    def firm_kommun(self) -> str:
        codes = list(FIRM_KOMMUN_WEIGHTS)
        return self.rng.choices(codes, weights=list(FIRM_KOMMUN_WEIGHTS.values()))[0]

    def company(self, name: str | None = None, kommun: str | None = None) -> Org:
        while name is None or name in self.used_names:
            first = self.rng.choice(SURNAMES + PLACES)
            suffix = "s" if first in SURNAMES and self.rng.random() < 0.5 else ""
            name = f"{first}{suffix} {self.rng.choice(TRADES)} AB"
        prefix = self.rng.choice(("556", "556", "556", "559"))
        number = make_legal_number(self.rng, prefix, self.used_numbers)
        return self._add(Org(number, name, kommun or self.firm_kommun(), "company"))

    def sole_trader(self) -> Org:
        name = None
        while name is None or name in self.used_names:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)} {self.rng.choice(TRADES)}"
        number, century = make_personal_number(self.rng, self.used_numbers)
        return self._add(Org(number, name, self.firm_kommun(), "sole_trader", century))

    def named(self, name: str, kommun: str, kind: str, prefix: str) -> Org:
        number = make_legal_number(self.rng, prefix, self.used_numbers)
        return self._add(Org(number, name, kommun, kind))


# --------------------------------------------------------------------------- decisions and payments


def priority_for(rng: random.Random, instrument: str) -> str:
    """A plausible priority code for the instrument."""
    choices = {
        "UTV": ("SV3.5", "SV3.5", "SV3.5", "SV3.6", "SV5.2", "SV4.2"),
        "FOU": ("SV3.4",),
        "ENERGI": ("SV2.6",),
        "PROJ": ("SV3.1", "SV3.3", "SV2.2", "SV1.3", "SV7.1", "SV8.3"),
        "EUMED": ("SV3.1", "SV3.3", "SV2.6"),
        "DRIFT": ("SV2.2",),
    }[instrument]
    return rng.choice(choices)


def name_variant(rng: random.Random, code: str) -> str:
    """The priority's name the way people type it: any case, stray white space."""
    name = PRIORITIES[code]
    return rng.choice(
        (name, name.lower(), name.upper(), f"  {name} ", f"{name}  ", f" {name.lower()}")
    )


def cheque_plan(rng: random.Random, d: Decision) -> None:
    """Almi's way: one payment at completion when the cheque runs within one year
    (always for FoU and energy cheques), otherwise a 50 % advance after start and
    the rest at completion."""
    final_lo = max(d.end - timedelta(days=40), d.start + timedelta(days=20))
    if d.date.year == 2016:  # there is no 2016 export: its last payment must fall in 2017
        final_lo = max(final_lo, date(2017, 1, 9))
    final_lo = min(final_lo, d.end)
    if d.instrument != "UTV" or d.start.year == d.end.year or d.date.year == 2016:
        d.plan = [(business_day(rng, final_lo, d.end), "final")]
        return
    adv_lo = d.start + timedelta(days=7)
    adv_hi = min(d.start + timedelta(days=50), date(d.start.year, 12, 20))
    if adv_hi < adv_lo:  # decided so late the advance is booked in January
        adv_lo, adv_hi = date(d.start.year + 1, 1, 8), date(d.start.year + 1, 2, 15)
    d.plan = [
        (business_day(rng, adv_lo, adv_hi), "advance"),
        (business_day(rng, final_lo, d.end), "final"),
    ]


def project_plan(rng: random.Random, d: Decision, every_months: int) -> None:
    """Projects are paid in arrears every `every_months` months against requisitions."""
    plan: list[tuple[date, str]] = []
    due = add_months(d.start, every_months)
    while due < d.end:
        lo, hi = due, min(due + timedelta(days=25), d.end)
        plan.append((business_day(rng, lo, hi), "installment"))
        due = add_months(due, every_months)
    plan.append((business_day(rng, max(d.end - timedelta(days=30), d.start), d.end), "final"))
    d.plan = plan


def realise_plan(ledger: Ledger, rng: random.Random, year: int) -> None:
    """Turn every plan entry of `year` into a payment, amounts from what is left."""
    for d in ledger.decisions:
        if not d.plan:
            continue
        n_left = sum(1 for day, _ in d.plan if day.year >= year)
        for day, kind in d.plan:
            if day.year != year:
                continue
            left = d.granted - ledger.paid_on(d)
            if kind == "advance":
                amount = (d.granted / 2).quantize(ONE)
            elif kind == "installment":
                share = left / max(n_left, 1)
                amount = (share * Decimal(rng.randint(80, 100)) / 100).quantize(ONE)
            else:
                amount = (left * d.completion).quantize(ONE, ROUND_DOWN)
            n_left -= 1
            if amount <= 0:
                continue
            if rng.random() < 0.08:  # some invoices are not whole kronor
                amount -= Decimal("0.50")
            ledger.pay(date=day, decision=d, org=d.org, instrument=d.instrument, amount=amount)


def balance(ledger: Ledger, payments: list[Payment], target: Decimal) -> None:
    """Spread the difference to `target` over the adjustable payments.

    Why: the figures must hit the published table to the krona, while every
    single payment stays within its decision's grant and above half its plan.
    """
    diff = target - sum((p.amount for p in payments), Decimal(0))
    adjustable = [p for p in payments if not p.fixed and p.decision is not None and p.amount > 0]
    for _ in range(200):
        if diff == 0:
            return
        share = (diff / len(adjustable)).quantize(ONE, ROUND_DOWN)
        if share == 0:
            share = diff
        for p in adjustable:
            if diff == 0:
                break
            step = share if abs(share) <= abs(diff) else diff
            if step > 0:
                step = min(step, ledger.headroom(p.decision))
            else:
                step = max(step, p.floor - p.amount)
            p.amount += step
            diff -= step
    raise RuntimeError(f"cannot balance to {target}: {diff} left")


def cheque(
    ledger: Ledger,
    rng: random.Random,
    instrument: str,
    org: Org,
    day: date,
    granted: Decimal,
    months: int | None = None,
    **extra: object,
) -> Decision:
    """A UTV/FOU/ENERGI decision with co-financing >= granted and a payment plan."""
    start = day + timedelta(days=rng.randint(0, 14))
    months = months or rng.choice((6, 9, 12, 12))
    end = add_months(start, months) - timedelta(days=1)
    cofin = granted + kr(rng.choice((0, 0, 0, 2_000, 5_000, 10_000, 25_000)))
    titles = {
        "UTV": ("Marknadsanalys", "Digital affärsutveckling", "Exportstrategi", "Produktionsutveckling",
                "Design och förpackning", "Kvalitetssystem ISO 9001", "Webbutik och e-handel"),
        "FOU": ("Materialprovning", "Prototyp och test", "Förstudie sensorteknik", "Livsmedelsanalys"),
        "ENERGI": ("Energikartläggning",),
    }[instrument]  # fmt: skip
    d = ledger.decide(
        instrument=instrument,
        org=org,
        title=rng.choice(titles),
        date=day,
        granted=granted,
        cofin=cofin,
        start=start,
        end=end,
        priority=priority_for(rng, instrument),
        completion=Decimal(rng.choice((100, 100, 100, 95, 90, 85))) / 100,
    )
    for key, value in extra.items():
        setattr(d, key, value)
    cheque_plan(rng, d)
    return d


def build_cheques(ledger: Ledger, rng: random.Random, orgs: OrgFactory) -> dict[str, object]:
    """UTV, FOU and ENERGI decisions 2016-2018 and their planted anomalies."""
    special: dict[str, object] = {}
    utv_amounts = range(40_000, 100_001, 5_000)

    # 2016 UTV decisions finishing in 2017 (their advances, if any, were booked in 2016).
    utv16 = []
    for i in range(16):
        org = orgs.sole_trader() if i in (3, 11) else orgs.company()
        day = business_day(rng, date(2016, 8, 15), date(2016, 12, 15))
        d = cheque(
            ledger, rng, "UTV", org, day, kr(rng.choice(utv_amounts)), months=rng.choice((6, 9))
        )
        utv16.append(d)

    # 2017 UTV decisions paid (at least in part) in 2017: 64 + one firm that also had a 2016 cheque.
    utv17 = []
    for i in range(63):
        if i == 5:
            org = orgs.company("Ätrans Snickeri AB", "1382")
        elif i in (9, 27, 44):
            org = orgs.sole_trader()
        else:
            org = orgs.company()
        day = business_day(rng, date(2017, 1, 9), date(2017, 9, 15))
        utv17.append(cheque(ledger, rng, "UTV", org, day, kr(rng.choice(utv_amounts))))
    repeat = cheque(ledger, rng, "UTV", utv16[0].org, date(2017, 5, 22), kr(60_000), months=6)
    utv17.append(repeat)

    # Decided 2017-12-19 but registered in January: absent from the older snapshot.
    late_org = orgs.company()
    late = cheque(
        ledger, rng, "UTV", late_org, date(2017, 12, 19), kr(90_000), months=12, in_old=False
    )
    late.start = date(2017, 12, 19)
    late.end = date(2018, 12, 18)
    late.plan = [(date(2017, 12, 28), "advance"), (date(2018, 12, 10), "final")]
    special["late"] = late

    # A firm that cancelled its cheque and repaid the advance in full: net 0, not a recipient.
    quitter = orgs.company()
    q = cheque(ledger, rng, "UTV", quitter, date(2017, 2, 13), kr(80_000), months=12)
    q.plan = []
    q.status = q.old_status = "Avslutad"
    ledger.pay(
        date=date(2017, 3, 6),
        decision=q,
        org=quitter,
        instrument="UTV",
        amount=kr(40_000),
        fixed=True,
    )
    ledger.pay(
        date=date(2017, 10, 9),
        decision=q,
        org=quitter,
        instrument="UTV",
        amount=kr(-40_000),
        fixed=True,
    )

    # Revoked before any money moved (bankruptcy): no payment, no finding.
    bankrupt = cheque(ledger, rng, "UTV", orgs.company(), date(2017, 4, 3), kr(50_000))
    bankrupt.plan = []
    bankrupt.status = bankrupt.old_status = "Återkallad"

    # Decided in Q4 2017, paid from 2018; one of them has the typo'd date in the old CSV.
    for i in range(12):
        day = business_day(rng, date(2017, 10, 2), date(2017, 12, 15))
        if i == 0:
            day = date(2017, 12, 1)
        d = cheque(ledger, rng, "UTV", orgs.company(), day, kr(rng.choice(utv_amounts)), months=12)
        d.plan[0] = (business_day(rng, date(2018, 1, 8), date(2018, 2, 15)), "advance")
        if i == 0:
            d.old_date_text = "2017-13-01"
            special["typo_date"] = d

    # A partial repayment (cost came in lower) inside the cheque period.
    back = utv16[5]
    ledger.pay(
        date=business_day(rng, back.plan[0][0] + timedelta(days=3), back.end),
        decision=back,
        org=back.org,
        instrument="UTV",
        amount=Decimal("-4250.50"),
        fixed=True,
    )

    # 2018 UTV: new firms, some returning 2017 firms, two sole traders, one over the cap.
    returning = [d.org for d in utv17[10:60:6] if not d.org.personal]
    for i in range(82):
        if i < len(returning):
            org = returning[i]
        elif i in (30, 61):
            org = orgs.sole_trader()
        else:
            org = orgs.company()
        day = business_day(rng, date(2018, 1, 8), date(2018, 11, 30))
        cheque(ledger, rng, "UTV", org, day, kr(rng.choice(utv_amounts)))
    capped = cheque(ledger, rng, "UTV", orgs.company(), date(2018, 3, 12), kr(120_000), months=12)
    capped.cofin = kr(120_000)
    special["cap"] = capped

    # FOU 2016: final payments in 2017.
    for day, amount in ((date(2016, 10, 5), 150_000), (date(2016, 11, 21), 250_000)):
        cheque(ledger, rng, "FOU", orgs.company(), day, kr(amount), months=rng.choice((9, 12)))
    # FOU 2017: nine firms keep their cheque, a tenth is revoked after its advance.
    fou_amounts = range(100_000, 250_001, 10_000)
    for _ in range(9):
        day = business_day(rng, date(2017, 2, 1), date(2017, 11, 30))
        cheque(
            ledger,
            rng,
            "FOU",
            orgs.company(),
            day,
            kr(rng.choice(fou_amounts)),
            months=rng.choice((15, 18, 24)),
        )
    revoked = cheque(ledger, rng, "FOU", orgs.company(), date(2017, 10, 2), kr(200_000), months=18)
    revoked.plan = []
    revoked.status, revoked.old_status = "Återkallad", "Beviljad"
    ledger.pay(date=date(2017, 11, 13), decision=revoked, org=revoked.org, instrument="FOU", amount=kr(100_000), fixed=True)  # fmt: skip
    special["revoked"] = revoked
    for _ in range(9):
        day = business_day(rng, date(2018, 1, 15), date(2018, 11, 15))
        cheque(
            ledger,
            rng,
            "FOU",
            orgs.company(),
            day,
            kr(rng.choice(fou_amounts)),
            months=rng.choice((12, 18)),
        )

    # ENERGI 2017: exactly 14 700 paid (8 500 + 6 200), one co-financed too little.
    e1 = cheque(ledger, rng, "ENERGI", orgs.company(), date(2017, 3, 20), kr(8_500), months=6)
    e1.completion = ONE
    e1.plan = []
    ledger.pay(date=business_day(rng, e1.end - timedelta(days=30), e1.end), decision=e1, org=e1.org, instrument="ENERGI", amount=kr(8_500), fixed=True)  # fmt: skip
    e2 = cheque(ledger, rng, "ENERGI", orgs.sole_trader(), date(2017, 9, 11), kr(6_200), months=3)
    e2.cofin = kr(4_800)
    e2.plan = []
    ledger.pay(date=date(2017, 11, 27), decision=e2, org=e2.org, instrument="ENERGI", amount=kr(6_200), fixed=True)  # fmt: skip
    special["cofin"] = e2
    cheque(ledger, rng, "ENERGI", orgs.company(), date(2017, 11, 6), kr(15_000), months=6)
    for _ in range(3):
        day = business_day(rng, date(2018, 1, 15), date(2018, 8, 31))
        cheque(
            ledger,
            rng,
            "ENERGI",
            orgs.company(),
            day,
            kr(rng.choice(range(5_000, 20_001, 500))),
            months=6,
        )
    return special


def project(
    ledger: Ledger,
    rng: random.Random,
    instrument: str,
    org: Org,
    title: str,
    day: date,
    start: date,
    end: date,
    granted: int,
    every_months: int = 3,
    **extra: object,
) -> Decision:
    """A PROJ/EUMED decision (no cap, no co-financing requirement) paid in arrears."""
    d = ledger.decide(
        instrument=instrument,
        org=org,
        title=title,
        date=day,
        granted=kr(granted),
        cofin=None,
        start=start,
        end=end,
        priority=priority_for(rng, instrument),
    )
    for key, value in extra.items():
        setattr(d, key, value)
    project_plan(rng, d, every_months)
    return d


def build_projects(ledger: Ledger, rng: random.Random, orgs: OrgFactory) -> dict[str, object]:
    """PROJ, EUMED and DRIFT decisions with their planted anomalies."""
    o = {
        "halmstad": orgs.named("Halmstads kommun", "1380", "municipality", "212000"),
        "falkenberg": orgs.named("Falkenbergs kommun", "1382", "municipality", "212000"),
        "falkenberg_ab": orgs.named("Falkenbergs Näringsliv AB", "1382", "company", "559"),
        "varberg": orgs.named("Varbergs kommun", "1383", "municipality", "212000"),
        "kungsbacka": orgs.named("Kungsbacka kommun", "1384", "municipality", "212000"),
        "laholm": orgs.named("Laholms kommun", "1381", "municipality", "212000"),
        "hylte": orgs.named("Hylte kommun", "1315", "municipality", "212000"),
        "region": orgs.named("Region Halland", "1380", "public", "232100"),
        "hh": orgs.named("Högskolan i Halmstad", "1380", "public", "202100"),
        "iuc": orgs.named("Industriellt Utvecklingscentrum i Halland AB", "1381", "company", "556"),
        "idc": orgs.named("IDC West Sweden AB", "1480", "company", "556"),
        "cit": orgs.named("Chalmers Industriteknik", "1480", "association", "802"),
        "almi": orgs.named("Almi Företagspartner Halland AB", "1380", "company", "556"),
        "hush": orgs.named("Hushållningssällskapet Halland", "1383", "association", "802"),
        "science": orgs.named("Stiftelsen Science Park Halmstad", "1380", "association", "802"),
        "foretagarna": orgs.named("Företagarna Halland", "1380", "association", "802"),
        "oresund": orgs.named("Öresundskraft Halland AB", "1381", "company", "556"),
        "handlarn": orgs.named("Handlar'n i Ätran", "1382", "company", "559"),
    }
    p: dict[str, object] = {"orgs": o}
    P = "PROJ"
    p["kreativa"] = project(ledger, rng, P, o["halmstad"], "Kreativa näringar Halmstad", date(2016, 3, 14), date(2016, 4, 1), date(2018, 3, 31), 1_000_000)  # fmt: skip
    p["amended"] = project(ledger, rng, P, o["varberg"], "Besöksnäring Västkust", date(2016, 11, 14), date(2016, 12, 1), date(2018, 11, 30), 750_000, old_granted=kr(600_000))  # fmt: skip
    p["fbg"] = project(ledger, rng, P, o["falkenberg"], "Näringslivsprogram Falkenberg", date(2016, 9, 12), date(2016, 10, 1), date(2018, 9, 30), 700_000, every_months=6)  # fmt: skip
    p["inkubator"] = project(ledger, rng, P, o["science"], "Inkubator Halmstad", date(2016, 5, 9), date(2016, 6, 1), date(2017, 6, 30), 520_000)  # fmt: skip
    p["over"] = project(ledger, rng, P, o["hush"], "Grön näring Halland", date(2017, 1, 30), date(2017, 2, 1), date(2018, 6, 30), 400_000)  # fmt: skip
    p["dup"] = project(ledger, rng, P, o["kungsbacka"], "Företagslots Kungsbacka", date(2017, 3, 6), date(2017, 4, 1), date(2019, 3, 31), 900_000)  # fmt: skip
    p["unknown_prio"] = project(ledger, rng, P, o["laholm"], "Besöksnäring Laholmsbukten", date(2017, 4, 10), date(2017, 5, 1), date(2018, 12, 31), 600_000, priority=UNKNOWN_PRIORITY_TEXT, old_priority=UNKNOWN_PRIORITY_TEXT)  # fmt: skip
    p["vatgas"] = project(ledger, rng, P, o["oresund"], "Vätgas Halland förstudie", date(2017, 5, 15), date(2017, 6, 1), date(2018, 5, 31), 450_000, priority="SV2.7")  # fmt: skip
    p["hylte"] = project(ledger, rng, P, o["hylte"], "Hylte industriby", date(2017, 2, 20), date(2017, 3, 1), date(2018, 12, 31), 800_000, every_months=6)  # fmt: skip
    p["digital"] = project(ledger, rng, P, o["cit"], "Digitaliseringslyft Halland", date(2016, 12, 5), date(2017, 1, 1), date(2018, 12, 31), 450_000, every_months=6)  # fmt: skip
    p["kompetens"] = project(ledger, rng, P, o["region"], "Kompetensplattform Halland", date(2018, 2, 12), date(2018, 3, 1), date(2019, 12, 31), 900_000, priority="SV7.1")  # fmt: skip
    p["social"] = project(ledger, rng, P, o["foretagarna"], "Socialt företagande Halland", date(2018, 4, 16), date(2018, 5, 1), date(2019, 10, 31), 500_000, priority="SV8.3")  # fmt: skip

    E = "EUMED"
    eu = [
        ("dest", o["region"], "Destination Halland 2020", date(2016, 2, 8), date(2016, 3, 1), date(2019, 3, 31), 2_400_000, "20200778"),
        ("arena", o["region"], "Arena för grön tillväxt", date(2016, 1, 11), date(2016, 1, 11), date(2018, 6, 30), 1_200_000, "20200339"),
        ("hicube", o["hh"], "HIcube hälsoinnovation", date(2016, 1, 18), date(2016, 1, 18), date(2018, 11, 30), 1_500_000, "20200359"),
        ("lyft", o["iuc"], "Marknadslyftet", date(2016, 9, 26), date(2016, 10, 1), date(2019, 12, 31), 900_000, "20200947"),
        ("idc", o["idc"], "Hållbar industriell utveckling", date(2016, 2, 22), date(2016, 3, 1), date(2018, 12, 31), 600_000, "20200748"),
        ("fou_eu", o["almi"], "FoU-checkar Halland", date(2016, 12, 12), date(2017, 1, 1), date(2019, 5, 30), 800_000, "20201053"),
        ("eu_unknown", o["halmstad"], "Smart logistik Halmstad hamn", date(2017, 3, 20), date(2017, 4, 1), date(2019, 3, 31), 500_000, "20201999"),
        ("eu_mismatch", o["hylte"], "Bredband Hylte landsbygd", date(2017, 5, 29), date(2017, 6, 1), date(2019, 12, 31), 700_000, "20200940"),
    ]  # fmt: skip
    for key, org, title, day, start, end, granted, case in eu:
        p[key] = project(
            ledger, rng, E, org, title, day, start, end, granted, every_months=6, eu_case=case
        )

    drift = ledger.decide(
        instrument="DRIFT",
        org=o["handlarn"],
        title="Särskilt driftstöd dagligvarubutik Ätran",
        date=date(2017, 4, 24),
        granted=kr(300_000),
        cofin=None,
        start=date(2017, 5, 1),
        end=date(2017, 12, 31),
        priority="SV2.2",
        status="Avslutad",
    )
    ledger.pay(date=date(2017, 6, 19), decision=drift, org=o["handlarn"], instrument="DRIFT", amount=kr(300_000), anslag="SERV", fixed=True)  # fmt: skip
    p["drift"] = drift
    return p


def plant_project_anomalies(ledger: Ledger, p: dict[str, object], rng: random.Random) -> None:
    """Fixed 2017/2018 payments that carry the planted payout findings."""
    o: dict[str, Org] = p["orgs"]  # type: ignore[assignment]

    def dec(key: str) -> Decision:
        value = p[key]
        assert isinstance(value, Decision)
        return value

    def fixed(d: Decision, day: date, amount: int | str, **kw: object) -> Payment:
        kw.setdefault("org", d.org)
        kw.setdefault("instrument", d.instrument)
        return ledger.pay(date=day, decision=d, amount=Decimal(amount), fixed=True, **kw)

    over = dec("over")
    over.plan = []
    fixed(over, date(2017, 5, 15), 250_000)
    fixed(over, date(2018, 3, 19), 180_000)
    ledger.plant(
        "overpaid_decision",
        over,
        'PROJ "Grön näring Halland" got 430 000 over 2017+2018 on 400 000 granted.',
    )

    amended = dec("amended")
    amended.plan = []
    fixed(amended, date(2017, 3, 13), 175_000)
    fixed(amended, date(2017, 10, 16), 175_000)
    fixed(amended, date(2018, 6, 11), 330_000)

    fbg = dec("fbg")
    wrong = fixed(fbg, date(2017, 9, 4), 95_000, org=o["falkenberg_ab"])
    ledger.plant(
        "recipient_mismatch",
        wrong,
        "Falkenbergs kommun's project paid to its business company instead.",
    )

    ink = dec("inkubator")
    ink.plan = [entry for entry in ink.plan if entry[0] < date(2017, 1, 1)]
    fixed(ink, date(2017, 3, 20), 130_000)
    late = fixed(ink, date(2017, 9, 15), 120_000)
    ledger.plant("payout_outside_period", late, "The incubator's last payment was booked after its Projektslut 2017-06-30.")  # fmt: skip

    dup = dec("dup")
    dup.plan = [entry for entry in dup.plan if entry[0].year >= 2018]
    fixed(dup, date(2017, 7, 10), 90_000)
    a = fixed(dup, date(2017, 10, 16), 125_000)
    b = fixed(dup, date(2017, 10, 16), 125_000)
    ledger.plant("possible_duplicate_payment", (a, b), "Two vouchers pay 125 000 on the same Kungsbacka decision on the same day.")  # fmt: skip

    hylte = dec("hylte")
    orphan = fixed(hylte, date(2017, 9, 25), 60_000)
    orphan.decision = None  # it belongs to no decision: its case number is a typo
    orphan.case_text = "TYPO"  # resolved once case ids exist
    ledger.plant("orphan_payout", orphan, "The case number was typed with two digits swapped, so no decision has it.")  # fmt: skip

    manual = ledger.pay(
        date=date(2017, 4, 24),
        decision=None,
        org=o["foretagarna"],
        instrument="PROJ",
        amount=kr(25_000),
        fixed=True,
        case_text="",
    )
    ledger.plant(
        "orphan_payout",
        manual,
        "A manual payment to Företagarna Halland booked without any case number.",
    )
    ledger.plant("invalid_org_number", manual, "The same manual payment carries Företagarna Halland's number with a wrong check digit.")  # fmt: skip

    lyft = dec("lyft")
    mixed = fixed(lyft, date(2017, 11, 6), 150_000, instrument="PROJ")
    ledger.plant(
        "instrument_mismatch",
        mixed,
        "An EUMED co-financing payment booked with Insats PROJ (counted under PROJ).",
    )

    # Own funds (EGNA) on projects with room to spare: never charged to 1:1.
    for key, day, amount in (("kreativa", date(2017, 5, 8), 45_000), ("hylte", date(2017, 11, 20), 30_000), ("kreativa", date(2018, 2, 5), 20_000)):  # fmt: skip
        d = dec(key)
        fixed(d, day, amount, anslag="EGNA")

    # A repayment on a project (unspent funds returned) inside its period.
    fixed(dec("kreativa"), date(2017, 12, 11), -12_500)

    for key in ("unknown_prio", "eu_unknown", "eu_mismatch"):
        _ = dec(key)


# --------------------------------------------------------------------------- ledger assembly


def assign_case_ids(ledger: Ledger, rng: random.Random) -> None:
    """RSyy + 4 digits, increasing with the decision date (gaps: other matters)."""
    by_year: dict[int, list[Decision]] = {}
    for d in sorted(ledger.decisions, key=lambda d: (d.date, ledger.decisions.index(d))):
        by_year.setdefault(d.date.year, []).append(d)
    for year, decisions in by_year.items():
        number = rng.randint(20, 60)
        for d in decisions:
            d.case_id = f"RS{year % 100:02d}{number:04d}"
            number += rng.randint(2, 14)


def assign_vouchers(ledger: Ledger) -> None:
    """V<year>-<5 digits> in booking order, as the finance system numbers them."""
    order = sorted(ledger.payments, key=lambda p: (p.date, ledger.payments.index(p)))
    counters: dict[int, int] = {}
    for p in order:
        counters[p.date.year] = counters.get(p.date.year, 0) + 1
        p.voucher = f"V{p.date.year}-{counters[p.date.year]:05d}"
    ledger.payments = order


def assign_spellings(ledger: Ledger) -> None:
    """Each org number spelled three ways across rows, as real exports do."""
    seen: dict[int, int] = {}
    for p in ledger.payments:
        k = seen.get(id(p.org), 0)
        seen[id(p.org)] = k + 1
        p.org_text = p.org_text_override or spell(p.org, p.org.spell_offset + k)


def typo_case(case_id: str, taken: set[str]) -> str:
    """Swap the last two digits of a case number (the classic typing error)."""
    typo = case_id[:-2] + case_id[-1] + case_id[-2]
    if typo == case_id or typo in taken:
        typo = case_id[:-3] + case_id[-2] + case_id[-3] + case_id[-1]
    if typo in taken:
        raise RuntimeError(f"no free typo for {case_id}")
    return typo


def corrupt_check_digit(number: str) -> str:
    """Same number with the check digit off by one."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def build_ledger() -> tuple[Ledger, dict[str, object]]:
    """All decisions and payments, balanced to the hard figures, ids assigned."""
    ledger = Ledger()
    orgs = OrgFactory(random.Random(SEED + 1))
    rng = random.Random(SEED + 2)
    special = build_cheques(ledger, rng, orgs)
    projects = build_projects(ledger, rng, orgs)
    plant_project_anomalies(ledger, projects, rng)
    special.update(projects)
    ledger.orgs = orgs.orgs

    realise_plan(ledger, rng, 2017)
    for instrument, target in TARGETS_2017.items():
        balance(ledger, year_payments(ledger, 2017, instrument), target)
    realise_plan(ledger, rng, 2018)

    # The unreadable 2018 row: `1.250` on a UTV cheque (quarantined, so outside the sums).
    victim = next(d for d in ledger.decisions if d.instrument == "UTV" and d.date.year == 2018 and ledger.paid_on(d) > 10_000)  # fmt: skip
    bad = ledger.pay(
        date=date(2018, 6, 26),
        decision=victim,
        org=victim.org,
        instrument="UTV",
        amount=kr(1_250),
        fixed=True,
        raw_amount="1.250",
    )
    add_2018_repayments(ledger, rng)
    for instrument, target in TARGETS_2018.items():
        balance(ledger, year_payments(ledger, 2018, instrument), target)

    assign_case_ids(ledger, random.Random(SEED + 3))
    taken = {d.case_id for d in ledger.decisions}
    hylte = projects["hylte"]
    assert isinstance(hylte, Decision)
    for p in ledger.payments:
        if p.case_text == "TYPO":
            p.case_text = typo_case(hylte.case_id, taken)
        if p.decision is None and p.case_text == "":
            p.org_text_override = corrupt_check_digit(p.org.number)
    assign_vouchers(ledger)
    assign_spellings(ledger)
    ledger.plant(
        "cap_exceeded",
        special["cap"],
        "A 2018 utvecklingscheck granted 120 000, above the 100 000 cap.",
    )  # type: ignore[arg-type]
    ledger.plant(
        "cofinancing_too_low",
        special["cofin"],
        "An energikartläggningscheck granted 6 200 with only 4 800 own co-financing.",
    )  # type: ignore[arg-type]
    ledger.plant("payout_after_revocation", next(p for p in ledger.payments if p.decision is special["revoked"]), "FoU advance paid in November 2017 on a decision revoked in 2018.")  # fmt: skip
    ledger.plant(
        "unknown_priority",
        special["unknown_prio"],
        'Prioritering "Hållbar turism" is no code or name of the growth strategy.',
    )  # type: ignore[arg-type]
    ledger.plant(
        "eu_project_unknown",
        special["eu_unknown"],
        "EU-ärende 20201999 does not exist in the project bank.",
    )  # type: ignore[arg-type]
    ledger.plant(
        "eu_project_mismatch",
        special["eu_mismatch"],
        "EU-ärende 20200940 is a real project, but in Norrbotten, not Halland.",
    )  # type: ignore[arg-type]
    ledger.plant(
        "unreadable_row",
        bad,
        "Belopp `1.250` (dot as decimal mark) on a 2018 1:1 row, so 2018 is incomplete.",
    )
    ledger.plant(
        "unreadable_row",
        special["typo_date"],
        "Beslutsdatum `2017-13-01` in the older snapshot (the newest says 2017-12-01).",
    )  # type: ignore[arg-type]
    set_statuses(ledger)
    set_priority_texts(ledger, random.Random(SEED + 4))
    return ledger, special


def add_2018_repayments(ledger: Ledger, rng: random.Random) -> None:
    """Two 2018 repayments of utvecklingscheckar (cost came in lower), inside the period."""
    chosen = 0
    for p in list(ledger.payments):
        d = p.decision
        if chosen == 2 or d is None or p.date.year != 2018 or p.fixed or d.instrument != "UTV":
            continue
        if (d.end - p.date).days < 20:
            continue
        day = business_day(rng, p.date + timedelta(days=7), d.end)
        amount = -Decimal(rng.choice((1_850, 2_500, 7_400))) - Decimal("0.50") * chosen
        ledger.pay(
            date=day, decision=d, org=d.org, instrument=d.instrument, amount=amount, fixed=True
        )
        chosen += 1


def year_payments(ledger: Ledger, year: int, instrument: str, anslag: str = "1:1") -> list[Payment]:
    """Readable payments of one year, instrument (as booked) and appropriation."""
    return [
        p
        for p in ledger.payments
        if p.date.year == year and p.instrument == instrument and p.anslag == anslag and p.readable
    ]


def set_statuses(ledger: Ledger) -> None:
    """Avslutad once the period is over at snapshot time, else Beviljad (revocations kept)."""
    for d in ledger.decisions:
        if d.status == "Beviljad" and d.end < NEW_SNAPSHOT_DATE:
            d.status = "Avslutad"
        if d.old_status is None:
            d.old_status = "Avslutad" if d.end < OLD_SNAPSHOT_DATE else "Beviljad"


def set_priority_texts(ledger: Ledger, rng: random.Random) -> None:
    """Codes mostly; the priority's name on some rows (more often in the old export)."""
    for d in ledger.decisions:
        code = d.priority
        if code not in PRIORITIES:
            continue
        if rng.random() < 0.35 and d.old_priority is None:
            d.old_priority = name_variant(rng, code)
        if rng.random() < 0.10:
            d.priority = name_variant(rng, code)


# --------------------------------------------------------------------------- file writers


def payout_row(p: Payment, amount_text: str) -> dict[str, str]:
    return {
        "Verifikationsnummer": p.voucher,
        "Bokföringsdatum": p.date.isoformat(),
        "Diarienummer": p.case_id,
        "Organisationsnummer": p.org_text,
        "Mottagare": p.org.name,
        "Insats": p.instrument,
        "Belopp": amount_text,
        "Anslag": p.anslag,
        "Kommun": p.org.kommun,
    }


def write_payouts(
    ledger: Ledger, rng: random.Random
) -> tuple[dict[str, bytes], dict[tuple[str, str], int]]:
    """Three overlapping finance exports with different encodings and layouts.

    Rows repeated in the second 2017 export keep exactly the first export's text,
    so the overlap is the same payment, not a conflict.
    """
    files: dict[str, bytes] = {}
    lines: dict[tuple[str, str], int] = {}
    first_text: dict[str, str] = {}

    def table(name: str, header: list[str], payments: Iterable[Payment], fmt: Callable[[Payment], str]) -> list[list[str]]:  # fmt: skip
        rows = [header]
        columns = [h.strip() for h in header]
        for p in payments:
            record = payout_row(p, fmt(p))
            rows.append([record[c] for c in columns])
            lines[(name, p.voucher)] = len(rows)
        return rows

    y17 = [p for p in ledger.payments if p.date.year == 2017]
    f1 = [p for p in y17 if p.date <= OVERLAP[1]]
    f2 = [p for p in y17 if p.date >= OVERLAP[0]]
    y18 = [p for p in ledger.payments if p.date.year == 2018]

    def fmt1(p: Payment) -> str:
        first_text[p.voucher] = sv_amount(p.amount, " ", "always")
        return first_text[p.voucher]

    def fmt2(p: Payment) -> str:
        if p.voucher in first_text:
            return first_text[p.voucher]
        return sv_amount(
            p.amount, *rng.choice(((NBSP, "always"), (NBSP, "minimal"), ("", "minimal")))
        )

    def fmt18(p: Payment) -> str:
        if p.raw_amount is not None:
            return p.raw_amount
        return sv_amount(p.amount, *rng.choice(((" ", "always"), (NBSP, "minimal"), ("", "minimal"), (" ", "minimal"))))  # fmt: skip

    header1 = list(PAYOUT_COLUMNS)
    header2 = ["Bokföringsdatum", "Verifikationsnummer", "Mottagare", "Organisationsnummer", "Diarienummer", "Anslag", "Insats", "Kommun", "Belopp"]  # fmt: skip
    header18 = [" Verifikationsnummer ", "Diarienummer ", " Bokföringsdatum", "Mottagare  ", " Organisationsnummer", "Kommun ", " Insats ", "Anslag", " Belopp "]  # fmt: skip
    rows1 = table(PAYOUT_FILE_1, header1, f1, fmt1)
    rows2 = table(PAYOUT_FILE_2, header2, f2, fmt2)
    rows18 = table(PAYOUT_FILE_2018, header18, y18, fmt18)
    files[PAYOUT_FILE_1] = encode_csv(rows1, "cp1252", "\r\n", trailing_blank=True)
    files[PAYOUT_FILE_2] = encode_csv(rows2, "utf-8-sig", "\n", trailing_blank=False)
    files[PAYOUT_FILE_2018] = encode_csv(rows18, "cp1252", "\r\n", trailing_blank=True)
    return files, lines


def decision_record(d: Decision, old: bool) -> dict[str, str | Decimal | None]:
    granted = d.old_granted if old and d.old_granted is not None else d.granted
    return {
        "Diarienummer": d.case_id,
        "Beslutsdatum": d.old_date_text if old and d.old_date_text else d.date.isoformat(),
        "Insats": d.instrument,
        "Organisationsnummer": spell(d.org, d.org.spell_offset + (2 if old else 1)),
        "Sökande": d.org.name,
        "Projektnamn": d.title,
        "Beviljat belopp": granted,
        "Medfinansiering": d.cofin,
        "Projektstart": d.start.isoformat(),
        "Projektslut": d.end.isoformat(),
        "Prioritering": (d.old_priority or d.priority) if old else d.priority,
        "Status": (d.old_status or d.status) if old else d.status,
        "EU-ärende": d.eu_case,
    }


def ordered_decisions(ledger: Ledger) -> list[Decision]:
    return sorted(ledger.decisions, key=lambda d: d.case_id)


def write_old_decisions(ledger: Ledger) -> tuple[bytes, dict[str, int]]:
    """The 2018-01-10 snapshot as the case system's CSV export (Windows-1252)."""
    rows = [list(DECISION_COLUMNS)]
    lines: dict[str, int] = {}
    for d in ordered_decisions(ledger):
        if not d.in_old or d.date > OLD_SNAPSHOT_DATE:
            continue
        record = decision_record(d, old=True)
        cells = []
        for column in DECISION_COLUMNS:
            value = record[column]
            if isinstance(value, Decimal):
                value = sv_amount(value, " ", "minimal")
            cells.append("" if value is None else str(value))
        rows.append(cells)
        lines[d.case_id] = len(rows)
    return encode_csv(rows, "cp1252", "\r\n", trailing_blank=False), lines


def write_new_decisions(ledger: Ledger, rng: random.Random) -> tuple[bytes, dict[str, int]]:
    """The 2019-01-10 snapshot as XLSX: amounts as numbers on some rows, Swedish text
    on others (as real exports do), dates as ISO text."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Beslut"
    ws.append(list(DECISION_COLUMNS))
    lines: dict[str, int] = {}
    for d in ordered_decisions(ledger):
        record = decision_record(d, old=False)
        as_text = rng.random() < 0.4
        cells: list[object] = []
        for column in DECISION_COLUMNS:
            value = record[column]
            if isinstance(value, Decimal):
                value = sv_amount(value, rng.choice((" ", NBSP)), rng.choice(("always", "minimal"))) if as_text else int(value)  # fmt: skip
            cells.append(None if value in ("", None) else value)
        ws.append(cells)
        lines[d.case_id] = ws.max_row
    wb.properties.creator = "Diariet"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_zip(raw.getvalue()), lines


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps/attributes and stored entries (byte-stable)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_XLSX_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()


def write_appropriations() -> bytes:
    """The controller's file: allocation and credit per year; saving cap left empty."""
    rows = [["År", "Anslag", "Tilldelat belopp", "Anslagskredit", "Högsta anslagssparande"]]
    for year, allocated in ALLOCATIONS.items():
        credit = allocated / 10
        rows.append(
            [
                str(year),
                "1:1",
                sv_amount(allocated, " ", "minimal"),
                sv_amount(credit, " ", "minimal"),
                "",
            ]
        )
    return encode_csv(rows, "utf-8-sig", "\r\n", trailing_blank=False)


# --------------------------------------------------------------------------- surveys and population


def pick(rng: random.Random, values: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return rng.choices(values, weights=weights)[0]


def leader_profile(rng: random.Random, org: Org) -> dict[str, str]:
    """Who leads the organisation: skewed the way Halland's firm owners are."""
    public = org.kind in ("municipality", "public", "association")
    return {
        "Kön": pick(rng, KON, (45, 55) if public else (27, 73)),
        "Bakgrund": pick(rng, BAKGRUND, (84, 11, 5)),
        "Utbildning": pick(rng, UTBILDNING, (2, 18, 25, 55) if public else (9, 46, 22, 23)),
        "Inkomstklass": pick(rng, INKOMST, (3, 8, 17, 30, 42) if public else (8, 14, 21, 27, 30)),
        "Åldersgrupp": pick(rng, ALDER, (1, 20, 74, 5) if public else (6, 31, 51, 12)),
    }


def recipients(ledger: Ledger, year: int) -> list[Org]:
    """Organisations with net payouts > 0 in the year (1:1 and SERV; own funds excluded)."""
    net: dict[int, Decimal] = {}
    by_id: dict[int, Org] = {}
    for p in ledger.payments:
        if (
            p.date.year == year
            and p.anslag != "EGNA"
            and p.readable
            and p.org_text_override is None
        ):
            net[id(p.org)] = net.get(id(p.org), Decimal(0)) + p.amount
            by_id[id(p.org)] = p.org
    return [org for org in ledger.orgs if net.get(id(org), Decimal(0)) > 0]


def write_recipient_profiles(ledger: Ledger, rng: random.Random) -> dict[str, bytes]:
    """About 95 % of each year's recipients answered; some fields left empty."""
    profiles = {id(org): leader_profile(rng, org) for org in ledger.orgs}
    files: dict[str, bytes] = {}
    columns = [
        "Organisationsnummer",
        "Kön",
        "Bakgrund",
        "Utbildning",
        "Inkomstklass",
        "Åldersgrupp",
    ]
    for year in (2017, 2018):
        orgs = recipients(ledger, year)
        rng.shuffle(orgs)
        keep = orgs[: len(orgs) - round(len(orgs) * 0.05)]
        rows = [columns]
        for k, org in enumerate(sorted(keep, key=lambda o: o.name)):
            profile = dict(profiles[id(org)])
            if year == 2018 and org.kind != "sole_trader" and rng.random() < 0.1:
                profile = leader_profile(rng, org)  # new managing director
            cells = [spell(org, org.spell_offset + year + k)]
            for column in columns[1:]:
                cells.append("" if rng.random() < 0.04 else profile[column])
            rows.append(cells)
        files[f"surveys/mottagarprofil_{year}.csv"] = encode_csv(
            rows, "utf-8", "\n", trailing_blank=False
        )
    return files


# Adults per municipality (rounded, 2017) split into stratum A (16-44) and B (45-).
ADULTS = {
    "1315": (3_900, 4_900),
    "1380": (38_500, 43_000),
    "1381": (8_300, 12_600),
    "1382": (15_100, 20_300),
    "1383": (22_800, 28_900),
    "1384": (29_400, 36_100),
}


def survey_answer(rng: random.Random, p: float) -> str:
    """0/1 with probability p, empty for ~5 % item non-response."""
    if rng.random() < 0.05:
        return ""
    return "1" if rng.random() < p else "0"


def write_population_survey(rng: random.Random, year: int, total: int = 2_500) -> bytes:
    """Stratified sample: municipality x age band, Vikt = population / sample size."""
    grow = 100 + (year - 2017)  # one per cent more people in 2018
    strata = [
        (k, band, pop * grow // 100)
        for k, pops in ADULTS.items()
        for band, pop in zip("AB", pops, strict=True)
    ]
    minimum = 110  # small municipalities oversampled so their estimates carry
    rest = total - minimum * len(strata)
    population = sum(pop for _, _, pop in strata)
    sizes = [minimum + rest * pop // population for _, _, pop in strata]
    sizes[0] += total - sum(sizes)
    columns = ["Löpnummer", "År", "Kommun", "Kön", "Bakgrund", "Utbildning", "Inkomstklass", "Åldersgrupp", "Stratum", "Vikt", "Ind_Sysselsatt", "Ind_GottHalsotillstand", "Ind_Foretagare"]  # fmt: skip
    rows = [columns]
    number = year * 10_000
    for (kommun, band, pop), n in zip(strata, sizes, strict=True):
        weight = (Decimal(pop) / Decimal(n)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for _ in range(n):
            number += rng.randint(1, 3)
            age = pick(rng, ALDER[:2], (40, 60)) if band == "A" else pick(rng, ALDER[2:], (58, 42))
            kon = pick(rng, KON, (50, 50))
            bakgrund = pick(rng, BAKGRUND, (80, 14, 6))
            utb = pick(rng, UTBILDNING, (12, 45, 18, 25))
            inkomst = pick(rng, INKOMST, (20, 20, 20, 20, 20))
            working = {"-29": 0.62, "30-44": 0.88, "45-64": 0.84, "65-": 0.12}[age]
            healthy = {"-29": 0.82, "30-44": 0.78, "45-64": 0.70, "65-": 0.60}[age] + (
                0.06 if utb.startswith("Efter") else 0
            )
            owner = (0.09 if kon == "M" else 0.04) * (1.4 if age in ("45-64", "65-") else 0.8)
            rows.append([
                str(number), str(year), kommun, kon, bakgrund, utb, inkomst, age,
                f"{kommun}-{band}", sv_amount(weight, "", "always"),
                survey_answer(rng, working), survey_answer(rng, healthy), survey_answer(rng, owner),
            ])  # fmt: skip
    return encode_csv(rows, "utf-8", "\n", trailing_blank=False)


def write_business_leaders(rng: random.Random, year: int) -> bytes:
    """SCB baseline: people who lead a business, full cross of the dimensions (~25 000).

    Integer arithmetic only, so the counts cannot drift with floating point.
    """
    kommun_total = {
        "1315": 1_150,
        "1380": 7_300,
        "1381": 2_050,
        "1382": 3_300,
        "1383": 5_050,
        "1384": 6_150,
    }
    growth = 100 + 2 * (year - 2017)
    kon_w = {"K": 28, "M": 72}
    bak_w = dict(zip(BAKGRUND, (83, 13, 4), strict=True))
    utb_w = dict(zip(UTBILDNING, (10, 47, 20, 23), strict=True))
    age_w = dict(zip(ALDER, (5, 29, 51, 15), strict=True))
    rows = [["År", "Kommun", "Kön", "Bakgrund", "Utbildning", "Åldersgrupp", "Antal"]]
    for kommun, total in kommun_total.items():
        for kon, kw in kon_w.items():
            for bak, bw in bak_w.items():
                for utb, uw in utb_w.items():
                    for age, aw in age_w.items():
                        noise = rng.randint(85, 115)
                        count = (
                            total
                            * growth
                            * kw
                            * bw
                            * uw
                            * aw
                            * noise
                            // (100 * 100 * 100 * 100 * 100 * 100)
                        )
                        rows.append([str(year), kommun, kon, bak, utb, age, str(count)])
    return encode_csv(rows, "utf-8-sig", "\r\n", trailing_blank=False)


# --------------------------------------------------------------------------- checks


def eu_register_source() -> Path:
    """Where to copy the real project bank from (env override, shared data, committed copy)."""
    override = os.environ.get("TILLVAXT_EU_REGISTER_SOURCE")
    candidates = ([Path(override)] if override else []) + list(EU_REGISTER_CANDIDATES)
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


def priority_known(text: str) -> bool:
    wanted = text.strip().casefold()
    return text.strip() in PRIORITIES or any(
        wanted == name.casefold() for name in PRIORITIES.values()
    )


def audit(ledger: Ledger, eu: dict[str, tuple[str, date, date]]) -> set[tuple[str, str]]:
    """Run the payout/decision rules on the model: (rule, id) for every finding.

    Why: the sample must carry the planted findings and nothing else, so a
    careless random date or amount cannot create a finding nobody documented.
    EGNA/SERV rows are checked too, so either reading of the rules gives the same set.
    """
    found: set[tuple[str, str]] = set()
    decisions = {d.case_id: d for d in ledger.decisions}
    for p in ledger.payments:
        if not p.readable:
            found.add(("unreadable_row", p.voucher))
            continue
        d = decisions.get(p.case_id)
        if not luhn_ok(p.org_text):
            found.add(("invalid_org_number", p.voucher))
        if d is None:
            found.add(("orphan_payout", p.voucher))
            continue
        if d.status == "Återkallad":
            found.add(("payout_after_revocation", p.voucher))
        if normalise(p.org_text) != d.org.number:
            found.add(("recipient_mismatch", p.voucher))
        if p.instrument != d.instrument:
            found.add(("instrument_mismatch", p.voucher))
        if not (d.date <= p.date and d.start <= p.date <= d.end):
            found.add(("payout_outside_period", p.voucher))
    seen: dict[tuple[str, date, Decimal], str] = {}
    for p in ledger.payments:
        if p.readable and p.case_id:
            key = (p.case_id, p.date, p.amount)
            if key in seen:
                found.add(("possible_duplicate_payment", f"{seen[key]}+{p.voucher}"))
            seen[key] = p.voucher
    for d in ledger.decisions:
        paid_all = sum(
            (p.amount for p in ledger.payments if p.case_id == d.case_id and p.readable), Decimal(0)
        )
        paid_11 = sum((p.amount for p in ledger.payments if p.case_id == d.case_id and p.readable and p.anslag == "1:1"), Decimal(0))  # fmt: skip
        if max(paid_all, paid_11) > d.granted:
            found.add(("overpaid_decision", d.case_id))
        if d.instrument in CAPS and d.granted > CAPS[d.instrument]:
            found.add(("cap_exceeded", d.case_id))
        if d.instrument in CHEQUES and (d.cofin or 0) < d.granted:
            found.add(("cofinancing_too_low", d.case_id))
        if not priority_known(d.priority) or (
            d.old_priority and not priority_known(d.old_priority)
        ):
            found.add(("unknown_priority", d.case_id))
        if d.instrument == "EUMED":
            if d.eu_case not in eu:
                found.add(("eu_project_unknown", d.case_id))
            else:
                lan, start, end = eu[d.eu_case]
                if "Halland" not in lan or not (start <= d.start and d.end <= end):
                    found.add(("eu_project_mismatch", d.case_id))
        if d.old_date_text:
            found.add(("unreadable_row", d.case_id))
        if not luhn_ok(d.org.number):
            found.add(("invalid_org_number", d.case_id))
    return found


def normalise(text: str) -> str:
    digits = text.replace("-", "")
    return digits[2:] if len(digits) == 12 else digits


def luhn_ok(text: str) -> bool:
    digits = normalise(text)
    return len(digits) == 10 and digits.isdigit() and luhn_digit(digits[:9]) == digits[9]


def plant_ref(plant: Plant) -> str:
    target = plant.target
    if isinstance(target, tuple):
        return "+".join(p.voucher for p in target)
    if isinstance(target, Payment):
        return target.voucher
    return target.case_id


def figures(ledger: Ledger) -> dict[int, dict[str, dict[str, Decimal]]]:
    """year -> appropriation -> instrument -> net paid (readable rows, as booked)."""
    out: dict[int, dict[str, dict[str, Decimal]]] = {}
    for p in ledger.payments:
        if p.readable:
            bucket = out.setdefault(p.date.year, {}).setdefault(p.anslag, {})
            bucket[p.instrument] = bucket.get(p.instrument, Decimal(0)) + p.amount
    return out


def check_hard_numbers(ledger: Ledger) -> None:
    """Fail loudly if the model misses a figure of the 2017 report."""
    paid = figures(ledger)[2017]["1:1"]
    for instrument, target in TARGETS_2017.items():
        assert paid[instrument] == target, (instrument, paid[instrument], target)
    assert set(paid) == set(TARGETS_2017), paid
    net: dict[str, Decimal] = {}
    for p in year_payments(ledger, 2017, "UTV"):
        key = normalise(p.org_text)
        net[key] = net.get(key, Decimal(0)) + p.amount
    assert sum(1 for v in net.values() if v > 0) == UTV_RECIPIENTS_2017
    fou = {d.org.number for d in ledger.decisions if d.instrument == "FOU" and d.date.year == 2017 and d.status != "Återkallad"}  # fmt: skip
    assert len(fou) == FOU_GRANTED_ORGS_2017, len(fou)
    serv = [p for p in ledger.payments if p.anslag == "SERV"]
    assert [(p.amount, p.instrument, p.date.year, p.org.name) for p in serv] == [(kr(300_000), "DRIFT", 2017, "Handlar'n i Ätran")]  # fmt: skip
    for p in ledger.payments:
        assert p.date.year in (2017, 2018), p
        assert p.amount == p.amount.quantize(Decimal("0.01")), p


# --------------------------------------------------------------------------- main entry points


def generate(out: Path) -> Ledger:
    """Write the whole raw tree into `out` and return the model it came from."""
    ledger, _ = build_ledger()
    check_hard_numbers(ledger)
    eu_source = eu_register_source()
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

    locate_plants(ledger, payout_lines, old_lines, new_lines)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.resolve() != eu_source.resolve():
            target.write_bytes(data)
    return ledger


def locate_plants(
    ledger: Ledger,
    payout_lines: dict[tuple[str, str], int],
    old_lines: dict[str, int],
    new_lines: dict[str, int],
) -> None:
    """Fill in file and line for every planted finding (header = line 1)."""
    for plant in ledger.plants:
        plant.ref = plant_ref(plant)
        target = plant.target
        if isinstance(target, Decision):
            if plant.rule == "unreadable_row":
                plant.file, plant.lines = DECISIONS_OLD, str(old_lines[target.case_id])
            else:
                plant.file, plant.lines = DECISIONS_NEW, str(new_lines[target.case_id])
            continue
        payments = target if isinstance(target, tuple) else (target,)
        for name in (PAYOUT_FILE_1, PAYOUT_FILE_2, PAYOUT_FILE_2018):
            found = [payout_lines.get((name, p.voucher)) for p in payments]
            if all(found):
                plant.file, plant.lines = name, "+".join(str(n) for n in found)
                break
        if not plant.file:
            raise RuntimeError(f"planted payment {plant.ref} in no single file")
        if len({payout_lines.get((n, payments[0].voucher)) is not None for n in (PAYOUT_FILE_1, PAYOUT_FILE_2)}) == 1 and payments[0].date.year == 2017:  # fmt: skip
            raise RuntimeError(
                f"planted payment {plant.ref} sits in the overlap of both 2017 exports"
            )


def describe(ledger: Ledger) -> str:
    """Planted findings with lines, and the 2017/2018 figures."""
    out = ["Planted findings (rule -> id -> file:line -> why):"]
    for plant in ledger.plants:
        out.append(f"- {plant.rule} -> {plant.ref} -> {plant.file}:{plant.lines} -> {plant.why}")
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
        net: dict[str, Decimal] = {}
        for p in year_payments(ledger, year, "UTV"):
            net[normalise(p.org_text)] = net.get(normalise(p.org_text), Decimal(0)) + p.amount
        fou = {d.org.number for d in ledger.decisions if d.instrument == "FOU" and d.date.year == year and d.status != "Återkallad"}  # fmt: skip
        out.append(
            f"{year}: {sum(1 for v in net.values() if v > 0)} UTV recipients, {len(fou)} orgs granted FOU"
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
    args = parser.parse_args(argv)
    if args.out.exists() and args.out.resolve() == DEFAULT_OUT.resolve():
        for sub in ("appropriations", "payouts", "decisions", "surveys", "population"):
            shutil.rmtree(args.out / sub, ignore_errors=True)
    ledger = generate(args.out)
    print(f"wrote sample raw data to {args.out}", file=sys.stderr)
    if args.describe:
        print(describe(ledger))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
