"""The work ledger's API: plans, tasks and progress reports, meetings and decisions, research and findings,
alliances, policies and benefits, key projects and their months — each a ``crud`` family under the permission
filter, plus the steps that are more than a write of one row (a decision that becomes a task, a finding that
becomes a task or a request, a progress report with its status, a month's investment)."""
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from ninja import FilterLookup, Router, Schema, Status
from ninja.orm import create_schema

from chainchief.appeals.models import Request
from chainchief.core.api_crud import InputSchema, ListParams, crud
from chainchief.core.permissions import VIEW, sees
from chainchief.enterprises.models import Enterprise
from chainchief.work import services
from chainchief.work.queries import LOCAL_ENTERPRISE, behind, progress_of, with_completed
from chainchief.work.models import (Alliance, AllianceActivity, AllianceMember, Decision, Finding, KeyProject,
                                    Meeting, Plan, Policy, PolicyBenefit, ProjectMonth, Research, Task,
                                    TaskUpdate, overdue_q)

router = Router()
TAGS = ["工作台账"]


def _name(attr):
    def resolve(obj):
        related = getattr(obj, attr)
        return getattr(related, "name", None) if related is not None else None
    return staticmethod(resolve)


def _visible(model, user, value):
    """The object a body names by id (or already is), if the user may see it; else the field's 404."""
    pk = getattr(value, "pk", value)
    return get_object_or_404(model.objects.restrict(user, VIEW), pk=pk)


def _label(field):
    return staticmethod(lambda obj: getattr(obj, f"get_{field}_display")())


def _if_seen(flag, value):
    """A resolver: ``value(obj)`` when the reader may see the row it names (the annotation ``flag``, made with
    ``core.permissions.sees``), else None — a ledger row names only the enterprises its reader may see."""
    return staticmethod(lambda obj: value(obj) if getattr(obj, flag, True) else None)


# Plans ---------------------------------------------------------------------------------------------------------

class PlanOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    year: int
    title: str
    goals: str
    task_count: int = 0
    version: int

    resolve_chain_name = _name("chain")

    @staticmethod
    def resolve_task_count(obj):
        return getattr(obj, "task_count", 0)


class PlanFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    year: int | None = None


crud(router, Plan, out=PlanOut, name="Plan", path="/plans", tags=TAGS, fields=["chain", "year", "title", "goals"],
     search=("title", "goals"), filters=PlanFilters,
     queryset=lambda: Plan.objects.select_related("chain").annotate(task_count=Count("tasks")))


# Tasks ---------------------------------------------------------------------------------------------------------

class TaskOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    plan_id: int | None
    decision_id: int | None
    meeting_id: int | None
    is_supervised: bool
    work_item_id: int | None
    work_item_name: str | None
    title: str
    description: str
    lead_department_id: int
    lead_department_name: str
    responsible_id: int | None
    responsible_name: str | None
    due_on: date | None
    status: str
    status_label: str
    is_overdue: bool
    progress: str
    version: int

    resolve_chain_name = _name("chain")
    resolve_work_item_name = _name("work_item")
    resolve_lead_department_name = _name("lead_department")
    resolve_responsible_name = _name("responsible")
    resolve_status_label = _label("status")

    @staticmethod
    def resolve_meeting_id(obj):
        return obj.decision.meeting_id if obj.decision_id else None


class TaskFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    status: str | None = None
    work_item: Annotated[int | None, FilterLookup("work_item_id")] = None
    lead_department: Annotated[int | None, FilterLookup("lead_department_id")] = None
    responsible: Annotated[int | None, FilterLookup("responsible_id")] = None
    plan: Annotated[int | None, FilterLookup("plan_id")] = None
    meeting: Annotated[int | None, FilterLookup("decision__meeting_id")] = None
    overdue: bool | None = None
    supervised: bool | None = None
    due_from: Annotated[date | None, FilterLookup("due_on__gte")] = None
    due_to: Annotated[date | None, FilterLookup("due_on__lte")] = None

    def filter_overdue(self, value):
        if value is None:
            return Q()
        return overdue_q() if value else ~overdue_q()

    def filter_supervised(self, value):
        if value is None:
            return Q()
        return Q(decision__isnull=not value)


TASK_FIELDS = ["chain", "plan", "work_item", "title", "description", "lead_department", "responsible", "due_on",
               "status", "progress"]
# Without a lead department a new task falls to its chain's lead department.
TaskIn = create_schema(Task, name="TaskIn", fields=TASK_FIELDS, optional_fields=["lead_department"],
                       base_class=InputSchema)


def task_queryset():
    return Task.objects.select_related("chain", "work_item", "lead_department", "responsible", "decision")


crud(router, Task, out=TaskOut, name="Task", path="/tasks", tags=TAGS, fields=TASK_FIELDS,
     search=("title", "description", "progress"), filters=TaskFilters, queryset=task_queryset,
     create=services.create_task, create_in=TaskIn,
     update=lambda user, obj, data, version: services.update_task(user, obj, data, version))


class TaskUpdateOut(Schema):
    id: int
    task_id: int
    reported_on: date
    text: str
    status: str
    status_label: str
    reporter: str | None
    version: int

    resolve_status_label = _label("status")

    @staticmethod
    def resolve_reporter(obj):
        user = obj.created_by
        return (user.display_name or user.username) if user is not None else None


class ProgressReportIn(InputSchema):
    reported_on: date | None = None
    text: str
    status: str | None = None
    version: int | None = None


class TaskUpdateFilters(ListParams):
    task: Annotated[int | None, FilterLookup("task_id")] = None


crud(router, TaskUpdate, out=TaskUpdateOut, name="TaskUpdate", path="/task-updates", tags=TAGS,
     fields=["task", "reported_on", "text", "status"], search=("text",), filters=TaskUpdateFilters,
     queryset=lambda: TaskUpdate.objects.select_related("created_by"),
     create=lambda user, data: services.report_progress(user, _visible(Task, user, data.pop("task")), data))


@router.post("/tasks/{int:pk}/updates", response={201: TaskUpdateOut}, tags=TAGS, summary="报告任务进展",
             operation_id="report_task_progress")
def report_progress(request, pk: int, payload: ProgressReportIn):
    task = get_object_or_404(Task.objects.restrict(request.auth, VIEW), pk=pk)
    update = services.report_progress(request.auth, task, payload.dict(exclude_unset=True))
    return Status(201, update)


# Meetings and decisions ----------------------------------------------------------------------------------------

class DecisionOut(Schema):
    id: int
    meeting_id: int
    chain_id: int
    chain_name: str
    text: str
    lead_department_id: int
    lead_department_name: str
    responsible_id: int | None
    responsible_name: str | None
    due_on: date
    task_ids: list[int]
    done: bool
    overdue: bool
    version: int

    resolve_chain_name = _name("chain")
    resolve_lead_department_name = _name("lead_department")
    resolve_responsible_name = _name("responsible")

    @staticmethod
    def resolve_task_ids(obj):
        return [t.pk for t in obj.tasks.all()]

    @staticmethod
    def resolve_done(obj):
        tasks = list(obj.tasks.all())
        return bool(tasks) and all(t.status == "done" for t in tasks)

    @staticmethod
    def resolve_overdue(obj):
        return any(t.is_overdue for t in obj.tasks.all())


class MeetingOut(Schema):
    id: int
    region_id: int
    chain_id: int | None
    chain_name: str | None
    title: str
    held_on: date
    place: str
    chair_id: int | None
    chair_name: str | None
    attendee_ids: list[int]
    minutes: str
    status: str
    status_label: str
    decision_count: int = 0
    version: int

    resolve_chain_name = _name("chain")
    resolve_chair_name = _name("chair")
    resolve_status_label = _label("status")

    @staticmethod
    def resolve_attendee_ids(obj):
        return [p.pk for p in obj.attendees.all()]

    @staticmethod
    def resolve_decision_count(obj):
        return getattr(obj, "decision_count", 0)


class MeetingFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    status: str | None = None
    held_from: Annotated[date | None, FilterLookup("held_on__gte")] = None
    held_to: Annotated[date | None, FilterLookup("held_on__lte")] = None


crud(router, Meeting, out=MeetingOut, name="Meeting", path="/meetings", tags=TAGS,
     fields=["region", "chain", "title", "held_on", "place", "chair", "attendees", "minutes", "status"],
     search=("title", "minutes", "place"), filters=MeetingFilters,
     queryset=lambda: Meeting.objects.select_related("chain", "chair").prefetch_related("attendees")
     .annotate(decision_count=Count("decisions")))


class MeetingDecisionIn(InputSchema):
    text: str
    chain: int | None = None
    lead_department: int | None = None
    responsible: int | None = None
    due_on: date | None = None
    days: int | None = None


class DecisionFilters(ListParams):
    meeting: Annotated[int | None, FilterLookup("meeting_id")] = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    lead_department: Annotated[int | None, FilterLookup("lead_department_id")] = None


def decision_queryset():
    return Decision.objects.select_related("chain", "lead_department", "responsible").prefetch_related("tasks")


crud(router, Decision, out=DecisionOut, name="Decision", path="/decisions", tags=TAGS,
     fields=["meeting", "chain", "text", "lead_department", "responsible", "due_on"], search=("text",),
     filters=DecisionFilters, queryset=decision_queryset,
     create=lambda user, data: services.record_decision(user, _visible(Meeting, user, data.pop("meeting")), data))


@router.post("/meetings/{int:pk}/decisions", response={201: DecisionOut}, tags=TAGS,
             summary="记录议定事项（生成督办任务）", operation_id="record_decision")
def record_decision(request, pk: int, payload: MeetingDecisionIn):
    meeting = get_object_or_404(Meeting.objects.restrict(request.auth, VIEW), pk=pk)
    decision = services.record_decision(request.auth, meeting, payload.dict(exclude_unset=True))
    return Status(201, decision_queryset().get(pk=decision.pk))


# Research and findings -----------------------------------------------------------------------------------------

class ResearchOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    title: str
    kind: str
    kind_label: str
    conducted_on: date
    department_id: int | None
    department_name: str | None
    enterprise_ids: list[int]
    summary: str
    finding_count: int = 0
    version: int

    resolve_chain_name = _name("chain")
    resolve_department_name = _name("department")
    resolve_kind_label = _label("kind")

    @staticmethod
    def resolve_enterprise_ids(obj):
        return [e.pk for e in obj.enterprises.all()]

    @staticmethod
    def resolve_finding_count(obj):
        return getattr(obj, "finding_count", 0)


class ResearchFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    kind: str | None = None


crud(router, Research, out=ResearchOut, name="Research", path="/research", tags=TAGS,
     fields=["chain", "title", "kind", "conducted_on", "department", "enterprises", "summary"],
     search=("title", "summary"), filters=ResearchFilters,
     queryset=lambda user: Research.objects.select_related("chain", "department")
     .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.restrict(user, VIEW)))
     .annotate(finding_count=Count("findings")))


class FindingOut(Schema):
    id: int
    research_id: int
    text: str
    enterprise_id: int | None
    enterprise_name: str | None
    task_id: int | None
    request_id: int | None
    version: int

    resolve_enterprise_id = _if_seen("enterprise_seen", lambda obj: obj.enterprise_id)
    resolve_enterprise_name = _if_seen("enterprise_seen", lambda obj: obj.enterprise.name if obj.enterprise_id else None)
    resolve_request_id = _if_seen("request_seen", lambda obj: obj.request_id)


class FindingFilters(ListParams):
    research: Annotated[int | None, FilterLookup("research_id")] = None
    chain: Annotated[int | None, FilterLookup("research__chain_id")] = None


crud(router, Finding, out=FindingOut, name="Finding", path="/findings", tags=TAGS,
     fields=["research", "text", "enterprise"], search=("text",), filters=FindingFilters,
     queryset=lambda user: Finding.objects.select_related("enterprise").annotate(
         enterprise_seen=sees(user, Enterprise, "enterprise_id"), request_seen=sees(user, Request, "request_id")))


@router.post("/findings/{int:pk}/task", response={201: TaskOut}, tags=TAGS, summary="调研发现转为任务",
             operation_id="finding_to_task")
def finding_to_task(request, pk: int):
    finding = get_object_or_404(Finding.objects.restrict(request.auth, VIEW).select_related("research"), pk=pk)
    task = services.finding_to_task(request.auth, finding)
    return Status(201, task_queryset().get(pk=task.pk))


class RequestRef(Schema):
    id: int
    title: str
    status: str


@router.post("/findings/{int:pk}/request", response={201: RequestRef}, tags=TAGS, summary="调研发现转为企业诉求",
             operation_id="finding_to_request")
def finding_to_request(request, pk: int):
    finding = get_object_or_404(Finding.objects.restrict(request.auth, VIEW).select_related("research"), pk=pk)
    return Status(201, services.finding_to_request(request.auth, finding))


# Alliances -----------------------------------------------------------------------------------------------------

class AllianceOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    name: str
    founded_on: date | None
    lead_enterprise_id: int | None
    lead_enterprise_name: str | None
    description: str
    member_count: int = 0
    version: int

    resolve_chain_name = _name("chain")
    resolve_lead_enterprise_id = _if_seen("lead_seen", lambda obj: obj.lead_enterprise_id)
    resolve_lead_enterprise_name = _if_seen("lead_seen", lambda obj: obj.lead_enterprise.name
                                            if obj.lead_enterprise_id else None)

    @staticmethod
    def resolve_member_count(obj):
        return getattr(obj, "member_count", 0)


class AllianceFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None


crud(router, Alliance, out=AllianceOut, name="Alliance", path="/alliances", tags=TAGS,
     fields=["chain", "name", "founded_on", "lead_enterprise", "description"], search=("name", "description"),
     filters=AllianceFilters,
     queryset=lambda user: Alliance.objects.select_related("chain", "lead_enterprise").annotate(
         member_count=Count("members"), lead_seen=sees(user, Enterprise, "lead_enterprise_id")))


class AllianceMemberOut(Schema):
    id: int
    alliance_id: int
    kind: str
    kind_label: str
    enterprise_id: int | None
    name: str
    display_name: str
    role: str
    joined_on: date | None
    version: int

    resolve_kind_label = _label("kind")
    resolve_enterprise_id = _if_seen("enterprise_seen", lambda obj: obj.enterprise_id)

    @staticmethod
    def resolve_display_name(obj):
        return obj.display_name if getattr(obj, "enterprise_seen", True) else (obj.name or str(LOCAL_ENTERPRISE))


class AllianceChildFilters(ListParams):
    alliance: Annotated[int | None, FilterLookup("alliance_id")] = None


crud(router, AllianceMember, out=AllianceMemberOut, name="AllianceMember", path="/alliance-members", tags=TAGS,
     fields=["alliance", "kind", "enterprise", "name", "role", "joined_on"], search=("name", "enterprise__name"),
     filters=AllianceChildFilters, queryset=lambda user: AllianceMember.objects.select_related("enterprise")
     .annotate(enterprise_seen=sees(user, Enterprise, "enterprise_id")))


class AllianceActivityOut(Schema):
    id: int
    alliance_id: int
    held_on: date
    title: str
    summary: str
    version: int


crud(router, AllianceActivity, out=AllianceActivityOut, name="AllianceActivity", path="/alliance-activities",
     tags=TAGS, fields=["alliance", "held_on", "title", "summary"], search=("title", "summary"),
     filters=AllianceChildFilters)


# Policies ------------------------------------------------------------------------------------------------------

class PolicyOut(Schema):
    id: int
    region_id: int
    title: str
    issuer: str
    number: str
    issued_on: date
    chain_ids: list[int]
    summary: str
    version: int

    @staticmethod
    def resolve_chain_ids(obj):
        return [c.pk for c in obj.chains.all()]


class PolicyFilters(ListParams):
    chain: int | None = None
    issued_from: Annotated[date | None, FilterLookup("issued_on__gte")] = None
    issued_to: Annotated[date | None, FilterLookup("issued_on__lte")] = None

    def filter_chain(self, value):
        # A policy without chains applies to every chain.
        return Q() if value is None else Q(chains=value) | Q(chains__isnull=True)


crud(router, Policy, out=PolicyOut, name="Policy", path="/policies", tags=TAGS,
     fields=["region", "title", "issuer", "number", "issued_on", "chains", "summary"],
     search=("title", "issuer", "number", "summary"), filters=PolicyFilters,
     queryset=lambda: Policy.objects.prefetch_related("chains").distinct())


class PolicyBenefitOut(Schema):
    id: int
    policy_id: int
    policy_title: str
    enterprise_id: int
    enterprise_name: str
    year: int
    amount: Decimal
    note: str
    version: int

    resolve_enterprise_name = _name("enterprise")

    @staticmethod
    def resolve_policy_title(obj):
        return obj.policy.title


class PolicyBenefitFilters(ListParams):
    policy: Annotated[int | None, FilterLookup("policy_id")] = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    year: int | None = None


crud(router, PolicyBenefit, out=PolicyBenefitOut, name="PolicyBenefit", path="/policy-benefits", tags=TAGS,
     fields=["policy", "enterprise", "year", "amount", "note"], search=("enterprise__name", "note"),
     filters=PolicyBenefitFilters, queryset=lambda: PolicyBenefit.objects.select_related("policy", "enterprise"))


# Key projects --------------------------------------------------------------------------------------------------

class KeyProjectOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    enterprise_id: int
    enterprise_name: str
    segment_id: int | None
    segment_name: str | None
    name: str
    kind: str
    kind_label: str
    total_investment: Decimal
    year: int
    annual_plan: Decimal
    completed_in_year: Decimal
    completion_rate: float | None
    stage: str
    stage_label: str
    planned_start_on: date | None
    planned_finish_on: date | None
    started_on: date | None
    finished_on: date | None
    department_id: int | None
    behind_schedule: bool
    behind_reasons: list[str]
    version: int

    resolve_chain_name = _name("chain")
    resolve_enterprise_name = _name("enterprise")
    resolve_segment_name = _name("segment")
    resolve_kind_label = _label("kind")
    resolve_stage_label = _label("stage")

    @staticmethod
    def resolve_completed_in_year(obj):
        return progress_of(obj)["completed"]

    @staticmethod
    def resolve_completion_rate(obj):
        rate = progress_of(obj)["rate"]
        return None if rate is None else round(float(rate), 1)

    @staticmethod
    def resolve_behind_schedule(obj):
        return progress_of(obj)["behind"]

    @staticmethod
    def resolve_behind_reasons(obj):
        return progress_of(obj)["reasons"]


class KeyProjectFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    segment: Annotated[int | None, FilterLookup("segment_id")] = None
    stage: str | None = None
    kind: str | None = None
    year: int | None = None


def project_queryset():
    return with_completed(KeyProject.objects.select_related("chain", "enterprise", "segment"))


def _behind(qs, params):
    value = getattr(params, "behind", None)
    return qs if value is None else behind(qs, value)


class KeyProjectListFilters(KeyProjectFilters):
    behind: bool | None = None

    def filter_behind(self, value):
        return Q()


crud(router, KeyProject, out=KeyProjectOut, name="KeyProject", path="/projects", tags=TAGS,
     fields=["chain", "enterprise", "segment", "name", "kind", "total_investment", "year", "annual_plan", "stage",
             "planned_start_on", "planned_finish_on", "started_on", "finished_on", "department"],
     search=("name", "enterprise__name"), filters=KeyProjectListFilters, apply_filters=_behind,
     queryset=project_queryset)


class ProjectMonthOut(Schema):
    id: int
    project_id: int
    year: int
    month: int
    completed: Decimal
    version: int


class ProjectMonthFilters(ListParams):
    project: Annotated[int | None, FilterLookup("project_id")] = None
    year: int | None = None


crud(router, ProjectMonth, out=ProjectMonthOut, name="ProjectMonth", path="/project-months", tags=TAGS,
     fields=["project", "year", "month", "completed"], filters=ProjectMonthFilters,
     create=lambda user, data: services.record_month(user, _visible(KeyProject, user, data["project"]), data["year"],
                                                     data["month"], data["completed"]))
