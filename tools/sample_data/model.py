"""The ledger the exports are written from: organisations, decisions, payments, plants.

Also where organisations come from: unique names and numbers with valid check digits,
and the three spellings real exports use for the same number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tools.sample_data.common import ONE, kr, luhn_digit


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
    """A finding planted on purpose on a model object; `planted.locate` finds its line."""

    rule: str
    target: Payment | Decision | tuple[Payment, ...]


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

    def plant(self, rule: str, target: Payment | Decision | tuple[Payment, ...]) -> None:
        """Mark `target` as carrying `rule`; `planted.PLANTED` says where and why."""
        self.plants.append(Plant(rule, target))


# Where Halland's small firms are, roughly by population.
FIRM_KOMMUN_WEIGHTS = {"1380": 30, "1384": 22, "1383": 20, "1382": 14, "1381": 9, "1315": 5}


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
