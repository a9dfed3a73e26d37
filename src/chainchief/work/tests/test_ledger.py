"""The work ledger beyond tasks: who may read and write each kind of entry (the permission matrix), decisions that
become supervised tasks and are reported at the next meeting, research findings turned into tasks and requests,
progress reports, deadlines in working days, reminders with a frozen clock, key projects behind schedule, and the
ledger's pages and export."""
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chainchief.testing import as_user, ids, world  # noqa: F401
from chainchief.web.tests.pages import login, text  # noqa: F401


def _person(name, region, user=None):
    from chainchief.core.models import Person

    return Person.objects.create(name=name, title="处长", region=region, user=user)


@pytest.fixture
def meeting(world):
    from chainchief.work.models import Meeting

    return Meeting.objects.create(region=world.city, chain=world.power, title="动力装备产业链第一次调度会",
                                  held_on=date(2025, 9, 30), status="held", minutes="研究解决配套问题")


# The permission matrix ------------------------------------------------------------------------------------------

# (path, body maker) of each kind of entry: the body a chain's staff would post for 动力装备 (or 高端化工).
def _bodies(world, chain):
    from chainchief.enterprises.models import Enterprise

    member = Enterprise.objects.filter(memberships__chain=chain).order_by("pk").first()
    return {
        "/api/v1/plans": {"chain": chain.pk, "year": 2031, "title": "发展计划"},
        "/api/v1/meetings": {"region": world.city.pk, "chain": chain.pk, "title": "调度会", "held_on": "2025-05-06"},
        "/api/v1/research": {"chain": chain.pk, "title": "专题调研", "conducted_on": "2025-04-01"},
        "/api/v1/alliances": {"chain": chain.pk, "name": "测试联盟"},
        "/api/v1/projects": {"chain": chain.pk, "enterprise": member.pk, "name": "测试项目", "kind": "new",
                             "total_investment": "50000", "year": 2025, "annual_plan": "12000"},
    }


@pytest.mark.parametrize("role,chain,expected", [
    ("coordinator", "chem", 201), ("chief", "power", 201), ("chief", "chem", 403), ("dept", "auto", 201),
    ("dept", "chem", 403), ("leader", "power", 403), ("commissioner", "power", 403), ("enterprise", "power", 403),
])
def test_who_may_add_chain_entries(role, chain, expected, world, as_user):
    from chainchief.audit.models import AuditEvent

    client = as_user(role)
    for path, body in _bodies(world, getattr(world, chain)).items():
        before = AuditEvent.objects.count()
        r = client.post(path, body)
        # A project names an enterprise: one the writer cannot see is a 400 on that field, also a refusal.
        refused = (403, 400) if expected == 403 and path.endswith("/projects") else (expected,)
        assert r.status_code in refused, (path, r.content)
        assert AuditEvent.objects.count() == before + (1 if expected == 201 else 0), path


def test_anonymous_gets_401_everywhere(as_user):
    anon = as_user(None)
    for path in ("/api/v1/plans", "/api/v1/meetings", "/api/v1/decisions", "/api/v1/research", "/api/v1/findings",
                 "/api/v1/alliances", "/api/v1/alliance-members", "/api/v1/policies", "/api/v1/policy-benefits",
                 "/api/v1/projects", "/api/v1/project-months", "/api/v1/task-updates"):
        assert anon.get(path).status_code == 401, path


def test_policies_are_the_chain_offices_to_write(world, as_user):
    body = {"region": world.city.pk, "title": "关于支持动力装备产业链发展的若干政策", "issuer": "潍坊市人民政府",
            "number": "潍政发〔2025〕1号", "issued_on": "2025-03-01", "chains": [world.power.pk]}
    for role in ("chief", "dept", "leader", "enterprise"):
        assert as_user(role).post("/api/v1/policies", body).status_code == 403, role
    r = as_user("coordinator").post("/api/v1/policies", body)
    assert r.status_code == 201 and r.json()["chain_ids"] == [world.power.pk]
    assert as_user("enterprise").get(f"/api/v1/policies/{r.json()['id']}").status_code == 200


def test_enterprise_figures_in_the_ledger_stay_the_enterprises(world, as_user):
    """A policy benefit and a project's investment are the enterprise's data: its own user sees them, another
    enterprise's user, and a chief of another chain, do not."""
    from chainchief.work.models import KeyProject, Policy, PolicyBenefit

    policy = Policy.objects.create(region=world.city, title="政策", issuer="市政府", issued_on=date(2025, 1, 1))
    own = PolicyBenefit.objects.create(policy=policy, enterprise=world.own, year=2025, amount=Decimal("88.5"))
    chem = PolicyBenefit.objects.create(policy=policy, enterprise=world.chem_enterprise, year=2025,
                                        amount=Decimal("120"))
    p_own = KeyProject.objects.create(chain=world.power, enterprise=world.own, name="自有项目", total_investment=1000,
                                      year=2025, annual_plan=500)
    p_chem = KeyProject.objects.create(chain=world.chem, enterprise=world.chem_enterprise, name="化工项目",
                                       total_investment=1000, year=2025, annual_plan=500)
    assert {own.pk, chem.pk} <= ids(as_user("coordinator").get("/api/v1/policy-benefits?limit=1000"))
    theirs = set(PolicyBenefit.objects.filter(enterprise=world.own).values_list("pk", flat=True))
    assert own.pk in theirs and ids(as_user("enterprise").get("/api/v1/policy-benefits?limit=1000")) == theirs
    assert chem.pk not in ids(as_user("chief").get("/api/v1/policy-benefits?limit=1000"))
    assert p_own.pk in ids(as_user("enterprise").get("/api/v1/projects?limit=1000"))
    assert p_chem.pk not in ids(as_user("enterprise").get("/api/v1/projects?limit=1000"))
    assert p_chem.pk not in ids(as_user("chief").get("/api/v1/projects?limit=1000"))
    assert as_user("chief").get(f"/api/v1/projects/{p_chem.pk}").status_code == 404
    assert as_user("chief").patch(f"/api/v1/projects/{p_own.pk}", {"name": "改名",
                                                                   "version": p_own.version}).status_code == 200


def test_an_enterprise_user_reads_of_the_ledger_only_what_names_its_enterprise(world, as_user, login):
    """The ledger is the government's record of its work: an enterprise user reads no plan, task, meeting or
    decision of its chain; of research, only a visit to its own enterprise and a finding about it; of alliances, only
    those it leads or belongs to, with its own membership — never another enterprise's id, name or request. The chain
    office reads them all."""
    from chainchief.work.models import Alliance, AllianceMember, Finding, Meeting, Plan, Research, Task

    research = Research.objects.create(chain=world.power, title="走访动力装备企业", conducted_on=date(2025, 5, 1))
    research.enterprises.set([world.own, world.power_member])
    mine = Finding.objects.create(research=research, text="用电负荷不足", enterprise=world.own)
    theirs = Finding.objects.create(research=research, text="用地指标不足", enterprise=world.power_member)
    other = Research.objects.create(chain=world.power, title="走访配套企业", conducted_on=date(2025, 6, 1))
    other.enterprises.set([world.power_member])
    alliance = Alliance.objects.create(chain=world.power, name="动力装备创新联盟", lead_enterprise=world.power_member)
    own_member = AllianceMember.objects.create(alliance=alliance, enterprise=world.own, role="成员单位")
    AllianceMember.objects.create(alliance=alliance, enterprise=world.power_member, role="理事长单位")
    Task.objects.create(chain=world.power, title="协调配套企业用地", lead_department=world.industry)
    Meeting.objects.create(region=world.city, chain=world.power, title="调度会", held_on=date(2025, 1, 1))
    Plan.objects.create(chain=world.power, year=2025, title="发展计划")
    client = as_user("enterprise")
    for path in ("/api/v1/plans", "/api/v1/tasks", "/api/v1/task-updates", "/api/v1/meetings", "/api/v1/decisions",
                 "/api/v1/alliance-activities"):
        assert ids(client.get(path + "?limit=1000")) == set(), path
    visited = set(Research.objects.filter(enterprises=world.own).values_list("pk", flat=True))
    assert research.pk in visited and ids(client.get("/api/v1/research?limit=1000")) == visited
    assert client.get(f"/api/v1/research/{research.pk}").json()["enterprise_ids"] == [world.own.pk]
    assert client.get(f"/api/v1/research/{other.pk}").status_code == 404
    about = set(Finding.objects.filter(enterprise=world.own).values_list("pk", flat=True))
    assert mine.pk in about and ids(client.get("/api/v1/findings?limit=1000")) == about
    assert client.get(f"/api/v1/findings/{theirs.pk}").status_code == 404
    row = client.get(f"/api/v1/alliances/{alliance.pk}").json()
    assert (row["lead_enterprise_id"], row["lead_enterprise_name"]) == (None, None)
    assert ids(client.get(f"/api/v1/alliance-members?alliance={alliance.pk}")) == {own_member.pk}
    page = text(login("enterprise").get(f"/work/alliances/{alliance.pk}/"))
    assert world.own.name in page and world.power_member.name not in page
    page = text(login("enterprise").get(f"/work/research/{research.pk}/"))
    assert "用电负荷不足" in page and "用地指标不足" not in page and world.power_member.name not in page
    office = as_user("coordinator")
    assert client.get(f"/api/v1/research/{research.pk}").status_code == 200
    assert sorted(office.get(f"/api/v1/research/{research.pk}").json()["enterprise_ids"]) == sorted(
        [world.own.pk, world.power_member.pk])
    assert office.get(f"/api/v1/alliances/{alliance.pk}").json()["lead_enterprise_id"] == world.power_member.pk
    assert len(ids(office.get(f"/api/v1/alliance-members?alliance={alliance.pk}"))) == 2


def test_a_department_acts_on_the_tasks_it_leads_in_any_chain(world, as_user):
    """市工业和信息化局 (the department account's) leads a task on 高端化工, a chain it does not lead."""
    from chainchief.work.models import Task

    task = Task.objects.create(chain=world.chem, title="化工园区认定", lead_department=world.industry)
    other = Task.objects.create(chain=world.chem, title="财政资金", lead_department=world.finance)
    dept = as_user("dept")
    assert dept.patch(f"/api/v1/tasks/{task.pk}", {"status": "in_progress", "version": task.version}).status_code == 200
    assert dept.patch(f"/api/v1/tasks/{other.pk}", {"status": "in_progress"}).status_code == 403


# Decisions become supervised tasks ------------------------------------------------------------------------------

def test_a_decision_becomes_a_supervised_task_and_is_reported_at_the_next_meeting(world, meeting, as_user, login):
    from chainchief.accounts.models import Notification, User
    from chainchief.work.models import Meeting, Task

    chief_user = User.objects.get(username="dept")
    person = _person("王科长", world.city, user=chief_user)
    client = as_user("chief")
    r = client.post(f"/api/v1/meetings/{meeting.pk}/decisions",
                    {"text": "协调解决曲轴毛坯本地配套问题", "responsible": person.pk, "due_on": "2025-12-31"})
    assert r.status_code == 201, r.content
    decision = r.json()
    task = Task.objects.get(pk=decision["task_ids"][0])
    assert (task.decision_id, task.chain, task.lead_department, task.responsible) == (
        decision["id"], world.power, world.industry, person)
    assert task.is_supervised and decision["done"] is False
    note = Notification.objects.filter(user=chief_user).latest("pk")
    assert "协调解决曲轴毛坯本地配套问题" in note.text and note.url == f"/work/tasks/{task.pk}/"
    # The task's page leads back to the meeting.
    page = text(login("coordinator").get(f"/work/tasks/{task.pk}/"))
    assert f'href="/work/meetings/{meeting.pk}/"' in page and "督办事项" in page

    nxt = Meeting.objects.create(region=world.city, chain=world.power, title="动力装备产业链第二次调度会",
                                 held_on=date(2025, 11, 3))
    body = text(login("coordinator").get(f"/work/meetings/{nxt.pk}/"))
    assert "上次会议议定事项落实情况" in body and "协调解决曲轴毛坯本地配套问题" in body and "未开始" in body
    # Closing the task closes the decision.
    task.refresh_from_db()
    assert as_user("dept").patch(f"/api/v1/tasks/{task.pk}", {"status": "done", "version": task.version}).status_code == 200
    assert client.get(f"/api/v1/decisions/{decision['id']}").json()["done"] is True
    body = text(login("coordinator").get(f"/work/meetings/{nxt.pk}/"))
    assert "已完成" in body.split("上次会议议定事项落实情况")[1].split("议定事项（督办）")[0]


def test_decision_deadline_in_working_days(world, meeting, as_user, settings):
    """Held on Tuesday 30 September 2025: 1–8 October are the National Day and Mid-Autumn holidays and Saturday
    11 October a working day in their place (State Council notice on the 2025 holidays, 国办发明电〔2024〕12号).
    Five working days after the meeting are 9, 10, 11, 13 and 14 October."""
    settings.WORK_WORKING_DAYS = True
    r = as_user("coordinator").post(f"/api/v1/meetings/{meeting.pk}/decisions", {"text": "五个工作日内报送方案", "days": 5})
    assert r.status_code == 201 and r.json()["due_on"] == "2025-10-14"
    settings.WORK_WORKING_DAYS = False
    r = as_user("coordinator").post(f"/api/v1/meetings/{meeting.pk}/decisions", {"text": "五日内报送方案", "days": 5})
    assert r.status_code == 201 and r.json()["due_on"] == "2025-10-05"


def test_decisions_are_checked(world, meeting, as_user):
    from chainchief.work.models import Meeting

    city_wide = Meeting.objects.create(region=world.city, title="全市产业链联席调度会", held_on=date(2025, 10, 20))
    coordinator = as_user("coordinator")
    r = coordinator.post(f"/api/v1/meetings/{city_wide.pk}/decisions", {"text": "x", "due_on": "2025-12-31"})
    assert r.status_code == 400 and r.json()["errors"]["chain"] == ["全市调度会的议定事项须指定产业链。"]
    r = coordinator.post(f"/api/v1/meetings/{meeting.pk}/decisions", {"text": "x", "chain": world.chem.pk,
                                                                      "due_on": "2025-12-31"})
    assert r.status_code == 400 and r.json()["errors"]["chain"] == ["议定事项的产业链须与会议的产业链一致。"]
    assert as_user("chief").post(f"/api/v1/meetings/{city_wide.pk}/decisions",
                                 {"text": "x", "chain": world.power.pk, "due_on": "2025-12-31"}).status_code == 403
    r = coordinator.post(f"/api/v1/meetings/{city_wide.pk}/decisions", {"text": "x", "chain": world.chem.pk,
                                                                        "due_on": "2025-12-31"})
    assert r.status_code == 201


# Research findings, progress reports -----------------------------------------------------------------------------

def test_a_finding_becomes_a_task_or_a_request(world, as_user):
    from chainchief.appeals.models import Request
    from chainchief.work.models import Finding, Research

    research = Research.objects.create(chain=world.power, title="动力装备产业链配套调研", conducted_on=date(2025, 5, 1))
    to_task = Finding.objects.create(research=research, text="曲轴毛坯依赖外地供应")
    to_request = Finding.objects.create(research=research, text="企业反映用地指标不足", enterprise=world.own)
    chief = as_user("chief")
    r = chief.post(f"/api/v1/findings/{to_task.pk}/task")
    assert r.status_code == 201 and r.json()["chain_id"] == world.power.pk
    assert chief.post(f"/api/v1/findings/{to_task.pk}/task").status_code == 400  # once only
    r = chief.post(f"/api/v1/findings/{to_request.pk}/request")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    req = Request.objects.get(pk=r.json()["id"])
    assert (req.enterprise, req.content) == (world.own, "企业反映用地指标不足")
    r = chief.post(f"/api/v1/findings/{to_task.pk}/request")
    assert r.status_code == 400 and r.json()["errors"]["enterprise"] == ["请先为该问题指定涉及的企业。"]
    assert as_user("leader").post(f"/api/v1/findings/{to_request.pk}/task").status_code == 403


def test_progress_report_sets_status_and_keeps_its_evidence(world, login):
    from chainchief.attachments.services import of
    from chainchief.work.models import Task, TaskUpdate

    task = Task.objects.create(chain=world.power, title="走访链主企业", lead_department=world.industry)
    c = login("chief")
    pdf = SimpleUploadedFile("走访纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    r = c.post(f"/work/tasks/{task.pk}/report/", {"reported_on": "2025-06-01", "status": "in_progress",
                                                  "text": "已走访 5 家", "version": task.version, "file": pdf})
    assert r.status_code == 302
    task.refresh_from_db()
    update = TaskUpdate.objects.get(task=task)
    assert (task.status, task.progress, update.text) == ("in_progress", "已走访 5 家", "已走访 5 家")
    assert [a.name for a in of(update)] == ["走访纪要.pdf"]
    page = text(c.get(f"/work/tasks/{task.pk}/"))
    assert "已走访 5 家" in page and "走访纪要.pdf" in page
    # Evidence of the wrong type is refused and nothing is written.
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    c.post(f"/work/tasks/{task.pk}/report/", {"reported_on": "2025-06-02", "text": "再次走访",
                                              "version": task.version, "file": exe})
    assert TaskUpdate.objects.filter(task=task).count() == 1
    # Who may not change the task may not report: the leader reads it, an enterprise user does not even see it.
    assert login("leader").post(f"/work/tasks/{task.pk}/report/", {"text": "x"}).status_code == 403
    assert login("enterprise").post(f"/work/tasks/{task.pk}/report/", {"text": "x"}).status_code == 404


def test_reassignment_is_audited_and_told(world, as_user):
    from chainchief.accounts.models import Notification, User
    from chainchief.audit.models import AuditEvent
    from chainchief.work.models import Task

    task = Task.objects.create(chain=world.power, title="组建联盟", lead_department=world.industry)
    dept_user = User.objects.get(username="dept")
    person = _person("李主任", world.city, user=dept_user)
    r = as_user("coordinator").patch(f"/api/v1/tasks/{task.pk}", {"responsible": person.pk, "version": task.version})
    assert r.status_code == 200
    event = AuditEvent.objects.filter(object_id=str(task.pk), action="update").latest("pk")
    assert (event.before["responsible_id"], event.after["responsible_id"]) == (None, person.pk)
    assert Notification.objects.filter(user=dept_user, text__contains="组建联盟").exists()


# Overdue and reminders with a frozen clock ------------------------------------------------------------------------

@time_machine.travel(date(2025, 10, 9), tick=False)
def test_reminders_once_each_near_and_overdue(world, settings):
    from chainchief.accounts.models import Notification, User
    from chainchief.work import services
    from chainchief.work.models import Task

    settings.WORK_WORKING_DAYS, settings.WORK_REMIND_DAYS = True, 3
    dept_user = User.objects.get(username="dept")
    Task.objects.all().delete()
    late = Task.objects.create(chain=world.power, title="逾期任务", lead_department=world.industry,
                               due_on=date(2025, 10, 8))
    # Thursday 9 October: three working days ahead are 10, 11 (a working Saturday) and 13 October.
    near = Task.objects.create(chain=world.power, title="临近任务", lead_department=world.industry,
                               due_on=date(2025, 10, 13))
    far = Task.objects.create(chain=world.power, title="远期任务", lead_department=world.industry,
                              due_on=date(2025, 10, 14))
    done = Task.objects.create(chain=world.power, title="已办结任务", lead_department=world.industry,
                               due_on=date(2025, 10, 1), status="done")
    assert late.is_overdue and not near.is_overdue and not done.is_overdue
    before = Notification.objects.filter(user=dept_user).count()
    assert services.send_reminders() == (1, 1)
    texts = list(Notification.objects.filter(user=dept_user).order_by("pk").values_list("text", flat=True))[before:]
    assert any("逾期任务" in t and "已逾期" in t for t in texts) and any("临近任务" in t for t in texts)
    assert not any("远期任务" in t or "已办结任务" in t for t in texts)
    assert services.send_reminders() == (0, 0)  # once each
    with time_machine.travel(date(2025, 10, 15), tick=False):
        far.refresh_from_db()
        assert far.is_overdue
        assert services.send_reminders() == (0, 2)  # the near one and the far one are overdue now


# Key projects ---------------------------------------------------------------------------------------------------

@time_machine.travel(date(2025, 7, 2), tick=False)
def test_project_behind_schedule_is_computed_from_its_months(world, as_user):
    """2 July is day 183 of 365: 50.1% of the year. 3,000 of 12,000 万元 done is 25.0%, more than 10 points
    behind: flagged. 6,000 done (50.0%) is on schedule."""
    from chainchief.work import services
    from chainchief.work.models import KeyProject

    project = KeyProject.objects.create(chain=world.power, enterprise=world.own, name="智能产线项目", kind="upgrade",
                                        total_investment=Decimal("50000"), year=2025, annual_plan=Decimal("12000"),
                                        stage="building", started_on=date(2025, 3, 1))
    from chainchief.accounts.models import User

    coordinator = User.objects.get(username="coordinator")
    for month, amount in ((3, "1000"), (4, "1000"), (5, "1000")):
        services.record_month(coordinator, project, 2025, month, Decimal(amount))
    body = as_user("coordinator").get(f"/api/v1/projects/{project.pk}").json()
    assert (body["completed_in_year"], body["completion_rate"], body["behind_schedule"]) == ("3000.00", 25.0, True)
    assert body["behind_reasons"] == ["年度投资完成率 25.0%，低于时序进度 50.1%"]
    assert project.pk in ids(as_user("coordinator").get("/api/v1/projects?behind=true&limit=1000"))
    services.record_month(coordinator, project, 2025, 6, Decimal("3000"))  # a month reported again is replaced
    services.record_month(coordinator, project, 2025, 6, Decimal("3000"))
    body = as_user("coordinator").get(f"/api/v1/projects/{project.pk}").json()
    assert (body["completed_in_year"], body["behind_schedule"]) == ("6000.00", False)
    r = as_user("coordinator").post("/api/v1/project-months", {"project": project.pk, "year": 2025, "month": 8,
                                                               "completed": "10"})
    assert r.status_code == 400 and r.json()["errors"]["month"] == ["不能填报未来月份的完成投资。"]


def test_project_validation(world, as_user):
    r = as_user("coordinator").post("/api/v1/projects", {
        "chain": world.power.pk, "enterprise": world.own.pk, "name": "x", "total_investment": "100", "year": 2025,
        "annual_plan": "200", "stage": "completed"})
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert errors["annual_plan"] == ["年度计划投资不能超过总投资。"]
    assert errors["started_on"] == ["项目已开工，请填写实际开工日期。"]
    assert errors["finished_on"] == ["项目已竣工，请填写实际竣工日期。"]


# Pages and export -----------------------------------------------------------------------------------------------

def test_ledger_pages_for_every_role(world, login):
    from chainchief.work.models import Meeting

    Meeting.objects.create(region=world.city, chain=world.power, title="下周调度会",
                           held_on=timezone.localdate() + timedelta(days=7))
    for role in ("admin", "coordinator", "leader", "chief", "dept", "commissioner", "enterprise"):
        c = login(role)
        for url in ("/work/", "/work/calendar/", f"/work/chains/{world.power.pk}/", "/work/tasks/",
                    "/work/meetings/", "/work/policies/", "/work/projects/"):
            assert c.get(url).status_code == 200, (role, url)
    body = text(login("chief").get(f"/work/chains/{world.power.pk}/"))
    assert "动力装备工作台账" in body and "新建任务" in body
    assert "新建任务" not in text(login("leader").get(f"/work/chains/{world.power.pk}/"))
    assert "下周调度会" in text(login("chief").get("/work/"))


def test_pages_refuse_what_the_user_may_not_do(world, login):
    from chainchief.work.models import Meeting, Task

    task = Task.objects.create(chain=world.chem, title="化工任务", lead_department=world.finance)
    meeting = Meeting.objects.create(region=world.city, chain=world.chem, title="化工调度会", held_on=date(2025, 1, 1))
    chief = login("chief")
    assert chief.get(f"/work/tasks/{task.pk}/edit/").status_code == 403
    assert chief.post(f"/work/meetings/{meeting.pk}/decisions/", {"text": "x", "due_on": "2025-12-31"}).status_code == 403
    assert chief.get("/work/policies/new/").status_code == 403
    assert login("enterprise").get("/work/tasks/new/").status_code == 403
    assert chief.get("/work/tasks/999999/").status_code == 404
    assert chief.get(f"/work/chains/{world.power.pk}/?page=abc&status=nonsense").status_code == 200


def test_ledger_export_is_a_workbook_of_what_the_reader_sees(world, login):
    from openpyxl import load_workbook

    from chainchief.work.models import KeyProject, Task

    Task.objects.create(chain=world.power, title="=HYPERLINK(\"x\")", lead_department=world.industry)
    KeyProject.objects.create(chain=world.power, enterprise=world.own, name="自有项目", total_investment=1000,
                              year=2025, annual_plan=500)
    r = login("chief").get(f"/work/chains/{world.power.pk}/export/")
    assert r.status_code == 200
    wb = load_workbook(BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["发展计划", "任务", "调度会", "议定事项", "专题调研", "产业链联盟", "政策文件", "重点项目"]
    titles = [row[0].value for row in wb["任务"].iter_rows(min_row=2)]
    assert "=HYPERLINK(\"x\")" in titles and wb["任务"]["A1"].value == "任务名称"
    assert all(c.data_type != "f" for row in wb["任务"].iter_rows() for c in row)  # text, never a formula
    assert "自有项目" in [row[0].value for row in wb["重点项目"].iter_rows(min_row=2)]


def test_checklist_links_items_to_their_evidence(world, login):
    from chainchief.work.models import Alliance, Plan, Task

    Alliance.objects.filter(chain=world.power).delete()
    Plan.objects.filter(chain=world.power).delete()
    # tasks tagged with an item count for it too
    Task.objects.filter(chain=world.power, work_item__name__in=["一份发展计划", "一个产业链联盟"]).delete()
    body = text(login("coordinator").get(f"/chains/{world.power.pk}/"))
    missing = body.split("尚缺佐证")[1].split("</div>")[0]
    assert "一份发展计划" in missing and "一个产业链联盟" in missing
    plan = Plan.objects.create(chain=world.power, year=2025, title="动力装备产业链2025年发展计划")
    body = text(login("coordinator").get(f"/chains/{world.power.pk}/"))
    assert f'href="/work/plans/{plan.pk}/"' in body
    assert "一份发展计划" not in body.split("尚缺佐证")[1].split("</div>")[0]
