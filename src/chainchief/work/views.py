"""Pages of the work ledger: a chain's ledger (plan, tasks, meetings, research, alliances, policies, projects)
and its .xlsx export, the user's "my work", the calendar of meetings and deadlines, and a page for each kind of
entry with the steps it allows. Reads go through ``restrict``; every write through ``work.services`` or
``core.services``."""
import calendar as pycalendar
from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from chainchief.accounts.roles import Role
from chainchief.attachments import services as attachments
from chainchief.attachments.services import allowed_types, max_bytes, of, of_each
from chainchief.chains.models import Chain
from chainchief.core import services as core_services
from chainchief.core.api_crud import search_in
from chainchief.core.export import export_workbook
from chainchief.core.forms import edit_page, model_data, save_with
from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, can, may
from chainchief.core.services import Conflict
from chainchief.work import services
from chainchief.work.api import TaskFilters
from chainchief.work import queries
from chainchief.work.queries import behind, progress_of, task_counts, with_completed
from chainchief.work.forms import (AllianceActivityForm, AllianceForm, AllianceMemberForm, DecisionForm,
                                   FindingForm, KeyProjectForm, MeetingForm, PlanForm, PolicyBenefitForm, PolicyForm,
                                   ProjectMonthForm, ResearchForm, TaskFilterForm, TaskForm, TaskUpdateForm)
from chainchief.work.models import (Alliance, Decision, Finding, KeyProject, Meeting, Plan, Policy, PolicyBenefit,
                                    ProjectStage, Research, Task, TaskStatus, open_q, overdue_q)

PER_PAGE = 20
TASK_SEARCH = ("title", "description", "progress")
# What a list of tasks shows: loading only these keeps a page of them cheap.
TASK_LIST_FIELDS = ("title", "status", "due_on", "chain_id", "decision_id", "lead_department_id", "responsible_id",
                    "version", "chain__name", "lead_department__name", "responsible__name")
PROJECT_LIST_FIELDS = ("name", "kind", "stage", "total_investment", "annual_plan", "year", "planned_start_on",
                       "planned_finish_on", "chain_id", "enterprise_id", "segment_id", "version", "enterprise__name",
                       "segment__name")


def _chain(user, pk):
    return get_object_or_404(Chain.objects.restrict(user, VIEW).select_related("region"), pk=pk)


def _attachments_context(obj, may_attach):
    return {"attachments": of(obj), "can_attach": may_attach, "attachment_types": "、".join(allowed_types()),
            "attachment_mb": max_bytes() // (1024 * 1024)}


def _upload(request, obj, allowed, done):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            attachments.attach(request.user, obj, upload, allowed=allowed)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("附件已上传。"))
    return redirect(done)


# A chain's ledger ----------------------------------------------------------------------------------------------

def _task_page(request, qs, total=None):
    """The filter form, the page of tasks and its query. ``total``: the unfiltered count, when the caller has it
    (then an unfiltered list does not count again)."""
    form = TaskFilterForm(request.GET or None)
    filters = form.filters()
    for key in ("due_from", "due_to"):
        try:
            filters[key] = date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            pass
    qs = search_in(qs, TASK_SEARCH, filters.pop("q", None))
    # Open tasks first, the most pressing deadline first; the done ones after them.
    done_last = Case(When(status=TaskStatus.DONE, then=Value(1)), default=Value(0), output_field=IntegerField())
    qs = TaskFilters(**filters).filter(qs).order_by(done_last, F("due_on").asc(nulls_last=True), "id")
    query = {k: v for k, v in request.GET.items() if k != "page" and v not in ("", None)}
    qs = qs.select_related(None).select_related("chain", "lead_department", "responsible").only(*TASK_LIST_FIELDS)
    paginator = Paginator(qs, PER_PAGE)
    if total is not None and not filters:
        paginator.count = total  # a cached property: set, it is not counted again
    page = paginator.get_page(request.GET.get("page"))
    return form, page, urlencode(query), bool(query)


@login_required
def ledger(request, pk):
    chain = _chain(request.user, pk)
    user = request.user
    today = timezone.localdate()
    tasks = queries.tasks(user).filter(chain=chain)
    counts = task_counts(tasks, today)
    form, page, query, filtered = _task_page(request, tasks, total=counts["total"])
    plans = list(Plan.objects.restrict(user, VIEW).filter(chain=chain).annotate(task_count=Count("tasks"))
                 .order_by("-year")[:3])
    meetings = list(Meeting.objects.restrict(user, VIEW).filter(Q(chain=chain) | Q(chain__isnull=True,
                                                                                    region_id=chain.region_id))
                    .select_related("chair").annotate(decision_count=Count("decisions"))
                    .order_by("-held_on", "-id")[:8])
    research = list(Research.objects.restrict(user, VIEW).filter(chain=chain)
                    .annotate(finding_count=Count("findings")).order_by("-conducted_on")[:8])
    alliances = queries.hide_unseen(user, Alliance.objects.restrict(user, VIEW).filter(chain=chain)
                                    .select_related("lead_enterprise").annotate(member_count=Count("members")),
                                    "lead_enterprise")
    policies = list(Policy.objects.restrict(user, VIEW).filter(Q(chains=chain) | Q(chains__isnull=True),
                                                               region_id=chain.region_id)
                    .distinct().order_by("-issued_on")[:8])
    projects = list(with_completed(KeyProject.objects.restrict(user, VIEW).filter(chain=chain)
                                   .select_related("enterprise", "segment").only(*PROJECT_LIST_FIELDS))
                    .order_by("-total_investment")[:20])
    for p in projects:
        p.progress = progress_of(p)
    return render(request, "work/ledger.html", {
        "chain": chain, "counts": counts, "form": form, "page": page, "query": query,
        "filtered": filtered, "plans": plans, "meetings": meetings, "research": research, "alliances": alliances,
        "policies": policies, "projects": projects, "behind": sum(1 for p in projects if p.progress["behind"]),
        "can_add": can(user, CHANGE, chain),
        "can_policy": may(user, ADD, Policy), "today": today,
    })


def _sheet_tasks(tasks):
    return ("任务", tasks, [
        ("title", "任务名称"), ("description", "任务内容"), (lambda t: t.lead_department.name, "牵头部门"),
        (lambda t: t.responsible.name if t.responsible_id else "", "责任人"), ("due_on", "完成时限"),
        (lambda t: t.get_status_display(), "状态"), ("is_overdue", "已逾期"), ("is_supervised", "督办事项"),
        ("progress", "进展情况")])


@login_required
def ledger_export(request, pk):
    """The chain's ledger as one .xlsx workbook: a sheet per kind of entry, with what the user may see."""
    chain = _chain(request.user, pk)
    user = request.user
    core_services.record(user, "export", chain, object_repr=f"{chain.name} 工作台账")
    tasks = queries.tasks(user).filter(chain=chain).order_by("due_on", "id")
    plans = Plan.objects.restrict(user, VIEW).filter(chain=chain).order_by("-year")
    meetings = Meeting.objects.restrict(user, VIEW).filter(chain=chain).select_related("chair")
    decisions = (Decision.objects.restrict(user, VIEW).filter(chain=chain).select_related("meeting", "lead_department")
                 .prefetch_related("tasks"))
    research = queries.with_seen_enterprises(Research.objects.restrict(user, VIEW).filter(chain=chain), user)
    alliances = list(Alliance.objects.restrict(user, VIEW).filter(chain=chain))
    for alliance in alliances:
        alliance.seen_members = queries.members(user, alliance)
    policies = (Policy.objects.restrict(user, VIEW).filter(Q(chains=chain) | Q(chains__isnull=True),
                                                           region_id=chain.region_id).distinct())
    projects = list(with_completed(KeyProject.objects.restrict(user, VIEW).filter(chain=chain)
                                   .select_related("enterprise", "segment")))
    out = export_workbook([
        ("发展计划", plans, [("year", "年度"), ("title", "计划名称"), ("goals", "发展目标")]),
        _sheet_tasks(tasks),
        ("调度会", meetings, [("held_on", "会议日期"), ("title", "会议名称"), ("place", "会议地点"),
                           (lambda m: m.chair.name if m.chair_id else "", "主持人"),
                           (lambda m: m.get_status_display(), "状态"), ("minutes", "会议纪要")]),
        ("议定事项", decisions, [(lambda d: d.meeting.title, "调度会"), ("text", "议定事项"),
                             (lambda d: d.lead_department.name, "责任部门"), ("due_on", "完成时限"),
                             (lambda d: "、".join(t.get_status_display() for t in d.tasks.all()), "落实情况")]),
        ("专题调研", research, [("conducted_on", "调研日期"), ("title", "调研题目"),
                             (lambda r: r.get_kind_display(), "形式"),
                             (lambda r: "、".join(e.name for e in r.enterprises.all()), "走访企业"), ("summary", "调研情况")]),
        ("产业链联盟", alliances, [("name", "联盟名称"), ("founded_on", "成立日期"),
                               (lambda a: "、".join(m.display_name for m in a.seen_members), "成员")]),
        ("政策文件", policies, [("title", "政策名称"), ("issuer", "发文单位"), ("number", "文号"), ("issued_on", "发文日期"),
                             ("summary", "主要内容")]),
        ("重点项目", projects, [("name", "项目名称"), (lambda p: p.enterprise.name, "建设单位"),
                             (lambda p: p.segment.name if p.segment_id else "", "所属环节"),
                             (lambda p: p.get_kind_display(), "建设性质"), ("total_investment", "总投资（万元）"),
                             ("year", "计划年度"), ("annual_plan", "年度计划投资（万元）"),
                             (lambda p: progress_of(p)["completed"], "年度已完成（万元）"),
                             (lambda p: p.get_stage_display(), "项目阶段"),
                             (lambda p: "；".join(progress_of(p)["reasons"]), "进度滞后原因")]),
    ])
    return FileResponse(out, as_attachment=True, filename=f"{chain.name}工作台账.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# My work and the calendar --------------------------------------------------------------------------------------

@login_required
def my_work(request):
    user = request.user
    today = timezone.localdate()
    tasks = queries.my_tasks(user)
    counts = task_counts(tasks, today)
    form, page, query, filtered = _task_page(request, tasks if request.GET else tasks.filter(open_q()),
                                             total=None if request.GET else counts["open"])
    meetings = list(queries.upcoming_meetings(user, today)[:5])
    projects = []
    if user.role in (Role.CHIEF, Role.DEPT, Role.COORDINATOR, Role.ADMIN, Role.LEADER):
        qs = KeyProject.objects.restrict(user, VIEW).filter(year=today.year).exclude(stage="operating")
        if user.role == Role.CHIEF:
            qs = qs.filter(chain_id__in=user.scope.chains)
        elif user.role == Role.DEPT:
            qs = qs.filter(Q(department_id=user.department_id) | Q(chain_id__in=user.scope.chains))
        candidates = list(with_completed(qs.select_related("chain", "enterprise")).order_by("-total_investment")[:200])
        projects = [p for p in candidates if progress_of(p)["behind"]][:10]
        for p in projects:
            p.progress = progress_of(p)
    return render(request, "work/my_work.html", {
        "counts": counts, "form": form, "page": page, "query": query, "filtered": filtered,
        "meetings": meetings, "projects": projects, "today": today,
    })


@login_required
def calendar(request):
    """A month of meetings and open tasks' deadlines, as far as the user may see them."""
    from chainchief.core.params import month_param, year_param

    today = timezone.localdate()
    year, month = year_param(request.GET.get("year")), month_param(request.GET.get("month"))
    first = date(year, month, 1) if year and month else date(today.year, today.month, 1)
    last = date(first.year, first.month, pycalendar.monthrange(first.year, first.month)[1])
    user = request.user
    mine = request.GET.get("mine") == "1"
    tasks = (queries.my_tasks(user) if mine else queries.tasks(user)).filter(open_q(), due_on__range=(first, last))
    days = defaultdict(lambda: {"meetings": [], "tasks": [], "task_count": 0, "overdue": 0})
    for m in Meeting.objects.restrict(user, VIEW).filter(held_on__range=(first, last)).select_related("chain"):
        days[m.held_on]["meetings"].append(m)
    per_day = tasks.order_by().values("due_on").annotate(n=Count("pk"), late=Count("pk", filter=overdue_q(today)))
    for row in per_day:
        days[row["due_on"]]["task_count"] = row["n"]
        days[row["due_on"]]["overdue"] = row["late"]
    shown = tasks.order_by("due_on", "id").values("pk", "title", "due_on", "chain__name")
    for t in shown[:400]:
        if len(days[t["due_on"]]["tasks"]) < 3:
            days[t["due_on"]]["tasks"].append(t)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([{"date": d, "in_month": d.month == first.month, "today": d == today, **days.get(d, {})}
                      for d in week])
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(request, "work/calendar.html", {
        "first": first, "weeks": weeks, "mine": mine, "prev": prev_month, "next": next_month,
        "weekdays": [pgettext("星期", "一"), pgettext("星期", "二"), pgettext("星期", "三"), pgettext("星期", "四"),
                     pgettext("星期", "五"), pgettext("星期", "六"), pgettext("星期", "日")],
    })


# Tasks ---------------------------------------------------------------------------------------------------------

@login_required
def task_list(request):
    user = request.user
    qs = queries.tasks(user)
    chain = None
    if request.GET.get("chain", "").isdigit():
        chain = _chain(user, int(request.GET["chain"]))
        qs = qs.filter(chain=chain)
    form, page, query, filtered = _task_page(request, qs)
    export_query = urlencode({**form.filters(), **({"chain": chain.pk} if chain else {})})
    return render(request, "work/task_list.html", {
        "form": form, "page": page, "query": query, "filtered": filtered, "chain": chain,
        "counts": task_counts(qs), "can_add": may(user, ADD, Task),
        "export_url": "/api/v1/tasks/export", "export_query": export_query,
    })


@login_required
def task_detail(request, pk):
    task = get_object_or_404(queries.tasks(request.user).select_related("plan", "work_item", "decision__meeting"),
                             pk=pk)
    may_change = can(request.user, CHANGE, task)
    updates = list(task.updates.select_related("created_by"))
    files = of_each(updates)
    for u in updates:
        u.files = files.get(u.pk, [])
    return render(request, "work/task_detail.html", {
        "task": task, "updates": updates, "can_change": may_change,
        "update_form": TaskUpdateForm(user=request.user, task=task) if may_change else None,
        "findings": task.findings.select_related("research"),
        "can_delete": can(request.user, DELETE, task),
        "attachment_types": "、".join(allowed_types()), "attachment_mb": max_bytes() // (1024 * 1024),
    })


@login_required
@require_POST
def task_report(request, pk):
    task = get_object_or_404(queries.tasks(request.user), pk=pk)
    if not can(request.user, CHANGE, task):
        raise PermissionDenied(_("无权报告该任务的进展。"))
    form = TaskUpdateForm(request.POST, request.FILES, user=request.user, task=task)
    return _post_inline(request, form, lambda d: services.report_progress(
        request.user, task, {**model_data(form, ["reported_on", "status", "text"]), "version": d.get("version")},
        upload=d.get("file")), _("进展已报告。"), reverse("work:task", args=[pk]))


def _post_inline(request, form, save, success, done):
    """An inline form posted from an entry's page (a progress report, a decision, a finding, a member, a month …):
    the form validates, ``save(cleaned_data)`` writes through a service, and the outcome is a message on the
    entry's page at ``done``."""
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(done)
    try:
        save(form.cleaned_data)
    except Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success(form.cleaned_data) if callable(success) else success)
    return redirect(done)


def _create(request, form_class, *, model, title, save, done, back_url, back_label, initial=None):
    """The create page of a ledger entry: permission to add, the form, the service, then ``done(obj)``."""
    if not may(request.user, ADD, model):
        raise PermissionDenied(_("无权新建%(name)s。") % {"name": model._meta.verbose_name})
    form = form_class(request.POST or None, user=request.user, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        obj = save_with(form, lambda: save(model_data(form)))
        if obj is not None:
            messages.success(request, _("已保存。"))
            return redirect(done(obj))
    return render(request, "web/form_page.html", {"form": form, "title": title, "back_url": back_url,
                                                  "back_label": back_label})


def _edit(request, obj, form_class, *, title, done, update=None, back_label):
    return edit_page(request, obj, form_class, title=title, done_url=done, back_url=done, back_label=back_label,
                     update=update)


def _initial_chain(request):
    value = request.GET.get("chain", "")
    return {"chain": int(value)} if value.isdigit() else {}


@login_required
def task_create(request):
    initial = _initial_chain(request)
    if request.GET.get("plan", "").isdigit():
        initial["plan"] = int(request.GET["plan"])
    return _create(request, TaskForm, model=Task, title=_("新建任务"), initial=initial,
                   save=lambda data: services.create_task(request.user, data),
                   done=lambda t: reverse("work:task", args=[t.pk]), back_url=reverse("work:tasks"),
                   back_label=_("任务"))


@login_required
def task_edit(request, pk):
    task = get_object_or_404(queries.tasks(request.user), pk=pk)
    return _edit(request, task, TaskForm, title=_("修改任务"), done=reverse("work:task", args=[pk]),
                 update=services.update_task, back_label=task.title)


# Plans ---------------------------------------------------------------------------------------------------------

@login_required
def plan_detail(request, pk):
    plan = get_object_or_404(Plan.objects.restrict(request.user, VIEW).select_related("chain"), pk=pk)
    tasks = queries.tasks(request.user).filter(plan=plan).order_by("due_on", "id")
    return render(request, "work/plan_detail.html", {
        "plan": plan, "tasks": tasks, "counts": task_counts(tasks), "can_change": can(request.user, CHANGE, plan)})


@login_required
def plan_create(request):
    return _create(request, PlanForm, model=Plan, title=_("新建发展计划"),
                   initial={**_initial_chain(request), "year": timezone.localdate().year},
                   save=lambda data: core_services.create(request.user, Plan, data),
                   done=lambda p: reverse("work:plan", args=[p.pk]), back_url=reverse("work:mine"),
                   back_label=_("我的工作"))


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(Plan.objects.restrict(request.user, VIEW), pk=pk)
    return _edit(request, plan, PlanForm, title=_("修改发展计划"), done=reverse("work:plan", args=[pk]),
                 back_label=plan.title)


# Meetings ------------------------------------------------------------------------------------------------------

def _meetings(user):
    return Meeting.objects.restrict(user, VIEW).select_related("chain", "chair", "region")


def _decisions(qs):
    return qs.select_related("chain", "lead_department", "responsible").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("id")))


@login_required
def meeting_list(request):
    qs = _meetings(request.user).annotate(decision_count=Count("decisions")).order_by("-held_on", "-id")
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, ("title", "minutes", "place"), q)
    if request.GET.get("chain", "").isdigit():
        qs = qs.filter(chain_id=int(request.GET["chain"]))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "work/meeting_list.html", {
        "page": page, "q": q, "query": query, "can_add": may(request.user, ADD, Meeting)})


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(_meetings(request.user).prefetch_related("attendees"), pk=pk)
    decisions = list(_decisions(meeting.decisions.restrict(request.user, VIEW)))
    previous = meeting.previous()
    earlier = []
    if previous is not None and can(request.user, VIEW, previous):
        earlier = list(_decisions(previous.decisions.restrict(request.user, VIEW)))
    may_change = can(request.user, CHANGE, meeting)
    return render(request, "work/meeting_detail.html", {
        "meeting": meeting, "decisions": decisions, "previous": previous, "earlier": earlier,
        "can_change": may_change,
        "decision_form": DecisionForm(user=request.user, meeting=meeting) if may_change else None,
        "working_days": services.working_days(),
        **_attachments_context(meeting, may_change),
    })


@login_required
@require_POST
def meeting_decide(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    form = DecisionForm(request.POST, user=request.user, meeting=meeting)
    return _post_inline(request, form, lambda d: services.record_decision(
        request.user, meeting, {k: v for k, v in d.items() if v not in (None, "")}),
        _("议定事项已记录，并已生成督办任务。"), reverse("work:meeting", args=[pk]))


@login_required
@require_POST
def meeting_upload(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    return _upload(request, meeting, lambda u, o: can(u, CHANGE, o), reverse("work:meeting", args=[pk]))


def _meeting_data(user, data):
    data = dict(data)
    chain = data.get("chain")
    data["region"] = chain.region if chain is not None else user.region
    return data


@login_required
def meeting_create(request):
    return _create(request, MeetingForm, model=Meeting, title=_("新建调度会"), initial=_initial_chain(request),
                   save=lambda data: core_services.create(request.user, Meeting, _meeting_data(request.user, data)),
                   done=lambda m: reverse("work:meeting", args=[m.pk]), back_url=reverse("work:meetings"),
                   back_label=_("调度会"))


@login_required
def meeting_edit(request, pk):
    meeting = get_object_or_404(_meetings(request.user), pk=pk)
    return _edit(request, meeting, MeetingForm, title=_("修改调度会"), done=reverse("work:meeting", args=[pk]),
                 back_label=meeting.title)


# Research ------------------------------------------------------------------------------------------------------

def _research(user):
    return Research.objects.restrict(user, VIEW).select_related("chain", "department")


@login_required
def research_detail(request, pk):
    item = get_object_or_404(queries.with_seen_enterprises(_research(request.user), request.user), pk=pk)
    may_change = can(request.user, CHANGE, item)
    return render(request, "work/research_detail.html", {
        "item": item, "findings": queries.findings(request.user, item),
        "can_change": may_change, "finding_form": FindingForm(user=request.user) if may_change else None,
        **_attachments_context(item, may_change),
    })


@login_required
def research_create(request):
    return _create(request, ResearchForm, model=Research, title=_("新建专题调研"), initial=_initial_chain(request),
                   save=lambda data: core_services.create(request.user, Research, data),
                   done=lambda r: reverse("work:research", args=[r.pk]), back_url=reverse("work:mine"),
                   back_label=_("我的工作"))


@login_required
def research_edit(request, pk):
    item = get_object_or_404(_research(request.user), pk=pk)
    return _edit(request, item, ResearchForm, title=_("修改专题调研"), done=reverse("work:research", args=[pk]),
                 back_label=item.title)


@login_required
@require_POST
def research_upload(request, pk):
    item = get_object_or_404(_research(request.user), pk=pk)
    return _upload(request, item, lambda u, o: can(u, CHANGE, o), reverse("work:research", args=[pk]))


@login_required
@require_POST
def finding_add(request, pk):
    item = get_object_or_404(_research(request.user), pk=pk)
    if not can(request.user, CHANGE, item):
        raise PermissionDenied(_("无权为该调研记录问题。"))
    form = FindingForm(request.POST, user=request.user)
    return _post_inline(request, form, lambda d: core_services.create(
        request.user, Finding, {**model_data(form), "research": item}), _("已记录发现的问题。"),
        reverse("work:research", args=[pk]))


@login_required
@require_POST
def finding_convert(request, pk, to):
    finding = get_object_or_404(Finding.objects.restrict(request.user, VIEW).select_related("research"), pk=pk)
    if to not in ("task", "request"):
        raise Http404
    try:
        if to == "task":
            task = services.finding_to_task(request.user, finding)
            messages.success(request, _("已转为任务。"))
            return redirect("work:task", pk=task.pk)
        req = services.finding_to_request(request.user, finding)
        messages.success(request, _("已转为企业诉求，待链长办受理。"))
        return redirect("appeals:detail", pk=req.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("work:research", pk=finding.research_id)


# Alliances -----------------------------------------------------------------------------------------------------

def _alliances(user):
    return Alliance.objects.restrict(user, VIEW).select_related("chain", "lead_enterprise")


@login_required
def alliance_detail(request, pk):
    alliance = get_object_or_404(_alliances(request.user), pk=pk)
    alliance = queries.hide_unseen(request.user, [alliance], "lead_enterprise")[0]
    may_change = can(request.user, CHANGE, alliance)
    return render(request, "work/alliance_detail.html", {
        "alliance": alliance, "members": queries.members(request.user, alliance),
        "activities": queries.activities(request.user, alliance),
        "can_change": may_change,
        "member_form": AllianceMemberForm(user=request.user, prefix="member") if may_change else None,
        "activity_form": AllianceActivityForm(user=request.user, prefix="activity") if may_change else None,
    })


@login_required
@require_POST
def alliance_add(request, pk, what):
    alliance = get_object_or_404(_alliances(request.user), pk=pk)
    if what not in ("member", "activity"):
        raise Http404
    if not can(request.user, CHANGE, alliance):
        raise PermissionDenied(_("无权修改该联盟。"))
    form_class = AllianceMemberForm if what == "member" else AllianceActivityForm
    form = form_class(request.POST, user=request.user, prefix=what)
    return _post_inline(request, form, lambda d: core_services.create(
        request.user, form._meta.model, {**model_data(form), "alliance": alliance}), _("已保存。"),
        reverse("work:alliance", args=[pk]))


@login_required
def alliance_create(request):
    return _create(request, AllianceForm, model=Alliance, title=_("新建产业链联盟"), initial=_initial_chain(request),
                   save=lambda data: core_services.create(request.user, Alliance, data),
                   done=lambda a: reverse("work:alliance", args=[a.pk]), back_url=reverse("work:mine"),
                   back_label=_("我的工作"))


@login_required
def alliance_edit(request, pk):
    alliance = get_object_or_404(_alliances(request.user), pk=pk)
    return _edit(request, alliance, AllianceForm, title=_("修改产业链联盟"), done=reverse("work:alliance", args=[pk]),
                 back_label=alliance.name)


# Policies ------------------------------------------------------------------------------------------------------

@login_required
def policy_list(request):
    qs = Policy.objects.restrict(request.user, VIEW).prefetch_related("chains").order_by("-issued_on", "-id")
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, ("title", "issuer", "number", "summary"), q)
    if request.GET.get("chain", "").isdigit():
        qs = qs.filter(Q(chains=int(request.GET["chain"])) | Q(chains__isnull=True)).distinct()
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "work/policy_list.html", {
        "page": page, "q": q, "query": query, "can_add": may(request.user, ADD, Policy),
        "export_url": "/api/v1/policies/export", "export_query": urlencode({"q": q} if q else {})})


@login_required
def policy_detail(request, pk):
    policy = get_object_or_404(Policy.objects.restrict(request.user, VIEW).prefetch_related("chains"), pk=pk)
    benefits = PolicyBenefit.objects.restrict(request.user, VIEW).filter(policy=policy).select_related("enterprise")
    may_change = can(request.user, CHANGE, policy)
    return render(request, "work/policy_detail.html", {
        "policy": policy, "benefits": benefits, "can_change": may_change,
        "benefit_total": sum((b.amount for b in benefits), start=0),
        "benefit_form": PolicyBenefitForm(user=request.user) if may(request.user, ADD, PolicyBenefit) else None,
        **_attachments_context(policy, may_change),
    })


@login_required
@require_POST
def policy_benefit(request, pk):
    policy = get_object_or_404(Policy.objects.restrict(request.user, VIEW), pk=pk)
    if not may(request.user, ADD, PolicyBenefit):
        raise PermissionDenied(_("无权登记政策兑现。"))
    form = PolicyBenefitForm(request.POST, user=request.user)
    return _post_inline(request, form, lambda d: core_services.create(
        request.user, PolicyBenefit, {**model_data(form), "policy": policy}), _("已登记政策兑现。"),
        reverse("work:policy", args=[pk]))


@login_required
@require_POST
def policy_upload(request, pk):
    policy = get_object_or_404(Policy.objects.restrict(request.user, VIEW), pk=pk)
    return _upload(request, policy, lambda u, o: can(u, CHANGE, o), reverse("work:policy", args=[pk]))


@login_required
def policy_create(request):
    return _create(request, PolicyForm, model=Policy, title=_("新建政策文件"),
                   save=lambda data: core_services.create(request.user, Policy,
                                                          {**data, "region": request.user.region}),
                   done=lambda p: reverse("work:policy", args=[p.pk]), back_url=reverse("work:policies"),
                   back_label=_("政策文件"))


@login_required
def policy_edit(request, pk):
    policy = get_object_or_404(Policy.objects.restrict(request.user, VIEW), pk=pk)
    return _edit(request, policy, PolicyForm, title=_("修改政策文件"), done=reverse("work:policy", args=[pk]),
                 back_label=policy.title)


# Key projects --------------------------------------------------------------------------------------------------

def _projects(user):
    return with_completed(KeyProject.objects.restrict(user, VIEW).select_related("chain", "enterprise", "segment",
                                                                                 "department"))


@login_required
def project_list(request):
    user = request.user
    qs = _projects(user).order_by("chain__order", "-total_investment", "id")
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, ("name", "enterprise__name"), q)
    if request.GET.get("chain", "").isdigit():
        qs = qs.filter(chain_id=int(request.GET["chain"]))
    stage = request.GET.get("stage", "")
    if stage:
        qs = qs.filter(stage=stage)
    behind_only = request.GET.get("behind") == "1"
    if behind_only:
        qs = behind(qs)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for p in page.object_list:
        p.progress = progress_of(p)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "work/project_list.html", {
        "page": page, "q": q, "query": query, "stage": stage, "stages": ProjectStage.choices,
        "behind_only": behind_only, "can_add": may(user, ADD, KeyProject),
        "export_url": "/api/v1/projects/export",
        "export_query": urlencode({k: v for k, v in {"q": q, "stage": stage,
                                                     "behind": "true" if behind_only else ""}.items() if v})})


@login_required
def project_detail(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    project.progress = progress_of(project)
    may_change = can(request.user, CHANGE, project)
    today = timezone.localdate()
    months = {(m.year, m.month): m for m in project.months.all()}
    year = project.year
    rows, running = [], 0
    for month in range(1, 13):
        row = months.get((year, month))
        running += row.completed if row else 0
        rows.append({"month": month, "row": row, "running": running})
    form = None
    if may_change:
        form = ProjectMonthForm(initial={"year": min(year, today.year),
                                         "month": today.month if year == today.year else 12})
    return render(request, "work/project_detail.html", {
        "project": project, "rows": rows, "can_change": may_change, "month_form": form,
        "other_years": sorted({y for (y, _m) in months if y != year}),
    })


@login_required
@require_POST
def project_month(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    form = ProjectMonthForm(request.POST)
    return _post_inline(request, form, lambda d: services.record_month(
        request.user, project, d["year"], d["month"], d["completed"]),
        lambda d: _("已填报 %(y)s 年 %(m)s 月完成投资。") % {"y": d["year"], "m": d["month"]},
        reverse("work:project", args=[pk]))


@login_required
def project_create(request):
    return _create(request, KeyProjectForm, model=KeyProject, title=_("新建重点项目"),
                   initial={**_initial_chain(request), "year": timezone.localdate().year},
                   save=lambda data: services.create_project(request.user, data),
                   done=lambda p: reverse("work:project", args=[p.pk]), back_url=reverse("work:projects"),
                   back_label=_("重点项目"))


@login_required
def project_edit(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    return _edit(request, project, KeyProjectForm, title=_("修改重点项目"), done=reverse("work:project", args=[pk]),
                 back_label=project.name)

