"""The sealed ballot box: secret ballots wait sealed until the close, then go in as one shuffled batch.

Shared by secret votes (voting) and a jury's secret verdicts (deliberation). The argument is in
docs/voting.md "Secrecy"; in short:

- A ballot must be durable when its voter is put on the roll (the receipt is given at once, nothing
  may be lost if a process dies), so it is written in the roll's transaction, and that row's xmin,
  place and time follow the roll's. It is therefore written *sealed*: AES-256-GCM under a key derived
  from the SECRET_KEY, which the database never holds, bound to its vote (``context``) so that a
  sealed ballot cannot be replayed into another vote. Nothing in the clear (choices, receipt hash,
  cells) is in that row, in the WAL or in a dump. Nor is its length: every sealed ballot of a box is
  padded to one size the caller gives (what the longest possible ballot of that vote takes), since
  AES-GCM's output is as long as its input and a length would tell "yes" from "no" or one project
  from five.
- At the close (under the lock that keeps new ballots out) ``flush`` unseals every pending ballot
  and inserts the ballots in one transaction in an order drawn in memory from the OS's random
  source, with random keys, then deletes the sealed rows. Every ballot row then has the flush's xmin, a
  place in a random order, a key that orders nothing, and no time of its own.
"""

import functools
import hashlib
import hmac
import json
import os
import random
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

VERSION = b"\x01"
PAD_BLOCK = 64  # a payload over the caller's size (it guessed short) is still padded to a multiple of this
NONCE_BYTES = 12
CHUNK = 2000  # sealed rows read, unsealed and inserted at a time (memory stays flat for a large vote)
_shuffle = random.SystemRandom().shuffle


class BrokenSeal(Exception):
    """A sealed ballot that no configured key opens (the SECRET_KEY changed without a fallback) or was altered."""


@functools.lru_cache(maxsize=8)
def _aead(secret: str):
    """AES-256-GCM under a key derived from ``secret`` (HMAC-SHA256 with this module's label)."""
    return AESGCM(hmac.new(secret.encode(), b"civic.ballot-box.v1", hashlib.sha256).digest())


def seal(payload: dict, *, context: str, size: int) -> bytes:
    """The payload as JSON padded with spaces to ``size`` bytes (JSON ignores them), encrypted and
    authenticated under the current SECRET_KEY, bound to ``context``. Give every ballot of one box the
    same ``size``: the longest ballot it can hold (see ``padded_size``)."""
    nonce = os.urandom(NONCE_BYTES)
    data = json.dumps(payload, separators=(",", ":")).encode()
    data = data.ljust(max(padded_size(size), padded_size(len(data))))
    return VERSION + nonce + _aead(settings.SECRET_KEY).encrypt(nonce, data, context.encode())


def padded_size(length: int) -> int:
    """``length`` rounded up to a whole number of PAD_BLOCKs (at least one)."""
    return max(1, -(-length // PAD_BLOCK)) * PAD_BLOCK


def unseal(blob: bytes, *, context: str) -> dict:
    """The payload back; tries the SECRET_KEY, then SECRET_KEY_FALLBACKS (a key rotated during a vote)."""
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise BrokenSeal("unknown sealed ballot format")
    nonce, sealed = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return json.loads(_aead(secret).decrypt(nonce, sealed, context.encode()))
        except InvalidTag:
            continue
    raise BrokenSeal("no configured key opens this sealed ballot")


def flush(pending: models.QuerySet, *, context: str, build: Callable[[dict], models.Model]) -> int:
    """Unseal ``pending`` (sealed rows with a ``sealed`` field) into ballots; returns how many.

    The order is drawn here, in memory, from the OS's random source: the keys of the pending rows
    are shuffled and the ballots inserted in that order, CHUNK at a time, so neither the order of
    the inserts (their place, their WAL records) nor which ballots share a chunk follows the order
    of casting or the pending rows' keys. The caller holds the lock that keeps new sealed rows out
    (the vote's or the verdict's row) and runs this in its transaction, so the ballots and the
    deletion of the sealed rows commit together: a ballot is either sealed or counted, never both,
    never neither. Safe to run twice (nothing is left the second time). BrokenSeal if a row does
    not open (the caller's transaction then rolls back: nothing is written, nothing is lost).
    """
    keys = list(pending.values_list("pk", flat=True))
    _shuffle(keys)
    for start in range(0, len(keys), CHUNK):
        part = keys[start:start + CHUNK]
        blobs = dict(pending.filter(pk__in=part).values_list("pk", "sealed"))
        ballots = [build(unseal(blobs[key], context=context)) for key in part]
        type(ballots[0]).objects.bulk_create(ballots)
    # Then deleted, exactly these (a row that slipped in stays sealed, not lost), in the order of their
    # keys, not the chunks': the WAL's deletions do not tell which sealed rows became which chunk.
    keys.sort()
    for start in range(0, len(keys), CHUNK):
        pending.filter(pk__in=keys[start:start + CHUNK]).delete()
    return len(keys)
