"""Synthetic identifiers (NHS numbers, UPNs, local ids) and their text forms.

NHS numbers start with 9, a range never issued to patients in England, so no synthetic
number can belong to a real person.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NHS_WEIGHTS = np.arange(10, 1, -1)
UPN_WEIGHTS = np.arange(2, 14)
UPN_CHECK_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))
STAFFORDSHIRE_LA_NUMBER = 860


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """The decimal digits of each value, most significant first (n × width)."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers) % 10


def _distinct(draw: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """`n` values, `draw(positions)` giving values for those positions, redrawn until
    all are distinct."""
    values = draw(np.arange(n))
    while True:
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        repeat = np.sort(order[1:][ordered[1:] == ordered[:-1]])
        if not len(repeat):
            return values
        values[repeat] = draw(repeat)


def nhs_check_digit(base: np.ndarray) -> np.ndarray:
    """Modulus-11 check digit of nine-digit bases (10 means the base cannot be used)."""
    check = 11 - (_digits(base, 9) @ NHS_WEIGHTS) % 11
    return np.where(check == 11, 0, check)


def nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct valid ten-digit NHS numbers in the unissued 9xx range."""
    def draw(positions: np.ndarray) -> np.ndarray:
        base = rng.integers(900_000_000, 1_000_000_000, size=len(positions), dtype=np.int64)
        check = nhs_check_digit(base)
        while (bad := check == 10).any():
            base[bad] = rng.integers(900_000_000, 1_000_000_000, size=int(bad.sum()))
            check[bad] = nhs_check_digit(base[bad])
        return base * 10 + check
    return _distinct(draw, n)


def nhs_is_valid(numbers: np.ndarray) -> np.ndarray:
    numbers = np.asarray(numbers, dtype=np.int64)
    return nhs_check_digit(numbers // 10) == numbers % 10


def corrupt_check_digit(rng: np.random.Generator, numbers: np.ndarray) -> np.ndarray:
    """The same numbers with a wrong last digit (a keying error the check digit catches)."""
    shift = rng.integers(1, 10, size=len(numbers))
    return numbers - numbers % 10 + (numbers % 10 + shift) % 10


def upn_digits(rng: np.random.Generator, entry_year: np.ndarray) -> np.ndarray:
    """Distinct twelve-digit UPN bodies: LA number, establishment, year of entry, serial."""
    year = np.asarray(entry_year, dtype=np.int64) % 100

    def draw(positions: np.ndarray) -> np.ndarray:
        establishment = rng.integers(2000, 7000, size=len(positions), dtype=np.int64)
        serial = rng.integers(0, 1000, size=len(positions), dtype=np.int64)
        return (STAFFORDSHIRE_LA_NUMBER * 1_000_000_000 + establishment * 100_000
                + year[positions] * 1000 + serial)

    return _distinct(draw, len(year))


def upn_check_letter(digits: np.ndarray) -> np.ndarray:
    """The DfE check letter of twelve-digit UPN bodies (weights 2..13, modulus 23)."""
    return UPN_CHECK_LETTERS[(_digits(digits, 12) @ UPN_WEIGHTS) % 23]


def distinct_ids(rng: np.random.Generator, n: int, digits: int) -> np.ndarray:
    """`n` distinct random numbers of up to `digits` digits."""
    return rng.choice(10 ** digits, size=n, replace=False).astype(np.int64)


# --- text forms (pyarrow, null where the value is missing) ---------------------------

def _text(values: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64), mask=missing), pa.string())


def padded(prefix: str, values: np.ndarray, width: int, missing: np.ndarray | None = None) -> pa.Array:
    """`prefix` + zero-padded number, e.g. `SCC00012345`."""
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(_text(values, missing), width, "0"), "")


def nhs_text(numbers: np.ndarray, spaced: np.ndarray | None = None) -> pa.Array:
    """NHS numbers as text, `943 476 5919` where `spaced`; null where the number is < 0."""
    numbers = np.asarray(numbers, dtype=np.int64)
    text = _text(numbers, numbers < 0)
    if spaced is None or not np.any(spaced):
        return text
    grouped = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(text, 0, 3), pc.utf8_slice_codeunits(text, 3, 6),
        pc.utf8_slice_codeunits(text, 6, 10), " ")
    return pc.if_else(pa.array(np.asarray(spaced, dtype=bool)), grouped, text)


def upn_text(digits: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """UPNs as text: check letter + twelve digits."""
    letters = pa.array(upn_check_letter(digits).astype(object), mask=missing)
    return pc.binary_join_element_wise(letters, _text(digits), "")
