"""The demo data set: Weifang's 15 chains "5+10", "八个一", 300 sample enterprises, one account per role."""
import json

import pytest
from django.apps import apps

from chainchief.testing import USCC_ALPHABET, uscc_check_char

ROLES = ["admin", "coordinator", "leader", "chief", "dept", "commissioner", "enterprise"]


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"core", "accounts", "chains", "enterprises", "work", "appeals"}}


def test_loading_twice_duplicates_nothing(demo_db):
    from chainchief.demo import loader

    assert loader.is_loaded()
    before = _counts()
    assert loader.load() is False
    assert _counts() == before


def test_load_command_is_idempotent(demo_db):
    from django.core.management import call_command

    before = _counts()
    call_command("load_demo")
    call_command("load_demo")
    assert _counts() == before


def test_region_and_work_model(demo_db):
    from chainchief.core.models import Region

    city = Region.objects.get(name="潍坊市")
    assert city.code == "370700" and city.parent.name == "山东省"
    districts = set(city.children.values_list("name", flat=True))
    assert len(districts) == 12 and {"奎文区", "寿光市", "青州市", "诸城市"} <= districts
    assert city.work_model.name == "八个一"
    items = list(city.work_model.items.order_by("order").values_list("name", flat=True))
    assert len(items) == 8
    assert items[:2] == ["一名市级领导包靠", "一个责任部门跟进"]
    for word in ("专题调研", "产业链图谱", "发展计划", "产业链联盟", "政策引导", "沟通衔接"):
        assert any(word in i for i in items), word


def test_fifteen_chains_five_plus_ten(demo_db):
    from chainchief.chains.models import Chain

    chains = list(Chain.objects.filter(region__code="370700").select_related("tier"))
    assert len(chains) == 15
    by_tier = {}
    for c in chains:
        by_tier.setdefault(c.tier.name, set()).add(c.name)
    assert {k: len(v) for k, v in by_tier.items()} == {"千亿级": 5, "五百亿级": 10}
    assert {"动力装备", "新一代信息技术"} <= by_tier["千亿级"]
    assert {"生物医药", "纺织服装"} <= by_tier["五百亿级"]
    assert "汽车制造" in by_tier["千亿级"] | by_tier["五百亿级"]
    assert {"高端化工", "食品加工", "高端铝材", "智能农机", "工业母机", "磁技术", "新型储能"} <= {c.name for c in chains}
    tiers = {c.tier for c in chains}
    assert {(t.target_scale, t.target_year) for t in tiers} == {(1000, 2025), (500, 2025)}
    named = {c.name for c in chains if not c.is_illustrative}
    assert {"动力装备", "新一代信息技术", "生物医药", "纺织服装", "汽车制造"} <= named
    assert all("示意" in c.description for c in chains if c.is_illustrative)


def test_every_chain_has_a_chief_by_title_and_one_lead_department(demo_db):
    from chainchief.chains.models import Chain

    chains = Chain.objects.select_related("region")
    assert {c.region.name for c in chains} == {"潍坊市", "青岛市", "烟台市", "山东省"}
    for chain in chains:
        chiefs = list(chain.roles.filter(kind="chief").select_related("person"))
        assert len(chiefs) >= 1, chain
        assert all(r.person.title for r in chiefs)
        assert all(r.person.title in r.person.name or "链长" in r.person.name for r in chiefs)
        assert all(r.person.region_id == chain.region_id for r in chiefs), chain
        lead = chain.departments.filter(is_lead=True).select_related("department")
        assert lead.count() == 1 and lead[0].department.region_id == chain.region_id, chain
        # 潍坊's chains follow its 八个一; the province's its "1 个图谱 + N 张清单" (6 items).
        expected = {"潍坊市": 8, "山东省": 6}.get(chain.region.name, 0)
        assert chain.work_items.count() == expected, chain


def test_sample_enterprises_have_valid_codes(demo_db):
    from chainchief.enterprises.models import Enterprise, Membership

    rows = list(Enterprise.objects.values_list("uscc", "is_sample", "name"))
    assert len(rows) >= 300
    codes = [r[0] for r in rows]
    assert len(set(codes)) == len(codes)
    for code, is_sample, name in rows:
        assert len(code) == 18 and code[:8].isdigit() and all(c in USCC_ALPHABET for c in code), code
        assert uscc_check_char(code[:17]) == code[17], code  # computed independently of python-stdnum
        assert is_sample, name
    assert Enterprise.objects.exclude(memberships=None).count() >= 300
    # Every city chain has its chain-master: 潍坊's 15, 青岛's 2 and 烟台's 2 (the provincial chains have none).
    assert Membership.objects.filter(role="master").values("chain").distinct().count() == 15 + 2 + 2
    assert all("样例" in d for d in Enterprise.objects.values_list("description", flat=True))


def test_demo_accounts(demo_db):
    from django.contrib.auth import get_user_model

    from chainchief.chains.models import Chain

    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    assert set(users) == set(ROLES)
    assert all(users[r].role == r for r in ROLES)
    assert all(users[r].region.name == "潍坊市" for r in ROLES)
    power = Chain.objects.get(name="动力装备")
    assert list(users["chief"].chains.all()) == [power]
    assert power.roles.get(kind="chief").person.user == users["chief"]
    assert users["dept"].department.name == "市工业和信息化局"
    assert set(Chain.objects.filter(departments__department=users["dept"].department, departments__is_lead=True)
               .values_list("name", flat=True)) == {"动力装备", "汽车制造"}
    assert users["commissioner"].enterprises.count() == 10
    assert users["enterprise"].enterprises.count() == 1


@pytest.mark.parametrize("username", ROLES)
def test_every_demo_account_gets_a_token(username, demo_db, client):
    r = client.post("/api/v1/auth/token", json.dumps({"username": username, "password": "Demo#2026"}),
                    content_type="application/json")
    assert r.status_code == 200, r.content
    token = r.json()["token"]
    assert r.json()["role"] == username
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["username"] == username
