"""Herfindahl–Hirschman index on the 0–10,000 scale.

U.S. Department of Justice, Antitrust Division, "Herfindahl–Hirschman Index": four firms with shares of 30,
30, 20 and 20 percent give 30² + 30² + 20² + 20² = 2,600. Shares 60/30/10: 3600 + 900 + 100 = 4,600.
"""
from decimal import Decimal

import pytest

from chainchief.analytics.concentration import hhi, hhi_from_shares


def test_hhi_of_shares():
    assert hhi_from_shares([60, 30, 10]) == pytest.approx(4600)
    assert hhi_from_shares([30, 30, 20, 20]) == pytest.approx(2600)
    assert hhi_from_shares([100]) == pytest.approx(10_000)


def test_hhi_of_values():
    # Revenues 600, 300, 100 (万元) are shares 60/30/10 → 4600; a unit with zero revenue changes nothing.
    assert hhi([Decimal(600), Decimal(300), Decimal(100), Decimal(0)]) == pytest.approx(4600)
    # Ten equal enterprises: 10 · 10² = 1000.
    assert hhi([5] * 10) == pytest.approx(1000)


def test_hhi_of_the_largest_units_only_is_a_lower_bound():
    # Top two of a chain with shares 40 and 20 (the rest unknown): 1600 + 400 = 2000.
    assert hhi_from_shares([40, 20]) == pytest.approx(2000)


def test_hhi_undefined_and_bad_input():
    assert hhi([]) is None and hhi([0, 0]) is None and hhi_from_shares([]) is None
    with pytest.raises(ValueError):
        hhi([1, -1])
    with pytest.raises(ValueError):
        hhi_from_shares([70, 40])
