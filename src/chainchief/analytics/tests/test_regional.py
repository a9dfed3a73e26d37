"""Location quotient and shift-share against a published teaching example.

H. Krumme, Geography 350 (Regional and Urban Economic Development), University of Washington, "Shift & Share
Table with Excel Explanations" (faculty.washington.edu/krumme/350/ssexcel.html): the fictitious region
Holukuluku, four industries, 1985–1995. Region 1985: 500, 100, 200, 200 (shares 50, 10, 20, 20%);
region 1995: 1000, 100, 250, 280; nation 1985 shares 10, 20, 40, 30%, national growth by industry 10, 20,
30, 40%, all industries 29%. Published: location quotients 5, 0.5, 0.5, .667; regional growth 630 =
national growth effect 290 + total shift 340; total shift by industry 355, −29, −8, 22; differential effect
(regional shift) 450, −20, −10, 0, net 420; composition effect (industry mix) −95, −9, 2, 22, net −80.
(The page prints the last two columns as magnitudes; the signs follow from its own definitions — expected
employment at the industry's national rate less that at the overall rate, and actual less the former — and
from 290 + 420 − 80 = 630.)
"""
from decimal import Decimal

import pytest

from chainchief.analytics.regional import location_quotient, location_quotients, shift_share

REGION_1985 = {"I": 500, "II": 100, "III": 200, "IV": 200}
REGION_1995 = {"I": 1000, "II": 100, "III": 250, "IV": 280}
# The nation in thousands: 1985 shares 10/20/40/30 of 1000; 1995 after 10/20/30/40% growth.
NATION_1985 = {"I": 100, "II": 200, "III": 400, "IV": 300}
NATION_1995 = {"I": 110, "II": 240, "III": 520, "IV": 420}


def test_location_quotients_of_holukuluku():
    lq = location_quotients(REGION_1985, NATION_1985)
    assert lq["I"] == pytest.approx(5.0)  # .50 / .10
    assert lq["II"] == pytest.approx(0.5)  # .10 / .20
    assert lq["III"] == pytest.approx(0.5)  # .20 / .40
    assert round(lq["IV"], 3) == 0.667  # .20 / .30


def test_location_quotient_with_the_economies_own_totals():
    # A city's chain: 12,000 of the city's 80,000 jobs (15%) against 300,000 of the province's
    # 4,000,000 (7.5%) → LQ 2.0; the given industries are only part of each economy.
    assert location_quotient(12_000, 80_000, 300_000, 4_000_000) == pytest.approx(2.0)
    lq = location_quotients({"chain": Decimal(12_000)}, {"chain": 300_000}, regional_total=80_000,
                            reference_total=4_000_000)
    assert lq["chain"] == pytest.approx(2.0)


@pytest.mark.parametrize("args", [(1, 0, 1, 1), (1, 1, 0, 1), (1, 1, 1, 0), (None, 1, 1, 1), (-1, 1, 1, 1)])
def test_location_quotient_undefined(args):
    assert location_quotient(*args) is None


def test_shift_share_of_holukuluku():
    s = shift_share(REGION_1985, REGION_1995, NATION_1985, NATION_1995)
    assert s.reference_growth == pytest.approx(0.29)
    rows = s.industries
    assert [rows[k].national_share for k in "I II III IV".split()] == pytest.approx([145, 29, 58, 58])
    assert [rows[k].industry_mix for k in "I II III IV".split()] == pytest.approx([-95, -9, 2, 22])
    assert [rows[k].regional_shift for k in "I II III IV".split()] == pytest.approx([450, -20, -10, 0])
    assert [rows[k].total_shift for k in "I II III IV".split()] == pytest.approx([355, -29, -8, 22])
    t = s.total
    assert (t.change, t.national_share, t.total_shift) == pytest.approx((630, 290, 340))
    assert (t.industry_mix, t.regional_shift) == pytest.approx((-80, 420))
    for row in [*rows.values(), t]:
        assert row.national_share + row.industry_mix + row.regional_shift == pytest.approx(row.change)


def test_shift_share_against_the_reference_economys_own_totals():
    # One chain of 100 → 150 in a province growing 20% overall while the chain's industry grew 40%:
    # NS = 100·.2 = 20, IM = 100·(.4 − .2) = 20, RS = 100·(.5 − .4) = 10; 20 + 20 + 10 = 50.
    s = shift_share({"c": 100}, {"c": 150}, {"c": 1000}, {"c": 1400},
                    reference_total_start=10_000, reference_total_end=12_000)
    r = s.industries["c"]
    assert (r.national_share, r.industry_mix, r.regional_shift) == pytest.approx((20, 20, 10))


def test_shift_share_new_industry_and_bad_input():
    # An industry the region did not have: its whole change is regional shift.
    s = shift_share({"a": 0}, {"a": 30}, {"a": 100}, {"a": 110})
    assert (s.industries["a"].national_share, s.industries["a"].regional_shift) == (0, 30)
    with pytest.raises(ValueError, match="相同的行业"):
        shift_share({"a": 1}, {"b": 1}, {"a": 1}, {"a": 1})
    with pytest.raises(ValueError, match="基期数值应为正数"):
        shift_share({"a": 1, "b": 1}, {"a": 1, "b": 1}, {"a": 0, "b": 5}, {"a": 1, "b": 5})
    with pytest.raises(ValueError, match="缺失或为负"):
        shift_share({"a": None}, {"a": 1}, {"a": 1}, {"a": 1})
