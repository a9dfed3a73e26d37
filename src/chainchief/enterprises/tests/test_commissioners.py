"""Service commissioners: assignments made by the chain office (audited, no overlap), the scope that follows the
current assignments from day to day, visits recorded by the commissioner, and its page."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from chainchief.testing import as_user, world  # noqa: F401
from chainchief.web.tests.pages import login, text  # noqa: F401

PATH = "/api/v1/commissioner-assignments"


@pytest.fixture
def person(world):
    from chainchief.core.models import Person

    return Person.objects.get(user__username="commissioner")


def test_only_the_chain_office_assigns_and_every_change_is_audited(world, person, as_user):
    from chainchief.audit.models import AuditEvent

    body = {"commissioner": person.pk, "enterprise": world.chem_enterprise.pk, "started_on": "2026-01-01"}
    for role in ("commissioner", "dept", "chief", "enterprise", "leader"):
        assert as_user(role).post(PATH, body).status_code == 403, role
    office = as_user("coordinator")
    r = office.post(PATH, body)
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = office.post(PATH, {**body, "started_on": "2026-06-01"})
    assert r.status_code == 400 and r.json()["errors"]["commissioner"] == ["该专员在这段时间已包联该企业。"]
    r = office.patch(f"{PATH}/{pk}", {"ended_on": "2025-12-01", "version": 1})
    assert r.status_code == 400 and r.json()["errors"]["ended_on"] == ["结束日期不能早于开始日期。"]
    assert office.patch(f"{PATH}/{pk}", {"ended_on": "2026-11-30", "version": 1}).status_code == 200
    events = AuditEvent.objects.filter(content_type__model="commissionerassignment", object_id=str(pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]
    assert events.get(action="update").before["ended_on"] is None


def test_scope_follows_the_current_assignments(world, person, as_user, monkeypatch):
    from chainchief.enterprises.models import CommissionerAssignment

    ent = world.chem_enterprise
    CommissionerAssignment.objects.create(commissioner=person, enterprise=ent, started_on=date(2026, 3, 1),
                                          ended_on=date(2026, 3, 31))
    client = as_user("commissioner")
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 2, 28))
    assert client.get(f"/api/v1/enterprises/{ent.pk}").status_code == 404
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 3, 15))
    assert client.get(f"/api/v1/enterprises/{ent.pk}").status_code == 200
    r = client.post("/api/v1/visits", {"enterprise": ent.pk, "visited_on": "2026-03-15", "content": "了解订单情况"})
    assert r.status_code == 201 and r.json()["commissioner_id"] == person.pk
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 4, 1))
    assert client.get(f"/api/v1/enterprises/{ent.pk}").status_code == 404
    assert client.post("/api/v1/visits", {"enterprise": ent.pk, "visited_on": "2026-03-30",
                                          "content": "x"}).status_code == 400


def test_visits_per_role(world, as_user):
    body = {"enterprise": world.served.pk, "visited_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "content": "宣讲惠企政策", "problems": "用工紧张"}
    assert as_user("commissioner").post("/api/v1/visits", body).status_code == 201
    assert as_user("enterprise").post("/api/v1/visits", {**body, "enterprise": world.own.pk}).status_code == 403
    assert as_user("leader").post("/api/v1/visits", body).status_code == 403
    r = as_user("commissioner").post("/api/v1/visits", {**body, "content": "  "})
    assert r.status_code == 400 and r.json()["errors"]["content"] == ["请填写走访内容。"]
    r = as_user("commissioner").post("/api/v1/visits", {**body, "visited_on": "2099-01-01"})
    assert r.status_code == 400 and r.json()["errors"]["visited_on"] == ["走访日期不能晚于今天。"]


def test_commissioner_page(login, world, person):  # noqa: F811
    from chainchief.enterprises.models import CommissionerAssignment, Visit

    client = login("commissioner")
    body = text(client.get("/commissioner/"))
    current = CommissionerAssignment.objects.filter(commissioner=person, ended_on__isnull=True)
    assert f"包联 {current.count()} 家企业" in body
    for a in current:
        assert a.enterprise.name in body
    ent = current.first().enterprise
    r = client.post("/commissioner/", {"enterprise": ent.pk, "visited_on": timezone.localdate().isoformat(),
                                       "content": "走访了解技改进度", "people_met": "总经理"})
    assert r.status_code == 302 and Visit.objects.filter(enterprise=ent, content="走访了解技改进度").exists()
    r = client.post("/commissioner/", {"enterprise": world.chem_enterprise.pk, "content": "x",
                                       "visited_on": timezone.localdate().isoformat()})
    assert r.status_code == 200 and not Visit.objects.filter(enterprise=world.chem_enterprise).exists()
    assert "包联 0 家企业" in text(login("dept").get("/commissioner/"))
