"""Enterprise pages: list with search, filters and pagination; detail; forms for enterprises and memberships."""
import re

import pytest
from django.contrib.auth import get_user_model

from chainchief.audit.models import AuditAction
from chainchief.chains.models import Chain
from chainchief.core import uscc
from chainchief.core.models import Region
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole, QualificationKind
from chainchief.web.tests.pages import chain, last_event, login, text  # noqa: F401

ROW = re.compile(r'<td><a href="/enterprises/(\d+)/">')


def rows(response):
    return [int(pk) for pk in ROW.findall(text(response))]


def own_enterprise():
    return get_user_model().objects.get(username="enterprise").enterprises.get()


def test_list_counts_and_paginates(login):
    c = login("coordinator")
    r = c.get("/enterprises/")
    total = Enterprise.objects.filter(region__code__startswith="3707").count()  # the coordinator's city
    assert f"共 {total} 家企业" in text(r)
    assert len(rows(r)) == 20
    assert "样例" in text(r)
    page2 = c.get("/enterprises/?page=2")
    assert len(rows(page2)) == 20 and not set(rows(page2)) & set(rows(r))


def test_page_links_keep_filters(login):
    c = login("coordinator")
    r = c.get("/enterprises/?above_scale=1")
    count = Enterprise.objects.filter(is_above_scale=True, region__code__startswith="3707").count()
    assert count > 20 and f"共 {count} 家企业" in text(r)
    assert 'href="?above_scale=1&amp;page=2"' in text(r)
    r2 = c.get("/enterprises/?above_scale=1&page=2")
    assert all(Enterprise.objects.get(pk=pk).is_above_scale for pk in rows(r2))


def test_search_by_name_and_uscc(login):
    c = login("coordinator")
    ent = Enterprise.objects.order_by("pk")[5]
    r = c.get("/enterprises/", {"q": ent.name})
    assert rows(r) == [ent.pk]
    r = c.get("/enterprises/", {"q": ent.uscc.lower()})
    assert rows(r) == [ent.pk]
    r = c.get("/enterprises/", {"q": "不存在的企业名"})
    assert rows(r) == [] and "没有符合条件的企业" in text(r)


def test_filters(login):
    c = login("coordinator")
    power = chain("动力装备")
    r = c.get("/enterprises/", {"chain": power.pk})
    assert f"共 {power.memberships.count()} 家企业" in text(r)
    assert set(rows(r)) <= set(power.memberships.values_list("enterprise", flat=True))
    n = Enterprise.objects.filter(qualifications__kind=QualificationKind.HIGH_TECH).distinct().count()
    assert f"共 {n} 家企业" in text(c.get("/enterprises/", {"qualification": QualificationKind.HIGH_TECH}))
    district = Region.objects.get(name="寿光市")
    n = Enterprise.objects.filter(region=district).count()
    r = c.get("/enterprises/", {"region": district.pk, "above_scale": "0"})
    m = Enterprise.objects.filter(region=district, is_above_scale=False).count()
    assert f"共 {m} 家企业" in text(r) and m <= n


def test_enterprise_user_sees_only_its_enterprise(login):
    c = login("enterprise")
    own = own_enterprise()
    r = c.get("/enterprises/")
    assert rows(r) == [own.pk] and "共 1 家企业" in text(r)
    other = Enterprise.objects.exclude(pk=own.pk).first()
    assert c.get(f"/enterprises/{other.pk}/").status_code == 404
    assert c.get(f"/enterprises/{other.pk}/edit/").status_code == 404
    assert c.get(f"/enterprises/{own.pk}/").status_code == 200
    assert c.get("/enterprises/new/").status_code == 403


def test_commissioner_sees_its_enterprises(login):
    user = get_user_model().objects.get(username="commissioner")
    r = login("commissioner").get("/enterprises/")
    assert sorted(rows(r)) == sorted(user.enterprises.values_list("pk", flat=True))


def test_detail_shows_profile_qualifications_memberships(login):
    ent = Enterprise.objects.filter(qualifications__isnull=False).first()
    r = login("leader").get(f"/enterprises/{ent.pk}/")
    body = text(r)
    assert ent.name in body and ent.uscc in body and ent.region.name in body
    for q in ent.qualifications.all():
        assert q.get_kind_display() in body
    for m in ent.memberships.all():
        assert f'href="/chains/{m.chain_id}/"' in body and m.get_role_display() in body
    assert "编辑企业" not in body and "加入产业链" not in body and "移出" not in body
    assert login("leader").get(f"/enterprises/{ent.pk}/edit/").status_code == 403


def test_dept_scope(login):
    c = login("dept")
    power_ids = set(Membership.objects.filter(chain__name__in=["动力装备", "汽车制造"]).values_list("enterprise", flat=True))
    r = c.get("/enterprises/")
    assert f"共 {len(power_ids)} 家企业" in text(r)
    outside = Enterprise.objects.exclude(pk__in=power_ids).first()
    assert c.get(f"/enterprises/{outside.pk}/").status_code == 404
    inside = Enterprise.objects.get(pk=min(power_ids))
    body = text(c.get(f"/enterprises/{inside.pk}/"))
    assert "编辑企业" in body


def enterprise_data(**changes):
    district = Region.objects.get(name="奎文区")
    data = {"uscc": uscc.with_check_digit("91370705MA3C0XY10"), "name": "潍坊测试精工有限公司", "short_name": "测试精工",
            "region": district.pk, "address": "奎文区示例路 1 号", "founded_on": "2020-05-01",
            "is_above_scale": "on", "contact_name": "张工", "contact_phone": "0536-1234567", "description": ""}
    data.update(changes)
    return data


def test_create_enterprise_as_coordinator(login):
    c = login("coordinator")
    power = chain("动力装备")
    r = c.post("/enterprises/new/", enterprise_data(chain=power.pk, role=MembershipRole.BACKBONE))
    assert r.status_code == 302
    ent = Enterprise.objects.get(name="潍坊测试精工有限公司")
    assert r["Location"] == f"/enterprises/{ent.pk}/"
    assert ent.memberships.get().chain == power and ent.is_above_scale
    assert last_event(Enterprise, ent.pk, AuditAction.CREATE).username == "coordinator"
    assert last_event(Membership, ent.memberships.get().pk, AuditAction.CREATE) is not None


def test_create_enterprise_validation_in_chinese(login):
    c = login("coordinator")
    bad = uscc.with_check_digit("91370705MA3C0XY10")
    bad = bad[:-1] + ("1" if bad[-1] != "1" else "2")
    r = c.post("/enterprises/new/", enterprise_data(uscc=bad, role=MembershipRole.SUPPORTING))
    assert r.status_code == 200 and "统一社会信用代码校验位错误" in text(r)
    existing = Enterprise.objects.first()
    r = c.post("/enterprises/new/", enterprise_data(uscc=existing.uscc, role=MembershipRole.SUPPORTING))
    assert r.status_code == 200 and "已存在" in text(r)
    assert not Enterprise.objects.filter(name="潍坊测试精工有限公司").exists()


def test_dept_must_create_enterprise_in_own_chain(login):
    c = login("dept")
    r = c.post("/enterprises/new/", enterprise_data(role=MembershipRole.SUPPORTING))
    assert r.status_code == 200 and "请选择产业链" in text(r)
    r = c.post("/enterprises/new/", enterprise_data(chain=chain("高端化工").pk, role=MembershipRole.SUPPORTING))
    assert r.status_code == 200  # not a choice for this user
    assert not Enterprise.objects.filter(name="潍坊测试精工有限公司").exists()
    r = c.post("/enterprises/new/", enterprise_data(chain=chain("汽车制造").pk, role=MembershipRole.SUPPORTING))
    assert r.status_code == 302
    assert Enterprise.objects.get(name="潍坊测试精工有限公司").memberships.get().chain.name == "汽车制造"


def edit_data(ent, **changes):
    data = {"uscc": ent.uscc, "name": ent.name, "short_name": ent.short_name, "region": ent.region_id,
            "address": ent.address, "founded_on": ent.founded_on.isoformat() if ent.founded_on else "",
            "is_above_scale": "on" if ent.is_above_scale else "", "contact_name": ent.contact_name,
            "contact_phone": ent.contact_phone, "description": ent.description, "version": ent.version}
    data.update(changes)
    return data


def test_enterprise_user_edits_own_profile(login):
    own = own_enterprise()
    c = login("enterprise")
    assert "编辑企业" in text(c.get(f"/enterprises/{own.pk}/"))
    r = c.post(f"/enterprises/{own.pk}/edit/", edit_data(own, contact_name="李经理"))
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.contact_name == "李经理"
    event = last_event(Enterprise, own.pk, AuditAction.UPDATE)
    assert event.username == "enterprise" and event.before["contact_name"] == "联系人"
    assert event.after["contact_name"] == "李经理"


def test_enterprise_stale_version(login):
    own = own_enterprise()
    c = login("coordinator")
    stale = edit_data(own, address="新地址 1 号")
    assert c.post(f"/enterprises/{own.pk}/edit/", edit_data(own, address="新地址 2 号")).status_code == 302
    r = c.post(f"/enterprises/{own.pk}/edit/", stale)
    assert r.status_code == 200 and "数据已被他人修改" in text(r)
    own.refresh_from_db()
    assert own.address == "新地址 2 号"


def test_membership_add_change_remove(login):
    c = login("dept")
    ent = Membership.objects.filter(chain__name="动力装备").exclude(
        enterprise__memberships__chain__name="汽车制造").first().enterprise
    car = chain("汽车制造")
    body = text(c.get(f"/enterprises/{ent.pk}/"))
    assert "加入产业链" in body and f'<option value="{car.pk}">' in body
    assert f'<option value="{chain("高端化工").pk}">' not in body
    r = c.post(f"/enterprises/{ent.pk}/memberships/add/", {"chain": car.pk, "role": MembershipRole.SUPPORTING})
    assert r.status_code == 302
    m = Membership.objects.get(enterprise=ent, chain=car)
    assert last_event(Membership, m.pk, AuditAction.CREATE).username == "dept"

    r = c.post(f"/enterprises/memberships/{m.pk}/edit/", {"role": MembershipRole.BACKBONE, "version": m.version})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.role == MembershipRole.BACKBONE
    event = last_event(Membership, m.pk, AuditAction.UPDATE)
    assert event.before["role"] == "supporting" and event.after["role"] == "backbone"

    r = c.post(f"/enterprises/memberships/{m.pk}/delete/", {"version": m.version})
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert last_event(Membership, m.pk, AuditAction.DELETE).username == "dept"


def test_membership_forms_forbidden(login):
    m = Membership.objects.filter(chain__name="动力装备").first()
    c = login("leader")
    assert c.get(f"/enterprises/{m.enterprise_id}/memberships/add/").status_code == 403
    assert c.get(f"/enterprises/memberships/{m.pk}/edit/").status_code == 403
    assert c.post(f"/enterprises/memberships/{m.pk}/delete/", {"version": m.version}).status_code == 403
    assert Membership.objects.filter(pk=m.pk).exists()
    other = Membership.objects.filter(chain__name="高端化工").first()
    assert login("dept").post(f"/enterprises/memberships/{other.pk}/delete/").status_code == 404
    assert login("dept").get(f"/enterprises/memberships/{other.pk}/delete/").status_code in (404, 405)


def test_qualifications_are_added_and_removed_on_the_enterprise_page(login):
    from chainchief.enterprises.models import Qualification

    ent = chain("动力装备").memberships.order_by("pk").first().enterprise
    c = login("coordinator")
    body = text(c.get(f"/enterprises/{ent.pk}/"))
    assert f'action="/enterprises/{ent.pk}/qualifications/add/"' in body
    r = c.post(f"/enterprises/{ent.pk}/qualifications/add/",
               {"kind": QualificationKind.GAZELLE, "level": "municipal", "year": 2024})
    assert r.status_code == 302 and r["Location"].endswith("#qualifications")
    q = Qualification.objects.get(enterprise=ent, kind=QualificationKind.GAZELLE)
    assert last_event(Qualification, q.pk, AuditAction.CREATE) is not None
    body = text(c.get(f"/enterprises/{ent.pk}/"))
    assert "已添加资质" in body and "瞪羚企业" in body
    again = c.post(f"/enterprises/{ent.pk}/qualifications/add/",
                   {"kind": QualificationKind.GAZELLE, "level": "municipal", "year": 2025}, follow=True)
    assert "已经存在" in text(again) and Qualification.objects.filter(enterprise=ent, kind="gazelle").count() == 1
    bad = c.post(f"/enterprises/{ent.pk}/qualifications/add/", {"kind": "srdi", "level": "national", "year": 1900},
                 follow=True)
    assert "1980" in text(bad) and not Qualification.objects.filter(enterprise=ent, year=1900).exists()
    r = c.post(f"/enterprises/qualifications/{q.pk}/delete/", {"version": q.version})
    assert r.status_code == 302 and not Qualification.objects.filter(pk=q.pk).exists()


@pytest.mark.parametrize("username", ["leader", "commissioner"])
def test_read_only_roles_cannot_change_qualifications(login, username):
    from chainchief.enterprises.models import Qualification

    q = Qualification.objects.select_related("enterprise").order_by("pk").first()
    c = login(username)
    page = c.get(f"/enterprises/{q.enterprise_id}/")
    if page.status_code == 200:
        assert "/qualifications/add/" not in text(page) and f"/qualifications/{q.pk}/delete/" not in text(page)
    assert c.post(f"/enterprises/{q.enterprise_id}/qualifications/add/",
                  {"kind": "gazelle", "level": "municipal", "year": 2024}).status_code in (403, 404)
    assert c.post(f"/enterprises/qualifications/{q.pk}/delete/", {"version": q.version}).status_code in (403, 404)
    assert Qualification.objects.filter(pk=q.pk).exists()
