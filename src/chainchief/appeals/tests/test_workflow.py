"""The request workflow: every step from every status (allowed or refused with 409), who may take each step,
the timeline, deadlines in working days across the National Day holiday, escalation of overdue requests, the
departments' view, notifications, and the statistics checked against counts made by hand."""
from datetime import date

import pytest
from django.utils import timezone

from chainchief.testing import as_user, world  # noqa: F401

PATH = "/api/v1/requests"
STATUSES = ["submitted", "accepted", "rejected", "assigned", "handling", "replied", "reviewed", "closed"]
# action → (statuses it starts from, the status it leads to); None: the status stays.
EXPECTED = {
    "accept": (["submitted"], "accepted"),
    "reject": (["submitted"], "rejected"),
    "assign": (["accepted", "assigned", "handling"], "assigned"),
    "start": (["assigned"], "handling"),
    "reply": (["assigned", "handling"], "replied"),
    "evaluate": (["replied"], "reviewed"),
    "close": (["reviewed"], "closed"),
    "instruct": (["submitted", "accepted", "assigned", "handling", "replied"], None),
}


@pytest.fixture
def fresh(world):
    from chainchief.appeals.models import Request

    Request.objects.all().delete()

    def make(status="submitted", **extra):
        department = world.industry if status not in ("submitted", "accepted", "rejected") else None
        defaults = {"enterprise": world.own, "chain": world.power, "title": "用电增容", "content": "需增容 2000 千伏安。",
                    "status": status, "department": department, "received_on": date(2026, 9, 1)}
        if status == "closed":
            defaults["closed_on"] = date(2026, 9, 20)
        defaults.update(extra)
        return Request.objects.create(**defaults)

    return make


def _step(client, req, action, **body):
    return client.post(f"{PATH}/{req.pk}/transitions", {"action": action, **body})


def _body(action, world):
    return {"accept": {}, "reject": {"note": "不属于政府职责"}, "assign": {"department_id": world.industry.pk},
            "start": {}, "reply": {"note": "已协调供电公司"}, "evaluate": {"satisfaction": "satisfied"}, "close": {},
            "instruct": {"note": "请加快办理"}}[action]


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("status", STATUSES)
def test_every_step_from_every_status(action, status, fresh, world, as_user):
    sources, target = EXPECTED[action]
    req = fresh(status)
    r = _step(as_user("admin"), req, action, **_body(action, world))
    req.refresh_from_db()
    if status in sources:
        assert r.status_code == 200, r.content
        assert req.status == (target or status) and req.version == 2
        event = req.events.get()
        assert (event.action, event.from_status, event.to_status, event.user.username) == (
            action, status, req.status, "admin")
    else:
        assert r.status_code == 409, r.content
        assert "不能" in r.json()["detail"] and req.status == status and req.version == 1
        assert not req.events.exists()


def test_the_whole_path_with_who_may_take_each_step(fresh, world, as_user):
    from chainchief.accounts.models import Notification

    office, dept, ent, chief = (as_user(u) for u in ("coordinator", "dept", "enterprise", "chief"))
    r = ent.post(PATH, {"enterprise": world.own.pk, "chain": world.power.pk, "category": "utilities",
                        "urgency": "urgent", "title": "供电增容", "content": "新车间投产需增容。"})
    assert r.status_code == 201, r.content
    from chainchief.appeals.models import Request

    req = Request.objects.get(pk=r.json()["id"])
    assert Notification.objects.filter(user__username="coordinator", url=f"/requests/{req.pk}/").exists()
    assert _step(ent, req, "accept").status_code == 403  # only the chain office accepts
    assert _step(dept, req, "accept").status_code == 403
    r = _step(office, req, "accept")
    assert r.status_code == 200 and r.json()["due_on"] is not None  # the deadline is set on acceptance
    r = _step(office, req, "assign", department_id=world.industry.pk, cooperating_department_ids=[world.finance.pk])
    assert r.status_code == 200 and r.json()["cooperating_department_ids"] == [world.finance.pk]
    assert Notification.objects.filter(user__username="dept", text__contains="供电增容").exists()
    assert _step(ent, req, "start").status_code == 403  # the lead department handles it
    assert _step(dept, req, "start").status_code == 200
    r = _step(dept, req, "reply", note="")
    assert r.status_code == 400 and r.json()["errors"]["note"] == ["请填写答复内容。"]
    assert _step(dept, req, "reply", note="供电公司已出具增容方案。").status_code == 200
    assert _step(dept, req, "evaluate", satisfaction="satisfied").status_code == 403  # the enterprise judges
    r = _step(ent, req, "evaluate", satisfaction="unsatisfied", note="方案工期太长")
    assert r.status_code == 200 and r.json()["status"] == "handling" and r.json()["replied_on"] is None
    assert _step(dept, req, "reply", note="工期压缩到两周。").status_code == 200
    assert _step(ent, req, "evaluate", satisfaction="basic").status_code == 200
    assert _step(ent, req, "close").status_code == 403
    r = _step(office, req, "close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["closed_on"] == timezone.localdate().isoformat()
    timeline = ent.get(f"{PATH}/{req.pk}/transitions").json()
    assert [e["action"] for e in timeline["events"]] == [
        "submit", "accept", "assign", "start", "reply", "evaluate", "reply", "evaluate", "close"]
    assert timeline["events"][5]["note"] == "不满意；方案工期太长" and timeline["allowed"] == []
    assert chief.get(f"{PATH}/{req.pk}/transitions").status_code == 200


def test_allowed_steps_are_listed_for_the_reader(fresh, world, as_user):
    req = fresh("handling")
    assert [s["action"] for s in as_user("dept").get(f"{PATH}/{req.pk}/transitions").json()["allowed"]] == [
        "reply"]
    assert [s["action"] for s in as_user("enterprise").get(f"{PATH}/{req.pk}/transitions").json()["allowed"]] == []
    office = [s["action"] for s in as_user("coordinator").get(f"{PATH}/{req.pk}/transitions").json()["allowed"]]
    assert office == ["assign", "reply", "instruct"]


def test_unknown_or_invisible(fresh, world, as_user):
    req = fresh("submitted", enterprise=world.chem_enterprise, chain=world.chem)
    assert as_user("chief").post(f"{PATH}/{req.pk}/transitions", {"action": "accept"}).status_code == 404
    r = as_user("admin").post(f"{PATH}/{req.pk}/transitions", {"action": "approve"})
    assert r.status_code == 400 and "action" in r.json()["errors"]
    r = as_user("admin").post(f"{PATH}/{req.pk}/transitions", {"action": "accept", "version": 7})
    assert r.status_code == 409 and r.json()["current_version"] == 1


def test_a_department_sees_and_answers_what_is_assigned_to_it_in_any_chain(fresh, world, as_user):
    """The dept account's 工信局 leads 动力装备 and 汽车制造, not 高端化工; a 高端化工 request assigned to it, or on
    which it cooperates, is its work all the same."""
    from chainchief.core.models import Department

    other = Department.objects.get(name="市财政局")
    lead = fresh("assigned", enterprise=world.chem_enterprise, chain=world.chem)
    helping = fresh("assigned", enterprise=world.chem_enterprise, chain=world.chem, department=other)
    helping.cooperating_departments.set([world.industry])
    unrelated = fresh("assigned", enterprise=world.chem_enterprise2, chain=world.chem, department=other)
    dept = as_user("dept")
    seen = {r["id"] for r in dept.get(f"{PATH}?limit=100").json()["items"]}
    assert {lead.pk, helping.pk} <= seen and unrelated.pk not in seen
    assert dept.get(f"{PATH}/{unrelated.pk}").status_code == 404
    assert _step(dept, lead, "start").status_code == 200
    assert _step(dept, helping, "start").status_code == 403  # cooperating: sees it, the lead department acts
    # The enterprise itself stays out of sight: the department sees the request, not the enterprise's data.
    assert dept.get(f"/api/v1/enterprises/{world.chem_enterprise.pk}").status_code == 404


def test_deadline_in_working_days_across_national_day(fresh, world, as_user, monkeypatch):
    """Accepted on Wednesday 30 September 2026: 1–7 October are the National Day holiday and Saturday 10 October a
    working day in its place (State Council notice on the 2026 holidays), so five working days end on Tuesday
    13 October: 8, 9, 10, 12, 13. In calendar days they would end on 5 October."""
    from chainchief.appeals.models import RequestDeadline

    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 9, 30))
    RequestDeadline.objects.filter(region=world.city).delete()
    row = RequestDeadline.objects.create(region=world.city, urgency="normal", days=5, working_days=True)
    req = fresh("submitted", received_on=date(2026, 9, 30))
    assert _step(as_user("coordinator"), req, "accept").json()["due_on"] == "2026-10-13"
    row.working_days = False
    row.save()
    req2 = fresh("submitted", received_on=date(2026, 9, 30))
    assert _step(as_user("coordinator"), req2, "accept").json()["due_on"] == "2026-10-05"
    # A category's own limit comes before the one for every category.
    RequestDeadline.objects.create(region=world.city, category="land", urgency="normal", days=2, working_days=True)
    req3 = fresh("submitted", received_on=date(2026, 9, 30), category="land")
    assert _step(as_user("coordinator"), req3, "accept").json()["due_on"] == "2026-10-09"


def test_overdue_is_a_fact_of_the_date_and_escalation_reaches_the_chief(fresh, world, as_user, monkeypatch):
    from chainchief.accounts.models import Notification
    from chainchief.appeals import services

    req = fresh("handling", due_on=date(2026, 10, 13))
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 10, 13))
    office = as_user("coordinator")
    assert office.get(f"{PATH}/{req.pk}").json()["overdue"] is False
    assert _step(office, req, "escalate").status_code == 409  # not overdue on its last day
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 10, 14))
    assert office.get(f"{PATH}/{req.pk}").json()["overdue"] is True
    assert {r["id"] for r in office.get(f"{PATH}?overdue=true&limit=100").json()["items"]} == {req.pk}
    from chainchief.accounts.models import User

    assert services.escalate_overdue(User.objects.get(username="coordinator")) == 1
    req.refresh_from_db()
    assert req.escalated_at is not None and req.status == "handling"
    assert Notification.objects.filter(user__username="chief", url=f"/requests/{req.pk}/").exists()
    assert services.escalate_overdue(User.objects.get(username="coordinator")) == 0  # once
    chief = as_user("chief")
    r = _step(chief, req, "instruct", note="请三日内解决")
    assert r.status_code == 200
    assert req.events.order_by("-id").first().note == "请三日内解决"
    # The chief of another chain may not instruct on it.
    chem_req = fresh("handling", enterprise=world.chem_enterprise, chain=world.chem, due_on=date(2026, 10, 1))
    assert _step(as_user("admin"), chem_req, "instruct", note="x").status_code == 200
    assert chief.post(f"{PATH}/{chem_req.pk}/transitions", {"action": "instruct", "note": "x"}).status_code == 404


def test_statistics_counted_by_hand(fresh, world, as_user, monkeypatch):
    """Five requests of 动力装备, received 1 September 2026, looked at on 1 October:

    | # | department | status   | due    | replied | evaluated   |
    |---|------------|----------|--------|---------|-------------|
    | a | 工信局     | closed   | 09-10  | 09-08   | satisfied   |
    | b | 工信局     | reviewed | 09-10  | 09-15   | unsatisfied |
    | c | 工信局     | handling | 09-20  | –       | –           |  overdue on 10-01
    | d | 财政局     | replied  | 09-30  | 09-05   | –           |
    | e | –          | submitted| –      | –       | –           |

    工信局: 3 requests, 2 open (b, c), 1 overdue; answered 2, on time 1 of 2 = 0.5; days 7 and 14 → 10.5;
    evaluated 2, content 1 → 0.5. 财政局: 1, answered on time 1/1, 4 days. All: 5 requests, 4 open, on time 2 of 3
    = 0.6667, days (7 + 14 + 4) / 3 = 8.3, satisfaction 1 of 2 = 0.5."""
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 10, 1))
    common = {"received_on": date(2026, 9, 1)}
    fresh("closed", due_on=date(2026, 9, 10), replied_on=date(2026, 9, 8), satisfaction="satisfied", **common)
    fresh("reviewed", due_on=date(2026, 9, 10), replied_on=date(2026, 9, 15), satisfaction="unsatisfied", **common)
    fresh("handling", due_on=date(2026, 9, 20), **common)
    fresh("replied", due_on=date(2026, 9, 30), replied_on=date(2026, 9, 5), department=world.finance, **common)
    fresh("submitted", **common)
    body = as_user("coordinator").get(f"{PATH}/stats?by=department").json()
    rows = {r["name"]: r for r in body["rows"]}
    industry = rows["市工业和信息化局"]
    assert (industry["count"], industry["open"], industry["overdue"], industry["answered"]) == (3, 2, 1, 2)
    assert (industry["on_time_rate"], industry["average_days"], industry["satisfaction_rate"]) == (0.5, 10.5, 0.5)
    finance = rows["市财政局"]
    assert (finance["count"], finance["on_time_rate"], finance["average_days"], finance["evaluated"]) == (
        1, 1.0, 4.0, 0)
    assert finance["satisfaction_rate"] is None
    assert [r["name"] for r in body["rows"]] == ["市财政局", "市工业和信息化局", "未交办"]  # the league table
    total = body["total"]
    assert (total["count"], total["open"], total["on_time_rate"], total["average_days"],
            total["satisfaction_rate"]) == (5, 4, 0.6667, 8.3, 0.5)
    by_chain = as_user("coordinator").get(f"{PATH}/stats?by=chain").json()["rows"]
    assert [(r["name"], r["count"]) for r in by_chain] == [("动力装备", 5)]
    # Statistics count only what the reader may see.
    assert as_user("enterprise").get(f"{PATH}/stats").json()["total"]["count"] == 5  # all five are its own
    assert as_user("commissioner").get(f"{PATH}/stats").json()["total"]["count"] == 0
