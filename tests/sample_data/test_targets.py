"""Calibration targets and identifier rules used by the generator."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from sample_data import calibration, identifiers


@pytest.mark.parametrize("when, count", [(date(2024, 1, 18), 7490), (date(2025, 1, 16), 8461),
                                         (date(2025, 7, 31), 9182)])
def test_active_plan_target_passes_through_the_published_counts(when, count):
    assert calibration.active_plan_target(when, calibration.load()) == pytest.approx(count)


def test_active_plan_target_interpolates_and_extrapolates():
    cal = calibration.load()
    between = calibration.active_plan_target(date(2024, 7, 18), cal)
    assert 7490 < between < 8461
    later = calibration.active_plan_target(date(2026, 1, 31), cal)
    slope = (9182 - 8461) / (date(2025, 7, 31) - date(2025, 1, 16)).days
    assert later == pytest.approx(9182 + slope * (date(2026, 1, 31) - date(2025, 7, 31)).days)


def test_nhs_numbers_follow_the_modulus_11_rule():
    assert identifiers.nhs_is_valid(np.array([9434765919])).all()
    numbers = identifiers.nhs_numbers(np.random.default_rng(0), 10_000)
    assert len(np.unique(numbers)) == len(numbers)
    assert identifiers.nhs_is_valid(numbers).all()
    assert (numbers // 1_000_000_000 == 9).all()
    mistyped = identifiers.corrupt_check_digit(np.random.default_rng(1), numbers)
    assert not identifiers.nhs_is_valid(mistyped).any()


def test_upns_are_distinct_letter_plus_twelve_digits():
    digits = identifiers.upn_digits(np.random.default_rng(0), np.full(5_000, 2015))
    text = identifiers.upn_text(digits).to_pylist()
    assert len(set(text)) == len(text)
    assert all(len(t) == 13 and t[0].isalpha() and t[1:].isdigit() and t[1:4] == "860" for t in text)
