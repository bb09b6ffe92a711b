"""The story of 2016-2018 told as decisions and payments, balanced to the report's figures.

Why a story and not random rows: every payment must stay within its decision's grant and
period (or break exactly one rule on purpose) while the 2017 sums hit the published table
to the krona. One `random.Random` per part, so changing one part does not move the rest.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from tools.sample_data.common import (
    ONE,
    SEED,
    TARGETS_2017,
    TARGETS_2018,
    add_months,
    business_day,
    kr,
)
from tools.sample_data.decisions import (
    NEW_SNAPSHOT_DATE,
    OLD_SNAPSHOT_DATE,
    PRIORITIES,
    UNKNOWN_PRIORITY_TEXT,
)
from tools.sample_data.model import Decision, Ledger, Org, OrgFactory, Payment, spell


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

    def fou_cheques(lo: date, hi: date, months: tuple[int, ...]) -> None:
        """Nine FoU cheques decided between lo and hi, to nine new firms."""
        for _ in range(9):
            day = business_day(rng, lo, hi)
            org = orgs.company()
            cheque(ledger, rng, "FOU", org, day, kr(rng.choice(fou_amounts)), rng.choice(months))

    fou_cheques(date(2017, 2, 1), date(2017, 11, 30), (15, 18, 24))
    revoked = cheque(ledger, rng, "FOU", orgs.company(), date(2017, 10, 2), kr(200_000), months=18)
    revoked.plan = []
    revoked.status, revoked.old_status = "Återkallad", "Beviljad"
    ledger.pay(date=date(2017, 11, 13), decision=revoked, org=revoked.org, instrument="FOU", amount=kr(100_000), fixed=True)  # fmt: skip
    special["revoked"] = revoked
    fou_cheques(date(2018, 1, 15), date(2018, 11, 15), (12, 18))

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
    ledger.plant("overpaid_decision", over)

    amended = dec("amended")
    amended.plan = []
    fixed(amended, date(2017, 3, 13), 175_000)
    fixed(amended, date(2017, 10, 16), 175_000)
    fixed(amended, date(2018, 6, 11), 330_000)

    fbg = dec("fbg")
    wrong = fixed(fbg, date(2017, 9, 4), 95_000, org=o["falkenberg_ab"])
    ledger.plant("recipient_mismatch", wrong)

    ink = dec("inkubator")
    ink.plan = [entry for entry in ink.plan if entry[0] < date(2017, 1, 1)]
    fixed(ink, date(2017, 3, 20), 130_000)
    late = fixed(ink, date(2017, 9, 15), 120_000)
    ledger.plant("payout_outside_period", late)

    dup = dec("dup")
    dup.plan = [entry for entry in dup.plan if entry[0].year >= 2018]
    fixed(dup, date(2017, 7, 10), 90_000)
    a = fixed(dup, date(2017, 10, 16), 125_000)
    b = fixed(dup, date(2017, 10, 16), 125_000)
    ledger.plant("possible_duplicate_payment", (a, b))

    hylte = dec("hylte")
    orphan = fixed(hylte, date(2017, 9, 25), 60_000)
    orphan.decision = None  # it belongs to no decision: its case number is a typo
    orphan.case_text = "TYPO"  # resolved once case ids exist
    ledger.plant("orphan_payout", orphan)

    manual = ledger.pay(
        date=date(2017, 4, 24),
        decision=None,
        org=o["foretagarna"],
        instrument="PROJ",
        amount=kr(25_000),
        fixed=True,
        case_text="",
    )
    ledger.plant("orphan_payout", manual)
    ledger.plant("invalid_org_number", manual)

    lyft = dec("lyft")
    mixed = fixed(lyft, date(2017, 11, 6), 150_000, instrument="PROJ")
    ledger.plant("instrument_mismatch", mixed)

    # Own funds (EGNA) on projects with room to spare: never charged to 1:1.
    for key, day, amount in (("kreativa", date(2017, 5, 8), 45_000), ("hylte", date(2017, 11, 20), 30_000), ("kreativa", date(2018, 2, 5), 20_000)):  # fmt: skip
        d = dec(key)
        fixed(d, day, amount, anslag="EGNA")

    # A repayment on a project (unspent funds returned) inside its period.
    fixed(dec("kreativa"), date(2017, 12, 11), -12_500)

    for key in ("unknown_prio", "eu_unknown", "eu_mismatch"):
        _ = dec(key)


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
    ledger.plant("cap_exceeded", special["cap"])  # type: ignore[arg-type]
    ledger.plant("cofinancing_too_low", special["cofin"])  # type: ignore[arg-type]
    ledger.plant("payout_after_revocation", next(p for p in ledger.payments if p.decision is special["revoked"]))  # fmt: skip
    ledger.plant("unknown_priority", special["unknown_prio"])  # type: ignore[arg-type]
    ledger.plant("eu_project_unknown", special["eu_unknown"])  # type: ignore[arg-type]
    ledger.plant("eu_project_mismatch", special["eu_mismatch"])  # type: ignore[arg-type]
    ledger.plant("unreadable_row", bad)
    ledger.plant("unreadable_row", special["typo_date"])  # type: ignore[arg-type]
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
