"""A provincial chain rolled up from the city chains that serve it: its figures are the sum of the cities' own
(never copied), each city's share and location quotient; who reads the roll-up and who keeps the links; a
province's office reads every city and writes only provincial rows."""
from datetime import date
from decimal import Decimal

import pytest

from chainchief.testing import JsonClient, as_user, world  # noqa: F401

PERIOD = "2021-06"


@pytest.fixture
def province(world):
    """智能装备 of 山东省, served by 潍坊's 动力装备 and by a 济南 chain of two enterprises with figures; the
    province's office (省链长办) and 济南's chain office."""
    from django.contrib.auth import get_user_model

    from chainchief.accounts.models import ApiToken
    from chainchief.accounts.roles import Role
    from chainchief.chains.models import Chain, ChainLink
    from chainchief.enterprises.models import Membership
    from chainchief.monitoring import aggregates
    from chainchief.monitoring.models import MonthlyStat

    User = get_user_model()
    parent = Chain.objects.create(name="智能装备", region=world.province, order=9)
    jinan = Chain.objects.create(name="济南装备", region=world.other_city, order=1)
    for ent in (world.other, world.other2):
        Membership.objects.create(chain=jinan, enterprise=ent)
    figures = {(world.other, 2021): 3000, (world.other, 2020): 2000, (world.other2, 2021): 1000}
    for (ent, year), revenue in figures.items():
        MonthlyStat.objects.create(enterprise=ent, period=date(year, 6, 1), revenue=Decimal(revenue),
                                   gross_output=0, profit=0, tax=0, rd_spend=0)
    aggregates.refresh()
    ChainLink.objects.create(chain=world.power, parent=parent, note="整机与关键零部件")
    ChainLink.objects.create(chain=jinan, parent=parent)
    office = User.objects.create(username="sd_office", role=Role.PROVINCE, region=world.province)
    jinan_office = User.objects.create(username="jn_office", role=Role.COORDINATOR, region=world.other_city)
    world.parent, world.jinan = parent, jinan
    world.office = JsonClient(ApiToken.issue(office)[1])
    world.jinan_office = JsonClient(ApiToken.issue(jinan_office)[1])
    return world


def _figure(chain=None, region=None, period=date(2021, 6, 1)):
    from chainchief.monitoring.models import ChainFigure

    if chain is not None:
        return ChainFigure.objects.get(chain=chain, period=period)
    return ChainFigure.objects.get(region=region, chain__isnull=True, period=period)


def test_the_rollup_is_the_sum_of_the_cities_own_figures(province, as_user):
    admin = as_user("admin")
    r = admin.get(f"/api/v1/province/chains/{province.parent.pk}?period={PERIOD}")
    assert r.status_code == 200, r.content
    body = r.json()
    chains = {c["chain_id"]: c for c in admin.get(f"/api/v1/monitoring/chains?period={PERIOD}").json()["items"]}
    power, jinan = chains[province.power.pk], chains[province.jinan.pk]
    assert Decimal(jinan["ytd_revenue"]) == Decimal("4000")  # 3,000 + 1,000 as entered above
    assert Decimal(body["revenue"]) == Decimal(power["ytd_revenue"]) + Decimal(jinan["ytd_revenue"])
    # Comparable growth over the summed comparable bases: 济南's only comparable enterprise went 2,000 → 3,000.
    p = _figure(province.power)
    expected = float((p.comparable_current + Decimal(3000)) / (p.comparable_previous + Decimal(2000))) - 1
    assert body["yoy_comparable"] == pytest.approx(expected)
    cities = {c["chain_id"]: c for c in body["cities"]}
    assert {c["region"] for c in body["cities"]} == {"潍坊市", "济南市"}
    assert cities[province.jinan.pk]["yoy_comparable"] == pytest.approx(0.5)
    assert cities[province.jinan.pk]["share"] == pytest.approx(4000 / float(body["revenue"]))
    assert cities[province.power.pk]["note"] == "整机与关键零部件"
    # LQ = (chain ÷ city total) ÷ (roll-up ÷ province total); 济南's total is its two enterprises' 4,000.
    province_total = _figure(region=province.province).revenue
    assert Decimal(body["province_total"]) == province_total
    lq = (4000 / 4000) / (float(body["revenue"]) / float(province_total))
    assert cities[province.jinan.pk]["lq"] == pytest.approx(lq)
    listed = admin.get(f"/api/v1/province/chains?period={PERIOD}").json()
    assert province.parent.pk in [c["chain_id"] for c in listed]
    assert province.jinan.pk not in [c["chain_id"] for c in listed]  # a city chain is not a provincial one


def test_who_reads_the_rollup(province, as_user):
    assert as_user(None).get("/api/v1/province/chains").status_code == 401
    assert as_user("enterprise").get("/api/v1/province/chains").status_code == 403
    office = province.office.get(f"/api/v1/province/chains/{province.parent.pk}?period={PERIOD}")
    assert office.status_code == 200 and len(office.json()["cities"]) == 2
    # A city's users see only their city: not the provincial chain, nor its links.
    for client in (as_user("coordinator"), province.jinan_office):
        assert client.get("/api/v1/province/chains").json() == []
        assert client.get(f"/api/v1/province/chains/{province.parent.pk}").status_code == 404
        assert client.get("/api/v1/chain-links").json()["count"] == 0
    jinan_chains = {c["name"] for c in province.jinan_office.get("/api/v1/chains?limit=100").json()["items"]}
    assert jinan_chains == {"济南装备"}


def test_the_province_office_reads_every_city_and_writes_only_provincial_rows(province, as_user):
    office = province.office
    names = {c["name"] for c in office.get("/api/v1/chains?limit=200").json()["items"]}
    assert {"智能装备", "动力装备", "济南装备"} <= names
    assert office.get(f"/api/v1/enterprises/{province.other.pk}").status_code == 200  # reads a city's enterprise
    r = office.patch(f"/api/v1/chains/{province.parent.pk}", {"description": "省级产业链",
                                                               "version": province.parent.version})
    assert r.status_code == 200, r.content
    assert office.patch(f"/api/v1/chains/{province.power.pk}", {"description": "改市级链"}).status_code == 403
    assert office.patch(f"/api/v1/enterprises/{province.other.pk}", {"name": "改名"}).status_code == 403
    r = office.post("/api/v1/chains", {"name": "省级新链", "region": province.province.pk})
    assert r.status_code == 201, r.content
    assert office.post("/api/v1/chains", {"name": "市级新链", "region": province.city.pk}).status_code == 403
    # The province's office keeps the links of its chains; a city's office cannot make one.
    r = office.post("/api/v1/chain-links", {"chain": province.auto.pk, "parent": province.parent.pk})
    assert r.status_code == 201, r.content
    r = as_user("coordinator").post("/api/v1/chain-links", {"chain": province.chem.pk, "parent": province.parent.pk})
    assert r.status_code in (400, 403)


def test_a_link_points_only_up(province, as_user):
    admin = as_user("admin")
    r = admin.post("/api/v1/chain-links", {"chain": province.jinan.pk, "parent": province.power.pk})
    assert r.status_code == 400
    assert "上级区域" in r.json()["errors"]["parent"][0]
    r = admin.post("/api/v1/chain-links", {"chain": province.parent.pk, "parent": province.parent.pk})
    assert r.status_code == 400


def test_the_provincial_map_shows_which_city_holds_which_segment(province, as_user):
    from chainchief.maps.models import LinkKind, Segment, SegmentLink

    held = Segment.objects.filter(chain=province.power, placements__isnull=False).distinct().order_by("pk")[:2]
    named, linked = held[0], held[1]
    Segment.objects.create(chain=province.parent, name=named.name, stage=named.stage, order=1)
    renamed = Segment.objects.create(chain=province.parent, name="关键零部件（省）", stage=linked.stage, order=2)
    SegmentLink.objects.create(source=linked, target=renamed, kind=LinkKind.SAME)
    Segment.objects.create(chain=province.parent, name="氢燃料电池电堆", stage="upstream", order=3)
    office = province.office
    body = office.get(f"/api/v1/province/chains/{province.parent.pk}/map").json()
    by_name = {s["name"]: s for s in body["segments"]}
    assert by_name[named.name]["held_by"] == ["潍坊市"] and not by_name[named.name]["missing"]
    assert by_name["关键零部件（省）"]["held_by"] == ["潍坊市"]  # through the 同一环节 link, not the name
    assert by_name["氢燃料电池电堆"]["missing"] and body["missing"] == ["氢燃料电池电堆"]
    weifang = next(c for c in body["cities"] if c["region"] == "潍坊市")
    cell = weifang["cells"][str(by_name["关键零部件（省）"]["id"])]
    assert cell["name"] == linked.name and cell["enterprises"] > 0
    assert weifang["held"] == 2 and named.name not in weifang["unmatched"]
    jinan = next(c for c in body["cities"] if c["region"] == "济南市")
    assert jinan["cells"] == {} and jinan["held"] == 0
    # The comparison counts each city's held segments of the provincial map.
    cities = {c["region"]: c for c in office.get(f"/api/v1/province/chains/{province.parent.pk}?period={PERIOD}")
              .json()["cities"]}
    assert cities["潍坊市"]["segments_held"] == 2 and cities["潍坊市"]["segments_total"] == 3
    assert cities["济南市"]["segments_held"] == 0


def test_the_pages(province, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="sd_office"))
    page = client.get("/province/")
    assert page.status_code == 200 and "智能装备" in page.content.decode()
    page = client.get(f"/province/chains/{province.parent.pk}/?period={PERIOD}")
    html = page.content.decode()
    assert page.status_code == 200 and "各市对比" in html and "济南市 · 济南装备" in html
    assert client.get(f"/province/chains/{province.parent.pk}/?period=2021-13").status_code == 200
    client.force_login(get_user_model().objects.get(username="coordinator"))
    assert client.get(f"/province/chains/{province.parent.pk}/").status_code == 404
    assert "暂无由各市产业链服务的上级产业链" in client.get("/province/").content.decode()
    client.force_login(get_user_model().objects.get(username="enterprise"))
    assert client.get("/province/").status_code == 403


def test_the_demo_province_rolls_up_three_cities(as_user):
    """The demo's 山东省 (loaded with the rest of the demo): three provincial chains served by 潍坊, 青岛 and 烟台;
    青岛's office sees only 青岛."""
    office, qingdao, admin = as_user("province"), as_user("qingdao"), as_user("admin")
    listed = {c["name"]: c for c in office.get("/api/v1/province/chains?period=2021-06").json()}
    assert set(listed) == {"高端装备", "现代化工", "现代食品"}
    chem = listed["现代化工"]
    assert {c["region"] for c in chem["cities"]} == {"潍坊市", "青岛市", "烟台市"}
    city_figures = {c["chain_id"]: c for c in admin.get("/api/v1/monitoring/chains?period=2021-06").json()["items"]}
    assert Decimal(chem["revenue"]) == sum(Decimal(city_figures[c["chain_id"]]["ytd_revenue"]) for c in chem["cities"])
    qingdao_chains = qingdao.get("/api/v1/chains?limit=100").json()["items"]
    assert {c["name"] for c in qingdao_chains} == {"轨道交通装备", "橡胶化工"}
    assert qingdao.get("/api/v1/province/chains").json() == []
    chem_map = office.get(f"/api/v1/province/chains/{chem['chain_id']}/map").json()
    assert "氢能" in chem_map["missing"]
