"""Reads of the work ledger shared by its pages, its API and the home page: a user's own tasks, task counts in one
query, projects with their completed investment and whether they are behind schedule."""
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.accounts.roles import Role
from chainchief.core.permissions import VIEW
from chainchief.enterprises.models import Enterprise
from chainchief.work.models import (AllianceActivity, AllianceMember, Finding, Meeting, ProjectMonth, Task,
                                    TaskStatus, overdue_q, project_progress)

# How a ledger row shows an enterprise of the region that its reader may not see (as the chain map does).
LOCAL_ENTERPRISE = _("（本地企业）")


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


def upcoming_meetings(user, today=None):
    """The coming coordination meetings of the user's work, soonest first: for a chief or a lead department's staff
    those of their chains and the region's joint ones; for everyone else every meeting they see. The home page's
    "next meeting" is the first of these, the "my work" page lists them."""
    today = today or timezone.localdate()
    qs = Meeting.objects.restrict(user, VIEW).filter(held_on__gte=today)
    if user.role in (Role.CHIEF, Role.DEPT):
        qs = qs.filter(Q(chain_id__in=user.scope.chains) | Q(chain__isnull=True))
    return qs.select_related("chain", "chair").order_by("held_on", "id")


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


# What a ledger row shows of the enterprises it names: only those its reader may see. An enterprise user reads a
# piece of research that visited it, but not which other enterprises were visited; an alliance it belongs to, but
# not the others' memberships.

def seen_enterprises(user):
    return Enterprise.objects.restrict(user, VIEW)


def with_seen_enterprises(qs, user):
    """Research with its visited enterprises as far as ``user`` may see them (``research.enterprises.all()``)."""
    return qs.prefetch_related(Prefetch("enterprises", queryset=seen_enterprises(user)))


def findings(user, research):
    return hide_unseen(user, Finding.objects.restrict(user, VIEW).filter(research=research)
                       .select_related("enterprise", "task", "request"), "enterprise")


def members(user, alliance):
    return hide_unseen(user, AllianceMember.objects.restrict(user, VIEW).filter(alliance=alliance)
                       .select_related("enterprise").order_by("kind", "id"), "enterprise")


def activities(user, alliance):
    return AllianceActivity.objects.restrict(user, VIEW).filter(alliance=alliance)


def hide_unseen(user, objects, field):
    """``objects`` (read, never saved afterwards) with the enterprise in ``field`` removed where ``user`` may not see
    it; a member named only by its enterprise is then shown as a local enterprise."""
    objects = list(objects)
    ids = {getattr(o, f"{field}_id") for o in objects} - {None}
    seen = set(seen_enterprises(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for obj in objects:
        if getattr(obj, f"{field}_id") is not None and getattr(obj, f"{field}_id") not in seen:
            setattr(obj, field, None)
            if isinstance(obj, AllianceMember) and not obj.name:
                obj.name = str(LOCAL_ENTERPRISE)
    return objects
