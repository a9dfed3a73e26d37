"""The strong / weak / missing rule: each verdict and its reason, on hand-built facts and a hand-built map."""
from decimal import Decimal

import pytest

from chainchief.chains.models import Chain
from chainchief.core.models import Region, RegionLevel
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
from chainchief.maps.mapping import Facts, build_map, flatten, judge
from chainchief.maps.models import MapSettings, Segment, SegmentPlacement, StrengthOverride


def rule(**kw):
    return MapSettings(**kw)


def test_no_enterprise_is_missing():
    v = judge(Facts(), rule())
    assert (v.strength, v.reason) == ("missing", "无本地企业")


def test_only_outside_enterprises_is_missing_and_says_so():
    v = judge(Facts(external=2), rule())
    assert v.strength == "missing"
    assert v.reason == "无本地企业（仅有 2 家外地企业）"


def test_missing_threshold_is_a_setting():
    v = judge(Facts(enterprises=1, above_scale=1), rule(missing_max_enterprises=1))
    assert v.strength == "missing"
    assert v.reason == "仅 1 家本地企业（缺链标准：不超过 1 家）"


def test_only_small_enterprises_is_weak():
    v = judge(Facts(enterprises=2), rule())
    assert v.strength == "weak"
    assert v.reason == "仅 2 家规下企业；无链主或龙头骨干企业"
    assert v.lacking == ["仅 2 家规下企业", "无链主或龙头骨干企业"]


def test_too_few_enterprises_is_weak_with_thresholds_in_words():
    v = judge(Facts(enterprises=3, above_scale=2, backbones=1), rule())
    assert v.strength == "weak"
    assert v.reason == "仅 3 家本地企业（强链需 5 家）；规上企业仅 2 家（强链需 3 家）"


def test_no_leader_is_weak():
    v = judge(Facts(enterprises=8, above_scale=6), rule())
    assert (v.strength, v.reason) == ("weak", "无链主或龙头骨干企业")


def test_no_leader_is_fine_when_not_required():
    v = judge(Facts(enterprises=8, above_scale=6), rule(strong_requires_leader=False))
    assert v.strength == "strong"


def test_strong_reason_names_counts():
    v = judge(Facts(enterprises=6, above_scale=4, masters=1, backbones=2), rule())
    assert v.strength == "strong"
    assert v.reason == "本地企业 6 家，其中规上 4 家；有链主企业 1 家、龙头骨干企业 2 家"
    assert v.lacking == []


def test_revenue_share_counts_once_set():
    facts = Facts(enterprises=6, above_scale=4, masters=1, revenue_share=Decimal("2.5"))
    assert judge(facts, rule()).strength == "strong"  # no revenue criterion by default
    v = judge(facts, rule(strong_min_revenue_share=Decimal("5")))
    assert (v.strength, v.reason) == ("weak", "营收占全链 2.5%（强链需 5.0%）")
    v = judge(Facts(enterprises=6, above_scale=4, masters=1, revenue_share=Decimal("12")),
              rule(strong_min_revenue_share=Decimal("5")))
    assert v.strength == "strong" and "营收占全链 12.0%" in v.reason


def test_revenue_unknown_does_not_count():
    v = judge(Facts(enterprises=6, above_scale=4, masters=1), rule(strong_min_revenue_share=Decimal("5")))
    assert v.strength == "strong"


# --- the rule on a hand-built map ----------------------------------------------------------------------------


@pytest.fixture
def small_map(db, django_user_model):
    province = Region.objects.create(name="测试省", code="990000", level=RegionLevel.PROVINCE)
    city = Region.objects.create(name="测试市", code="990100", level=RegionLevel.CITY, parent=province)
    district = Region.objects.create(name="测试区", code="990101", level=RegionLevel.DISTRICT, parent=city)
    elsewhere = Region.objects.create(name="外市", code="990200", level=RegionLevel.CITY, parent=province)
    chain = Chain.objects.create(name="测试链", region=city)
    segs = {n: Segment.objects.create(chain=chain, stage=s, name=n, order=i) for i, (s, n) in enumerate([
        ("upstream", "材料"), ("midstream", "整机"), ("downstream", "应用"), ("upstream", "部件")])}
    child = Segment.objects.create(chain=chain, stage="upstream", name="部件-电子", parent=segs["部件"])
    n = iter(range(100, 999))

    def ent(region, above=False, role=MembershipRole.SUPPORTING):
        e = Enterprise.objects.create(uscc=f"91990101MA{next(n):07d}X"[:18], name=f"企业{next(n)}", region=region,
                                      is_above_scale=above)
        return Membership.objects.create(enterprise=e, chain=chain, role=role)

    # 整机: 5 local, 4 above scale, a chain-master → strong
    for m in [ent(district, True, MembershipRole.MASTER), ent(district, True), ent(district, True),
              ent(city, True), ent(district)]:
        SegmentPlacement.objects.create(segment=segs["整机"], membership=m)
    # 材料: two small local ones → weak; 应用: one outside enterprise → missing
    for m in [ent(district), ent(district)]:
        SegmentPlacement.objects.create(segment=segs["材料"], membership=m)
    SegmentPlacement.objects.create(segment=segs["应用"], membership=ent(elsewhere, True))
    # 部件 has nothing itself; its child holds one above-scale backbone → the parent counts it too
    SegmentPlacement.objects.create(segment=child, membership=ent(district, True, MembershipRole.BACKBONE))
    admin = django_user_model.objects.create_superuser("rule-admin", password="x")
    return chain, segs, child, admin


def _nodes(chain, user, **kw):
    return {n["name"]: n for n in flatten(build_map(chain, user, **kw))}


def test_map_verdicts_and_reasons(small_map):
    chain, segs, child, admin = small_map
    nodes = _nodes(chain, admin)
    assert nodes["整机"]["strength"] == "strong"
    assert nodes["整机"]["reason"] == "本地企业 5 家，其中规上 4 家；有链主企业 1 家"
    assert nodes["材料"]["strength"] == "weak"
    assert nodes["材料"]["reason"].startswith("仅 2 家规下企业")
    assert nodes["应用"]["strength"] == "missing"
    assert nodes["应用"]["reason"] == "无本地企业（仅有 1 家外地企业）"
    assert nodes["部件-电子"]["enterprise_count"] == 1
    assert nodes["部件"]["enterprise_count"] == 1  # counted from the segment below
    assert nodes["部件"]["strength"] == "weak"
    assert [c["name"] for c in nodes["部件"]["children"]] == ["部件-电子"]


def test_thresholds_come_from_the_region_settings(small_map):
    chain, segs, child, admin = small_map
    MapSettings.objects.create(region=chain.region, strong_min_enterprises=6)
    nodes = _nodes(chain, admin)
    assert nodes["整机"]["strength"] == "weak"
    assert nodes["整机"]["reason"] == "仅 5 家本地企业（强链需 6 家）"


def test_override_is_shown_as_such(small_map):
    chain, segs, child, admin = small_map
    StrengthOverride.objects.create(segment=segs["材料"], strength="strong", reason="两家企业均为细分领域单项冠军")
    n = _nodes(chain, admin)["材料"]
    assert n["strength"] == "strong" and n["overridden"] is True
    assert n["computed_strength"] == "weak"
    assert n["reason"].startswith("人工认定：两家企业均为细分领域单项冠军（规则判定：弱链，")


def test_district_filter_counts_and_lists_only_that_district(small_map):
    chain, segs, child, admin = small_map
    district = Region.objects.get(code="990101")
    n = _nodes(chain, admin, district=district.pk)["整机"]
    assert n["district_count"] == 4
    assert len(n["enterprises"]) == 4
    assert n["strength"] == "strong"  # the verdict is the chain's, whatever the filter


def test_no_above_scale_threshold_lets_small_enterprises_make_a_strong_segment():
    # A coordinator who sets the above-scale minimum to 0 means it: 8 local enterprises and a chain-master suffice.
    v = judge(Facts(enterprises=8, above_scale=0, masters=1), rule(strong_min_above_scale=0))
    assert v.strength == "strong"
    v = judge(Facts(enterprises=3, above_scale=0, masters=1), rule(strong_min_above_scale=0))
    assert (v.strength, v.lacking) == ("weak", ["仅 3 家本地企业（强链需 5 家）"])


def test_revenue_share_is_worded_without_figures_for_restricted_readers():
    from decimal import Decimal

    facts = Facts(enterprises=6, above_scale=4, masters=1, revenue_share=Decimal("12.5"))
    settings = rule(strong_min_revenue_share=Decimal("20"))
    full, hidden = judge(facts, settings), judge(facts, settings, show_share=False)
    assert full.strength == hidden.strength == "weak"
    assert "12.5%" in full.reason and "%" not in hidden.reason and "营收占比未达强链标准" in hidden.reason


def test_reasons_in_english():
    """The same reasons in the English interface, counts with their plural."""
    from django.utils import translation

    with translation.override("en"):
        assert judge(Facts(external=1), rule()).reason == "no local enterprise (only 1 enterprise from elsewhere)"
        weak = judge(Facts(enterprises=2), rule())
        assert weak.reason == "only 2 enterprises, all below scale; no chain-master or backbone enterprise"
        strong = judge(Facts(enterprises=5, above_scale=3, masters=1, backbones=2), rule())
        assert strong.strength == "strong"
        assert strong.reason == ("5 local enterprises, 3 of them above scale; "
                                 "has 1 chain-master enterprise, 2 backbone enterprises")
    assert judge(Facts(), rule()).reason == "无本地企业"  # Chinese stays the default
