"""Writes for the work ledger: through core.services (permission checked, one transaction, audited), with the
notifications each step sends (a task assigned, a decision made, a deadline near, a task overdue, progress on a
supervised task, a 催办): events of ``accounts.notifications.RULES``."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.accounts.models import User
from chainchief.accounts import notifications
from chainchief.accounts.roles import Role
from chainchief.appeals import services as appeals_services
from chainchief.appeals.deadlines import add_days, is_workday
from chainchief.attachments import services as attachments
from chainchief.chains.models import Chain, ChainDepartment
from chainchief.core import services
from chainchief.core.permissions import CHANGE, VIEW, can, check
from chainchief.work.models import (Decision, KeyProject, ProjectMonth, Task, TaskStatus, TaskUpdate, TaskUrge,
                                    overdue_q)


def working_days():
    """Whether the ledger counts deadlines in working days (China's official calendar): ``WORK_WORKING_DAYS``."""
    return bool(getattr(settings, "WORK_WORKING_DAYS", True))


def remind_days():
    """How many days (working days where the setting asks for them) before its deadline a task is "near"."""
    return int(getattr(settings, "WORK_REMIND_DAYS", 3))


def deadline_after(start, days):
    """The date ``days`` days after ``start``: working days when the setting asks for them."""
    return add_days(start, days, working_days=working_days())


def task_url(task):
    return reverse("work:task", args=[task.pk])


def assignees(task):
    """Who hears about a task: its responsible person's login if it has one, else the lead department's staff."""
    person = task.responsible
    if person is not None and getattr(person, "user_id", None):
        return [person.user_id]
    return list(User.objects.filter(department_id=task.lead_department_id, role=Role.DEPT, is_active=True)
                .values_list("pk", flat=True))


def task_event(event, task, actor=None, **params):
    """Send ``event`` about ``task`` (``accounts.notifications.RULES`` decides to whom), naming its chain."""
    subject = notifications.Subject(task, chain=task.chain, region_id=task.chain.region_id,
                                    departments=(task.lead_department_id,), assignees=tuple(assignees(task)))
    due = f"{task.due_on:%Y-%m-%d}" if task.due_on else _("未定")
    return notifications.send(event, subject, {"title": task.title, "due": due, **params}, task_url(task), actor)


def _chain_lead(user, chain):
    if not Chain.objects.restrict(user, VIEW).filter(pk=getattr(chain, "pk", chain)).exists():
        raise ValidationError({"chain": _("所选产业链不存在或无权访问。")})
    lead = (ChainDepartment.objects.filter(chain_id=getattr(chain, "pk", chain), is_lead=True)
            .values_list("department_id", flat=True).first())
    if lead is None:
        raise ValidationError({"lead_department": _("该产业链尚未确定牵头部门，请指定牵头部门。")})
    return lead


@transaction.atomic
def create_task(user, data, *, notify_assignees=True):
    """Create a task. Without a lead department it falls to the chain's lead department (牵头部门)."""
    data = dict(data)
    if data.get("lead_department") is None and data.get("chain") is not None:
        data["lead_department"] = _chain_lead(user, data["chain"])
    task = services.create(user, Task, data)
    if notify_assignees:
        task_event("task.assigned", task, user)
    return task


@transaction.atomic
def update_task(user, task, data, version=None):
    """Change a task; a new department or responsible person (a reassignment, audited like every change) is
    told of it."""
    before = (task.lead_department_id, task.responsible_id)
    due = task.due_on
    task = services.update(user, task, data, version=version)
    if task.due_on != due and task.reminded:
        Task.objects.filter(pk=task.pk).update(reminded="")  # a new deadline is reminded afresh
        task.reminded = ""
    if (task.lead_department_id, task.responsible_id) != before:
        task_event("task.reassigned", task, user)
    return task


@transaction.atomic
def report_progress(user, task, data, upload=None):
    """A progress report on a task: stored with its date, sets the task's status and latest progress, and keeps
    the uploaded evidence as the report's attachment. Whoever may change the task may report on it."""
    check(user, CHANGE, task)
    data = dict(data)
    version = data.pop("version", None)
    data["task"] = task
    if not data.get("status"):
        data["status"] = task.status
    update = services.create(user, TaskUpdate, data)
    changes = {"progress": update.text}
    if update.status != task.status:
        changes["status"] = update.status
    services.update(user, task, changes, version=version)
    if upload is not None:
        attachments.attach(user, update, upload, allowed=lambda u, o: can(u, CHANGE, o.task))
    if task.is_supervised:  # the office and the chief follow a 督办 item
        text = update.text if len(update.text) <= 60 else update.text[:59] + "…"
        task_event("task.progress", task, user, progress=text)
    return update


def may_urge(user, task):
    """Whether ``user`` may 催办 ``task``: its chain's chief or the office, on an open task it may change."""
    return (user.role in (Role.CHIEF, Role.COORDINATOR, Role.ADMIN) and task.status != TaskStatus.DONE
            and can(user, CHANGE, task))


@transaction.atomic
def urge_task(user, task, today=None):
    """催办: remind a task's assignees, at most once a day per task (``TaskUrge``, audited)."""
    today = today or timezone.localdate()
    if not may_urge(user, task):
        check(user, CHANGE, task)
        raise ValidationError({"task": _("只有链长或链长办可以催办未完成的任务。")})
    if TaskUrge.objects.filter(task=task, on=today).exists():
        raise ValidationError({"task": _("该任务今天已催办，每个任务每天最多催办一次。")})
    urge = services.create(user, TaskUrge, {"task": task, "on": today})
    task_event("task.urged", task, user)
    return urge


MAX_DECISION_DAYS = 365  # "within N days" of a decision: counted day by day on the official calendar


@transaction.atomic
def record_decision(user, meeting, data):
    """A meeting's decision (议定事项), and the supervised task (督办事项) that carries it out, assigned to its
    department and person. ``days`` instead of ``due_on``: the deadline counted from the meeting's date."""
    check(user, CHANGE, meeting)
    data = dict(data)
    days = data.pop("days", None)
    if days is not None and not 1 <= int(days) <= MAX_DECISION_DAYS:  # the form's bound, for every path
        raise ValidationError({"days": _("天数应在 1 至 %(n)s 之间。") % {"n": MAX_DECISION_DAYS}})
    if not data.get("due_on") and days:
        data["due_on"] = deadline_after(meeting.held_on, int(days))
    data["meeting"] = meeting
    if not data.get("chain"):
        data["chain"] = meeting.chain
    if data.get("chain") is None:
        raise ValidationError({"chain": _("全市调度会的议定事项须指定产业链。")})
    if not data.get("lead_department"):
        data["lead_department"] = _chain_lead(user, data["chain"])
    decision = services.create(user, Decision, data)
    task = create_task(user, {
        "chain": decision.chain, "decision": decision, "title": decision.text[:200], "description": decision.text,
        "lead_department": decision.lead_department, "responsible": decision.responsible,
        "due_on": decision.due_on}, notify_assignees=False)
    task_event("task.supervised", task, user)
    return decision


@transaction.atomic
def finding_to_task(user, finding, data=None):
    """Turn a research finding into a task of the research's chain."""
    check(user, CHANGE, finding)
    if finding.task_id:
        raise ValidationError({"task": _("该问题已转为任务。")})
    data = {"chain": finding.research.chain, "title": finding.text[:200], "description": finding.text,
            **(data or {})}
    task = create_task(user, data)
    services.update(user, finding, {"task": task})
    return task


@transaction.atomic
def finding_to_request(user, finding, data=None):
    """Turn a research finding about an enterprise into that enterprise's request (诉求), filed by the office."""
    check(user, CHANGE, finding)
    if finding.request_id:
        raise ValidationError({"request": _("该问题已转为企业诉求。")})
    if not finding.enterprise_id:
        raise ValidationError({"enterprise": _("请先为该问题指定涉及的企业。")})
    data = {"enterprise": finding.enterprise, "title": finding.text[:200], "content": finding.text,
            **(data or {})}
    req = appeals_services.file_request(user, data)
    services.update(user, finding, {"request": req})
    return req


@transaction.atomic
def record_month(user, project, year, month, completed):
    """A project's completed investment in a month: created, or changed if the month was reported before."""
    check(user, CHANGE, project)
    row = ProjectMonth.objects.filter(project=project, year=year, month=month).first()
    if row is None:
        return services.create(user, ProjectMonth, {"project": project, "year": year, "month": month,
                                                    "completed": completed})
    return services.update(user, row, {"completed": completed})


def create_project(user, data):
    return services.create(user, KeyProject, data)


def reminder_horizon(today):
    """The last day of the reminder window: ``remind_days()`` days after ``today``, working days when the ledger
    counts them. A task due by then is "near" — for the reminders and for the desks alike."""
    horizon = today
    for _step in range(remind_days()):
        horizon += timedelta(days=1)
        while working_days() and not is_workday(horizon):
            horizon += timedelta(days=1)
    return horizon


def send_reminders(today=None):
    """Tell the assignees of open tasks whose deadline is near, and of tasks that have become overdue, once
    each: a task is reminded "near" once and "overdue" once (``Task.reminded``). Returns (near, overdue)."""
    today = today or timezone.localdate()
    horizon = reminder_horizon(today)
    near = overdue = 0
    base = Task.objects.exclude(status=TaskStatus.DONE).select_related("responsible", "chain")
    for task in base.filter(overdue_q(today)).exclude(reminded=Task.Reminded.OVERDUE):
        task_event("task.overdue", task)
        overdue += 1
    base.filter(overdue_q(today)).update(reminded=Task.Reminded.OVERDUE)
    soon = base.filter(due_on__gte=today, due_on__lte=horizon, reminded="")
    for task in soon:
        task_event("task.near", task)
        near += 1
    soon.update(reminded=Task.Reminded.NEAR)
    return near, overdue
