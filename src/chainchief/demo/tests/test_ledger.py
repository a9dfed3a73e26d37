"""The demo's work ledger: a plan with tasks in every state on every chain, meetings with supervised decisions,
research with findings turned into a task and a request, alliances, policies with benefits, key projects in every
stage — dated from today, so that something is overdue and something behind schedule on any day."""
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone


def test_every_chain_has_this_years_plan_with_tasks_in_every_state(demo_db):
    from chainchief.chains.models import Chain
    from chainchief.work.models import Plan, Task, TaskStatus

    year = timezone.localdate().year
    for chain in Chain.objects.filter(region__name="潍坊市"):
        plan = Plan.objects.get(chain=chain, year=year)
        assert all(word in plan.goals for word in ("稳链", "补链", "延链", "强链")), chain
        tasks = list(plan.tasks.all())
        assert {t.status for t in tasks} == set(TaskStatus.values), chain
        assert any(t.is_overdue for t in tasks) and any(t.updates.exists() for t in tasks), chain
        assert all(t.lead_department_id == chain.departments.get(is_lead=True).department_id for t in tasks)
        assert all(t.work_item is not None and t.work_item.work_model_id == chain.region.work_model_id
                   for t in tasks)
    # A report leaves the task in the status it reports, and the task shows the latest progress.
    task = Task.objects.filter(updates__isnull=False).order_by("pk").first()
    latest = task.updates.order_by("-reported_on", "-id").first()
    assert (task.status, task.progress) == (latest.status, latest.text)
    assert all(u.reported_on <= timezone.localdate() for u in task.updates.all())


def test_the_coordinator_reads_the_tasks_and_the_overdue_ones_through_the_api(api):
    client = api("coordinator")
    body = client.get("/api/v1/tasks?limit=1000").json()
    assert body["count"] >= 10 and len(body["items"]) == body["count"]
    assert any(t["is_overdue"] for t in body["items"])
    overdue = client.get("/api/v1/tasks?overdue=true&limit=1000").json()["items"]
    assert overdue and all(t["is_overdue"] for t in overdue)
    supervised = client.get("/api/v1/tasks?supervised=true&limit=1000").json()["items"]
    assert supervised and all(t["meeting_id"] for t in supervised)


def test_meetings_city_wide_and_per_chain_with_supervised_decisions(demo_db):
    from chainchief.work.models import Meeting, MeetingStatus

    today = timezone.localdate()
    meetings = list(Meeting.objects.all())
    assert len(meetings) >= 3
    assert any(m.chain_id is None and m.status == MeetingStatus.HELD for m in meetings)
    planned = [m for m in meetings if m.status == MeetingStatus.PLANNED]
    assert planned and all(m.held_on > today and not m.decisions.exists() for m in planned)
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    assert all(m.held_on <= today and m.minutes and m.decisions.exists() for m in held)
    for m in meetings:
        if m.chain_id:
            assert m.chair == m.chain.roles.get(kind="chief").person, m  # chaired by the chain's chief
        assert m.attendees.filter(pk=m.chair_id).exists()
    tasks = [d.tasks.get() for m in held for d in m.decisions.all()]  # each decision carried out by one task
    assert {t.status for t in tasks} == {"not_started", "in_progress", "done"}
    assert any(t.is_overdue for t in tasks) and all(t.is_supervised for t in tasks)
    city_wide = next(m for m in held if m.chain_id is None)
    assert city_wide.decisions.values("chain").distinct().count() > 1  # decisions for several chains


def test_research_with_visited_enterprises_and_converted_findings(demo_db):
    from chainchief.work.models import Finding, Research

    research = list(Research.objects.all())
    assert 2 <= len(research) <= 3
    assert all(r.enterprises.exists() and r.findings.exists() for r in research)
    to_task = Finding.objects.exclude(task=None).get()
    assert to_task.task.chain_id == to_task.research.chain_id and to_task.task.description == to_task.text
    to_request = Finding.objects.exclude(request=None).get()
    assert to_request.request.enterprise_id == to_request.enterprise_id and to_request.request.status == "submitted"
    assert to_request.request.category == "land" and to_request.request.channel == "office"


def test_two_alliances_with_members_of_every_kind_and_activities(demo_db):
    from chainchief.work.models import Alliance, MemberKind

    alliances = list(Alliance.objects.all())
    assert {a.name for a in alliances} >= {"潍坊市动力装备产业链联盟"} and len(alliances) == 2
    for a in alliances:
        assert set(a.members.values_list("kind", flat=True)) == set(MemberKind.values), a
        assert a.activities.exists() and a.lead_enterprise.memberships.filter(chain=a.chain, role="master").exists()
        assert all(m.enterprise.memberships.filter(chain=a.chain).exists()
                   for m in a.members.filter(kind="enterprise"))
    names = set(Alliance.objects.values_list("members__name", flat=True))
    assert {"山东大学", "潍坊学院"} <= names


def test_policies_with_numbers_and_benefits_in_wanyuan(demo_db):
    import re

    from chainchief.work.models import Policy, PolicyBenefit

    policies = list(Policy.objects.all())
    assert 3 <= len(policies) <= 4
    assert all(re.fullmatch(r"潍\w*发〔20\d\d〕\d+号", p.number) for p in policies)
    assert any(p.issuer == "潍坊市人民政府" for p in policies)
    assert any(p.chains.exists() for p in policies) and any(not p.chains.exists() for p in policies)
    benefits = list(PolicyBenefit.objects.all())
    assert benefits and all(isinstance(b.amount, Decimal) and b.amount > 0 for b in benefits)
    for b in benefits:  # a chain-specific policy benefits enterprises of its chains
        chains = set(b.policy.chains.values_list("pk", flat=True))
        assert not chains or chains & set(b.enterprise.memberships.values_list("chain", flat=True))


def test_key_projects_in_every_stage_and_kind_some_behind_some_on_track(demo_db):
    from chainchief.work.models import KeyProject, ProjectKind, ProjectStage, project_progress

    projects = list(KeyProject.objects.all())
    assert {p.stage for p in projects} == set(ProjectStage.values)
    assert {p.kind for p in projects} == set(ProjectKind.values)
    states = {}
    for p in projects:
        p.full_clean()
        completed = p.months.filter(year=p.year).aggregate(s=Sum("completed"))["s"] or Decimal(0)
        states[p.name] = project_progress(p, completed)["behind"]
        assert p.enterprise.memberships.filter(chain=p.chain).exists()
    assert sum(states.values()) >= 1 and sum(not b for b in states.values()) >= 3, states
    assert states["大缸径高速发动机智能工厂建设项目"] is False
    assert states["氢燃料电池发动机产业化项目"] is True  # its planned start has passed
    assert states["新能源专用车底盘扩能项目"] is True  # its planned finish has passed
    months = KeyProject.objects.get(name="大缸径高速发动机智能工厂建设项目").months.all()
    assert months.count() == timezone.localdate().month and all(m.completed > 0 for m in months)
