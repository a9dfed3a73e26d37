"""The chain map API: the map, permissions (who edits which map, who sees which enterprises), the refusal to delete
a segment that still holds enterprises, overrides with a reason, audit rows, and the query count of a large map."""
import pytest
from django.db import connection

from chainchief.audit.models import AuditEvent
from chainchief.chains.models import Chain
from chainchief.enterprises.models import Membership
from chainchief.maps.mapping import flatten
from chainchief.maps.models import Segment, SegmentPlacement


@pytest.fixture
def power(demo_db):
    return Chain.objects.get(name="动力装备")


@pytest.fixture
def car(demo_db):
    return Chain.objects.get(name="汽车制造")


@pytest.fixture
def other(demo_db):
    return Chain.objects.get(name="生物医药")


def seg(chain, name):
    return Segment.objects.get(chain=chain, name=name)


def test_map_has_three_stages_and_reasons(api, power):
    r = api("coordinator").get(f"/api/v1/chains/{power.pk}/map")
    assert r.status_code == 200
    body = r.json()
    assert [s["stage"] for s in body["stages"]] == ["upstream", "midstream", "downstream"]
    nodes = flatten(body)
    assert len(nodes) >= 15
    assert {n["strength"] for n in nodes} == {"strong", "weak", "missing"}
    assert all(n["reason"] for n in nodes)
    diesel = next(n for n in nodes if n["name"] == "柴油机")
    assert diesel["enterprises"] and diesel["links"]
    assert body["can_edit"] and body["can_override"]


def test_every_demo_chain_has_a_map(api, demo_db):
    leader, admin = api("leader"), api("admin")
    for chain in Chain.objects.select_related("region"):
        # 潍坊's maps are full ones; 青岛's and 烟台's small ones for the province's; the province's its own outline.
        weifang = chain.region.code == "370700"
        nodes = flatten((leader if weifang else admin).get(f"/api/v1/chains/{chain.pk}/map").json())
        assert len(nodes) >= (8 if weifang else 4), chain.name


def test_lists(api, power):
    c = api("coordinator")
    backbone = c.get(f"/api/v1/chains/{power.pk}/lists/backbone").json()
    assert {b["role"] for b in backbone} == {"master", "backbone"}
    gaps = c.get(f"/api/v1/chains/{power.pk}/lists/gaps").json()
    assert gaps and all(g["strength"] in ("weak", "missing") and g["lacking"] for g in gaps)
    strong = c.get(f"/api/v1/chains/{power.pk}/lists/strong?stage=midstream").json()
    assert strong and all(s["stage"] == "midstream" and s["strength"] == "strong" for s in strong)
    supporting = c.get(f"/api/v1/chains/{power.pk}/lists/supporting").json()
    assert all(e["role"] == "supporting" for s in supporting for e in s["enterprises"])
    techs = c.get(f"/api/v1/chains/{power.pk}/lists/technologies").json()
    assert any(t["segment_name"] == "电控单元（ECU）" for t in techs)
    overview = c.get("/api/v1/chain-map/overview").json()
    assert len(overview["chains"]) == 15 and overview["edges"]


@pytest.mark.parametrize("username, chain_name, allowed", [
    ("dept", "动力装备", True), ("dept", "汽车制造", True), ("dept", "生物医药", False),
    ("chief", "动力装备", True), ("chief", "汽车制造", False),
    ("coordinator", "生物医药", True), ("leader", "动力装备", False), ("enterprise", "动力装备", False),
])
def test_who_may_add_a_segment(api, demo_db, username, chain_name, allowed):
    chain = Chain.objects.get(name=chain_name)
    r = api(username).post("/api/v1/segments", {"chain_id": chain.pk, "stage": "upstream", "name": "新环节"})
    assert r.status_code == (201 if allowed else 403), r.content
    assert Segment.objects.filter(chain=chain, name="新环节").exists() == allowed


def test_dept_renames_only_its_chains(api, power, other):
    c = api("dept")
    s = seg(power, "钢材")
    r = c.patch(f"/api/v1/segments/{s.pk}", {"name": "特种钢材", "version": s.version})
    assert r.status_code == 200 and r.json()["name"] == "特种钢材"
    assert AuditEvent.objects.filter(object_id=str(s.pk), action="update", object_repr="特种钢材").exists()
    s2 = seg(other, "辅料")
    assert c.patch(f"/api/v1/segments/{s2.pk}", {"name": "x"}).status_code == 403


def test_leader_reads_but_does_not_edit(api, power):
    c = api("leader")
    assert c.get(f"/api/v1/chains/{power.pk}/map").json()["can_edit"] is False
    s = seg(power, "钢材")
    assert c.patch(f"/api/v1/segments/{s.pk}", {"name": "x"}).status_code == 403
    assert c.post("/api/v1/segment-placements", {"segment_id": s.pk, "enterprise_id": 1}).status_code == 403


def test_enterprise_user_sees_its_chain_without_other_enterprises(api, power, other):
    c = api("enterprise")
    body = c.get(f"/api/v1/chains/{power.pk}/map").json()
    nodes = flatten(body)
    shown = {e["id"] for n in nodes for e in n["enterprises"]}
    own = set(Membership.objects.filter(chain=power, enterprise__scoped_users__username="enterprise")
              .values_list("enterprise_id", flat=True))
    assert shown and shown <= own
    assert sum(n["hidden_count"] for n in nodes) > 0  # the others are counted, not named
    assert all(n["revenue_share"] is None for n in nodes)
    assert body["can_edit"] is False
    assert c.get(f"/api/v1/chains/{other.pk}/map").status_code == 404


def test_chief_sees_other_maps_without_their_enterprises(api, car):
    nodes = flatten(api("chief").get(f"/api/v1/chains/{car.pk}/map").json())
    assert not any(n["enterprises"] for n in nodes)
    assert any(n["enterprise_count"] for n in nodes)


def test_delete_segment_with_enterprises_is_refused_until_moved(api, power):
    c = api("dept")
    s, target = seg(power, "柴油机"), seg(power, "燃气发动机")
    placed = set(s.placements.values_list("membership_id", flat=True))
    r = c.delete(f"/api/v1/segments/{s.pk}")
    assert r.status_code == 409
    assert "仍有企业" in r.json()["detail"] and "移至其他环节" in r.json()["detail"]
    assert Segment.objects.filter(pk=s.pk).exists()
    r = c.post(f"/api/v1/segments/{s.pk}/delete", {"move_to": target.pk})
    assert r.status_code == 200, r.content
    assert not Segment.objects.filter(pk=s.pk).exists()
    assert placed <= set(target.placements.values_list("membership_id", flat=True))
    assert AuditEvent.objects.filter(action="delete", object_repr="柴油机").exists()


def test_delete_parent_segment_is_refused(api, power):
    r = api("dept").delete(f"/api/v1/segments/{seg(power, '电控').pk}")
    assert r.status_code == 409 and "下级环节" in r.json()["detail"]


def test_move_and_reorder(api, power):
    c = api("dept")
    sensor, steel = seg(power, "传感器"), seg(power, "钢材")
    r = c.post(f"/api/v1/segments/{sensor.pk}/move", {"parent_id": None, "stage": "midstream"})
    assert r.status_code == 200, r.content.decode()
    assert r.status_code == 200 and r.json()["stage"] == "midstream" and r.json()["parent_id"] is None
    ids = list(Segment.objects.filter(chain=power, parent=None, stage="upstream").order_by("-order")
               .values_list("pk", flat=True))
    r = c.post(f"/api/v1/chains/{power.pk}/segments/reorder", {"ids": ids})
    assert r.status_code == 200 and [s["id"] for s in r.json()] == ids
    assert Segment.objects.get(pk=ids[0]).order == 1 and steel.pk in ids


def test_place_move_and_remove_enterprise(api, power):
    c = api("dept")
    target = seg(power, "电控单元（ECU）")
    member = Membership.objects.filter(chain=power).first()
    r = c.post("/api/v1/segment-placements", {"segment_id": target.pk, "enterprise_id": member.enterprise_id})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert c.post("/api/v1/segment-placements", {"segment_id": target.pk, "membership_id": member.pk}).status_code == 409
    nodes = {n["name"]: n for n in flatten(c.get(f"/api/v1/chains/{power.pk}/map").json())}
    assert nodes["电控单元（ECU）"]["strength"] == "weak"
    version = c.get(f"/api/v1/segment-placements/{pid}").json()["version"]
    r = c.patch(f"/api/v1/segment-placements/{pid}", {"segment_id": seg(power, "传感器").pk, "version": version})
    assert r.status_code in (200, 409)
    assert c.delete(f"/api/v1/segment-placements/{pid}").status_code == 200
    assert AuditEvent.objects.filter(content_type__model="segmentplacement", action="delete").exists()


def test_placement_of_another_chain_is_refused(api, power, car):
    member = Membership.objects.filter(chain=car).exclude(enterprise__memberships__chain=power).first()
    r = api("coordinator").post("/api/v1/segment-placements",
                                {"segment_id": seg(power, "钢材").pk, "membership_id": member.pk})
    assert r.status_code == 400


def test_override_needs_coordinator_and_reason(api, power):
    s = seg(power, "钢材")
    url = f"/api/v1/segments/{s.pk}/override"
    assert api("dept").put(url, {"strength": "strong", "reason": "x"}).status_code == 403
    c = api("coordinator")
    r = c.put(url, {"strength": "strong", "reason": "  "})
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    assert c.put(url, {"strength": "strong", "reason": "本地特钢企业产能居全省前列"}).status_code == 200
    node = next(n for n in flatten(c.get(f"/api/v1/chains/{power.pk}/map").json()) if n["id"] == s.pk)
    assert node["overridden"] and node["strength"] == "strong" and "人工认定" in node["reason"]
    assert AuditEvent.objects.filter(content_type__model="strengthoverride", action="create").exists()
    assert c.delete(url).status_code == 200


def test_settings_change_the_verdicts(api, power):
    c = api("coordinator")
    row = c.get("/api/v1/map-settings").json()["items"][0]
    assert api("dept").patch(f"/api/v1/map-settings/{row['id']}", {"strong_min_enterprises": 1}).status_code == 403
    r = c.patch(f"/api/v1/map-settings/{row['id']}", {"strong_min_enterprises": 50, "version": row["version"]})
    assert r.status_code == 200
    nodes = flatten(c.get(f"/api/v1/chains/{power.pk}/map").json())
    assert not any(n["strength"] == "strong" for n in nodes)


def test_technology_and_link_crud(api, power, car, other):
    c = api("dept")
    s = seg(power, "变速器")
    r = c.post("/api/v1/key-technologies", {"segment_id": s.pk, "name": "AMT 自动变速器", "status": "in_progress"})
    assert r.status_code == 201, r.content
    r = c.post("/api/v1/segment-links", {"source_id": s.pk, "target_id": seg(car, "专用车").pk, "note": "配套专用车"})
    assert r.status_code == 201, r.content
    r = c.post("/api/v1/segment-links", {"source_id": s.pk, "target_id": seg(car, "专用车").pk})
    assert r.status_code == 400  # already linked
    r = c.post("/api/v1/segment-links", {"source_id": s.pk, "target_id": seg(power, "钢材").pk, "kind": "same"})
    assert r.status_code == 400  # a link joins two chains
    r = c.post("/api/v1/key-technologies", {"segment_id": seg(other, "CXO").pk, "name": "x"})
    assert r.status_code == 403


# --- a large map in a fixed number of queries ----------------------------------------------------------------


def _count_queries(client, chain):
    # Counted with a wrapper: the test client's request_started signal resets Django's own query log.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        r = client.get(f"/api/v1/chains/{chain.pk}/map")
    assert r.status_code == 200
    return len(queries), r.json()


def test_map_of_5000_enterprises_in_a_fixed_number_of_queries(api, demo_db):
    from chainchief.core.models import Region
    from chainchief.maps.synthetic import build_large_chain

    city = Region.objects.get(code="370700")
    districts = list(city.children.all())
    small = build_large_chain(city, districts, enterprises=20, segments=30, name="小型合成链", seed=1)
    large = build_large_chain(city, districts, enterprises=5000, segments=30, name="大型合成链", seed=2)
    assert SegmentPlacement.objects.filter(segment__chain=large).count() >= 5000
    c = api("coordinator")
    _count_queries(c, small)  # warm the per-user caches
    n_small, _ = _count_queries(c, small)
    n_large, body = _count_queries(c, large)
    assert n_large == n_small, "the number of queries grows with the number of enterprises"
    assert 5 <= n_large <= 25
    assert sum(len(n["enterprises"]) for n in flatten(body)) >= 5000
