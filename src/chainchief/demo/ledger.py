"""The demo's work ledger (工作台账): a development plan for the year on every chain with its tasks in every state,
coordination meetings and their supervised decisions, topical research and its findings, two chain alliances,
policies and the enterprises that benefited, and key projects with their monthly investment.

Written through the services, as the users who would have done it (the chain office, the lead department), so
that the audit trail, the notifications and every check are those of real use. Dates are counted from the day
the demo is loaded (see ``data.PLAN_TASKS``): some tasks are overdue and some projects behind schedule on any
day."""
import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.appeals.models import Urgency
from chainchief.chains.models import Chain, ChainRoleKind, WorkModelItem
from chainchief.core import services as core
from chainchief.core.models import Department, Person, Region
from chainchief.demo import data
from chainchief.enterprises.models import Membership
from chainchief.maps.models import Segment
from chainchief.work import services
from chainchief.work.models import (
    Alliance, AllianceActivity, AllianceMember, Finding, Meeting, MeetingStatus, Plan, Policy, PolicyBenefit,
    ProjectStage, Research,
)

CENT = Decimal("0.01")


def is_loaded():
    return Plan.objects.filter(chain__region__code=data.CITY[1]).exists()


class _Demo:
    """What the parts of the ledger share: the city, its chains, the acting users, the people by department."""

    def __init__(self, seed):
        User = get_user_model()
        self.rng = random.Random(seed + 29)
        self.today = timezone.localdate()
        self.city = Region.objects.get(code=data.CITY[1])
        self.chains = {c.name: c for c in Chain.objects.filter(region=self.city).order_by("order")}
        users = {u.username: u for u in User.objects.filter(username__in=["coordinator", "dept"])}
        self.office, self.dept = users["coordinator"], users["dept"]
        self.departments = {d.name: d for d in Department.objects.filter(region=self.city)}
        self.items = list(WorkModelItem.objects.filter(work_model=self.city.work_model).order_by("order"))
        self.people = {}
        for name, person, title in data.LEDGER_PEOPLE:
            self.people.setdefault(name, []).append(Person.objects.create(
                name=person, title=title, region=self.city, department=self.departments[name]))

    def day(self, days):
        return self.today + datetime.timedelta(days=days)

    def lead(self, chain):
        return chain.departments.get(is_lead=True).department

    def chief(self, chain):
        return chain.roles.filter(kind=ChainRoleKind.CHIEF).select_related("person").first().person

    def person(self, department, k=0):
        staff = self.people.get(department.name, [])
        return staff[k % len(staff)] if staff else None

    def actor(self, task):
        """Who reports on a task: the demo department account on the tasks its department leads, else the office."""
        return self.dept if task.lead_department_id == self.dept.department_id else self.office

    def item(self, word):
        return next((i for i in self.items if word in i.name), None)

    def member(self, chain, role, index=0):
        rows = Membership.objects.filter(chain=chain, role=role).select_related("enterprise").order_by("pk")
        return rows[index].enterprise

    def report(self, task, reports):
        for ago, text, status in reports:
            services.report_progress(self.actor(task), task, {"reported_on": self.day(-ago), "text": text,
                                                              "status": status})
            task.refresh_from_db()


def load(seed=2021, stdout=None):
    demo = _Demo(seed)
    plans = _plans(demo)
    meetings = _meetings(demo)
    research = _research(demo)
    alliances = _alliances(demo)
    policies = _policies(demo)
    projects = _projects(demo)
    if stdout:
        stdout.write(f"demo: work ledger with {plans} plans and their tasks, {meetings} meetings, {research} "
                     f"research reports, {alliances} alliances, {policies} policies, {projects} key projects")


def _plans(demo):
    year = demo.today.year
    for i, chain in enumerate(demo.chains.values()):
        goals = data.PLAN_GOALS.get(chain.name) or data.PLAN_GOALS_GENERAL.format(chain=chain.name)
        plan = core.create(demo.office, Plan, {"chain": chain, "year": year, "title": f"{chain.name}产业链{year}年发展计划",
                                               "goals": goals})
        lead = demo.lead(chain)
        for k, (title, description, word, days, status, reports) in enumerate(data.PLAN_TASKS):
            spread = i % 4  # not every chain's deadlines on the same day
            task = services.create_task(demo.office, {
                "chain": chain, "plan": plan, "work_item": demo.item(word), "title": title, "description": description,
                "responsible": demo.person(lead, k) if k != 3 else None,
                "due_on": demo.day(days - spread if days < 0 else days + spread)})
            demo.report(task, reports)
            assert task.status == status, (chain.name, title)
    return len(demo.chains)


def _meetings(demo):
    general = Person.objects.filter(region=demo.city, title=data.GENERAL_CHIEF_TITLE).first()
    for chain_name, title, days, place, minutes, decisions in data.MEETINGS:
        chain = demo.chains.get(chain_name)
        held = days <= 0
        chair = demo.chief(chain) if chain else general
        attendees = {chair}
        for name, *_rest in decisions:
            attendees.add(demo.chief(demo.chains[name]))
            attendees.add(demo.person(demo.lead(demo.chains[name])))
        if chain is not None:
            attendees.add(demo.person(demo.lead(chain)))
        meeting = core.create(demo.office, Meeting, {
            "region": demo.city, "chain": chain, "title": title, "held_on": demo.day(days), "place": place,
            "chair": chair, "attendees": sorted((p for p in attendees if p), key=lambda p: p.pk),
            "minutes": minutes if held else "", "status": MeetingStatus.HELD if held else MeetingStatus.PLANNED})
        for name, text, department, due, status, reports in decisions:
            decided = demo.chains[name]
            department = demo.departments[department] if department else demo.lead(decided)
            decision = services.record_decision(demo.office, meeting, {
                "chain": decided, "text": text, "lead_department": department,
                "responsible": demo.person(department), "due_on": demo.day(due)})
            task = decision.tasks.get()
            demo.report(task, reports)
            assert task.status == status, text
    return len(data.MEETINGS)


def _research(demo):
    for chain_name, title, kind, ago, summary, findings in data.RESEARCH:
        chain = demo.chains[chain_name]
        visited = [m.enterprise for m in Membership.objects.filter(chain=chain).exclude(role="supporting")
                   .select_related("enterprise").order_by("pk")[:5]]
        research = core.create(demo.office, Research, {
            "chain": chain, "title": title, "kind": kind, "conducted_on": demo.day(-ago),
            "department": demo.lead(chain), "summary": summary, "enterprises": visited})
        for text, role, becomes in findings:
            finding = core.create(demo.office, Finding, {
                "research": research, "text": text, "enterprise": demo.member(chain, role) if role else None})
            if becomes == "task":
                lead = demo.lead(chain)
                services.finding_to_task(demo.office, finding, {
                    "due_on": demo.day(60), "responsible": demo.person(lead), "work_item": demo.item("专题调研")})
            elif becomes and becomes.startswith("request:"):
                services.finding_to_request(demo.office, finding, {
                    "category": becomes.split(":", 1)[1], "urgency": Urgency.URGENT})
    return len(data.RESEARCH)


def _alliances(demo):
    for chain_name, name, founded, description, members, activities in data.ALLIANCES:
        chain = demo.chains[chain_name]
        founded = datetime.date.fromisoformat(founded)
        alliance = core.create(demo.office, Alliance, {
            "chain": chain, "name": name, "founded_on": founded, "lead_enterprise": demo.member(chain, "master"),
            "description": description})
        taken = {}
        for kind, role, unit, title in members:
            enterprise = None
            if role:
                enterprise = demo.member(chain, role, taken.get(role, 0))
                taken[role] = taken.get(role, 0) + 1
            core.create(demo.office, AllianceMember, {
                "alliance": alliance, "kind": kind, "enterprise": enterprise, "name": unit, "role": title,
                "joined_on": founded})
        for ago, title, summary in activities:
            core.create(demo.office, AllianceActivity, {
                "alliance": alliance, "held_on": founded if ago is None else demo.day(-ago), "title": title,
                "summary": summary})
    return len(data.ALLIANCES)


def _policies(demo):
    for title, issuer, number, issued, chains, summary, benefits in data.POLICIES:
        policy = core.create(demo.office, Policy, {
            "region": demo.city, "title": title, "issuer": issuer, "number": number,
            "issued_on": datetime.date.fromisoformat(issued), "chains": [demo.chains[c] for c in chains],
            "summary": summary})
        for chain_name, role, index, offset, amount, note in benefits:
            core.create(demo.office, PolicyBenefit, {
                "policy": policy, "enterprise": demo.member(demo.chains[chain_name], role, index),
                "year": demo.today.year + offset, "amount": Decimal(amount), "note": note})
    return len(data.POLICIES)


def _elapsed(today):
    """The share of the year gone by on ``today`` (as ``work.models.project_progress`` counts it)."""
    days = 366 if today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0) else 365
    return Decimal(today.timetuple().tm_yday) / Decimal(days)


# How much of the time-proportional annual plan a project has completed, by how it runs (see data.KEY_PROJECTS).
PACE = {"on_track": Decimal("1.03"), "slow": Decimal("0.35"), "late_start": Decimal("0.05"),
        "late_finish": Decimal("0.9"), "reserve": Decimal(0)}


def _projects(demo):
    today, year = demo.today, demo.today.year
    for chain_name, role, index, segment, name, kind, total, plan, stage, offset, how in data.KEY_PROJECTS:
        chain = demo.chains[chain_name]
        dates = _project_dates(how, stage, today)
        project = services.create_project(demo.office, {
            "chain": chain, "enterprise": demo.member(chain, role, index),
            "segment": Segment.objects.filter(chain=chain, name=segment).first(), "name": name, "kind": kind,
            "total_investment": Decimal(total), "year": year + offset, "annual_plan": Decimal(plan), "stage": stage,
            "department": demo.lead(chain), **dates})
        if offset:  # a project of a later year's plan: nothing to report yet
            continue
        annual = Decimal(plan)
        if stage == ProjectStage.COMPLETED:
            target = annual  # the year's investment done before it was finished
        else:
            target = annual * _elapsed(today) * (Decimal(1) if stage == ProjectStage.OPERATING else PACE[how])
        for month, amount in enumerate(_spread(demo.rng, target, today.month), start=1):
            services.record_month(demo.office, project, year, month, amount)
    return len(data.KEY_PROJECTS)


def _project_dates(how, stage, today):
    year = today.year
    if how == "late_start":
        return {"planned_start_on": today - datetime.timedelta(days=30),
                "planned_finish_on": datetime.date(year + 2, 6, 30)}
    if how == "late_finish":
        started = datetime.date(year - 1, 3, 1)
        return {"planned_start_on": started, "started_on": started,
                "planned_finish_on": today - datetime.timedelta(days=20)}
    if how == "reserve":
        return {"planned_start_on": datetime.date(year + 1, 3, 1), "planned_finish_on": datetime.date(year + 2, 12, 31)}
    if stage == ProjectStage.COMPLETED:
        started = datetime.date(year - 1, 6, 1)
        return {"planned_start_on": started, "started_on": started,
                "planned_finish_on": today - datetime.timedelta(days=45),
                "finished_on": today - datetime.timedelta(days=60)}
    if stage == ProjectStage.OPERATING:
        started = datetime.date(year - 2, 3, 1)
        return {"planned_start_on": started, "started_on": started, "planned_finish_on": datetime.date(year - 1, 9, 30),
                "finished_on": datetime.date(year - 1, 9, 30)}
    started = datetime.date(year - 1, 4 if how == "on_track" else 9, 10)
    return {"planned_start_on": started, "started_on": started, "planned_finish_on": datetime.date(year + 1, 10, 31)}


def _spread(rng, total, months):
    """``total`` (万元) over ``months`` months, unevenly, to the cent; the months add up to it exactly."""
    total = total.quantize(CENT, ROUND_HALF_UP)
    weights = [Decimal(str(round(rng.uniform(0.7, 1.3), 3))) for _ in range(months)]
    parts = [(total * w / sum(weights)).quantize(CENT, ROUND_HALF_UP) for w in weights]
    parts[-1] = max(Decimal(0), total - sum(parts[:-1]))
    return parts

