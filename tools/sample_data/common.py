"""The report's hard figures, the random seed and the small helpers every source shares
(Swedish amount text, the Luhn check digit, dates).

Amounts are `Decimal`, never float, and nothing reads the clock, so the tree is the same
on any machine.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

SEED = 20171231
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "data" / "raw"


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


KON = ("K", "M")


BAKGRUND = (
    "Svensk bakgrund",
    "Utrikes född",
    "Inrikes född med två utrikes födda föräldrar",
)


UTBILDNING = ("Förgymnasial", "Gymnasial", "Eftergymnasial <3 år", "Eftergymnasial ≥3 år")


ALDER = ("-29", "30-44", "45-64", "65-")


INKOMST = ("1", "2", "3", "4", "5")


def luhn_digit(nine: str) -> str:
    """Check digit of Swedish organisation/personal numbers (Luhn over 9 digits)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def normalise(text: str) -> str:
    digits = text.replace("-", "")
    return digits[2:] if len(digits) == 12 else digits


def luhn_ok(text: str) -> bool:
    digits = normalise(text)
    return len(digits) == 10 and digits.isdigit() and luhn_digit(digits[:9]) == digits[9]


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
