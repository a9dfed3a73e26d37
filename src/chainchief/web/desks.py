"""Each person's desk (the home page): what waits for the reader, by role — the chief's chains and 督办 items, the
office's queue, a department's tasks and requests, an enterprise's requests and figures to report. Every figure is
read once, through the permission filter, from the queries its app already has (work.queries, monitoring.report,
the requests' own fields); a list shows its first rows and the count of all of them, from the same query."""
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.utils import timezone

from chainchief.accounts.roles import Role
from chainchief.appeals.models import PENDING_STATUSES, EventAction, Request, RequestStatus, Satisfaction
from chainchief.chains.models import Chain
from chainchief.core.permissions import VIEW
from chainchief.work import services as work_services
from chainchief.work.models import Task, TaskUpdate, TaskUrge, open_q, overdue_q
from chainchief.work.queries import my_tasks, upcoming_meetings

DESK_ROLES = (Role.CHIEF, Role.COORDINATOR, Role.DEPT, Role.ENTERPRISE)
LIST = 8  # rows shown per list; the link behind it opens the whole


def desk(user):
    """The desk of ``user`` (a dict for web/desk.html), or None for a role that keeps the chain list."""
    if user.role not in DESK_ROLES:
        return None
    today = timezone.localdate()
    build = {Role.CHIEF: _chief, Role.COORDINATOR: _office, Role.DEPT: _department, Role.ENTERPRISE: _enterprise}
    return {"role": user.role, "today": today, **build[user.role](user, today)}


def _head(qs):
    """The first LIST rows of ``qs`` and how many rows it has in all."""
    rows = list(qs[:LIST])
    return {"rows": rows, "count": len(rows) if len(rows) < LIST else qs.count()}


def _next_meeting(user):
    return upcoming_meetings(user).first()  # the same query as the "my work" page's list


def _chains(user, ids):
    """The user's chains with the cockpit's row of each (light, growth, target progress, alerts)."""
    from chainchief.monitoring import report

    chains = list(Chain.objects.restrict(user, VIEW).filter(pk__in=ids, is_active=True)
                  .select_related("tier", "region").order_by("order", "id"))
    period = report.latest_period(user)
    rows = {}
    if chains and period is not None:
        try:
            rows = {r.chain.pk: r for r in report.cached_chain_rows(user, period, chains, with_series=False)}
        except PermissionDenied:  # no chain totals for this reader: the chains without their figures
            rows = {}
    return [{"chain": c, "row": rows.get(c.pk)} for c in chains], period


def _supervised(user, today):
    """Open 督办 items of the user's: those overdue, then those due within the reminders' window."""
    supervised = my_tasks(user).filter(open_q(), decision__isnull=False).order_by("due_on", "id")
    overdue = _head(supervised.filter(overdue_q(today)))
    soon = _head(supervised.filter(due_on__gte=today, due_on__lte=work_services.reminder_horizon(today)))
    tasks = overdue["rows"] + soon["rows"]
    urged = set(TaskUrge.objects.filter(task__in=tasks, on=today).values_list("task_id", flat=True))
    for task in tasks:
        task.urged_today = task.pk in urged
    return overdue, soon


def _chief(user, today):
    ids = sorted(user.scope.chains)
    chains, period = _chains(user, ids)
    overdue, soon = _supervised(user, today)
    waiting = _head(Request.objects.restrict(user, VIEW)
                    .filter(chain_id__in=ids, escalated_at__isnull=False, status__in=PENDING_STATUSES)
                    .exclude(events__action=EventAction.INSTRUCT).select_related("enterprise", "chain")
                    .order_by("due_on", "id"))
    return {"chains": chains, "period": period, "overdue": overdue, "soon": soon, "instruct": waiting,
            "meeting": _next_meeting(user)}


def _office(user, today):
    requests = Request.objects.restrict(user, VIEW).select_related("enterprise", "chain")
    new = _head(requests.filter(status=RequestStatus.SUBMITTED).order_by("created_at", "id"))
    unsatisfied = _head(requests.filter(status=RequestStatus.HANDLING, satisfaction=Satisfaction.UNSATISFIED)
                        .order_by("due_on", "id"))
    progress = list(TaskUpdate.objects.restrict(user, VIEW)
                    .filter(task__decision__isnull=False, reported_on__gte=today - timedelta(days=14))
                    .select_related("task__chain", "task__lead_department").order_by("-reported_on", "-id")[:LIST])
    by_department = list(Task.objects.restrict(user, VIEW).filter(overdue_q(today)).order_by()
                         .values("lead_department__name").annotate(n=Count("pk")).order_by("-n",
                                                                                            "lead_department__name"))
    return {"new": new, "unsatisfied": unsatisfied, "progress": progress, "by_department": by_department,
            "meeting": _next_meeting(user)}


def _department(user, today):
    tasks = list(my_tasks(user).filter(open_q()).order_by("due_on", "id")[:LIST * 2])
    requests = list(Request.objects.restrict(user, VIEW)
                    .filter(department_id=user.department_id,
                            status__in=(RequestStatus.ASSIGNED, RequestStatus.HANDLING))
                    .select_related("enterprise", "chain").order_by("due_on", "id")[:LIST * 2])
    return {"tasks": tasks, "requests": requests, "meeting": _next_meeting(user)}


def _enterprise(user, today):
    from chainchief.enterprises.models import Enterprise
    from chainchief.monitoring.models import MonthlyStat

    requests = list(Request.objects.restrict(user, VIEW).select_related("chain").order_by("-created_at", "-id")[:LIST])
    due = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month's figures are reported this month
    enterprises = list(Enterprise.objects.restrict(user, VIEW).filter(pk__in=user.scope.enterprises).order_by("pk"))
    latest = dict(MonthlyStat.objects.restrict(user, VIEW).filter(enterprise__in=enterprises).order_by()
                  .values("enterprise_id").annotate(last=Max("period")).values_list("enterprise_id", "last"))
    figures = [{"enterprise": e, "latest": latest.get(e.pk),
                "reported": latest.get(e.pk) is not None and latest[e.pk] >= due} for e in enterprises]
    return {"requests": requests, "figures": figures, "due_period": due}

