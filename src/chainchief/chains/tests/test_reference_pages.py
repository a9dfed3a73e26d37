"""People and departments pages: list with search, region filter and the chains each serves; create and edit per
role; a new person or department made from a chain's chiefs page leads back there (never to another site)."""
import pytest

from chainchief.audit.models import AuditAction
from chainchief.core.models import Department, Person, Region, RegionLevel
from chainchief.web.tests.pages import chain, last_event, login, text  # noqa: F401


def test_people_list_searches_and_shows_the_roles_they_hold(login, django_assert_max_num_queries):
    c = login("coordinator")
    with django_assert_max_num_queries(13):  # no query per row (the menu asks whether a provincial chain is in sight)
        body = text(c.get("/people/"))
    assert "人员与部门" in body and "新建人员" in body
    assert "动力装备总链长" in body  # the general chief serves every chain: a badge per chain
    city = Person.objects.filter(region__code__startswith="3707")  # 潍坊's and its districts': not the province's
    assert Person.objects.exclude(pk__in=city).exists()
    assert f"共 {city.count()} 人" in body
    found = text(c.get("/people/", {"q": "市长"}))
    assert f"共 {city.filter(title__icontains='市长').count()} 人" in found
    none = text(c.get("/people/", {"q": "不存在的人"}))
    assert "没有符合条件的人员" in none and "清除" in none


def test_departments_list_marks_the_lead_chains(login):
    power = chain("动力装备")
    lead = power.departments.get(is_lead=True).department
    body = text(login("coordinator").get("/departments/"))
    assert lead.name in body and "动力装备（牵头）" in body


def test_a_person_made_from_the_chiefs_page_leads_back_there(login):
    power = chain("动力装备")
    c = login("coordinator")
    back = f"/chains/{power.pk}/leaders/"
    page = text(c.get(back))
    assert f'href="/people/new/?next={back}"' in page
    r = c.post(f"/people/new/?next={back}", {"name": "张新", "title": "副市长", "region": power.region_id,
                                            "phone": "0536-0000000", "next": back})
    assert r.status_code == 302 and r["Location"] == back
    person = Person.objects.get(name="张新")
    assert last_event(Person, person.pk, AuditAction.CREATE) is not None
    assert "张新（副市长" in text(c.get(back))  # now a choice for the chief's role


def test_next_pointing_elsewhere_is_ignored(login):
    c = login("coordinator")
    city = Region.objects.filter(level=RegionLevel.CITY).first()
    r = c.post("/departments/new/", {"name": "市新设局", "region": city.pk, "next": "https://example.com/"})
    assert r.status_code == 302 and r["Location"] == "/departments/"
    assert Department.objects.filter(name="市新设局").exists()


def test_a_department_of_another_region_is_refused_with_a_message(login):
    city = Region.objects.filter(level=RegionLevel.CITY).first()
    district = Region.objects.filter(parent=city).first()
    dept = Department.objects.filter(region=city).first()
    r = login("coordinator").post("/people/new/", {"name": "李四", "title": "区长", "region": district.pk,
                                                   "department": dept.pk})
    assert r.status_code == 200 and "部门应属于所选区域" in text(r)
    assert not Person.objects.filter(name="李四").exists()


def test_edit_keeps_the_version(login):
    person = Person.objects.order_by("pk").first()
    c = login("coordinator")
    data = {"name": person.name, "title": "常务副市长", "region": person.region_id,
            "department": person.department_id or "", "phone": person.phone, "version": person.version}
    assert c.post(f"/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.title == "常务副市长"
    stale = c.post(f"/people/{person.pk}/edit/", {**data, "title": "旧职务"})  # the version read before
    assert stale.status_code == 200 and "数据已被他人修改" in text(stale)


@pytest.mark.parametrize("username", ["leader", "chief", "enterprise"])
def test_read_only_roles_see_but_do_not_change(login, username):
    c = login(username)
    body = text(c.get("/people/"))
    assert "新建人员" not in body and "/edit/" not in body
    assert c.get("/people/new/").status_code == 403
    assert c.get("/departments/new/").status_code == 403
    person = Person.objects.order_by("pk").first()
    assert c.post(f"/people/{person.pk}/edit/", {"name": "x", "title": "x", "region": person.region_id}
                  ).status_code in (403, 404)
    assert Person.objects.get(pk=person.pk).name != "x"


def test_a_list_page_exports_what_it_shows(login):
    """The export links carry the page's filters (not its page number or empty fields) to the API's export."""
    import html
    import io
    import re
    from urllib.parse import quote

    import openpyxl

    from chainchief.enterprises.models import Enterprise

    c = login("coordinator")
    body = text(c.get("/people/", {"q": "市长", "region": "", "page": "1"}))
    link = f"/api/v1/people/export?q={quote('市长')}&amp;format=xlsx"
    assert link in body
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(c.get(html.unescape(link)).streaming_content))).active
    shown = int(re.search(r"共 (\d+) 人", body).group(1))
    assert ws.max_row - 1 == shown == Person.objects.filter(title__icontains="市长", region__code__startswith="3707").count()
    assert [cell.value for cell in ws[1]][:6] == ["ID", "名称", "职务", "部门", "区域", "电话"]
    assert ws.cell(2, 5).value == "潍坊市"  # the region by its name, not its id
    power = chain("动力装备")
    body = text(c.get("/enterprises/", {"chain": power.pk, "above_scale": "", "q": ""}))
    link = re.search(r'href="(/api/v1/enterprises/export\?[^"]*format=csv)"', body).group(1)
    assert "above_scale" not in link and f"chain={power.pk}" in link
    rows = b"".join(c.get(html.unescape(link)).streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) - 1 == Enterprise.objects.filter(memberships__chain=power).distinct().count()


def test_the_chains_shown_beside_people_are_those_the_reader_may_see(login):
    from django.contrib.auth import get_user_model

    from chainchief.chains.models import Chain
    from chainchief.core.permissions import VIEW

    reader = get_user_model().objects.get(username="enterprise")
    hidden = Chain.objects.exclude(pk__in=Chain.objects.restrict(reader, VIEW)).order_by("pk").first()
    assert f"{hidden.name}总链长" in text(login("coordinator").get("/people/"))
    body = text(login("enterprise").get("/people/"))
    assert f"{hidden.name}总链长" not in body and f"{hidden.name}（牵头）" not in text(
        login("enterprise").get("/departments/"))
