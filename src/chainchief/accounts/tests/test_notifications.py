"""The notification rules (accounts.notifications.RULES): every event reaches exactly the users its rule names,
per role, never one who may not see the object, never the one who caused it; each message stores its event and
parameters, names its chain, links to its page and is rendered in its reader's language; the reader's own API."""
import pytest
from django.utils import translation

from chainchief.accounts import notifications

pytestmark = pytest.mark.django_db


def _since(start):
    from chainchief.accounts.models import Notification

    return Notification.objects.filter(pk__gt=start).select_related("user", "chain")


def _mark():
    from chainchief.accounts.models import Notification

    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _who(start, event):
    return {n.user.username for n in _since(start) if n.event == event}


def _supervised_task():
    from chainchief.work.models import Task

    return (Task.objects.filter(decision__isnull=False, chain__name="动力装备").exclude(status="done")
            .select_related("chain").order_by("pk").first())


def _request(status):
    from chainchief.accounts.models import User
    from chainchief.appeals.models import Request

    ent = User.objects.get(username="enterprise").enterprises.first()
    dept = User.objects.get(username="dept").department
    req = Request.objects.filter(enterprise=ent, status=status, department=dept, chain__name="动力装备").first()
    assert req is not None, status
    return req


def test_every_rule_names_known_audiences_and_renders():
    for event, rule in notifications.RULES.items():
        assert rule.to and set(rule.to) <= set(notifications.AUDIENCES), event
        assert "%(title)s" in str(rule.text), event


def test_progress_on_a_supervised_task_reaches_the_office_and_the_chief(demo_db):
    from chainchief.accounts.models import User
    from chainchief.work import services

    task = _supervised_task()
    start = _mark()
    services.report_progress(User.objects.get(username="dept"), task, {"text": "已召开协调会。",
                                                                       "status": "in_progress"})
    # 潍坊's office and the chain's chief; not the department that reported, not 青岛's office, not the province,
    # the leader or the enterprise.
    assert _who(start, "task.progress") == {"coordinator", "chief"} - _blind(task) == {"coordinator", "chief"}
    note = _since(start).get(user__username="coordinator", event="task.progress")
    assert note.chain.name == "动力装备" and note.url == f"/work/tasks/{task.pk}/"
    assert note.params["title"] == task.title and note.text.startswith("【动力装备】")
    with translation.override("en"):  # rendered in its reader's language from its event and parameters
        assert note.message == f"[动力装备] Progress on a supervised task: {task.title} (已召开协调会。)"


def _blind(obj):
    """Demo accounts of the audiences who may not see ``obj`` (so are never told)."""
    from chainchief.accounts.models import User
    from chainchief.core.permissions import VIEW, can

    return {u.username for u in User.objects.filter(username__in=["coordinator", "province", "chief", "qingdao",
                                                                   "dept", "enterprise", "commissioner"])
            if not can(u, VIEW, obj)}


def test_a_task_on_an_unsupervised_task_tells_no_one(demo_db):
    from chainchief.accounts.models import User
    from chainchief.work import services
    from chainchief.work.models import Task

    task = Task.objects.filter(decision__isnull=True, chain__name="动力装备").exclude(status="done").first()
    start = _mark()
    services.report_progress(User.objects.get(username="dept"), task, {"text": "推进中。"})
    assert not _who(start, "task.progress")


@pytest.mark.parametrize("action,setup,actor,event,expected", [
    ("evaluate", "replied", "enterprise", "request.unsatisfied", {"coordinator", "dept"}),
    ("instruct", "handling", "chief", "request.instructed", {"coordinator", "dept"}),
    ("reply", "handling", "dept", "request.replied", {"enterprise"}),
])
def test_request_steps_reach_exactly_whom_the_rule_names(demo_db, action, setup, actor, event, expected):
    from chainchief.accounts.models import User
    from chainchief.appeals import services

    req = _request(setup)
    start = _mark()
    services.take_step(User.objects.get(username=actor), req, action, note="请加快办理。",
                       satisfaction="unsatisfied" if action == "evaluate" else None)
    assert _who(start, event) == expected - _blind(req)
    assert all(n.chain_id == req.chain_id for n in _since(start))


def test_reassignment_and_the_audience_who_may_not_see_is_left_out(demo_db):
    from chainchief.accounts.models import User
    from chainchief.core.models import Department
    from chainchief.work.models import Task

    task = _supervised_task()
    qingdao = User.objects.get(username="qingdao")
    subject = notifications.Subject(task, chain=task.chain, region_id=task.chain.region_id,
                                    assignees=(qingdao.pk, User.objects.get(username="dept").pk))
    # 青岛's office may not see a 潍坊 task: it is never told, even when named.
    assert [u.username for u in notifications.recipients("task.reassigned", subject)] == ["dept"]
    assert Task.objects.filter(pk=task.pk).exists() and Department.objects.exists()


def test_the_readers_own_api(api):
    from chainchief.accounts.models import User
    from chainchief.work import services

    office = api("coordinator")
    before = office.get("/api/v1/notifications?unread=true").json()
    task = _supervised_task()
    services.report_progress(User.objects.get(username="dept"), task, {"text": "已完成选址。"})
    body = office.get("/api/v1/notifications?unread=true").json()
    assert body["count"] == before["count"] + 1 and body["unread"] == body["count"]
    item = body["items"][0]
    assert (item["event"], item["chain_name"], item["url"]) == ("task.progress", "动力装备", f"/work/tasks/{task.pk}/")
    assert "已完成选址" in item["text"] and "动力装备" in item["text"]
    # Another user reads none of them.
    assert item["id"] not in {i["id"] for i in api("dept").get("/api/v1/notifications").json()["items"]}
    assert api("dept").post("/api/v1/notifications/read", {"ids": [item["id"]]}).json() == {"marked": 0}
    assert office.post("/api/v1/notifications/read", {"ids": [item["id"]]}).json() == {"marked": 1}
    assert office.get("/api/v1/notifications?unread=true").json()["count"] == before["count"]
    assert office.post("/api/v1/notifications/read", {}).json()["marked"] == before["count"]
    assert office.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert api().get("/api/v1/notifications").status_code == 401
