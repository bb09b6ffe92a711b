"""Masking personal identity numbers: the keyed hash, and scrubbing free text.

A sole trader's organisation number is a personal identity number; it is only ever
shown masked, with a keyed hash so an internal follow-up can still find the payout.
The key is configuration, so it is handed in (`use_masking_key`, called when the
definitions are built from the settings); this module reads no environment. It
imports nothing of the package, so `tillvaxt.errors` can scrub its messages with it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# The development key: anyone with the code can reverse masks made with it.
DEFAULT_KEY = b"tillvaxt-default-masking-key"
_key: bytes = DEFAULT_KEY


def use_masking_key(key: str | bytes | None) -> None:
    """Mask with `key` from now on in this process; None or empty: the development key."""
    global _key
    _key = (key.encode() if isinstance(key, str) else key) or DEFAULT_KEY


def masking_key() -> bytes:
    """The key masks are made with now (set by `use_masking_key`)."""
    return _key


def is_personal(ten_digits: str) -> bool:
    """A personal identity number (sole trader): third digit below 2."""
    return int(ten_digits[2]) < 2


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
