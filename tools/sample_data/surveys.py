"""The recipients' leader profiles and the population survey (stratified, weighted)."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from tools.sample_data.common import (
    ALDER,
    BAKGRUND,
    INKOMST,
    KON,
    UTBILDNING,
    encode_csv,
    sv_amount,
)
from tools.sample_data.model import Ledger, Org, spell


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
