"""Enterprise requests (诉求): an enterprise's own data, read by its user, its commissioner, its chains' staff, the
departments handling it and the officials of its region; filed by the enterprise, its commissioner or the chain
office, corrected by the chain office only (the workflow's steps: test_workflow.py)."""
from datetime import date

import pytest
from django.utils import timezone

from chainchief.testing import as_user, ids, world  # noqa: F401

PATH = "/api/v1/requests"


@pytest.fixture
def requests(world):
    from chainchief.appeals.models import Request
    from chainchief.enterprises.models import Enterprise

    w = world
    Request.objects.all().delete()  # the demo's requests: each test sees only these
    loose = Enterprise.objects.filter(region__parent=w.city, memberships=None).order_by("pk").first()

    def make(enterprise, title, **extra):
        return Request.objects.create(enterprise=enterprise, title=title, content=f"{title}，希望协调解决。",
                                      received_on=date(2021, 3, 1), **extra)

    return {
        "own": make(w.own, "用电增容", chain=w.power, status="handling", department=w.industry, category="utilities"),
        "power_member": make(w.power_member, "技工招聘难", category="labour"),
        "served": make(w.served, "续贷困难", chain=w.power, status="closed", department=w.finance,
                       closed_on=date(2021, 3, 20), category="financing"),
        "chem": make(w.chem_enterprise, "危化品运输", chain=w.chem, category="logistics"),
        "loose": make(loose, "厂房租赁"),
        "jinan": make(w.other, "济南企业诉求"),
    }


def _all(client, query=""):
    return ids(client.get(f"{PATH}?limit=1000{query}"))


def _pks(requests, *keys):
    return {requests[k].pk for k in keys}


def test_anonymous_is_401(requests, world, as_user):
    anon, r0 = as_user(None), requests["own"]
    assert anon.get(PATH).status_code == 401
    assert anon.get(f"{PATH}/{r0.pk}").status_code == 401
    assert anon.post(PATH, {"enterprise": world.own.pk, "title": "x", "content": "y"}).status_code == 401
    assert anon.patch(f"{PATH}/{r0.pk}", {"status": "replied"}).status_code == 401
    assert anon.delete(f"{PATH}/{r0.pk}").status_code == 401
    r0.refresh_from_db()
    assert (r0.status, r0.version) == ("handling", 1)


@pytest.mark.parametrize("role,expected", [
    ("admin", ("own", "power_member", "served", "chem", "loose", "jinan")),
    ("coordinator", ("own", "power_member", "served", "chem", "loose")),  # its region only
    ("leader", ("own", "power_member", "served", "chem", "loose")),
    ("chief", ("own", "power_member", "served")),  # the enterprises of 动力装备
    ("dept", ("own", "power_member", "served")),  # of 动力装备 and 汽车制造
    ("commissioner", ("served",)),  # its enterprises
    ("enterprise", ("own",)),  # its own only
])
def test_list_per_role(role, expected, requests, as_user):
    assert _all(as_user(role)) == _pks(requests, *expected)


def test_read_by_id(requests, as_user):
    client = as_user("enterprise")
    r = client.get(f"{PATH}/{requests['own'].pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["status_label"], body["category_label"], body["department_name"], body["received_on"]) == (
        "办理中", "水电气热", "市工业和信息化局", "2021-03-01")
    for other in ("power_member", "served", "chem"):
        assert client.get(f"{PATH}/{requests[other].pk}").status_code == 404
    assert as_user("chief").get(f"{PATH}/{requests['chem'].pk}").status_code == 404
    assert as_user("commissioner").get(f"{PATH}/{requests['own'].pk}").status_code == 404


def test_filters(requests, world, as_user):
    client = as_user("coordinator")
    assert _all(client, "&status=closed") == _pks(requests, "served")
    assert _all(client, "&status=submitted") == _pks(requests, "power_member", "chem", "loose")
    assert _all(client, f"&enterprise={world.own.pk}") == _pks(requests, "own")
    assert _all(client, f"&chain={world.power.pk}") == _pks(requests, "own", "served")
    assert _all(client, "&category=labour") == _pks(requests, "power_member")
    assert _all(client, f"&department={world.finance.pk}") == _pks(requests, "served")
    assert _all(client, "&q=续贷") == _pks(requests, "served")
    assert _all(client, f"&q={world.chem_enterprise.name}") == _pks(requests, "chem")
    # A filter does not widen the scope.
    assert _all(as_user("enterprise"), f"&enterprise={world.chem_enterprise.pk}") == set()


def _payload(w, **extra):
    return {"enterprise": w.power_member.pk, "chain": w.power.pk, "category": "land", "title": "扩产用地不足",
            "content": "扩产项目缺少建设用地指标。", **extra}


@pytest.mark.parametrize("role,expected,channel", [
    ("admin", 201, "office"), ("coordinator", 201, "office"), ("chief", 201, "office"), ("dept", 201, "office"),
    ("leader", 403, None),
    ("commissioner", 400, None),  # may file, but only for the enterprises it serves
    ("enterprise", 400, None),  # may file, but only for its own enterprise
])
def test_create_per_role(role, expected, channel, world, as_user):
    from chainchief.appeals.models import Request
    from chainchief.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    r = as_user(role).post(PATH, _payload(world))
    assert r.status_code == expected, r.content
    row = Request.objects.filter(title="扩产用地不足").first()
    if expected == 201:
        assert (row.enterprise, row.status, row.channel, row.received_on, row.created_by.username) == (
            world.power_member, "submitted", channel, timezone.localdate(), role)
        assert r.json()["status_label"] == "待受理"
        assert [e.action for e in row.events.all()] == ["submit"]
        assert AuditEvent.objects.count() == before + 1
    else:
        assert row is None and AuditEvent.objects.count() == before
    if expected == 400:
        assert r.json()["errors"]["enterprise"] == ["所选企业不存在或无权访问。"]


@pytest.mark.parametrize("role,enterprise,channel", [("enterprise", "own", "enterprise"),
                                                     ("commissioner", "served", "commissioner")])
def test_enterprise_and_commissioner_file_for_their_own(role, enterprise, channel, world, as_user):
    ent = getattr(world, enterprise)
    r = as_user(role).post(PATH, {"enterprise": ent.pk, "category": "labour", "title": "技工短缺",
                                  "content": "急需数控技工 20 名。", "urgency": "urgent"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["enterprise_id"], body["status"], body["channel"], body["urgency_label"]) == (
        ent.pk, "submitted", channel, "紧急")
    # A filer other than the chain office sets only the request itself, not its handling.
    r = as_user(role).post(PATH, {"enterprise": ent.pk, "title": "x", "content": "y", "due_on": "2030-01-01"})
    assert r.status_code == 400 and r.json()["errors"]["due_on"] == ["该项由链长办填写。"]


@pytest.mark.parametrize("role", ["chief", "dept"])
def test_chain_staff_cannot_file_for_an_enterprise_they_cannot_see(role, world, requests, as_user):
    from chainchief.appeals.models import Request

    client = as_user(role)
    r = client.post(PATH, _payload(world, enterprise=world.chem_enterprise.pk, chain=None))
    assert r.status_code == 400 and r.json()["errors"]["enterprise"] == ["所选企业不存在或无权访问。"]
    assert not Request.objects.filter(title="扩产用地不足").exists()


def test_changes_per_role(requests, world, as_user):
    own, chem = requests["own"], requests["chem"]
    for role in ("enterprise", "leader", "chief", "dept"):
        assert as_user(role).patch(f"{PATH}/{own.pk}", {"title": "x"}).status_code == 403, role
    assert as_user("commissioner").patch(f"{PATH}/{requests['served'].pk}", {"title": "x"}).status_code == 403
    assert as_user("chief").patch(f"{PATH}/{chem.pk}", {"title": "x"}).status_code == 404
    office = as_user("coordinator")
    r = office.patch(f"{PATH}/{own.pk}", {"title": "用电增容（更正）", "urgency": "critical", "version": 1})
    assert r.status_code == 200 and r.json()["title"] == "用电增容（更正）" and r.json()["version"] == 2
    assert office.patch(f"{PATH}/{own.pk}", {"title": "旧版本", "version": 1}).status_code == 409
    # The status moves only by the workflow's steps.
    r = office.patch(f"{PATH}/{own.pk}", {"status": "closed"})
    assert r.status_code == 400 and r.json()["errors"]["status"] == ["不接受该字段。"]
    r = office.patch(f"{PATH}/{own.pk}", {"department": world.finance.pk})
    assert r.status_code == 400 and "department" in r.json()["errors"]
    assert as_user("enterprise").delete(f"{PATH}/{own.pk}").status_code == 403
    assert as_user("dept").delete(f"{PATH}/{own.pk}").status_code == 403
    assert as_user("coordinator").delete(f"{PATH}/{own.pk}").status_code == 200


def test_validation_messages(requests, world, as_user):
    from chainchief.appeals.models import Request
    from chainchief.core.models import Department

    jinan_dept = Department.objects.create(name="济南市工业和信息化局", region=world.other_city)
    cases = [
        ({"title": " "}, "title", "请填写标题。"),
        ({"content": ""}, "content", None),
        ({"category": "complaint"}, "category", None),
        ({"urgency": "whenever"}, "urgency", None),
        ({"status": "assigned"}, "status", "不接受该字段。"),
        ({"received_on": "2021-05-01", "due_on": "2021-04-01"}, "due_on", "办理期限不能早于受理日期。"),
        ({"chain": world.chem.pk}, "chain", "所选产业链不包含该企业。"),
    ]
    admin = as_user("admin")
    for change, field, message in cases:
        r = admin.post(PATH, _payload(world, **change))
        assert r.status_code == 400, (change, r.content)
        errors = r.json()["errors"]
        assert field in errors, (change, errors)
        if message:
            assert errors[field] == [message], change
    assert not Request.objects.filter(title="扩产用地不足").exists()
    # The chain office may back-date a request it records and give it a deadline.
    r = admin.post(PATH, _payload(world, received_on="2021-05-01", due_on="2021-05-31"))
    assert r.status_code == 201, r.content
    assert (r.json()["received_on"], r.json()["due_on"]) == ("2021-05-01", "2021-05-31")


def test_a_department_from_the_province_may_handle_a_city_request(requests, world):
    from django.core.exceptions import ValidationError

    from chainchief.core.models import Department

    req = requests["power_member"]
    req.department = Department.objects.get_or_create(name="省工业和信息化厅", region=world.province)[0]
    req.status = "assigned"
    req.full_clean()
    req.department = Department.objects.create(name="济南市工业和信息化局", region=world.other_city)
    with pytest.raises(ValidationError) as exc:
        req.full_clean()
    assert exc.value.message_dict["department"] == ["承办部门须属于企业所在地区或其上级。"]


def test_a_request_falls_to_the_enterprises_commissioner_in_its_audited_row(world, as_user):
    from chainchief.appeals.models import Request
    from chainchief.audit.models import AuditEvent
    from chainchief.core.models import Person

    r = as_user("coordinator").post(PATH, {"enterprise": world.served.pk, "title": "融资难", "content": "续贷。"})
    assert r.status_code == 201, r.content
    commissioner = Person.objects.get(user__username="commissioner")
    req = Request.objects.get(pk=r.json()["id"])
    assert req.commissioner == commissioner and r.json()["commissioner_id"] == commissioner.pk
    event = AuditEvent.objects.get(content_type__model="request", object_id=str(req.pk), action="create")
    assert event.after["commissioner_id"] == commissioner.pk
