"""The API's answers when things go wrong, optimistic locking, pagination and filters.

A bad request is a 400/401/403/404/409 with a JSON body, never a 500.
"""
import pytest

from chainchief.testing import as_user, ids, items, make_uscc  # noqa: F401


@pytest.fixture
def coord(as_user):
    return as_user("coordinator")


@pytest.fixture
def chains(demo_db):
    from chainchief.chains.models import Chain

    return {c.name: c for c in Chain.objects.all()}


def _json(r):
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    return r.json()


# --- authentication ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer ", "Token abc", "Bearer " + "x" * 500, "Basic Zm9vOmJhcg=="])
def test_bad_tokens_are_401(header, demo_db, client):
    r = client.get("/api/v1/chains", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401
    assert _json(r)["detail"]


def test_expired_token_and_inactive_user_are_401(demo_db):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chainchief.accounts.models import ApiToken
    from chainchief.testing import JsonClient

    user = get_user_model().objects.get(username="leader")
    row, raw = ApiToken.issue(user)
    client = JsonClient(raw)
    assert client.get("/api/v1/chains").status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/chains").status_code == 401
    row, raw = ApiToken.issue(user)
    user.is_active = False
    user.save()
    assert JsonClient(raw).get("/api/v1/chains").status_code == 401


def test_token_endpoint(demo_db, client):
    from chainchief.accounts.models import ApiToken

    r = client.post("/api/v1/auth/token", {"username": "chief", "password": "Demo#2026"},
                    content_type="application/json")
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["username"] == "chief" and body["role"] == "chief"
    assert len(body["token"]) >= 32
    stored = ApiToken.objects.get(user__username="chief", prefix=body["token"][:8])
    assert stored.digest != body["token"] and len(stored.digest) == 64  # only the hash is kept
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200 and me.json()["username"] == "chief" and len(me.json()["chain_ids"]) == 1


@pytest.mark.parametrize("body", [{"username": "chief", "password": "wrong"}, {"username": "nobody", "password": "x"}])
def test_token_endpoint_wrong_credentials_is_401(body, demo_db, client):
    r = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert r.status_code == 401 and "错误" in r.json()["detail"]
    assert "token" not in r.json()


@pytest.mark.parametrize("raw", ["{", "", "[]", '{"username": 1}', "null"])
def test_token_endpoint_bad_body_is_400(raw, demo_db, client):
    r = client.post("/api/v1/auth/token", raw, content_type="application/json")
    assert r.status_code == 400, r.content
    assert _json(r)["detail"]


# --- malformed requests -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ['{"name": ', "not json", "[1, 2]", '"a string"', "\x00"])
def test_malformed_json_is_400(raw, coord, chains):
    r = coord.post("/api/v1/chains", raw=raw)
    assert r.status_code == 400, r.content
    assert _json(r)["detail"]
    r = coord.patch(f"/api/v1/chains/{chains['动力装备'].pk}", raw=raw)
    assert r.status_code == 400, r.content


def test_wrong_types_give_field_errors(coord, chains):
    power = chains["动力装备"]
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"order": "first", "is_active": "perhaps"})
    assert r.status_code == 400
    errors = _json(r)["errors"]
    assert {"order", "is_active"} <= set(errors), errors
    r = coord.post("/api/v1/tiers", {"name": "x", "region_id": "潍坊", "target_scale": "many", "target_year": 2030})
    assert r.status_code == 400
    assert {"region_id", "target_scale"} <= set(_json(r)["errors"])


def test_missing_required_fields_give_field_errors(coord):
    r = coord.post("/api/v1/chains", {})
    assert r.status_code == 400
    assert {"name", "region_id"} <= set(_json(r)["errors"])


def test_model_validation_gives_chinese_field_errors(coord, chains):
    from chainchief.chains.models import ChainTier

    tier = ChainTier.objects.get(name="千亿级")
    r = coord.patch(f"/api/v1/tiers/{tier.pk}", {"target_year": 1900, "version": tier.version})
    assert r.status_code == 400
    assert "2000" in _json(r)["errors"]["target_year"][0]
    r = coord.patch(f"/api/v1/tiers/{tier.pk}", {"target_scale": "-5", "version": tier.version})
    assert r.status_code == 400 and "target_scale" in r.json()["errors"]
    r = coord.patch(f"/api/v1/chains/{chains['动力装备'].pk}", {"name": "汽车制造",  # unique in the region
                                                                "version": chains["动力装备"].version})
    assert r.status_code in (400, 409)
    assert ChainTier.objects.get(pk=tier.pk).version == tier.version


def test_system_fields_are_ignored_or_refused(coord, chains):
    power = chains["动力装备"]
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"id": 999, "created_by": 1, "description": "改",
                                                   "version": power.version})
    assert r.status_code in (200, 400)
    power.refresh_from_db()
    assert power.pk == chains["动力装备"].pk and power.created_by_id is None


@pytest.mark.parametrize("field,value", [("tier_id", 987654), ("region_id", 987654)])
def test_unknown_foreign_key_is_400(field, value, coord, chains):
    power = chains["动力装备"]
    r = coord.patch(f"/api/v1/chains/{power.pk}", {field: value, "version": power.version})
    assert r.status_code == 400, r.content
    assert field.removesuffix("_id") in _json(r)["errors"]
    r = coord.post("/api/v1/chains", {"name": "新链", "region_id": power.region_id, field: value})
    assert r.status_code == 400, r.content


def test_tier_of_another_region_is_400(coord, chains):
    from chainchief.chains.models import ChainTier
    from chainchief.core.models import Region

    other = Region.objects.create(name="济南市", code="370100", level="city", parent=Region.objects.get(name="山东省"))
    tier = ChainTier.objects.create(name="千亿级", region=other, target_scale=1000, target_year=2025)
    r = coord.patch(f"/api/v1/chains/{chains['动力装备'].pk}", {"tier_id": tier.pk, "version": chains["动力装备"].version})
    assert r.status_code in (400, 404), r.content  # the coordinator cannot see that tier's region
    assert chains["动力装备"].tier_id != tier.pk


def test_unknown_ids_are_404(coord):
    for path in ("/api/v1/chains/999999", "/api/v1/enterprises/999999", "/api/v1/regions/999999",
                 "/api/v1/chains/999999/work-model", "/api/v1/enterprises/by-uscc/91110000600037341L"):
        r = coord.get(path)
        assert r.status_code == 404, path
        assert _json(r)["detail"]
    assert coord.patch("/api/v1/chains/999999", {"description": "x"}).status_code == 404
    assert coord.delete("/api/v1/chains/999999").status_code == 404


@pytest.mark.parametrize("path", [
    "/api/v1/chains/99999999999999999999999",
    "/api/v1/enterprises?chain=99999999999999999999999",
    "/api/v1/chains?tier=99999999999999999999999",
    "/api/v1/enterprises?offset=99999999999999999999999",
    "/api/v1/enterprises?limit=-5&offset=-3",
    "/api/v1/audit?object_id=" + "9" * 100,
])
def test_out_of_range_numbers_are_not_500(path, as_user):
    r = as_user("admin").get(path)
    assert r.status_code in (200, 400, 404), (path, r.status_code)
    _json(r)


@pytest.mark.parametrize("path", ["/api/v1/enterprises?q=%00", "/api/v1/chains?q=a%00b", "/api/v1/enterprises?uscc=%00"])
def test_nul_characters_are_not_500(path, coord):
    r = coord.get(path)
    assert r.status_code in (200, 400), r.status_code


def test_nul_character_in_a_body_is_not_500(coord, chains):
    r = coord.patch(f"/api/v1/chains/{chains['动力装备'].pk}", {"description": "a\x00b", "version": chains["动力装备"].version})
    assert r.status_code in (200, 400), r.content


# --- optimistic locking -----------------------------------------------------------------------------------------


def test_stale_version_is_409(coord, chains):
    power = chains["动力装备"]
    v = power.version
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "第一次", "version": v})
    assert r.status_code == 200 and r.json()["version"] == v + 1
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "过时的修改", "version": v})
    assert r.status_code == 409
    body = _json(r)
    assert body["current_version"] == v + 1 and "版本" in body["detail"]
    power.refresh_from_db()
    assert (power.description, power.version) == ("第一次", v + 1)


def test_if_match_header(coord, chains):
    power = chains["动力装备"]
    v = power.version
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "过时"}, headers={"If-Match": str(v + 5)})
    assert r.status_code == 409 and r.json()["current_version"] == v
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "W/ 形式"}, headers={"If-Match": f'W/"{v}"'})
    assert r.status_code == 200 and r.json()["version"] == v + 1
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "引号形式"}, headers={"If-Match": f'"{v + 1}"'})
    assert r.status_code == 200 and r.json()["version"] == v + 2
    power.refresh_from_db()
    assert (power.description, power.version) == ("引号形式", v + 2)


def test_body_version_zero_is_stale_not_ignored(coord, chains):
    power = chains["动力装备"]
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "零", "version": 0})
    assert r.status_code == 409
    power.refresh_from_db()
    assert power.description != "零"


def test_without_a_version_a_patch_is_428(coord, chains):
    power = chains["动力装备"]
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "无版本"})
    assert r.status_code == 428 and "version" in r.json()["detail"]  # api/tests/test_versions.py walks every PATCH


def test_delete_with_stale_version_is_409(coord):
    from chainchief.core.models import Department, Region

    dept = Department.objects.create(name="市待撤销局", region=Region.objects.get(name="潍坊市"))
    Department.objects.filter(pk=dept.pk).update(version=3)
    r = coord.delete(f"/api/v1/departments/{dept.pk}?version=2")
    assert r.status_code == 409 and r.json()["current_version"] == 3
    r = coord.delete(f"/api/v1/departments/{dept.pk}", headers={"If-Match": "1"})
    assert r.status_code == 409
    assert Department.objects.filter(pk=dept.pk).exists()
    r = coord.delete(f"/api/v1/departments/{dept.pk}?version=3")
    assert r.status_code == 200
    assert not Department.objects.filter(pk=dept.pk).exists()


def test_deleting_a_tier_with_chains_is_409_in_chinese(coord):
    from chainchief.chains.models import ChainTier

    tier = ChainTier.objects.get(name="千亿级")
    r = coord.delete(f"/api/v1/tiers/{tier.pk}")
    assert r.status_code == 409
    detail = _json(r)["detail"]
    assert "无法删除" in detail and "千亿级" in detail and "产业链" in detail
    assert ChainTier.objects.filter(pk=tier.pk).exists()


def test_deleting_protected_rows_is_409(coord):
    from chainchief.core.models import Department, Person, Region

    lead = Department.objects.get(name="市工业和信息化局")  # lead department of chains (PROTECT)
    assert coord.delete(f"/api/v1/departments/{lead.pk}").status_code == 409
    chief = Person.objects.filter(chain_roles__kind="chief", region__code="370700").first()  # the city's own
    assert coord.delete(f"/api/v1/people/{chief.pk}").status_code == 409
    district = Region.objects.get(name="潍城区")  # has enterprises
    assert coord.delete(f"/api/v1/regions/{district.pk}").status_code == 409
    assert Department.objects.filter(pk=lead.pk).exists() and Region.objects.filter(pk=district.pk).exists()


def test_unique_clash_is_a_400_or_409_not_500(coord, chains):
    from chainchief.chains.models import ChainDepartment

    power = chains["动力装备"]
    lead = ChainDepartment.objects.get(chain=power, is_lead=True)
    supporting = ChainDepartment.objects.filter(chain=power, is_lead=False).first()
    # A second lead department for the chain clashes with the one-lead constraint.
    r = coord.patch(f"/api/v1/chain-departments/{supporting.pk}", {"is_lead": True, "version": supporting.version})
    assert r.status_code in (400, 409), r.content
    r = coord.post("/api/v1/chain-departments", {"chain_id": power.pk, "department_id": lead.department_id})
    assert r.status_code in (400, 409), r.content
    assert ChainDepartment.objects.filter(chain=power, is_lead=True).count() == 1


# --- pagination -------------------------------------------------------------------------------------------------


def test_pagination(coord):
    from chainchief.enterprises.models import Enterprise

    total = Enterprise.objects.filter(region__code__startswith="3707").count()  # the city's: the coordinator's
    first = coord.get("/api/v1/enterprises").json()
    assert first["count"] == total and first["limit"] == 50 and first["offset"] == 0 and len(first["items"]) == 50
    page = coord.get("/api/v1/enterprises?limit=7&offset=14").json()
    assert (page["limit"], page["offset"], len(page["items"])) == (7, 14, 7)
    every = coord.get("/api/v1/enterprises?limit=1000").json()["items"]
    assert [e["id"] for e in every[14:21]] == [e["id"] for e in page["items"]]
    assert len(every) == total and len({e["id"] for e in every}) == total
    tail = coord.get(f"/api/v1/enterprises?limit=10&offset={total - 3}").json()
    assert len(tail["items"]) == 3 and tail["count"] == total
    beyond = coord.get(f"/api/v1/enterprises?offset={total + 10}").json()
    assert beyond["items"] == [] and beyond["count"] == total


def test_limit_is_capped_at_1000(coord):
    from chainchief.enterprises.models import Enterprise, Membership

    # More than 1000 rows: add memberships so the membership list exceeds the cap.
    city_chains = list(coord.get("/api/v1/chains?limit=100").json()["items"])
    assert len(city_chains) == 15
    existing = set(Membership.objects.values_list("enterprise_id", "chain_id"))
    city = Enterprise.objects.filter(region__code__startswith="3707")  # the coordinator's city
    new = [Membership(enterprise_id=e, chain_id=c["id"]) for e in city.values_list("pk", flat=True)
           for c in city_chains[:5] if (e, c["id"]) not in existing]
    Membership.objects.bulk_create(new)
    total = Membership.objects.filter(enterprise__in=city).count()
    assert total > 1000
    body = coord.get("/api/v1/memberships?limit=5000").json()
    assert body["limit"] == 1000 and len(body["items"]) == 1000 and body["count"] == total


@pytest.mark.parametrize("query", ["limit=abc", "offset=x", "tier=abc", "active=perhaps"])
def test_bad_query_parameters_are_400(query, coord):
    r = coord.get(f"/api/v1/chains?{query}")
    assert r.status_code == 400
    assert _json(r)["errors"]


# --- filters ----------------------------------------------------------------------------------------------------


def test_enterprise_filters(coord, chains):
    from chainchief.enterprises.models import Enterprise, Membership

    power = chains["动力装备"]
    members = set(Membership.objects.filter(chain=power).values_list("enterprise_id", flat=True))
    assert len(members) >= 20
    assert ids(coord.get(f"/api/v1/enterprises?chain={power.pk}&limit=1000")) == members
    masters = set(Membership.objects.filter(chain=power, role="master").values_list("enterprise_id", flat=True))
    assert ids(coord.get(f"/api/v1/enterprises?chain={power.pk}&role=master")) == masters and len(masters) == 1
    e = Enterprise.objects.filter(pk__in=members).order_by("pk").first()
    assert [x["id"] for x in items(coord.get(f"/api/v1/enterprises?uscc={e.uscc}"))] == [e.pk]
    assert items(coord.get("/api/v1/enterprises?uscc=91110000600037341L")) == []
    by_name = items(coord.get(f"/api/v1/enterprises?q={e.name[2:6]}&limit=1000"))
    assert e.pk in {x["id"] for x in by_name} and all(e.name[2:6] in x["name"] or e.name[2:6] in x["short_name"]
                                                     for x in by_name)
    combined = ids(coord.get(f"/api/v1/enterprises?chain={power.pk}&q=动力&limit=1000"))
    assert combined and combined <= members
    assert all("动力" in Enterprise.objects.get(pk=i).name or "动力" in Enterprise.objects.get(pk=i).short_name
               for i in combined)
    high_tech = ids(coord.get("/api/v1/enterprises?qualification=high_tech&limit=1000"))
    assert high_tech == set(Enterprise.objects.filter(qualifications__kind="high_tech").values_list("pk", flat=True))
    assert len(high_tech) == coord.get("/api/v1/enterprises?qualification=high_tech").json()["count"]


def test_filters_do_not_widen_a_restricted_view(as_user, chains):
    chem = chains["高端化工"]
    r = as_user("chief").get(f"/api/v1/enterprises?chain={chem.pk}&limit=1000")
    from chainchief.enterprises.models import Membership

    power_members = set(Membership.objects.filter(chain=chains["动力装备"]).values_list("enterprise_id", flat=True))
    assert ids(r) <= power_members
    e = Membership.objects.filter(chain=chem).exclude(enterprise_id__in=power_members).first().enterprise
    assert items(as_user("enterprise").get(f"/api/v1/enterprises?uscc={e.uscc}")) == []
    assert as_user("enterprise").get(f"/api/v1/enterprises/by-uscc/{e.uscc}").status_code == 404


def test_chain_filters(coord):
    from chainchief.chains.models import ChainTier

    thousand, five_hundred = ChainTier.objects.get(name="千亿级"), ChainTier.objects.get(name="五百亿级")
    a = items(coord.get(f"/api/v1/chains?tier={thousand.pk}"))
    b = items(coord.get(f"/api/v1/chains?tier={five_hundred.pk}"))
    assert len(a) == 5 and len(b) == 10
    assert {c["tier_name"] for c in a} == {"千亿级"} and {c["tier_id"] for c in b} == {five_hundred.pk}
    assert {"动力装备", "新一代信息技术", "汽车制造"} <= {c["name"] for c in a}
    assert {"生物医药", "纺织服装"} <= {c["name"] for c in b}
    assert [c["name"] for c in items(coord.get("/api/v1/chains?q=动力"))] == ["动力装备"]
    assert items(coord.get("/api/v1/chains?tier=999999")) == []
    assert len(items(coord.get("/api/v1/chains?active=true&limit=100"))) == 15
    assert items(coord.get("/api/v1/chains?active=false")) == []


def test_chain_summary_fields(coord, chains):
    from chainchief.enterprises.models import Membership

    power = chains["动力装备"]
    body = coord.get(f"/api/v1/chains/{power.pk}").json()
    assert body["lead_department"]["name"] == "市工业和信息化局"
    assert {d["name"] for d in body["supporting_departments"]} == {"市科学技术局", "市商务局"}
    assert {r["kind"] for r in body["chiefs"]} >= {"chief"}
    assert body["enterprise_count"] == Membership.objects.filter(chain=power).count()


def test_foreign_keys_by_either_name_and_unknown_fields_refused(api):
    from chainchief.chains.models import Chain

    client = api("coordinator")
    chain = Chain.objects.get(name="高端化工")
    r = client.patch(f"/api/v1/chains/{chain.pk}", {"tier": None, "version": chain.version})
    assert r.status_code == 200 and r.json()["tier_id"] is None
    tier = Chain.objects.get(name="动力装备").tier_id
    r = client.patch(f"/api/v1/chains/{chain.pk}", {"tier_id": tier, "version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["tier_id"] == tier
    r = client.patch(f"/api/v1/chains/{chain.pk}", {"no_such_field": 1, "version": r.json()["version"]})
    assert r.status_code == 400 and "no_such_field" in r.json()["errors"]


def test_staff_cannot_pull_an_unseen_enterprise_into_their_chain(api):
    """Attaching an enterprise to one's chain would reveal its figures: only one already visible may be."""
    from chainchief.chains.models import Chain
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Enterprise, Membership

    power = Chain.objects.get(name="动力装备")
    theirs = Membership.objects.filter(chain__name__in=["动力装备", "汽车制造"]).values("enterprise")
    outsider = Enterprise.objects.exclude(pk__in=theirs).filter(stats__isnull=False).first()
    dept = api("dept")
    assert dept.get(f"/api/v1/enterprises/{outsider.pk}/stats").status_code == 404
    r = dept.post("/api/v1/memberships", {"enterprise": outsider.pk, "chain": power.pk, "role": "supporting"})
    assert r.status_code == 400 and "enterprise" in r.json()["errors"]
    assert not Membership.objects.filter(enterprise=outsider, chain=power).exists()
    assert dept.get(f"/api/v1/enterprises/{outsider.pk}/stats").status_code == 404
    # Nor may it create an enterprise in another city.
    other = Region.objects.create(name="外市", code="371300", level="city", parent=Region.objects.get(code="370000"))
    from chainchief.testing import make_uscc

    r = dept.post("/api/v1/enterprises", {"uscc": make_uscc("91371302MA3OTHER1".replace("O", "0")),
                                          "name": "外市企业", "region": other.pk, "memberships": [{"chain": power.pk}]})
    assert r.status_code == 400 and "region" in r.json()["errors"], r.content
    assert not Enterprise.objects.filter(name="外市企业").exists()


def test_enterprise_detail_shows_only_memberships_the_reader_may_see(api):
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Membership

    power, info = Chain.objects.get(name="动力装备"), Chain.objects.get(name="新一代信息技术")
    ent = Membership.objects.filter(chain=power).exclude(enterprise__memberships__chain=info).first().enterprise
    assert api("coordinator").post("/api/v1/memberships", {"enterprise": ent.pk, "chain": info.pk,
                                                            "role": "master"}).status_code == 201
    seen = api("chief").get(f"/api/v1/enterprises/{ent.pk}").json()["memberships"]
    assert [m["chain_id"] for m in seen] == [power.pk]  # not that it is 链主 of a chain the chief does not lead
    # and the chain filter is no oracle for it either
    r = api("chief").get(f"/api/v1/enterprises?chain={info.pk}&limit=1000").json()
    assert ent.pk not in [e["id"] for e in r["items"]]
    assert [m["chain_id"] for m in api("coordinator").get(f"/api/v1/enterprises/{ent.pk}").json()["memberships"]
            ] == sorted([power.pk, info.pk], key=lambda pk: Chain.objects.get(pk=pk).order)


@pytest.mark.parametrize("path", ["/api/v1/monitoring/chains?period=99999-01",
                                  "/api/v1/monitoring/chains?period=0001-05",
                                  "/api/v1/monitoring/alerts?period=0001-05"])
def test_periods_out_of_range_are_400(api, path):
    r = api("coordinator").get(path)
    assert r.status_code == 400 and "period" in r.json()["errors"]


def test_figures_cannot_be_reported_for_the_future_or_the_distant_past(api):
    from datetime import date

    from chainchief.monitoring.models import MonthlyStat

    client = api("enterprise")
    own = client.get("/api/v1/enterprises").json()["items"][0]["id"]
    next_year = date.today().year + 1
    for period in (f"{next_year}-01", "99999-01", "1999-12"):
        r = client.post(f"/api/v1/enterprises/{own}/stats", {"period": period, "revenue": "1"})
        assert r.status_code == 400 and "period" in r.json()["errors"], (period, r.content)
    assert not MonthlyStat.objects.filter(enterprise_id=own, period__year__in=[next_year, 1999]).exists()


def test_unknown_import_template_and_unknown_chain_of_a_segment(api, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    assert client.get("/imports/templates/xyz/").status_code == 404
    r = api("coordinator").post("/api/v1/segments", {"chain_id": 999999, "name": "不存在", "stage": "upstream"})
    assert r.status_code == 400, r.content
