"""Swedish organisation numbers: normalisation, check digit, and personal-data masking.

The same organisation arrives spelled three ways (`556677-8899`, `5566778899`,
`165566778899`); every comparison is made on the 10-digit form. A number whose third
digit is below 2 is a sole trader's personal identity number, which is personal data:
it is only ever shown masked (`mask`), with a keyed hash so an internal follow-up can
still find the payout.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from tillvaxt.errors import ParseError

_FORMS = re.compile(r"^(?:(?P<prefix>16|18|19|20)?(?P<ten>[0-9]{6}[-+]?[0-9]{4}))$")

_DEFAULT_KEY = b"tillvaxt-default-masking-key"


def luhn_ok(ten_digits: str) -> bool:
    """True when the tenth digit is the Luhn check digit over the first nine."""
    total = 0
    for i, ch in enumerate(ten_digits[:9]):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(ten_digits[9])


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


def is_personal(ten_digits: str) -> bool:
    """A personal identity number (sole trader): third digit below 2."""
    return int(ten_digits[2]) < 2


def masking_key() -> bytes:
    """The key for masking; set `TILLVAXT_MASKING_KEY` in production so hashes are not guessable."""
    key = os.environ.get("TILLVAXT_MASKING_KEY")
    return key.encode() if key else _DEFAULT_KEY


def mask(ten_digits: str, key: bytes | None = None) -> str:
    """A personal identity number replaced by a stable keyed hash; legal entities unchanged.

    The same person always gets the same token (`PNR-3f2a9c1b0d`), so a controller with
    the key can find the payout, and nobody without it can recover the number.
    """
    if not is_personal(ten_digits):
        return ten_digits
    digest = hmac.new(key or masking_key(), ten_digits.encode(), hashlib.sha256).hexdigest()
    return f"PNR-{digest[:10]}"


def display(ten_digits: str) -> str:
    """How an organisation number may be shown in a published table or a log line."""
    if is_personal(ten_digits):
        return mask(ten_digits)
    return f"{ten_digits[:6]}-{ten_digits[6:]}"


# Anything shaped like an organisation or personal identity number inside free text:
# 10 digits, or 12 with a century or `16` prefix, the parts joined by a hyphen, a plus
# (over 100 years old), a space, a no-break space or nothing. ASCII digits only.
_IN_TEXT = re.compile(r"(?<![0-9])(?:16|18|19|20)?([0-9]{6})[-+ \u00a0\u202f]?([0-9]{4})(?![0-9])")


def _is_birth_date(six: str) -> bool:
    """YYMMDD with a real month and day (day + 60 for a coordination number)."""
    month, day = int(six[2:4]), int(six[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def scrub(text: str) -> str:
    """Free text with every personal identity number in it replaced by its mask.

    For text that may quote raw values (error messages, quarantine reasons, finding
    messages): a value typed in the wrong column must not carry a personal identity
    number into a published table or a log line. Legal entities' numbers stay.

    In free text a number counts as personal when its first six digits are a birth
    date (`_is_birth_date`), whatever its check digit: a mistyped number is still
    someone's. That keeps amounts (`1000000000`), voucher ids and companies as written.
    """

    def _one(m: re.Match[str]) -> str:
        ten = m.group(1) + m.group(2)
        return mask(ten) if is_personal(ten) and _is_birth_date(m.group(1)) else m.group(0)

    return _IN_TEXT.sub(_one, text)
