"""Swedish organisation numbers: normalisation, check digit, and personal-data masking.

The same organisation arrives spelled three ways (`556677-8899`, `5566778899`,
`165566778899`); every comparison is made on the 10-digit form. A number whose third
digit is below 2 is a sole trader's personal identity number, which is personal data:
it is only ever shown masked (`mask`), with a keyed hash so an internal follow-up can
still find the payout.
"""

from __future__ import annotations

import re

import numpy as np

from tillvaxt.errors import ParseError
from tillvaxt.masking import display, is_personal, mask, masking_key, scrub, use_masking_key

_FORMS = re.compile(r"^(?:(?P<prefix>16|18|19|20)?(?P<ten>[0-9]{6}[-+]?[0-9]{4}))$")


# Luhn's weights of the first nine digits; the tenth is the check digit.
_WEIGHTS = (2, 1, 2, 1, 2, 1, 2, 1, 2)


def luhn_ok(ten_digits: str) -> bool:
    """True when the tenth digit is the Luhn check digit over the first nine."""
    total = 0
    for w, ch in zip(_WEIGHTS, ten_digits[:9], strict=False):
        d = int(ch) * w
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(ten_digits[9])


def luhn_ok_many(numbers: list[str]) -> list[bool]:
    """`luhn_ok` of each number, as one array sum when all are ten ASCII digits (the
    validated ones are: a run checks every distinct number); otherwise one by one."""
    joined = "".join(numbers).encode("utf-8")
    if len(joined) != 10 * len(numbers) or not joined.isdigit():
        return [luhn_ok(n) for n in numbers]
    digits = (np.frombuffer(joined, dtype=np.uint8) - ord("0")).reshape(-1, 10).astype(np.int64)
    products = digits[:, :9] * np.array(_WEIGHTS)
    total = np.where(products > 9, products - 9, products).sum(axis=1)
    return ((10 - total % 10) % 10 == digits[:, 9]).tolist()


def normalise(text: str) -> str:
    """The 10-digit form of an organisation or personal identity number.

    Raises `ParseError` on a malformed value; the check digit is *not* enforced here
    (a wrong check digit is a finding to report, not a reason to lose the row).
    The message never repeats the value, since it may be a personal identity number.
    """
    compact = text.strip().replace(" ", "")
    m = _FORMS.match(compact)
    if m is None:
        digits = sum(c.isdigit() for c in compact)
        raise ParseError(
            "an organisation number of 10 digits (NNNNNN-NNNN) or 12 digits with a 16/19/20 prefix",
            f"a value of {len(compact)} characters with {digits} digits",
        )
    return m.group("ten").replace("-", "").replace("+", "")


__all__ = [
    "display",
    "is_personal",
    "luhn_ok",
    "mask",
    "masking_key",
    "normalise",
    "scrub",
    "use_masking_key",
]
