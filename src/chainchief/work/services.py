"""Writes for the work ledger: through core.services (permission checked, one transaction, audited), with the
notifications each step sends (a task assigned, a decision made, a deadline near, a task overdue)."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.accounts.models import User
from chainchief.accounts.notifications import notify
from chainchief.accounts.roles import Role
from chainchief.appeals import services as appeals_services
from chainchief.appeals.deadlines import add_days, is_workday
from chainchief.attachments import services as attachments
from chainchief.chains.models import Chain, ChainDepartment
from chainchief.core import services
from chainchief.core.permissions import CHANGE, VIEW, can, check
from chainchief.work.models import Decision, KeyProject, ProjectMonth, Task, TaskStatus, TaskUpdate, overdue_q


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
        notify(assignees(task), _("新任务：%(title)s（完成时限 %(due)s）") % {
            "title": task.title, "due": f"{task.due_on:%Y-%m-%d}" if task.due_on else _("未定")}, task_url(task))
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
        notify(assignees(task), _("任务已转交给您：%(title)s") % {"title": task.title}, task_url(task))
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
    return update


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
    notify(assignees(task), _("调度会议定事项（督办）：%(title)s，完成时限 %(due)s") % {
        "title": task.title, "due": f"{task.due_on:%Y-%m-%d}"}, task_url(task))
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


def send_reminders(today=None):
    """Tell the assignees of open tasks whose deadline is near, and of tasks that have become overdue, once
    each: a task is reminded "near" once and "overdue" once (``Task.reminded``). Returns (near, overdue)."""
    today = today or timezone.localdate()
    horizon = today
    for _step in range(remind_days()):
        horizon += timedelta(days=1)
        while working_days() and not is_workday(horizon):
            horizon += timedelta(days=1)
    near = overdue = 0
    base = Task.objects.exclude(status=TaskStatus.DONE).select_related("responsible")
    for task in base.filter(overdue_q(today)).exclude(reminded=Task.Reminded.OVERDUE):
        notify(assignees(task), _("任务已逾期：%(title)s（完成时限 %(due)s）") % {
            "title": task.title, "due": f"{task.due_on:%Y-%m-%d}"}, task_url(task))
        overdue += 1
    base.filter(overdue_q(today)).update(reminded=Task.Reminded.OVERDUE)
    soon = base.filter(due_on__gte=today, due_on__lte=horizon, reminded="")
    for task in soon:
        notify(assignees(task), _("任务临近完成时限：%(title)s（%(due)s 到期）") % {
            "title": task.title, "due": f"{task.due_on:%Y-%m-%d}"}, task_url(task))
        near += 1
    soon.update(reminded=Task.Reminded.NEAR)
    return near, overdue
