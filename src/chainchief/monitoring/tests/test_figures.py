"""Chain and city figures from hand-built monthly statistics; expected values computed by hand."""
from datetime import date
from decimal import Decimal

import pytest

from chainchief.analytics.periods import Period
from chainchief.chains.models import Chain, ChainTier
from chainchief.core.models import Region
from chainchief.enterprises.models import Enterprise, Membership
from chainchief.core.uscc import with_check_digit
from chainchief.monitoring import aggregates, report
from chainchief.monitoring.models import ChainFigure, MonthlyStat


@pytest.fixture
def small_city(db, django_user_model):
    province = Region.objects.create(name="测试省", code="990000", level="province")
    city = Region.objects.create(name="测试市", code="990100", level="city", parent=province)
    district = Region.objects.create(name="测试区", code="990101", level="district", parent=city)
    tier = ChainTier.objects.create(name="百亿级", region=city, target_scale=Decimal("100"), target_year=2025)
    a = Chain.objects.create(name="甲链", region=city, tier=tier, order=1)
    b = Chain.objects.create(name="乙链", region=city, tier=tier, order=2)
    ents = {}
    for i, name in enumerate("ABCD"):
        ents[name] = Enterprise.objects.create(uscc=with_check_digit(f"9199010100000000{i}"), name=f"企业{name}",
                                               region=district, is_above_scale=True)
    # A, B, C in 甲链; C also in 乙链; D in no chain.
    for name in "ABC":
        Membership.objects.create(enterprise=ents[name], chain=a)
    Membership.objects.create(enterprise=ents["C"], chain=b)
    user = django_user_model.objects.create_user("coord", password="x", role="coordinator", region=city)
    return {"city": city, "a": a, "b": b, "ents": ents, "user": user}


def put(ent, period, revenue):
    MonthlyStat.objects.create(enterprise=ent, period=Period.parse(period).first_day, revenue=Decimal(revenue))


def test_comparable_growth_excludes_missing_and_city_counts_once(small_city):
    e = small_city["ents"]
    # 2020-06: A 100, B 200, D 50 (C missing).  2021-06: A 130, B 180, C 90, D 60.
    for ent, rev in ((e["A"], 100), (e["B"], 200), (e["D"], 50)):
        put(ent, "2020-06", rev)
    for ent, rev in ((e["A"], 130), (e["B"], 180), (e["C"], 90), (e["D"], 60)):
        put(ent, "2021-06", rev)
    aggregates.refresh()
    p = Period(2021, 6)
    rows = {r.chain.name: r for r in report.chain_rows(small_city["user"], p, with_series=False)}
    a = rows["甲链"]
    # 甲链 YTD = 130 + 180 + 90 = 400; comparable: (130+180)/(100+200) − 1 = 3.33%; simple: 400/300 − 1 = 33.3%
    assert a.revenue == Decimal("400.00")
    assert a.yoy_comparable == pytest.approx(10 / 300)
    assert a.yoy_simple == pytest.approx(400 / 300 - 1)
    assert a.comparable_units == 2
    # 乙链 = C only, no previous: YTD 90, no growth.
    assert rows["乙链"].revenue == Decimal("90.00") and rows["乙链"].yoy_comparable is None
    # City counts C once: 130 + 180 + 90 + 60 = 460; comparable over A, B, D: (130+180+60)/(100+200+50) − 1
    city = report.city_figures(small_city["user"], small_city["city"], p)
    assert city.revenue == Decimal("460.00")
    assert city.yoy_comparable == pytest.approx(370 / 350 - 1)
    # Share and rank: 甲链 400/460, first.
    assert a.share == pytest.approx(400 / 460) and a.rank == 1 and rows["乙链"].rank == 2


def test_ttm_progress_and_required_cagr(small_city):
    e = small_city["ents"]
    # A alone: 2020-06 YTD 300, 2020-12 YTD 800 (full 2020), 2021-06 YTD 400.
    put(e["A"], "2020-06", 300)
    put(e["A"], "2020-12", 800)
    put(e["A"], "2021-06", 400)
    aggregates.refresh()
    row = next(r for r in report.chain_rows(small_city["user"], Period(2021, 6), with_series=False)
               if r.chain.name == "甲链")
    # TTM = 400 + 800 − 300 = 900 万元; target 100 亿元 = 1,000,000 万元; progress 0.09%
    assert row.ttm == Decimal("900.00")
    assert row.progress == pytest.approx(900 / 1_000_000)
    # 4.5 years from 2021-06 to the end of 2025: (1,000,000 / 900)^(1/4.5) − 1
    assert row.required_cagr == pytest.approx((1_000_000 / 900) ** (1 / 4.5) - 1)
    assert row.status.status == "unknown"  # no TTM a year earlier, so no growth to judge


def test_refresh_of_one_period_updates_the_next_year(small_city):
    e = small_city["ents"]
    put(e["A"], "2020-06", 100)
    put(e["A"], "2021-06", 150)
    aggregates.refresh()
    f = ChainFigure.objects.get(chain=small_city["a"], period=date(2021, 6, 1))
    assert (f.comparable_current, f.comparable_previous) == (Decimal("150.00"), Decimal("100.00"))
    MonthlyStat.objects.filter(enterprise=e["A"], period=date(2020, 6, 1)).update(revenue=Decimal(120))
    aggregates.refresh([Period(2020, 6)])  # a change in 2020-06 must reach 2021-06's comparable base
    f = ChainFigure.objects.get(chain=small_city["a"], period=date(2021, 6, 1))
    assert f.comparable_previous == Decimal("120.00")


def test_rank_is_among_all_chains_even_when_one_is_asked_for(small_city):
    e = small_city["ents"]
    put(e["A"], "2021-06", 100)  # 甲链 = A + C = 150
    put(e["C"], "2021-06", 50)  # 乙链 = C = 50
    aggregates.refresh()
    only_b = report.chain_rows(small_city["user"], Period(2021, 6), chains=[small_city["b"]], with_series=False)
    assert only_b[0].rank == 2


def test_cached_rows_follow_a_rule_change(small_city):
    from chainchief.monitoring.models import MonitoringSettings

    e = small_city["ents"]
    for period, revenue in (("2019-06", 500), ("2019-12", 1000), ("2020-06", 500), ("2020-12", 1000),
                            ("2021-06", 550)):
        put(e["A"], period, revenue)
    aggregates.refresh()
    user, p = small_city["user"], Period(2021, 6)
    # TTM 2021-06 = 550 + 1000 − 500 = 1050; TTM 2020-06 = 500 + 1000 − 500 = 1000: growth 5%.
    # Required: (1,000,000 / 1050)^(1/4.5) − 1 ≈ 359%. With the default ratio 0.8 that is red;
    # with a ratio of 0.01 the bar is ≈ 3.6% and 5% clears it: yellow.
    first = [r for r in report.cached_chain_rows(user, p) if r.chain.name == "甲链"][0]
    assert first.ttm_growth == pytest.approx(0.05)
    assert first.status.status == "red"
    MonitoringSettings.objects.create(region=small_city["city"], yellow_ratio=Decimal("0.01"))
    again = [r for r in report.cached_chain_rows(user, p) if r.chain.name == "甲链"][0]
    assert again.status.status == "yellow"  # the rule change reached the cached cockpit rows


def test_figures_follow_membership_and_enterprise_changes(small_city, django_capture_on_commit_callbacks):
    e = small_city["ents"]
    put(e["A"], "2021-06", 100)
    put(e["D"], "2021-06", 40)
    aggregates.refresh()
    june = date(2021, 6, 1)
    assert ChainFigure.objects.get(chain=small_city["a"], period=june).revenue == Decimal("100.00")
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(enterprise=e["D"], chain=small_city["a"])  # D (40) joins 甲链
    assert ChainFigure.objects.get(chain=small_city["a"], period=june).revenue == Decimal("140.00")
    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.filter(enterprise=e["A"], chain=small_city["a"]).delete()  # A leaves
    assert ChainFigure.objects.get(chain=small_city["a"], period=june).revenue == Decimal("40.00")
    # D becomes below-scale: it still reports but is no longer one of those expected to report
    with django_capture_on_commit_callbacks(execute=True):
        e["D"].is_above_scale = False
        e["D"].save()
    f = ChainFigure.objects.get(chain=small_city["a"], period=june)
    assert (f.reporters, f.above_scale_reporters) == (1, 0)
    # A deleted: its figures leave the city total
    with django_capture_on_commit_callbacks(execute=True):
        e["A"].delete()
    assert ChainFigure.objects.get(chain__isnull=True, region=small_city["city"], period=june).revenue == Decimal(
        "40.00")


def test_non_reporters_count_only_above_scale_members(small_city):
    e = small_city["ents"]
    e["C"].is_above_scale = False
    e["C"].save()
    put(e["C"], "2021-06", 10)  # a below-scale member reports; above-scale A and B do not
    aggregates.refresh()
    row = [r for r in report.chain_rows(small_city["user"], Period(2021, 6), with_series=False)
           if r.chain.name == "甲链"][0]
    assert (row.reporters, row.above_scale, row.non_reporters) == (1, 2, 2)


def test_deleting_a_user_clears_the_unconstrained_user_columns(small_city, django_user_model):
    """The user columns of monthly figures have no database constraint; the ORM still applies SET_NULL."""
    clerk = django_user_model.objects.create_user("clerk", password="x", role="coordinator", region=small_city["city"])
    stat = MonthlyStat.objects.create(enterprise=small_city["ents"]["A"], period=date(2021, 2, 1),
                                      revenue=Decimal("1"), created_by=clerk, updated_by=clerk)
    clerk.delete()
    stat.refresh_from_db()
    assert (stat.created_by_id, stat.updated_by_id) == (None, None)
