"""Generic permission tests in the NetBox manner: every model the API exposes × every role.

For each endpoint: anonymous → 401; a role without permission → 403 (404 when the object lies outside what it
may see); a permitted role → the row really changes; restricted roles see only their own objects.

The expected statuses are written out below as data, from the role rules of the design:
  admin: everything; coordinator: everything in 潍坊市; leader: reads the region, writes nothing;
  chief (动力装备) and dept (工信局, lead of 动力装备 and 汽车制造): read the region's reference data and chains,
  edit their own chains and those chains' enterprises; only admin and coordinator add or delete chains and
  reference data; commissioner: reads its 10 enterprises; enterprise: reads its own enterprise and that
  enterprise's chains, edits its own profile only.
Targets: "power" = an object of 动力装备 (the enterprise user's own enterprise is a member of 动力装备);
"chem" = an object of 高端化工 that nobody but the region-wide roles reaches; "other" = an object of another
city (济南市), outside 潍坊市.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest

from chainchief.testing import as_user, ids, items, make_uscc  # noqa: F401

ROLES = ["admin", "coordinator", "leader", "chief", "dept", "commissioner", "enterprise"]
OK, CREATED, REFUSED, DENIED, HIDDEN = 200, 201, 400, 403, 404


def table(*statuses):
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses))


# Expected statuses per group of models.            admin    coord    leader  chief    dept     commis. enterpr.
REFERENCE = {
    "create":        table(CREATED, CREATED, DENIED, DENIED,  DENIED,  DENIED, DENIED),
    "patch_power":   table(OK,      OK,      DENIED, DENIED,  DENIED,  DENIED, DENIED),
    "patch_other":   table(OK,      HIDDEN,  HIDDEN, HIDDEN,  HIDDEN,  HIDDEN, HIDDEN),
    "delete_power":  table(OK,      OK,      DENIED, DENIED,  DENIED,  DENIED, DENIED),
}
CHAIN = {
    "create":        table(CREATED, CREATED, DENIED, DENIED,  DENIED,  DENIED, DENIED),
    "patch_power":   table(OK,      OK,      DENIED, OK,      OK,      DENIED, DENIED),
    "patch_chem":    table(OK,      OK,      DENIED, DENIED,  DENIED,  DENIED, HIDDEN),
    "delete_power":  table(OK,      OK,      DENIED, DENIED,  DENIED,  DENIED, HIDDEN),
}
CHAIN_PART = {  # chain roles, chain departments, chain work items
    "create":        table(CREATED, CREATED, DENIED, CREATED, CREATED, DENIED, DENIED),
    "create_chem":   table(CREATED, CREATED, DENIED, DENIED,  DENIED,  DENIED, DENIED),
    "patch_power":   table(OK,      OK,      DENIED, OK,      OK,      DENIED, DENIED),
    "patch_chem":    table(OK,      OK,      DENIED, DENIED,  DENIED,  DENIED, HIDDEN),
    "delete_power":  table(OK,      OK,      DENIED, OK,      OK,      DENIED, DENIED),
}
ENTERPRISE = {
    "create":        table(CREATED, CREATED, DENIED, CREATED, CREATED, DENIED, DENIED),
    "patch_power":   table(OK,      OK,      DENIED, OK,      OK,      HIDDEN, OK),
    "patch_chem":    table(OK,      OK,      DENIED, HIDDEN,  HIDDEN,  HIDDEN, HIDDEN),
    "delete_power":  table(OK,      OK,      DENIED, OK,      OK,      HIDDEN, HIDDEN),
}
# Qualifications and memberships are what the government records about an enterprise: its own user reads them
# but does not change them (else it could promote itself to 链主企业 or move itself into another chain).
ENTERPRISE_RECORD = {
    "create":        table(CREATED, CREATED, DENIED, CREATED, CREATED, DENIED, DENIED),
    "patch_power":   table(OK,      OK,      DENIED, OK,      OK,      HIDDEN, DENIED),
    "patch_chem":    table(OK,      OK,      DENIED, HIDDEN,  HIDDEN,  HIDDEN, HIDDEN),
    "delete_power":  table(OK,      OK,      DENIED, OK,      OK,      HIDDEN, DENIED),
}
# The membership created puts 高端化工's enterprise into 动力装备: chain staff may not attach an enterprise they
# cannot see to their chain (that would show them its figures): the enterprise is "not found" for them (400).
# The membership deleted is another enterprise's (in 动力装备): hidden from the enterprise user.
MEMBERSHIP = {**ENTERPRISE_RECORD,
    "create":        table(CREATED, CREATED, DENIED, REFUSED, REFUSED, DENIED, DENIED),
    "delete_power":  table(OK,      OK,      DENIED, OK,      OK,      HIDDEN, HIDDEN)}


@dataclass
class W:
    """The demo objects the tests aim at."""
    province: object
    city: object
    other_city: object
    power: object
    auto: object
    chem: object
    tier: object
    work_model: object
    own_enterprise: object  # the enterprise user's enterprise, a member of 动力装备
    chem_enterprise: object  # a member of 高端化工 only; nobody's own
    finance: object  # 市财政局: not a department of 动力装备 or 高端化工


@pytest.fixture
def w(demo_db):
    from chainchief.chains.models import Chain, ChainTier, WorkModel
    from chainchief.core.models import Department, Region, RegionLevel
    from chainchief.enterprises.models import Enterprise, Membership

    province = Region.objects.get(name="山东省")
    city = Region.objects.get(name="潍坊市")
    other_city = Region.objects.create(name="济南市", code="370100", level=RegionLevel.CITY, parent=province)
    power, auto, chem = (Chain.objects.get(name=n) for n in ("动力装备", "汽车制造", "高端化工"))
    own = Enterprise.objects.get(scoped_users__username="enterprise")
    commissioner_ids = Enterprise.objects.filter(scoped_users__username="commissioner").values("pk")
    chem_only = (Enterprise.objects.filter(memberships__chain=chem)
                 .exclude(memberships__chain__in=[power, auto]).exclude(pk__in=commissioner_ids).exclude(pk=own.pk)
                 .order_by("pk").first())
    assert chem_only is not None and Membership.objects.filter(enterprise=chem_only).count() == 1
    return W(province=province, city=city, other_city=other_city, power=power, auto=auto, chem=chem,
             tier=ChainTier.objects.get(name="千亿级"), work_model=WorkModel.objects.get(name="八个一"),
             own_enterprise=own, chem_enterprise=chem_only, finance=Department.objects.get(name="市财政局"))


def _person(w, name="测试人员"):
    from chainchief.core.models import Person

    return Person.objects.create(name=name, title="副市长", region=w.city)


def _item(w, name="新增事项"):
    from chainchief.chains.models import WorkModelItem

    return WorkModelItem.objects.create(work_model=w.work_model, name=name, order=99)


@dataclass
class Endpoint:
    path: str
    model: str  # "app.Model"
    expect: dict
    create: Callable  # w → (payload, lookup of the created row)
    power: Callable  # w → an existing object to PATCH
    patch: tuple  # (field sent, value sent, model attribute, value expected)
    fresh: Callable  # w → a new deletable object (made with the ORM)
    chem: Callable | None = None  # w → an object of 高端化工
    other: Callable | None = None  # w → an object of another city
    create_chem: Callable | None = None  # w → payload aimed at 高端化工

    def __str__(self):
        return self.path.rsplit("/", 1)[-1]


def _region(code, w):
    from chainchief.core.models import Region

    return Region.objects.create(name=f"测试区{code}", code=code, level="district", parent=w.city)


def _dept(w, region=None, name="市测试局"):
    from chainchief.core.models import Department

    return Department.objects.create(name=name, region=region or w.city)


def _tier(w, region=None):
    from chainchief.chains.models import ChainTier

    return ChainTier.objects.create(name="百亿级", region=region or w.city, target_scale=Decimal("100"),
                                    target_year=2027)


def _chain_role(chain):
    from chainchief.chains.models import ChainRole

    return ChainRole.objects.filter(chain=chain, kind="chief").get()


def _supporting(chain):
    from chainchief.chains.models import ChainDepartment

    return ChainDepartment.objects.filter(chain=chain, is_lead=False).order_by("pk").first()


def _work_row(chain):
    from chainchief.chains.models import ChainWorkItem

    return ChainWorkItem.objects.filter(chain=chain).order_by("pk").first()


def _membership(enterprise, chain):
    from chainchief.enterprises.models import Membership

    return Membership.objects.get(enterprise=enterprise, chain=chain)


def _qualification(enterprise, kind="gazelle", year=2020):
    from chainchief.enterprises.models import Qualification

    return Qualification.objects.create(enterprise=enterprise, kind=kind, level="municipal", year=year)


def _fresh_enterprise(w):
    from chainchief.enterprises.models import Enterprise, Membership

    e = Enterprise.objects.create(uscc=make_uscc("91370700MA3TEXT01"), name="待删除企业（样例）", region=w.city)
    Membership.objects.create(enterprise=e, chain=w.power, role="supporting")
    return e


def _fresh_chain(w):
    from chainchief.chains.models import Chain

    return Chain.objects.create(name="待删除产业链", region=w.city, tier=w.tier)


ENDPOINTS = [
    Endpoint(
        "/api/v1/regions", "core.Region", REFERENCE,
        create=lambda w: ({"name": "新设区", "code": "370799", "level": "district", "parent_id": w.city.pk},
                          {"code": "370799"}),
        power=lambda w: w.city.children.get(name="潍城区"), patch=("order", 77, "order", 77),
        fresh=lambda w: _region("370798", w), other=lambda w: w.other_city),
    Endpoint(
        "/api/v1/departments", "core.Department", REFERENCE,
        create=lambda w: ({"name": "市新设局", "short_name": "新设局", "region_id": w.city.pk}, {"name": "市新设局"}),
        power=lambda w: w.finance, patch=("short_name", "财政", "short_name", "财政"),
        fresh=lambda w: _dept(w), other=lambda w: _dept(w, w.other_city, "济南市测试局")),
    Endpoint(
        "/api/v1/people", "core.Person", REFERENCE,
        create=lambda w: ({"name": "新任链长", "title": "副市长", "region_id": w.city.pk}, {"name": "新任链长"}),
        power=lambda w: _chain_role(w.power).person, patch=("phone", "0536-1234567", "phone", "0536-1234567"),
        fresh=lambda w: _person(w), other=lambda w: _person_in(w.other_city)),
    Endpoint(
        "/api/v1/tiers", "chains.ChainTier", REFERENCE,
        create=lambda w: ({"name": "二百亿级", "region_id": w.city.pk, "target_scale": "200", "target_year": 2027},
                          {"name": "二百亿级"}),
        power=lambda w: w.tier, patch=("target_year", 2030, "target_year", 2030),
        fresh=lambda w: _tier(w), other=lambda w: _tier(w, w.other_city)),
    Endpoint(
        "/api/v1/work-models", "chains.WorkModel", REFERENCE,
        create=lambda w: ({"name": "六个一", "region_id": w.city.pk, "description": "2024 年起"}, {"name": "六个一"}),
        power=lambda w: w.work_model, patch=("description", "已修改", "description", "已修改"),
        fresh=lambda w: _work_model(w), other=lambda w: _work_model(w, w.other_city)),
    Endpoint(
        "/api/v1/work-model-items", "chains.WorkModelItem", REFERENCE,
        create=lambda w: ({"work_model_id": w.work_model.pk, "name": "一个工作专班", "order": 9},
                          {"name": "一个工作专班"}),
        power=lambda w: w.work_model.items.get(order=1), patch=("description", "已修改", "description", "已修改"),
        fresh=lambda w: _item(w), other=lambda w: _work_model(w, w.other_city).items.create(name="外市事项")),
    Endpoint(
        "/api/v1/chains", "chains.Chain", CHAIN,
        create=lambda w: ({"name": "低空经济", "short_name": "低空", "region_id": w.city.pk, "tier_id": w.tier.pk},
                          {"name": "低空经济"}),
        power=lambda w: w.power, patch=("description", "已修改", "description", "已修改"),
        fresh=_fresh_chain, chem=lambda w: w.chem),
    Endpoint(
        "/api/v1/chain-roles", "chains.ChainRole", CHAIN_PART,
        create=lambda w: ({"chain_id": w.power.pk, "person_id": _person(w).pk, "kind": "deputy"},
                          {"chain": w.power, "kind": "deputy"}),
        create_chem=lambda w: {"chain_id": w.chem.pk, "person_id": _person(w).pk, "kind": "deputy"},
        power=lambda w: _chain_role(w.power), patch=("order", 5, "order", 5),
        fresh=lambda w: _fresh_role(w), chem=lambda w: _chain_role(w.chem)),
    Endpoint(
        "/api/v1/chain-departments", "chains.ChainDepartment", CHAIN_PART,
        create=lambda w: ({"chain_id": w.power.pk, "department_id": w.finance.pk},
                          {"chain": w.power, "department": w.finance}),
        create_chem=lambda w: {"chain_id": w.chem.pk, "department_id": w.finance.pk},
        power=lambda w: _supporting(w.power), patch=("department_id", None, "department", "finance"),
        fresh=lambda w: _fresh_chain_department(w), chem=lambda w: _supporting(w.chem)),
    Endpoint(
        "/api/v1/chain-work-items", "chains.ChainWorkItem", CHAIN_PART,
        create=lambda w: ({"chain_id": w.power.pk, "item_id": _item(w).pk, "status": "in_progress",
                           "note": "已启动"}, {"chain": w.power, "item__name": "新增事项"}),
        create_chem=lambda w: {"chain_id": w.chem.pk, "item_id": _item(w).pk, "status": "in_progress",
                               "note": "已启动"},
        power=lambda w: _work_row(w.power), patch=("note", "已召开专题会", "note", "已召开专题会"),
        fresh=lambda w: _fresh_work_row(w), chem=lambda w: _work_row(w.chem)),
    Endpoint(
        "/api/v1/enterprises", "enterprises.Enterprise", ENTERPRISE,
        create=lambda w: ({"uscc": make_uscc("91370705MA3NEW001"), "name": "新建企业（样例）",
                           "memberships": [{"chain": w.power.pk, "role": "supporting"}]},
                          {"uscc": make_uscc("91370705MA3NEW001")}),
        power=lambda w: w.own_enterprise, patch=("contact_name", "张经理", "contact_name", "张经理"),
        fresh=_fresh_enterprise, chem=lambda w: w.chem_enterprise),
    Endpoint(
        "/api/v1/qualifications", "enterprises.Qualification", ENTERPRISE_RECORD,
        create=lambda w: ({"enterprise_id": w.own_enterprise.pk, "kind": "tech_sme", "level": "provincial",
                           "year": 2023}, {"enterprise": w.own_enterprise, "kind": "tech_sme"}),
        power=lambda w: _qualification(w.own_enterprise), patch=("year", 2022, "year", 2022),
        fresh=lambda w: _qualification(w.own_enterprise, "champion", 2021),
        chem=lambda w: _qualification(w.chem_enterprise)),
    Endpoint(
        "/api/v1/memberships", "enterprises.Membership", MEMBERSHIP,
        create=lambda w: ({"enterprise_id": w.chem_enterprise.pk, "chain_id": w.power.pk, "role": "supporting"},
                          {"enterprise": w.chem_enterprise, "chain": w.power}),
        power=lambda w: _membership(w.own_enterprise, w.power), patch=("role", "backbone", "role", "backbone"),
        fresh=lambda w: _fresh_membership(w), chem=lambda w: _membership(w.chem_enterprise, w.chem)),
]


def _person_in(region):
    from chainchief.core.models import Person

    return Person.objects.create(name="外市人员", title="副市长", region=region)


def _work_model(w, region=None):
    from chainchief.chains.models import WorkModel

    return WorkModel.objects.create(name="待删除模式", region=region or w.city)


def _fresh_role(w):
    from chainchief.chains.models import ChainRole

    return ChainRole.objects.create(chain=w.power, person=_person(w, "待删除人员"), kind="deputy")


def _fresh_chain_department(w):
    from chainchief.chains.models import ChainDepartment

    return ChainDepartment.objects.create(chain=w.power, department=w.finance)


def _fresh_work_row(w):
    from chainchief.chains.models import ChainWorkItem

    return ChainWorkItem.objects.create(chain=w.power, item=_item(w, "待删除事项"))


def _fresh_membership(w):
    from chainchief.enterprises.models import Membership

    return Membership.objects.create(enterprise=w.chem_enterprise, chain=w.power, role="supporting")


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _cases(action):
    out = []
    for ep in ENDPOINTS:
        if action not in ep.expect:
            continue
        if action.endswith("_chem") and not (ep.chem or ep.create_chem) or action.endswith("_other") and not ep.other:
            continue
        for role in ROLES:
            out.append(pytest.param(ep, role, ep.expect[action][role], id=f"{ep}-{role}"))
    return out


def _patch_value(ep, w):
    field, sent, attr, expected = ep.patch
    if field == "department_id":  # move a supporting department to 市财政局
        return field, w.finance.pk, "department_id", w.finance.pk
    return field, sent, attr, expected


def _reload(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


# --- anonymous -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ep", ENDPOINTS, ids=str)
def test_anonymous_is_401_everywhere(ep, w, as_user):
    anon = as_user(None)
    obj = ep.power(w)
    count = _model(ep.model).objects.count()
    payload, _lookup = ep.create(w)
    assert anon.get(ep.path).status_code == 401
    assert anon.get(f"{ep.path}/{obj.pk}").status_code == 401
    assert anon.post(ep.path, payload).status_code == 401
    field, value, attr, _ = _patch_value(ep, w)
    assert anon.patch(f"{ep.path}/{obj.pk}", {field: value}).status_code == 401
    assert anon.delete(f"{ep.path}/{obj.pk}").status_code == 401
    assert _model(ep.model).objects.count() == count
    assert _reload(obj).version == obj.version
    body = anon.get(ep.path).json()
    assert body["detail"] and "items" not in body


def test_anonymous_audit_is_401(as_user):
    assert as_user(None).get("/api/v1/audit").status_code == 401


# --- create ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ep,role,expected", _cases("create"))
def test_create(ep, role, expected, w, as_user):
    model = _model(ep.model)
    payload, lookup = ep.create(w)
    before = model.objects.count()
    r = as_user(role).post(ep.path, payload)
    assert r.status_code == expected, r.content
    if expected == CREATED:
        row = model.objects.get(**lookup)
        assert r.json()["id"] == row.pk
        assert r.json()["version"] == 1 == row.version
        assert row.created_by.username == role
        assert model.objects.count() == before + 1
    else:
        assert model.objects.count() == before
        assert not model.objects.filter(**lookup).exists()
        assert "detail" in r.json()


@pytest.mark.parametrize("ep,role,expected", _cases("create_chem"))
def test_create_on_a_chain_not_ones_own(ep, role, expected, w, as_user):
    model = _model(ep.model)
    before = model.objects.count()
    r = as_user(role).post(ep.path, ep.create_chem(w))
    assert r.status_code == expected, r.content
    assert model.objects.count() == before + (1 if expected == CREATED else 0)


# --- update ----------------------------------------------------------------------------------------------------


def _check_patch(ep, role, expected, obj, w, as_user):
    field, value, attr, new = _patch_value(ep, w)
    old_value = getattr(obj, attr)
    assert old_value != new
    r = as_user(role).patch(f"{ep.path}/{obj.pk}", {field: value, "version": obj.version})
    assert r.status_code == expected, r.content
    after = _reload(obj)
    if expected == OK:
        assert getattr(after, attr) == new
        assert after.version == obj.version + 1
        assert r.json()["version"] == after.version
        assert after.updated_by.username == role
    else:
        assert getattr(after, attr) == old_value
        assert after.version == obj.version
        assert r.json()["detail"]


@pytest.mark.parametrize("ep,role,expected", _cases("patch_power"))
def test_patch_own_region_or_chain(ep, role, expected, w, as_user):
    _check_patch(ep, role, expected, ep.power(w), w, as_user)


@pytest.mark.parametrize("ep,role,expected", _cases("patch_chem"))
def test_patch_another_chain(ep, role, expected, w, as_user):
    _check_patch(ep, role, expected, ep.chem(w), w, as_user)


@pytest.mark.parametrize("ep,role,expected", _cases("patch_other"))
def test_patch_another_city(ep, role, expected, w, as_user):
    _check_patch(ep, role, expected, ep.other(w), w, as_user)


# --- delete ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ep,role,expected", _cases("delete_power"))
def test_delete(ep, role, expected, w, as_user):
    obj = ep.fresh(w)
    model = _model(ep.model)
    r = as_user(role).delete(f"{ep.path}/{obj.pk}")
    assert r.status_code == expected, r.content
    assert model.objects.filter(pk=obj.pk).exists() == (expected != OK)
    if expected == OK:
        assert r.json() == {"deleted": True}


# --- reading: the same object read by id -----------------------------------------------------------------------


READ_POWER = table(OK, OK, OK, OK, OK, OK, OK)


@pytest.mark.parametrize("ep", [e for e in ENDPOINTS if e.chem], ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_read_by_id(ep, role, w, as_user):
    """Region-wide readers read both; the enterprise user reads 动力装备's rows (its chain) but not 高端化工's;
    enterprise data of 高端化工 is hidden from chief, dept and commissioner too."""
    client = as_user(role)
    enterprise_kind = ep.model.startswith("enterprises.")
    power_visible = not (role == "commissioner" and enterprise_kind)
    chem_visible = role in ("admin", "coordinator", "leader") or (
        not enterprise_kind and role in ("chief", "dept", "commissioner"))
    r = client.get(f"{ep.path}/{ep.power(w).pk}")
    assert r.status_code == (OK if power_visible else HIDDEN), r.content
    chem = ep.chem(w)
    r = client.get(f"{ep.path}/{chem.pk}")
    assert r.status_code == (OK if chem_visible else HIDDEN), r.content
    if r.status_code == OK:
        assert r.json()["id"] == chem.pk


# --- lists: restricted roles see only their own objects --------------------------------------------------------


def _all_ids(client, path):
    r = client.get(path + ("&" if "?" in path else "?") + "limit=1000")
    body = r.json()
    assert r.status_code == 200, body
    assert body["count"] == len(body["items"]) <= 1000
    return {row["id"] for row in body["items"]}


def _member_ids(*chains):
    from chainchief.enterprises.models import Membership

    return set(Membership.objects.filter(chain__in=chains).values_list("enterprise_id", flat=True))


def test_enterprise_lists_per_role(w, as_user):
    from chainchief.enterprises.models import Enterprise

    every = set(Enterprise.objects.values_list("pk", flat=True))
    city = set(Enterprise.objects.filter(region__code__startswith="3707").values_list("pk", flat=True))
    assert len(city) >= 300 and every - city  # the demo's suppliers in 无锡 lie outside the city
    assert _all_ids(as_user("admin"), "/api/v1/enterprises") == every
    for role in ("coordinator", "leader"):
        assert _all_ids(as_user(role), "/api/v1/enterprises") == city, role
    power, auto = _member_ids(w.power), _member_ids(w.auto)
    assert _all_ids(as_user("chief"), "/api/v1/enterprises") == power
    assert _all_ids(as_user("dept"), "/api/v1/enterprises") == power | auto
    assert len(power | auto) < len(every) and w.chem_enterprise.pk not in power | auto
    commissioner = _all_ids(as_user("commissioner"), "/api/v1/enterprises")
    assert len(commissioner) == 10
    assert commissioner == set(Enterprise.objects.filter(scoped_users__username="commissioner")
                               .values_list("pk", flat=True))
    assert _all_ids(as_user("enterprise"), "/api/v1/enterprises") == {w.own_enterprise.pk}


def test_enterprise_user_sees_only_its_enterprises_chains_and_records(w, as_user):
    from chainchief.enterprises.models import Membership, Qualification

    client = as_user("enterprise")
    own_chains = set(Membership.objects.filter(enterprise=w.own_enterprise).values_list("chain_id", flat=True))
    assert w.power.pk in own_chains and w.chem.pk not in own_chains
    assert _all_ids(client, "/api/v1/chains") == own_chains
    roles = _all_ids(client, "/api/v1/chain-roles")
    from chainchief.chains.models import ChainRole

    assert roles == set(ChainRole.objects.filter(chain__in=own_chains).values_list("pk", flat=True))
    assert _all_ids(client, "/api/v1/memberships") == set(
        Membership.objects.filter(enterprise=w.own_enterprise).values_list("pk", flat=True))
    assert _all_ids(client, "/api/v1/qualifications") == set(
        Qualification.objects.filter(enterprise=w.own_enterprise).values_list("pk", flat=True))
    # Reference data of the region is shared.
    assert len(_all_ids(client, "/api/v1/departments")) == 12
    # A work model is its region's: 潍坊's 八个一 (8 items), not the province's 1+N (6 lists).
    assert len(_all_ids(client, "/api/v1/work-model-items")) == 8


def test_commissioner_sees_all_chains_but_only_its_enterprises_records(w, as_user):
    from chainchief.enterprises.models import Membership

    client = as_user("commissioner")
    assert len(_all_ids(client, "/api/v1/chains")) == 15
    mine = set(w.own_enterprise._meta.model.objects.filter(scoped_users__username="commissioner")
               .values_list("pk", flat=True))
    assert _all_ids(client, "/api/v1/memberships") == set(
        Membership.objects.filter(enterprise__in=mine).values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["coordinator", "leader", "chief", "dept", "commissioner"])
def test_chain_list_has_all_15_for_region_readers(role, w, as_user):
    r = as_user(role).get("/api/v1/chains?limit=100")
    assert r.status_code == 200
    names = [c["name"] for c in r.json()["items"]]
    assert len(names) == 15 == r.json()["count"]
    assert {"动力装备", "新一代信息技术", "汽车制造", "生物医药", "纺织服装", "高端化工"} <= set(names)
    assert not {"轨道交通装备", "绿色石化", "高端装备"} & set(names)  # 青岛's, 烟台's, the province's


@pytest.mark.parametrize("role, count", [("admin", 15 + 2 + 2 + 3), ("province", 15 + 2 + 2 + 3), ("qingdao", 2)])
def test_chain_list_of_the_province_and_of_another_city(role, count, w, as_user):
    """The demo's province: 潍坊's 15 chains, 青岛's two, 烟台's two and the three provincial chains."""
    r = as_user(role).get("/api/v1/chains?limit=100")
    assert r.status_code == 200
    names = {c["name"] for c in r.json()["items"]}
    assert len(names) == count == r.json()["count"]
    assert {"轨道交通装备", "橡胶化工"} <= names


def test_region_lists_stay_inside_the_users_region(w, as_user):
    from chainchief.core.models import Region

    weifang = set(Region.objects.filter(code__startswith="3707").values_list("pk", flat=True))
    assert len(weifang) == 13  # the city and its 12 districts and counties
    assert _all_ids(as_user("coordinator"), "/api/v1/regions") == weifang
    assert _all_ids(as_user("leader"), "/api/v1/regions") == weifang
    assert _all_ids(as_user("enterprise"), "/api/v1/regions") == weifang
    assert _all_ids(as_user("admin"), "/api/v1/regions") == set(Region.objects.values_list("pk", flat=True))
    assert weifang | {w.province.pk, w.other_city.pk} <= set(Region.objects.values_list("pk", flat=True))
    other_dept = _dept(w, w.other_city, "济南市测试局")
    assert other_dept.pk not in _all_ids(as_user("coordinator"), "/api/v1/departments")
    assert other_dept.pk in _all_ids(as_user("admin"), "/api/v1/departments")


# --- specific rules named in the design ------------------------------------------------------------------------


def test_leader_reads_everything_and_writes_nothing(w, as_user):
    client = as_user("leader")
    assert client.get("/api/v1/enterprises?limit=1").json()["count"] >= 300
    assert client.patch(f"/api/v1/chains/{w.power.pk}", {"description": "x"}).status_code == 403
    assert client.patch(f"/api/v1/enterprises/{w.chem_enterprise.pk}", {"name": "x"}).status_code == 403
    assert client.post("/api/v1/tiers", {"name": "x", "region_id": w.city.pk, "target_scale": "1",
                                         "target_year": 2030}).status_code == 403
    assert client.delete(f"/api/v1/chains/{w.chem.pk}").status_code == 403
    r = client.put(f"/api/v1/chains/{w.power.pk}/work-model/{w.work_model.items.get(order=3).pk}",
                   {"status": "done"})
    assert r.status_code == 403


def test_chief_edits_its_chain_only(w, as_user):
    client = as_user("chief")
    r = client.patch(f"/api/v1/chains/{w.power.pk}", {"description": "动力装备：新的简介", "version": w.power.version})
    assert r.status_code == 200 and r.json()["description"] == "动力装备：新的简介"
    r = client.patch(f"/api/v1/chains/{w.chem.pk}", {"description": "x"})
    assert r.status_code == 403 and "无权" in r.json()["detail"]
    r = client.post("/api/v1/chains", {"name": "新链", "region_id": w.city.pk})
    assert r.status_code == 403
    # The chief of 动力装备 cannot reach 汽车制造 either (only the department leads both).
    assert client.patch(f"/api/v1/chains/{w.auto.pk}", {"description": "x"}).status_code == 403
    assert as_user("dept").patch(f"/api/v1/chains/{w.auto.pk}", {"description": "汽车",
                                                                 "version": w.auto.version}).status_code == 200


def test_staff_cannot_move_a_row_out_of_their_chains(w, as_user):
    """A chief may edit 动力装备's chain roles, but not move one onto 高端化工."""
    role = _chain_role(w.power)
    r = as_user("chief").patch(f"/api/v1/chain-roles/{role.pk}", {"chain_id": w.chem.pk, "version": role.version})
    assert r.status_code == 403
    assert _reload(role).chain_id == w.power.pk
    membership = _membership(w.own_enterprise, w.power)
    r = as_user("dept").patch(f"/api/v1/memberships/{membership.pk}", {"chain_id": w.chem.pk,
                                                                       "version": membership.version})
    assert r.status_code == 403
    assert _reload(membership).chain_id == w.power.pk


def test_enterprise_user_cannot_move_itself_into_another_chain(w, as_user):
    membership = _membership(w.own_enterprise, w.power)
    client = as_user("enterprise")
    r = client.patch(f"/api/v1/memberships/{membership.pk}", {"chain_id": w.chem.pk, "version": membership.version})
    assert r.status_code == 403
    assert _reload(membership).chain_id == w.power.pk
    assert client.get(f"/api/v1/chains/{w.chem.pk}").status_code == 404


def test_enterprise_user_edits_its_own_profile(w, as_user):
    client = as_user("enterprise")
    r = client.patch(f"/api/v1/enterprises/{w.own_enterprise.pk}", {"contact_phone": "0536-7654321",
                                                                    "version": w.own_enterprise.version})
    assert r.status_code == 200 and r.json()["contact_phone"] == "0536-7654321"
    assert client.delete(f"/api/v1/enterprises/{w.own_enterprise.pk}").status_code == 403
    assert client.patch(f"/api/v1/enterprises/{w.chem_enterprise.pk}", {"name": "x"}).status_code == 404


def test_dept_creates_an_enterprise_only_inside_its_chains(w, as_user):
    from chainchief.enterprises.models import Enterprise

    client = as_user("dept")
    code = make_uscc("91370702MA3DEPT01")
    r = client.post("/api/v1/enterprises", {"uscc": code, "name": "无链企业"})
    assert r.status_code == 403  # not in any of the department's chains: it could not see it afterwards
    assert not Enterprise.objects.filter(uscc=code).exists()
    r = client.post("/api/v1/enterprises", {"uscc": code, "name": "化工企业",
                                            "memberships": [{"chain": w.chem.pk}]})
    assert r.status_code == 403
    assert not Enterprise.objects.filter(uscc=code).exists()
    r = client.post("/api/v1/enterprises", {"uscc": code, "name": "汽车配套企业",
                                            "memberships": [{"chain": w.auto.pk, "role": "supporting"}]})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["uscc"] == code and [m["chain_id"] for m in body["memberships"]] == [w.auto.pk]
    assert body["region_id"] == w.city.pk  # defaults to the user's region


def test_coordinator_cannot_write_outside_its_city(w, as_user):
    client = as_user("coordinator")
    # Another city's region is "not found" for this coordinator: the field is refused (400).
    r = client.post("/api/v1/chains", {"name": "外市产业链", "region_id": w.other_city.pk})
    assert r.status_code == 400 and "region" in r.json()["errors"]
    r = client.post("/api/v1/departments", {"name": "外市部门", "region_id": w.province.pk})
    assert r.status_code == 400 and "region" in r.json()["errors"]
    from chainchief.chains.models import Chain
    from chainchief.core.models import Department

    assert not Chain.objects.filter(name="外市产业链").exists()
    assert not Department.objects.filter(name="外市部门").exists()
    # Moving one of its own rows out of its city is refused too.
    r = client.patch(f"/api/v1/chains/{w.chem.pk}", {"region_id": w.other_city.pk, "tier_id": None,
                                                     "version": w.chem.version})
    assert r.status_code == 400 and "region" in r.json()["errors"]
    assert _reload(w.chem).region_id == w.city.pk


@pytest.mark.parametrize("role,expected", [("admin", OK), ("coordinator", OK), ("chief", OK), ("dept", OK),
                                           ("leader", DENIED), ("commissioner", DENIED), ("enterprise", DENIED)])
def test_checklist_put(role, expected, w, as_user):
    from chainchief.chains.models import ChainWorkItem

    item = w.work_model.items.get(order=4)
    row = ChainWorkItem.objects.get(chain=w.power, item=item)
    r = as_user(role).put(f"/api/v1/chains/{w.power.pk}/work-model/{item.pk}",
                          {"status": "done", "note": "图谱已绘制", "version": row.version})
    assert r.status_code == expected, r.content
    after = _reload(row)
    assert (after.status, after.note) == (("done", "图谱已绘制") if expected == OK else (row.status, row.note))
    checklist = as_user(role).get(f"/api/v1/chains/{w.power.pk}/work-model")
    assert checklist.status_code == 200
    assert [c["order"] for c in checklist.json()] == list(range(1, 9))


def test_checklist_put_on_another_chain_is_denied_for_the_chief(w, as_user):
    item = w.work_model.items.get(order=4)
    r = as_user("chief").put(f"/api/v1/chains/{w.chem.pk}/work-model/{item.pk}", {"status": "done"})
    assert r.status_code == 403
    r = as_user("chief").put(f"/api/v1/chains/{w.power.pk}/work-model/{item.pk}", {"status": "finished"})
    assert r.status_code == 400 and "status" in r.json()["errors"]


# --- audit log ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role,sees", [("admin", True), ("coordinator", True), ("leader", False), ("chief", False),
                                       ("dept", False), ("commissioner", False), ("enterprise", False)])
def test_audit_list_only_for_admin_and_coordinator(role, sees, w, as_user):
    as_user("coordinator").patch(f"/api/v1/chains/{w.chem.pk}", {"description": "记一笔", "version": w.chem.version})
    r = as_user(role).get("/api/v1/audit?limit=1000")
    if sees:
        assert r.status_code == 200
        rows = r.json()["items"]
        assert any(e["action"] == "update" and e["object_id"] == str(w.chem.pk) for e in rows)
    else:
        assert r.status_code in (200, 403)
        if r.status_code == 200:
            assert r.json()["count"] == 0 and r.json()["items"] == []


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_audit_cannot_be_written_through_the_api(method, w, as_user):
    from django.urls import Resolver404, resolve

    from chainchief.audit.models import AuditEvent

    as_user("coordinator").patch(f"/api/v1/chains/{w.chem.pk}", {"description": "记一笔", "version": w.chem.version})
    event = AuditEvent.objects.order_by("-id").first()
    count = AuditEvent.objects.count()
    r = getattr(as_user("admin"), method)("/api/v1/audit", {"action": "delete"})
    assert r.status_code == 405
    with pytest.raises(Resolver404):  # no route for a single event: nothing to change or delete
        resolve(f"/api/v1/audit/{event.pk}")
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(pk=event.pk).action == "update"


# --- another city's office and the city's reference data ----------------------------------------------------------


def test_another_citys_office_does_not_change_the_citys_work_model(w, as_user):
    """青岛's 链长办 is region-wide in 青岛 only: 潍坊's “八个一” and its items are neither changed, extended nor
    deleted by it, through the API or the services, and nothing of it reaches 潍坊's chain page."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.test import Client

    from chainchief.chains.models import WorkModel, WorkModelItem
    from chainchief.core import services

    client = as_user("qingdao")
    model, item = w.work_model, w.work_model.items.get(order=1)
    items = WorkModelItem.objects.count()
    r = client.patch(f"/api/v1/work-models/{model.pk}", {"description": "青岛改的", "version": model.version})
    assert r.status_code in (DENIED, HIDDEN), r.content
    r = client.patch(f"/api/v1/work-model-items/{item.pk}", {"name": "青岛改的", "version": item.version})
    assert r.status_code in (DENIED, HIDDEN), r.content
    r = client.post("/api/v1/work-model-items", {"work_model_id": model.pk, "name": "青岛加的", "order": 50})
    assert r.status_code in (REFUSED, DENIED, HIDDEN), r.content
    assert client.delete(f"/api/v1/work-model-items/{item.pk}").status_code in (DENIED, HIDDEN)
    assert client.delete(f"/api/v1/work-models/{model.pk}").status_code in (DENIED, HIDDEN)
    qingdao = _model("accounts.User").objects.get(username="qingdao")
    for write in (lambda: services.update(qingdao, model, {"description": "青岛改的"}),
                  lambda: services.update(qingdao, item, {"name": "青岛改的"}),
                  lambda: services.create(qingdao, WorkModelItem, {"work_model": model.pk, "name": "青岛加的"}),
                  lambda: services.delete(qingdao, item)):
        with pytest.raises((PermissionDenied, ValidationError)):
            write()
    assert _reload(model).description == model.description and _reload(model).version == model.version
    assert _reload(item).name == item.name and WorkModelItem.objects.count() == items
    assert WorkModel.objects.filter(pk=model.pk).exists()
    page = Client()
    page.force_login(_model("accounts.User").objects.get(username="coordinator"))
    assert "青岛" not in page.get(f"/chains/{w.power.pk}/").content.decode()


def test_a_change_to_the_citys_rows_is_in_the_citys_audit_log_whoever_made_it(w, as_user):
    """The change log of a row is read by the office of the region the row belongs to, also when the writer
    belongs to no region of it (an administrator of the platform): 潍坊's office sees every change of its 八个一."""
    from chainchief.accounts.models import ApiToken
    from chainchief.testing import JsonClient

    root = _model("accounts.User").objects.create_superuser("root", password="Root#2026x", region=None)
    admin = JsonClient(ApiToken.issue(root)[1])
    model = w.work_model
    r = admin.patch(f"/api/v1/work-models/{model.pk}", {"description": "平台管理员修改", "version": model.version})
    assert r.status_code == OK, r.content
    item = model.items.get(order=2)
    assert admin.patch(f"/api/v1/work-model-items/{item.pk}", {"description": "平台管理员修改",
                                                                "version": item.version}).status_code == OK

    def seen(username):
        rows = as_user(username).get("/api/v1/audit?limit=1000&username=root").json().get("items", [])
        return {(e["object_type"], e["object_id"]) for e in rows if e["action"] == "update"}

    assert {("workmodel", str(model.pk)), ("workmodelitem", str(item.pk))} <= seen("coordinator")
    assert seen("qingdao") == set()


def test_another_citys_office_does_not_link_the_citys_accounts(w):
    """An account belongs to its region: 青岛's office does not see 潍坊's accounts, so no write of it may point at one
    (a person of 青岛 whose login is a 潍坊 account could be given a chain role there)."""
    from django.core.exceptions import ValidationError

    from chainchief.core import services
    from chainchief.core.models import Person, Region
    from chainchief.core.permissions import VIEW, restrict

    User = _model("accounts.User")
    qingdao, office = Region.objects.get(name="青岛市"), User.objects.get(username="qingdao")
    seen = set(restrict(User.objects.all(), office, VIEW).values_list("region__name", flat=True))
    assert seen == {"青岛市"}, seen
    with pytest.raises(ValidationError) as refused:
        services.create(office, Person, {"name": "借用账号", "title": "副市长", "region": qingdao.pk,
                                         "user": User.objects.get(username="leader").pk})
    assert "user" in refused.value.message_dict
    assert not Person.objects.filter(name="借用账号").exists()
    own = User.objects.create(username="qd_staff", role="chief", region=qingdao)
    person = services.create(office, Person, {"name": "青岛链长", "title": "副市长", "region": qingdao.pk,
                                              "user": own.pk})
    assert person.user == own
