"""Worked examples computed by hand (numbers in the comments), not by the code under test."""
from decimal import Decimal

import pytest

from chainchief.analytics.growth import (
    cagr, comparable_growth, ratio, trailing_twelve_months, years_to_target,
)
from chainchief.analytics.periods import Period, monthly_from_ytd


def test_cagr_worked_example():
    # 10,000 → 19,500 in 3 years: 1.95^(1/3) = 1.24933 → 24.93%
    assert round(cagr(10000, 19500, 3) * 100, 2) == 24.93


def test_cagr_doubling_in_five_years():
    # 2^(1/5) = 1.148698
    assert cagr(500, 1000, 5) == pytest.approx(0.148698, abs=1e-6)


@pytest.mark.parametrize("start,end,years", [(0, 10, 1), (10, 0, 1), (None, 10, 1), (10, 20, 0)])
def test_cagr_undefined(start, end, years):
    assert cagr(start, end, years) is None


def test_comparable_growth_excludes_units_missing_in_either_period():
    # A: 100 → 120, B: 200 → 180, C new this year (50), D missing this year (last year 70).
    # Comparable: (120 + 180) / (100 + 200) − 1 = 0%; simple: (120+180+50)/(100+200+70) − 1 = −5.41%
    cur = {"A": Decimal(120), "B": Decimal(180), "C": Decimal(50), "D": None}
    prev = {"A": Decimal(100), "B": Decimal(200), "D": Decimal(70)}
    c = comparable_growth(cur, prev)
    assert c.growth == pytest.approx(0.0)
    assert (c.units, c.only_current, c.only_previous) == (2, 1, 1)
    assert c.current_total == Decimal(300) and c.previous_total == Decimal(300)
    assert ratio(Decimal(350), Decimal(370)) == pytest.approx(-0.054054, abs=1e-6)


def test_comparable_growth_without_common_units():
    assert comparable_growth({"A": 1}, {"B": 1}).growth is None


def test_monthly_from_ytd_with_merged_january():
    # 2021: 1–2月 reported as 300 (no January), 1–3月 450, 1–4月 missing, 1–5月 800.
    ytd = {Period(2021, 2): Decimal(300), Period(2021, 3): Decimal(450), Period(2021, 5): Decimal(800)}
    m = monthly_from_ytd(ytd)
    assert m[Period(2021, 2)] == (Decimal(300), 2)  # 1–2月 merged, January not invented
    assert Period(2021, 1) not in m
    assert m[Period(2021, 3)] == (Decimal(150), 1)
    assert m[Period(2021, 5)] == (None, 0)  # April missing: May alone is undefined


def test_monthly_from_ytd_with_january_reported():
    ytd = {Period(2021, 1): Decimal(100), Period(2021, 2): Decimal(260)}
    m = monthly_from_ytd(ytd)
    assert m[Period(2021, 1)] == (Decimal(100), 1)
    assert m[Period(2021, 2)] == (Decimal(160), 1)


def test_ttm_and_years_to_target():
    # TTM at 2021-06 = 1–6月 2021 (600) + full 2020 (1000) − 1–6月 2020 (450) = 1150
    assert trailing_twelve_months(Decimal(600), Decimal(1000), Decimal(450)) == Decimal(1150)
    assert years_to_target(2021, 6, 2025) == 4.5
    assert years_to_target(2021, 12, 2025) == 4.0


def test_period_parse_and_shift():
    assert Period.parse("2021-06").shift(-6) == Period(2020, 12)
    assert str(Period(2021, 1).shift(-1)) == "2020-12"
    with pytest.raises(ValueError):
        Period.parse("2021/06")
