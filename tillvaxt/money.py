"""Swedish amounts, exactly.

Amounts are held as integer öre (`int`, or int64 in a frame): exact, fast to sum, and
free of binary floating point. They become `Decimal` kronor only at the edges
(SQL NUMERIC, CSV, workbook).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from tillvaxt.errors import InputError, ParseError

# Optional minus, digits grouped by space / NBSP (or not at all), decimal comma with
# at most two decimals. Grouping must be in threes when present. ASCII digits only
# (`re.ASCII`): `５００` is not an amount a finance system writes.
AMOUNT_PATTERN = r"(-)?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,2}))?"
_AMOUNT = re.compile(f"^{AMOUNT_PATTERN}$", re.ASCII)

ORE_PER_KRONA = 100
# One öre in kronor: the exponent of every published amount (two decimals).
ONE_ORE = Decimal("0.01")
# No amount in these exports comes near ±10^13 kr (an appropriation is ~10^9 kr); a
# value beyond is a typing or export error. The bound also keeps any sum of a few
# thousand amounts inside int64.
MAX_AMOUNT_ORE = 10**13 * ORE_PER_KRONA
AMOUNT_EXPECTED = (
    "a Swedish amount like '10 811 000' or '-1 250,50' (space grouping, decimal comma, "
    "at most two decimals)"
)
BOUND_EXPECTED = "an amount within ±10 000 000 000 000 kr (far above any appropriation)"
# The largest total the frames (int64 öre) hold with room for the balance chain on top.
MAX_TOTAL_ORE = (2**63 - 1) // 2


def parse_amount(text: str) -> int:
    """Parse a Swedish-format amount (`10 811 000`, `-1 250,5`) into integer öre.

    A dot never appears in these exports, so `1.250` is refused rather than guessed
    to be 1.25 or 1250.
    """
    raw = text
    m = _AMOUNT.match(text.strip())
    if m is None:
        raise ParseError(AMOUNT_EXPECTED, repr(raw))
    ore = amount_from_match(*m.groups())
    if ore is None:
        raise ParseError(BOUND_EXPECTED, repr(raw))
    return ore


def amount_from_match(sign: str | None, whole: str, dec: str | None) -> int | None:
    """Öre from the parts `AMOUNT_PATTERN` captured; None beyond ±`MAX_AMOUNT_ORE`."""
    digits = whole.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    digits = digits.lstrip("0") or "0"  # 5 000 leading zeros are past int()'s digit limit
    if len(digits) > 14:  # decided before int(): a 10^4300-digit text is slow
        return None
    ore = int(digits) * ORE_PER_KRONA + int((dec or "").ljust(2, "0"))
    if ore > MAX_AMOUNT_ORE:
        return None
    return -ore if sign else ore


def check_total(ore: Iterable[int], source: str) -> None:
    """Refuse a set of amounts whose absolute total the int64 frames cannot hold.

    Each amount is within ±10^13 kr, but tens of thousands of them could still wrap an
    int64 sum (the published paid once came out as −92 233 720 357 925 796,09, status
    `ok`). The total is taken in Python integers, which do not overflow.
    """
    values = list(ore)
    if len(values) * MAX_AMOUNT_ORE <= MAX_TOTAL_ORE:
        return  # each is within the bound, so this few cannot get there
    total = sum(abs(int(v)) for v in values)
    if total > MAX_TOTAL_ORE:
        raise InputError(
            source,
            f"amounts that add up to at most {format_swedish(MAX_TOTAL_ORE, decimals=True)} kr "
            "in all (what the figures can hold exactly)",
            f"{format_swedish(total, decimals=True)} kr in absolute value",
        )


def ore_to_decimal(ore: int) -> Decimal:
    """Öre as exact kronor with two decimals (`Decimal('10811000.00')`)."""
    return (Decimal(int(ore)) / ORE_PER_KRONA).quantize(ONE_ORE)


def decimal_to_ore(value: Decimal | int | str) -> int:
    """Exact kronor (Decimal or int) to öre; refuses anything finer than an öre."""
    d = Decimal(value) if not isinstance(value, Decimal) else value
    ore = d * ORE_PER_KRONA
    if ore != ore.to_integral_value():
        raise ParseError("an amount with at most two decimals", str(value))
    return int(ore)


def format_swedish(ore: int, decimals: bool = False) -> str:
    """Format öre the Swedish way: `10 811 000` or `-1 250,50` (last formatting step only)."""
    sign = "-" if ore < 0 else ""
    kr, rest = divmod(abs(int(ore)), ORE_PER_KRONA)
    grouped = f"{kr:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d}" if decimals else f"{sign}{grouped}"
