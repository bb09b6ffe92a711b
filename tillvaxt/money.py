"""Swedish amounts, exactly.

Amounts are held as integer öre (`int`, or int64 in a frame): exact, fast to sum, and
free of binary floating point. They become `Decimal` kronor only at the edges
(SQL NUMERIC, CSV, workbook).
"""

from __future__ import annotations

import re
from decimal import Decimal

from tillvaxt.errors import ParseError

# Optional minus, digits grouped by space / NBSP (or not at all), decimal comma with
# at most two decimals. Grouping must be in threes when present.
_AMOUNT = re.compile(
    r"""^(?P<sign>-)?
        (?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)
        (?:,(?P<dec>\d{1,2}))?$""",
    re.VERBOSE,
)

ORE_PER_KRONA = 100


def parse_amount(text: str) -> int:
    """Parse a Swedish-format amount (`10 811 000`, `-1 250,5`) into integer öre.

    A dot never appears in these exports, so `1.250` is refused rather than guessed
    to be 1.25 or 1250.
    """
    raw = text
    text = text.strip()
    m = _AMOUNT.match(text)
    if m is None:
        raise ParseError(
            "a Swedish amount like '10 811 000' or '-1 250,50' (space grouping, decimal comma, "
            "at most two decimals)",
            repr(raw),
        )
    whole = int(re.sub(r"\D", "", m.group("int")))
    dec = (m.group("dec") or "").ljust(2, "0")
    ore = whole * ORE_PER_KRONA + int(dec)
    return -ore if m.group("sign") else ore


def ore_to_decimal(ore: int) -> Decimal:
    """Öre as exact kronor with two decimals (`Decimal('10811000.00')`)."""
    return (Decimal(int(ore)) / ORE_PER_KRONA).quantize(Decimal("0.01"))


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
