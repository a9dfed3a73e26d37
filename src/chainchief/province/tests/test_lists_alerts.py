"""The demo province's N lists and alerts, assembled from the cities' own lists and alerts: each row is one a city's
own API shows for its chain, tagged with the city and the provincial segment it stands for; a city's users reach
none of it."""
import io

import pytest
from openpyxl import load_workbook

from chainchief.chains.models import Chain
from chainchief.testing import as_user  # noqa: F401  (fixture)

PERIOD = "2021-09"


@pytest.fixture
def office(as_user):
    return as_user("province")


def _parent(name):
    return Chain.objects.get(name=name, region__code="370000")


def _all(client, url):
    r = client.get(url + "?limit=500")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["items"])
    return body["items"]


def test_the_enterprise_lists_are_the_cities_own(office, as_user):
    admin = as_user("admin")
    parent = _parent("高端装备")
    leaders = _all(office, f"/api/v1/province/chains/{parent.pk}/lists/leaders")
    expected = set()
    for link in parent.links_down.select_related("chain"):
        city = admin.get(f"/api/v1/chains/{link.chain_id}/lists/backbone").json()
        expected |= {(link.chain_id, b["id"]) for b in city}
    assert {(r["chain_id"], r["enterprise_id"]) for r in leaders} == expected
    assert {r["region"] for r in leaders} == {"潍坊市", "青岛市"}
    assert leaders[0]["role"] == "master"  # chain-masters first
    supporting = _all(office, f"/api/v1/province/chains/{parent.pk}/lists/supporting")
    assert supporting and all(r["role"] == "supporting" for r in supporting)
    # 青岛's 牵引电控 stands for the province's 电控 by its 同一环节 link, not by name.
    qingdao = [r for r in leaders + supporting if r["region"] == "青岛市" and "牵引电控" in r["segments"]]
    assert qingdao and all("电控" in r["provincial_segments"] for r in qingdao)
    searched = office.get(f"/api/v1/province/chains/{parent.pk}/lists/leaders?q=青岛").json()
    assert searched["count"] == sum(1 for r in leaders if "青岛" in r["enterprise"] + r["region"])
    counts = {c["key"]: c["count"] for c in office.get(f"/api/v1/province/chains/{parent.pk}/lists").json()["lists"]}
    assert counts["leaders"] == len(leaders) and counts["supporting"] == len(supporting)


def test_strong_gaps_and_technologies(office, as_user):
    admin = as_user("admin")
    chem = _parent("现代化工")
    strong = _all(office, f"/api/v1/province/chains/{chem.pk}/lists/strong")
    expected = set()
    for link in chem.links_down.all():
        expected |= {(link.chain_id, s["id"]) for s in admin.get(f"/api/v1/chains/{link.chain_id}/lists/strong").json()}
    assert {(r["chain_id"], r["segment_id"]) for r in strong} == expected
    gaps = {g["segment"]: g for g in _all(office, f"/api/v1/province/chains/{chem.pk}/lists/gaps")}
    # No city has 氢能: missing in the whole province. 原油加工 is strong in 潍坊: not a gap.
    assert gaps["氢能"]["status"] == "missing" and gaps["氢能"]["held_by"] == [] and gaps["氢能"]["cities"] == []
    assert "原油加工" not in gaps
    weak = [g for g in gaps.values() if g["status"] == "weak"]
    assert weak and all(g["cities"] and all(c["strength"] != "strong" and c["lacking"] for c in g["cities"])
                        for g in weak)
    techs = {t["name"]: t for t in _all(office, f"/api/v1/province/chains/{chem.pk}/lists/technologies")}
    assert techs["质子交换膜（示意）"]["region"] == "山东省" and techs["质子交换膜（示意）"]["segment"] == "氢能"
    assert techs["锂电池隔膜材料（示意）"]["region"] == "烟台市"
    assert techs["锂电池隔膜材料（示意）"]["provincial_segment"] == "新能源材料"


def test_the_export_holds_every_list(office):
    parent = _parent("高端装备")
    counts = office.get(f"/api/v1/province/chains/{parent.pk}/lists").json()["lists"]
    r = office.get(f"/api/v1/province/chains/{parent.pk}/lists/export")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == [c["title"] for c in counts]
    for c in counts:
        assert wb[c["title"]].max_row - 1 == c["count"], c


def test_the_alerts_are_the_cities_own(office, as_user):
    admin = as_user("admin")
    for parent in Chain.objects.filter(region__code="370000"):
        body = office.get(f"/api/v1/province/chains/{parent.pk}/alerts?period={PERIOD}").json()
        chains = {c["chain_id"]: c for c in admin.get(f"/api/v1/monitoring/chains?period={PERIOD}").json()["items"]}
        drops = set()
        for city in body["cities"]:
            assert [a["kind"] for a in city["alerts"]] == [a["kind"] for a in chains[city["chain_id"]]["alerts"]]
            own = admin.get(f"/api/v1/monitoring/alerts?period={PERIOD}&chain={city['chain_id']}").json()
            assert city["sharp_drops"] == len(own["sharp_drops"])
            drops |= {(city["region_id"], a["enterprise_id"]) for a in own["sharp_drops"]}
        assert {(a["region_id"], a["enterprise_id"]) for a in body["sharp_drops"]} == drops
        slower = body["yoy_comparable"] < body["province_yoy_comparable"]
        assert ("slower_than_province" in [a["kind"] for a in body["alerts"]]) == (slower and body["yoy_comparable"] >= 0)
    food = office.get(f"/api/v1/province/chains/{_parent('现代食品').pk}/alerts?period={PERIOD}").json()
    assert food["alerts"] and "低于全省规上工业" in food["alerts"][0]["message"]


@pytest.mark.parametrize("username", ["coordinator", "qingdao", "leader", "chief"])
def test_a_city_reaches_none_of_it(username, as_user):
    client = as_user(username)
    parent = _parent("现代化工")
    for url in ("lists", "lists/leaders", "lists/gaps", "lists/export", "alerts"):
        assert client.get(f"/api/v1/province/chains/{parent.pk}/{url}").status_code == 404, url
    assert as_user("enterprise").get(f"/api/v1/province/chains/{parent.pk}/alerts").status_code in (403, 404)


def test_the_pages(client, demo_db):
    from django.contrib.auth import get_user_model

    parent = _parent("高端装备")
    client.force_login(get_user_model().objects.get(username="province"))
    for key, text in (("leaders", "链主企业"), ("supporting", "配套企业"), ("strong", "认定依据"), ("gaps", "全省"),
                      ("technologies", "列车自主运行系统")):
        body = client.get(f"/province/chains/{parent.pk}/lists/", {"list": key}).content.decode()
        assert text in body and "导出全部清单" in body, key
    body = client.get(f"/province/chains/{parent.pk}/lists/", {"list": "leaders", "q": "不存在的企业"}).content.decode()
    assert "没有符合条件的条目" in body
    body = client.get(f"/province/chains/{parent.pk}/alerts/?period={PERIOD}").content.decode()
    assert "各市产业链" in body and "青岛市 · 轨道交通装备" in body
    export = client.get(f"/province/chains/{parent.pk}/lists/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(get_user_model().objects.get(username="qingdao"))
    for url in ("lists/", "alerts/", "lists/export/"):
        assert client.get(f"/province/chains/{parent.pk}/{url}").status_code == 404, url
