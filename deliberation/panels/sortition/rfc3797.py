"""RFC 3797 (publicly verifiable random selection): the key string from public values, and its hashes.

The RFC (section 4): each source of public randomness gives one or more numbers; a source's numbers
are sorted from low to high, each written in decimal without leading zeros and followed by a period,
and each source ends with a slash. The selection i (from 0) hashes, with MD5, the key string
bracketed by i as two bytes, most significant first; the digest is a 128-bit unsigned integer
(most significant byte first). The RFC then takes that integer modulo the number of candidates
left and removes the candidate at that position (1-based: remainder + 1) from the ordered list.

Only numbers are taken as public values here (lottery numbers, stock indices with their decimals):
a decimal keeps its point and loses trailing zeros ("04.50" is "4.5."). A bare single number
("--seed 42") is a one-source key ("42./"): the same path, for a test draw.
"""

import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class PublicValuesError(ValueError):
    """The public values cannot be read as RFC 3797 sources."""


def canonical_number(value: Decimal | int | str) -> str:
    """One value as the RFC writes it: decimal, no leading zeros, no trailing fractional zeros."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PublicValuesError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite() or number < 0:
        raise PublicValuesError(_("“%(value)s” is not a number of zero or more.") % {"value": value})
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    integer, _dot, fraction = text.partition(".")
    integer = integer.lstrip("0") or "0"
    return f"{integer}.{fraction}" if fraction else integer


def key_string(sources: Iterable[Iterable[Decimal | int | str]]) -> str:
    """The key string: each source's values sorted low to high, each followed by ".", each source by "/"."""
    parts = []
    for source in sources:
        values = sorted(Decimal(canonical_number(value)) for value in source)
        if not values:
            raise PublicValuesError(_("A source of public values is empty."))
        parts.append("".join(canonical_number(value) + "." for value in values) + "/")
    if not parts:
        raise PublicValuesError(_("No public values given."))
    return "".join(parts)


def parse_public_values(text: str) -> list[list[str]]:
    """Read "9319 / 2 5 12 8 10 / 9,18,26,34,41,45": sources split by "/", values by spaces or commas."""
    sources = [source.replace(",", " ").split() for source in text.strip().strip("/").split("/")]
    if not text.strip() or any(not source for source in sources):
        raise PublicValuesError(
            _("Give the public values as numbers, sources separated by “/” (e.g. “9319/2 5 8 10 12”)."))
    for source in sources:
        for value in source:
            canonical_number(value)
    return sources


def key_from_text(text: str) -> str:
    """The key string for public values typed as text (one number alone is a test draw's key)."""
    return key_string(parse_public_values(text))


def digest(key: str, index: int) -> bytes:
    """MD5 of the key string bracketed by the selection index as two bytes, high byte first."""
    if not 0 <= index < 1 << 16:
        raise ValueError("the RFC 3797 index is two bytes")
    bracket = index.to_bytes(2, "big")
    return hashlib.md5(bracket + key.encode("ascii") + bracket, usedforsecurity=False).digest()


def random_integer(key: str, index: int) -> int:
    """The digest as a 128-bit unsigned integer, most significant byte first."""
    return int.from_bytes(digest(key, index), "big")


def select(key: str, candidates: Sequence, count: int) -> list:
    """The RFC's own selection: the candidate at (digest mod remaining) is taken, count times."""
    remaining = list(candidates)
    if count > len(remaining):
        raise ValueError("cannot select more candidates than there are")
    return [remaining.pop(random_integer(key, index) % len(remaining)) for index in range(count)]
