"""Reads of the work ledger shared by its pages, its API and the home page: a user's own tasks, task counts in one
query, projects with their completed investment and whether they are behind schedule."""
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from chainchief.accounts.roles import Role
from chainchief.core.permissions import VIEW
from chainchief.work.models import ProjectMonth, Task, TaskStatus, overdue_q, project_progress


def tasks(user):
    return Task.objects.restrict(user, VIEW).select_related("chain", "lead_department", "responsible", "decision")


def my_tasks(user):
    """The tasks that are the user's to do: those where the user is the responsible person, those of the user's
    department (department staff), of the user's chains (a chief), and for the chain office the supervised tasks
    (督办事项) of its region."""
    mine = Q(responsible__user=user)
    if user.role == Role.DEPT and user.department_id:
        mine |= Q(lead_department_id=user.department_id)
    if user.role == Role.CHIEF:
        mine |= Q(chain_id__in=user.scope.chains)
    if user.role in (Role.ADMIN, Role.COORDINATOR):
        mine |= Q(decision__isnull=False)
    return tasks(user).filter(mine)


def task_counts(qs, today=None):
    """{total, not_started, in_progress, done, overdue, open} of a task queryset, in one query."""
    today = today or timezone.localdate()
    counts = qs.order_by().aggregate(
        total=Count("pk"), not_started=Count("pk", filter=Q(status=TaskStatus.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)), overdue=Count("pk", filter=overdue_q(today)))
    counts["open"] = counts["total"] - counts["done"]
    return counts


def with_completed(qs):
    """Projects annotated with ``completed_in_year``: the sum of their months in their plan year (万元)."""
    months = (ProjectMonth.objects.filter(project=OuterRef("pk"), year=OuterRef("year")).order_by()
              .values("project").annotate(total=Sum("completed")).values("total"))
    return qs.annotate(completed_in_year=Coalesce(Subquery(months, output_field=DecimalField()),
                                                  Value(Decimal("0")), output_field=DecimalField()))


def progress_of(project):
    """``project_progress`` of a project read through ``with_completed``, computed once per object."""
    cached = getattr(project, "_progress", None)
    if cached is None:
        cached = project._progress = project_progress(project, getattr(project, "completed_in_year", Decimal(0)))
    return cached


def behind(qs, value=True):
    """The projects of ``qs`` that are (``value``) or are not behind schedule. Computed per project from its plan
    and months, so ``qs`` should be narrowed first (a chain's, a user's)."""
    return qs.filter(pk__in=[p.pk for p in qs if progress_of(p)["behind"] == value])
