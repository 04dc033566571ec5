"""Identifiers at the edge: NHS number check digit, postcode normalising, keyed hashes."""
from __future__ import annotations

import hashlib
import hmac
import os
import re

KEY_ENV = "SEND_WAREHOUSE_PSEUDO_KEY"
# The key ``send-warehouse rotate-key`` changes to.
NEW_KEY_ENV = "SEND_WAREHOUSE_NEW_PSEUDO_KEY"
# Set to 1 by ``--demo``: the only way the public demo key is accepted.
DEMO_ENV = "SEND_WAREHOUSE_DEMO"
# Clearly marked demo key: pseudonyms made with it protect nothing.
DEMO_KEY = "DEMO-KEY-NOT-SECRET-do-not-use-with-real-data"
# Shortest key accepted, in characters (a 32-character random key carries at least 128 bits).
MIN_KEY_LENGTH = 32

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


class MissingKeyError(RuntimeError):
    """Raised when no usable pseudonymisation key is configured."""


def key_problem(key: str, variable: str = KEY_ENV, demo: bool = False) -> str | None:
    """Why ``key`` (read from ``variable``) must not be used, or None: empty, blank, shorter than
    ``MIN_KEY_LENGTH`` characters, or the public demo key outside ``--demo``."""
    if not key:
        return (f"{variable} is not set: set it to the partnership's secret pseudonymisation key "
                "(or pass --demo to use the public demo key on sample data)")
    if not key.strip():
        return f"{variable} holds only spaces: set it to the partnership's secret pseudonymisation key"
    if key == DEMO_KEY and not demo:
        return (f"{variable} holds the public demo key, which protects nothing: set the partnership's "
                "secret key (the demo key is only for sample data, through --demo)")
    if len(key) < MIN_KEY_LENGTH:
        return (f"{variable} is {len(key)} characters long, shorter than the {MIN_KEY_LENGTH} required: "
                "use a long random key (e.g. the output of `openssl rand -hex 32`)")
    return None


def key_from_environment(variable: str = KEY_ENV) -> bytes:
    """The key held by ``variable``, refused (``MissingKeyError``) when ``key_problem`` finds one."""
    key = os.environ.get(variable, "")
    problem = key_problem(key, variable, demo=os.environ.get(DEMO_ENV) == "1")
    if problem:
        raise MissingKeyError(problem)
    return key.encode()


def pseudonym(key: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``key``, hex encoded."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def pseudonym_macro(key: bytes) -> str:
    """A DuckDB temp macro ``pseudo(text)`` giving ``pseudonym(key, text)``: HMAC-SHA256 spelled out
    (RFC 2104) with DuckDB's vectorised ``sha256``, far faster than a Python function per value.
    Temporary: it lives in this connection only, never in the warehouse file."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner, outer = (bytes(b ^ pad for b in block).hex() for pad in (0x36, 0x5C))
    return (f"create or replace temp macro pseudo(v) as "
            f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode(v))))")


def normalise_nhs_number(value: str) -> str:
    return value.replace(" ", "")


def nhs_number_is_valid(value: str) -> bool:
    """Modulus 11 check: weights 10..2 on the first nine digits; 11 -> 0; 10 is invalid."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def normalise_postcode(value: str) -> str | None:
    """Upper case with one space before the inward code; None when not a UK postcode."""
    compact = re.sub(r"\s+", "", value).upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None
