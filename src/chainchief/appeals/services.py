"""Every write of an enterprise request: filing it, each step of its workflow, corrections by the chain office.

The workflow (``TRANSITIONS``): 待受理 → 已受理 (或 不予受理) → 已交办 → 办理中 → 已答复 → 已评价 → 已办结; an
"unsatisfied" evaluation sends it back to 办理中. 督办 (escalation of an overdue request) and the chain chief's
批示 (instruction) are steps on the timeline that leave the status as it is. Each step checks who may take it,
refuses a step the status does not allow (``StepRefused``, HTTP 409), writes the request, one timeline event
and one change-log row in one transaction.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.accounts import notifications
from chainchief.accounts.roles import Role
from chainchief.appeals import deadlines
from chainchief.appeals.models import (
    PENDING_STATUSES, Channel, EventAction, Request, RequestEvent, RequestStatus, Satisfaction,
)
from chainchief.core import services
from chainchief.core.permissions import VIEW, can, region_wide
from chainchief.core.services import Conflict

S = RequestStatus


class StepRefused(Conflict):
    """A step the request's status does not allow (HTTP 409)."""


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple  # statuses the step starts from
    target: str | None  # the status it leads to (None: unchanged)
    who: str  # office, handler, evaluator, chief
    needs: tuple = ()  # input the step requires


TRANSITIONS = {s.action: s for s in (
    Step(EventAction.ACCEPT, _("受理"), (S.SUBMITTED,), S.ACCEPTED, "office"),
    Step(EventAction.REJECT, _("不予受理"), (S.SUBMITTED,), S.REJECTED, "office", ("note",)),
    Step(EventAction.ASSIGN, _("交办"), (S.ACCEPTED, S.ASSIGNED, S.HANDLING), S.ASSIGNED, "office", ("department",)),
    Step(EventAction.START, _("开始办理"), (S.ASSIGNED,), S.HANDLING, "handler"),
    Step(EventAction.REPLY, _("答复"), (S.ASSIGNED, S.HANDLING), S.REPLIED, "handler", ("note",)),
    Step(EventAction.EVALUATE, _("评价"), (S.REPLIED,), S.REVIEWED, "evaluator", ("satisfaction",)),
    Step(EventAction.CLOSE, _("办结"), (S.REVIEWED,), S.CLOSED, "office"),
    Step(EventAction.ESCALATE, _("督办"), PENDING_STATUSES, None, "office"),
    Step(EventAction.INSTRUCT, _("链长批示"), PENDING_STATUSES + (S.REPLIED,), None, "chief", ("note",)),
)}
# What a filer other than the chain office may set when filing.
FILER_FIELDS = {"enterprise", "chain", "category", "urgency", "title", "content"}


def is_office(user):
    return region_wide(user)


def _is_handler(user, req):
    return is_office(user) or (user.role == Role.DEPT and bool(user.department_id)
                                and user.department_id == req.department_id)


def _is_evaluator(user, req):
    if is_office(user):
        return True
    return user.role in (Role.ENTERPRISE, Role.COMMISSIONER) and req.enterprise_id in user.scope.enterprises


def _is_chief(user, req):
    return is_office(user) or (user.role == Role.CHIEF and req.chain_id in user.scope.chains)


WHO = {"office": lambda user, req: is_office(user), "handler": _is_handler, "evaluator": _is_evaluator,
       "chief": _is_chief}
WHO_LABELS = {"office": _("链长办"), "handler": _("承办部门"), "evaluator": _("企业或其服务专员"), "chief": _("该产业链链长")}


def allowed_steps(user, req):
    """The steps ``user`` may take on ``req`` now (for buttons and the API's list of transitions)."""
    out = []
    for step in TRANSITIONS.values():
        if req.status not in step.sources or not WHO[step.who](user, req):
            continue
        if step.action == EventAction.ESCALATE and (not req.is_overdue or req.escalated_at):
            continue
        out.append(step)
    return out


def _event(req, user, action, before, note=""):
    return RequestEvent.objects.create(request=req, action=action, from_status=before, to_status=req.status,
                                       user=user if user.is_authenticated else None,
                                       actor=_actor(user), note=note)


def _actor(user):
    person = getattr(user, "person", None) if user.is_authenticated else None
    return str(person) if person is not None else str(user)


def _commissioner_of(enterprise):
    """The commissioner serving ``enterprise`` (an object or id) today, if any."""
    from chainchief.enterprises.models import CommissionerAssignment, current_assignments_q

    assignment = (CommissionerAssignment.objects.filter(current_assignments_q(),
                                                        enterprise_id=getattr(enterprise, "pk", enterprise))
                  .select_related("commissioner").order_by("-started_on", "-id").first())
    return assignment.commissioner if assignment else None


def _only_chain(enterprise):
    """The chain of an enterprise that belongs to one chain only (a request is then about that chain)."""
    from chainchief.enterprises.models import Membership

    pk = getattr(enterprise, "pk", enterprise)
    chains = list(Membership.objects.filter(enterprise_id=pk).values_list("chain_id", flat=True)[:2])
    return chains[0] if len(chains) == 1 else None


@transaction.atomic
def file_request(user, data):
    """A new request (待受理). An enterprise user files for its own enterprise, a commissioner for one it serves,
    the chain office and the chain's staff on an enterprise's behalf."""
    data = dict(data)
    office = user.role not in (Role.ENTERPRISE, Role.COMMISSIONER)
    extra = sorted(set(data) - FILER_FIELDS)
    if not office and extra:
        raise ValidationError({extra[0]: _("该项由链长办填写。")})
    for field in ("status", "department", "cooperating_departments", "reply", "satisfaction", "closed_on",
                  "replied_on", "escalated_at", "reject_reason"):
        if field in data:
            raise ValidationError({field: _("该项随办理流程填写，提交时不能指定。")})
    data["channel"] = {Role.ENTERPRISE: Channel.ENTERPRISE, Role.COMMISSIONER: Channel.COMMISSIONER}.get(
        user.role, Channel.OFFICE)
    data["status"] = S.SUBMITTED
    if user.role == Role.COMMISSIONER and getattr(user, "person", None) is not None:
        data.setdefault("commissioner", user.person)
    if data.get("enterprise"):
        if not data.get("chain"):
            data["chain"] = _only_chain(data["enterprise"])
        if not data.get("commissioner"):
            data["commissioner"] = _commissioner_of(data["enterprise"])
    req = services.create(user, Request, data)
    _event(req, user, EventAction.SUBMIT, "", "")
    _send("request.submitted", req, user)
    return req


@transaction.atomic
def take_step(user, req, action, *, note="", department=None, cooperating=None, satisfaction=None,
              version=None):
    """Take the workflow step ``action`` on ``req``; returns the request as saved."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise ValidationError({"action": _("未知的办理环节“%(action)s”，可选：%(known)s。") % {
            "action": action, "known": "、".join(TRANSITIONS)}})
    if not can(user, VIEW, req):
        raise PermissionDenied(_("无权查看该诉求。"))
    req = Request.objects.select_for_update().select_related("enterprise").get(pk=req.pk)
    if version is not None and int(version) != req.version:
        raise Conflict(_("数据已被他人修改（当前版本 %(current)s，提交版本 %(sent)s），请刷新后重试。") % {
            "current": req.version, "sent": version}, current_version=req.version)
    if not WHO[step.who](user, req):
        raise PermissionDenied(_("“%(step)s”须由%(who)s办理。") % {"step": step.label, "who": WHO_LABELS[step.who]})
    if req.status not in step.sources:
        raise StepRefused(_("诉求当前为“%(status)s”，不能“%(step)s”。") % {
            "status": req.get_status_display(), "step": step.label}, current_version=req.version)
    note = (note or "").strip()
    if "note" in step.needs and not note:
        what = {EventAction.REJECT: _("不予受理的理由"), EventAction.REPLY: _("答复内容"),
                EventAction.INSTRUCT: _("批示内容")}[action]
        raise ValidationError({"note": _("请填写%(what)s。") % {"what": what}})
    before_status, before = req.status, services.snapshot(req)
    today = timezone.localdate()
    target = step.target
    if action == EventAction.ACCEPT:
        if req.due_on is None:
            req.due_on = deadlines.due_date(req, today)
    elif action == EventAction.REJECT:
        req.reject_reason = note
    elif action == EventAction.ASSIGN:
        if department is None:
            raise ValidationError({"department": _("请选择承办部门。")})
        if not can(user, VIEW, department):
            raise ValidationError({"department": _("所选承办部门不存在或无权访问。")})
        req.department = department
    elif action == EventAction.REPLY:
        req.reply, req.replied_on = note, today
    elif action == EventAction.EVALUATE:
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": _("请选择评价：满意、基本满意或不满意。")})
        req.satisfaction = satisfaction
        if satisfaction == Satisfaction.UNSATISFIED:
            target = S.HANDLING  # 不满意: back to the department
            req.replied_on = None
    elif action == EventAction.CLOSE:
        req.closed_on = today
    elif action == EventAction.ESCALATE:
        if not req.is_overdue:
            raise StepRefused(_("诉求未超期，无需督办。"), current_version=req.version)
        if req.escalated_at:
            raise StepRefused(_("该诉求已督办。"), current_version=req.version)
        req.escalated_at = timezone.now()
    if target is not None:
        req.status = target
    services._full_clean(req)
    req.version += 1
    req.updated_by = user
    req.save()
    if action == EventAction.ASSIGN and cooperating is not None:
        cooperating = [d for d in cooperating if d.pk != req.department_id]
        for d in cooperating:
            if not can(user, VIEW, d):
                raise ValidationError({"cooperating_departments": _("所选协办部门不存在或无权访问。")})
        req.cooperating_departments.set(cooperating)
    shown = note or (str(req.department) if action == EventAction.ASSIGN else "")
    if action == EventAction.EVALUATE:
        shown = "；".join(x for x in (req.get_satisfaction_display(), note) if x)
    _event(req, user, action, before_status, shown)
    services.record(user, "update", req, before=before, after=services.snapshot(req))
    _notify_next(req, action, user)
    return req


@transaction.atomic
def update_request(user, req, data, version=None):
    """Corrections of a request's facts by the chain office; its status changes only by steps."""
    if not is_office(user):
        raise PermissionDenied(_("诉求的基本信息只能由链长办更正；办理请使用相应的办理环节。"))
    for field in ("status", "department", "cooperating_departments", "reply", "replied_on", "satisfaction",
                  "closed_on", "escalated_at", "reject_reason", "channel"):
        if field in data:
            raise ValidationError({field: _("该项随办理流程填写，不能直接修改。")})
    return services.update(user, req, data, version=version)


@transaction.atomic
def delete_request(user, req, version=None):
    if not is_office(user):
        raise PermissionDenied(_("诉求只能由链长办删除。"))
    return services.delete(user, req, version=version)


def may_attach(user, req):
    """Who may add documents to a request: its enterprise and commissioner, the handling department, the chain
    office; never to a finished one."""
    return req.status not in (S.CLOSED, S.REJECTED) and (
        _is_evaluator(user, req) or _is_handler(user, req)
        or (user.role == Role.DEPT and req.cooperating_departments.filter(pk=user.department_id).exists()))


def attach(user, req, upload):
    from chainchief.attachments import services as attachments

    return attachments.attach(user, req, upload, allowed=may_attach)


# --- notifications: to whoever must act next ------------------------------------------------------------------

def _url(req):
    return f"/requests/{req.pk}/"


def _send(event, req, actor=None):
    """Send ``event`` about ``req`` (``accounts.notifications.RULES`` decides to whom), naming its chain."""
    subject = notifications.Subject(req, chain=req.chain, region_id=req.enterprise.region_id,
                                    departments=(req.department_id,), enterprise_id=req.enterprise_id,
                                    commissioner_id=req.commissioner_id)
    return notifications.send(event, subject, {"title": req.title}, _url(req), actor)


# Which event each step sends; an evaluation's depends on the rating.
STEP_EVENTS = {EventAction.ASSIGN: "request.assigned", EventAction.REPLY: "request.replied",
               EventAction.ESCALATE: "request.escalated", EventAction.INSTRUCT: "request.instructed",
               EventAction.ACCEPT: "request.accepted", EventAction.REJECT: "request.rejected"}


def _notify_next(req, action, actor=None):
    if action == EventAction.EVALUATE:
        event = "request.unsatisfied" if req.satisfaction == Satisfaction.UNSATISFIED else "request.reviewed"
    else:
        event = STEP_EVENTS.get(action)
    if event:
        _send(event, req, actor)


def escalate_overdue(user, today=None):
    """督办 every overdue request of ``user``'s region not yet escalated (a daily command); returns the count."""
    from chainchief.appeals.models import overdue_q

    count = 0
    for req in Request.objects.restrict(user, VIEW).filter(overdue_q(today), escalated_at__isnull=True):
        take_step(user, req, EventAction.ESCALATE, note=_("超过办理期限，自动提请督办。"))
        count += 1
    return count
