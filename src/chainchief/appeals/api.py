from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import File, FilterLookup, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.orm import create_schema

from chainchief.appeals import services, stats
from chainchief.appeals.models import Request, RequestDeadline, overdue_q
from chainchief.attachments.api import AttachmentOut
from chainchief.core.api_crud import InputSchema, ListParams, crud
from chainchief.core.models import Department
from chainchief.core.permissions import VIEW

router = Router()
TAGS = ["企业诉求"]


class RequestOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    chain_id: int | None
    category: str
    category_label: str
    urgency: str
    urgency_label: str
    channel: str
    title: str
    content: str
    status: str
    status_label: str
    department_id: int | None
    department_name: str | None
    cooperating_department_ids: list[int]
    commissioner_id: int | None
    commissioner_name: str | None
    received_on: date
    due_on: date | None
    replied_on: date | None
    closed_on: date | None
    reply: str
    reject_reason: str
    satisfaction: str
    escalated_at: datetime | None
    overdue: bool
    version: int

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_urgency_label(obj):
        return obj.get_urgency_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_cooperating_department_ids(obj):
        return sorted(d.pk for d in obj.cooperating_departments.all())

    @staticmethod
    def resolve_commissioner_name(obj):
        return obj.commissioner.name if obj.commissioner_id else None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class RequestFilters(ListParams):
    status: str | None = None
    category: str | None = None
    urgency: str | None = None
    satisfaction: str | None = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    department: Annotated[int | None, FilterLookup("department_id")] = None
    commissioner: Annotated[int | None, FilterLookup("commissioner_id")] = None
    received_from: Annotated[date | None, FilterLookup("received_on__gte")] = None
    received_to: Annotated[date | None, FilterLookup("received_on__lte")] = None
    overdue: bool | None = None
    escalated: bool | None = None

    def filter_overdue(self, value):
        if value is None:
            return Q()
        return overdue_q() if value else ~overdue_q()

    def filter_escalated(self, value):
        if value is None:
            return Q()
        return Q(escalated_at__isnull=not value)


FIELDS = ["enterprise", "chain", "category", "urgency", "title", "content", "commissioner", "received_on", "due_on"]
RequestIn = create_schema(Request, name="RequestIn", fields=FIELDS,
                          optional_fields=["chain", "category", "urgency", "commissioner", "received_on", "due_on"],
                          base_class=InputSchema)


def _requests():
    return Request.objects.select_related("enterprise", "department", "commissioner").prefetch_related(
        "cooperating_departments")


crud(router, Request, out=RequestOut, name="Request", path="/requests", tags=TAGS, fields=FIELDS,
     search=("title", "content", "enterprise__name"), filters=RequestFilters, queryset=_requests,
     create=services.file_request, create_in=RequestIn,
     update=lambda user, obj, data, version: services.update_request(user, obj, data, version),
     delete=lambda user, obj, version: services.delete_request(user, obj, version))


# --- the workflow --------------------------------------------------------------------------------------------

class StepOut(Schema):
    action: str
    label: str
    needs: list[str]


class EventOut(Schema):
    id: int
    time: datetime
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: str
    note: str

    @staticmethod
    def resolve_action_label(obj):
        return obj.get_action_display()


class Transitions(Schema):
    status: str
    status_label: str
    version: int
    allowed: list[StepOut]
    events: list[EventOut]


class TransitionIn(InputSchema):
    action: Literal["accept", "reject", "assign", "start", "reply", "evaluate", "close", "escalate", "instruct"]
    note: str = ""
    department_id: int | None = None
    cooperating_department_ids: list[int] | None = None
    satisfaction: Literal["satisfied", "basic", "unsatisfied"] | None = None
    version: int | None = None


def _visible(request, pk):
    return get_object_or_404(Request.objects.restrict(request.auth, VIEW).select_related("enterprise"), pk=pk)


def _steps(user, req):
    return [{"action": s.action, "label": str(s.label), "needs": list(s.needs)}
            for s in services.allowed_steps(user, req)]


@router.get("/requests/{int:pk}/transitions", response=Transitions, tags=TAGS, summary="诉求的办理环节与记录")
def transitions(request, pk: int):
    req = _visible(request, pk)
    return {"status": req.status, "status_label": req.get_status_display(), "version": req.version,
            "allowed": _steps(request.auth, req), "events": list(req.events.all())}


def _departments(request, ids):
    found = {d.pk: d for d in Department.objects.restrict(request.auth, VIEW).filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"department": f"所选部门（编号 {missing[0]}）不存在或无权访问。"})
    return [found[i] for i in ids]


@router.post("/requests/{int:pk}/transitions", response=RequestOut, tags=TAGS, summary="办理诉求（一个环节）")
def take_step(request, pk: int, payload: TransitionIn):
    req = _visible(request, pk)
    department = _departments(request, [payload.department_id])[0] if payload.department_id else None
    cooperating = (_departments(request, payload.cooperating_department_ids)
                   if payload.cooperating_department_ids is not None else None)
    services.take_step(request.auth, req, payload.action, note=payload.note, department=department,
                       cooperating=cooperating, satisfaction=payload.satisfaction, version=payload.version)
    return _requests().get(pk=pk)


@router.get("/requests/{int:pk}/events", response=list[EventOut], tags=TAGS, summary="诉求办理记录")
def events(request, pk: int):
    return list(_visible(request, pk).events.all())


@router.get("/requests/{int:pk}/attachments", response=list[AttachmentOut], tags=TAGS, summary="诉求附件")
def attachments(request, pk: int):
    from chainchief.attachments.services import of

    return list(of(_visible(request, pk)))


@router.post("/requests/{int:pk}/attachments", response={201: AttachmentOut}, tags=TAGS, summary="上传诉求附件")
def upload(request, pk: int, file: UploadedFile = File(...)):
    return 201, services.attach(request.auth, _visible(request, pk), file)


# --- statistics ----------------------------------------------------------------------------------------------

class StatsRow(Schema):
    key: str | int | None
    name: str
    count: int
    open: int
    overdue: int
    answered: int
    on_time_rate: float | None
    average_days: float | None
    evaluated: int
    satisfaction_rate: float | None


class StatsQuery(Schema):
    by: Literal["chain", "department", "category", "urgency"] = "department"
    received_from: date | None = None
    received_to: date | None = None
    chain: int | None = None


class StatsOut(Schema):
    by: str
    total: StatsRow
    rows: list[StatsRow]


@router.get("/requests/stats", response=StatsOut, tags=TAGS, summary="诉求办理统计（按产业链、部门、类别）")
def request_stats(request, query: Query[StatsQuery]):
    return stats.table(request.auth, query.by, received_from=query.received_from, received_to=query.received_to,
                       chain=query.chain)


# --- deadlines -----------------------------------------------------------------------------------------------

class DeadlineOut(Schema):
    id: int
    region_id: int
    category: str
    urgency: str
    days: int
    working_days: bool
    version: int


crud(router, RequestDeadline, out=DeadlineOut, name="RequestDeadline", path="/request-deadlines", tags=TAGS,
     fields=["region", "category", "urgency", "days", "working_days"])
