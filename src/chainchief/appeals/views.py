"""Pages of enterprise requests: the list with filters, a request with its timeline and the steps the reader may
take, the filing form (usable on a phone), and the handling statistics with the departments' league table.
Reads go through ``restrict``; every write through ``appeals.services``."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainchief.accounts import saved_views
from chainchief.appeals import services, stats
from chainchief.appeals.api import RequestFilters
from chainchief.appeals.deadlines import DEFAULT_DAYS
from chainchief.appeals.forms import DeadlineForm, RequestFilterForm, RequestForm, StatsForm, StepForm
from chainchief.appeals.models import Request, RequestDeadline, Urgency
from chainchief.core.api_crud import search_in
from chainchief.core.export import export_response
from chainchief.core.forms import save_with
from chainchief.core import services as core_services
from chainchief.core.permissions import ADD, DELETE, VIEW, may
from chainchief.core.services import Conflict

PER_PAGE = 20
SEARCH = ("title", "content", "enterprise__name")


def _visible(user):
    return Request.objects.restrict(user, VIEW).select_related("enterprise", "department", "chain", "commissioner")


@login_required
def request_list(request):
    form = RequestFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    qs = search_in(_visible(request.user), SEARCH, filters.pop("q", None))
    qs = RequestFilters(**filters).filter(qs).order_by("-received_on", "-id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v not in ("", None)}
    return render(request, "appeals/list.html", {
        "form": form, "page": page, "filtered": bool(query), "query": urlencode(query),
        "saved": saved_views.of(request.user, "requests"),
        "can_add": may(request.user, ADD, Request),
        "export_url": "/api/v1/requests/export", "export_query": urlencode({**form.filters()}),
    })


@login_required
@require_POST
def saved_view(request):
    """Save the list's current filter under a name, or delete one of the user's saved filters."""
    if request.POST.get("delete", "").isdigit():
        saved_views.delete(request.user, int(request.POST["delete"]))
        return redirect("appeals:list")
    query = request.POST.get("query", "")
    try:
        saved_views.save(request.user, "requests", request.POST.get("name"), query)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已保存常用筛选。"))
    return redirect(f"{reverse('appeals:list')}?{query}" if query else "appeals:list")


@login_required
def detail(request, pk):
    req = get_object_or_404(_visible(request.user).prefetch_related("cooperating_departments"), pk=pk)
    steps = []
    for step in services.allowed_steps(request.user, req):
        form = StepForm(initial={"action": step.action, "version": req.version}, user=request.user,
                        prefix=step.action)
        steps.append({"step": step, "form": form})
    from chainchief.attachments.services import allowed_types, max_bytes, of

    return render(request, "appeals/detail.html", {
        "req": req, "events": req.events.select_related("user"), "steps": steps,
        "can_edit": services.is_office(request.user), "attachments": of(req),
        "can_attach": services.may_attach(request.user, req),
        "attachment_types": "、".join(allowed_types()), "attachment_mb": max_bytes() // (1024 * 1024),
    })


@login_required
@require_POST
def upload(request, pk):
    req = get_object_or_404(_visible(request.user), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            services.attach(request.user, req, upload)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("附件已上传。"))
    return redirect("appeals:detail", pk=pk)


@login_required
@require_POST
def take_step(request, pk):
    req = get_object_or_404(_visible(request.user), pk=pk)
    action = request.POST.get("action", "")
    form = StepForm(request.POST, user=request.user, prefix=action)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("appeals:detail", pk=pk)
    d = form.cleaned_data
    try:
        services.take_step(request.user, req, d["action"], note=d["note"], department=d["department"],
                           cooperating=list(d["cooperating"]) if d["action"] == "assign" else None,
                           satisfaction=d["satisfaction"] or None, version=d["version"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        step = services.TRANSITIONS[d["action"]]
        messages.success(request, _("已%(step)s。") % {"step": step.label})
    return redirect("appeals:detail", pk=pk)


@login_required
def create(request):
    if not may(request.user, ADD, Request):
        raise PermissionDenied(_("无权提交诉求。"))
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        req = save_with(form, lambda: services.file_request(request.user, data))
        if req is not None:
            messages.success(request, _("诉求已提交，待链长办受理。"))
            return redirect("appeals:detail", pk=req.pk)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("提交诉求"), "back_url": reverse("appeals:list"), "back_label": _("企业诉求"),
    })


STATS_COLUMNS = [("name", "名称"), ("count", "诉求数"), ("open", "未办结"), ("overdue", "超期"), ("answered", "已答复"),
                 ("on_time_rate", "按时答复率"), ("average_days", "平均办理天数"), ("evaluated", "已评价"),
                 ("satisfaction_rate", "满意率")]


@login_required
def stats_page(request):
    if not may(request.user, VIEW, Request):
        raise PermissionDenied
    form = StatsForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    by = params.get("by") or "department"
    table = stats.table(request.user, by, received_from=params.get("received_from"),
                        received_to=params.get("received_to"))
    if request.GET.get("format") in ("xlsx", "csv"):
        return export_response([table["total"], *table["rows"]], STATS_COLUMNS, request.GET["format"], "诉求办理统计")
    query = urlencode({k: v for k, v in request.GET.items() if k != "format" and v})
    return render(request, "appeals/stats.html", {"form": form, "table": table, "by": by, "query": query})


@login_required
def deadlines(request):
    """The region's time limits per category and urgency; the chain office adds, changes and removes them."""
    if not may(request.user, VIEW, RequestDeadline):
        raise PermissionDenied
    rows = RequestDeadline.objects.restrict(request.user, VIEW).select_related("region")
    can_edit = may(request.user, ADD, RequestDeadline) and request.user.region_id is not None
    form = DeadlineForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有链长办可以设置办理时限。"))
        if request.POST.get("delete", "").isdigit():
            row = get_object_or_404(rows, pk=int(request.POST["delete"]))
            core_services.delete(request.user, row)
            messages.success(request, _("已删除该办理时限。"))
            return redirect("appeals:deadlines")
        if form.is_valid():
            d = form.cleaned_data
            existing = rows.filter(region_id=request.user.region_id, category=d["category"],
                                   urgency=d["urgency"]).first()
            data = {"days": d["days"], "working_days": d["working_days"]}
            saved = save_with(form, lambda: core_services.update(request.user, existing, data) if existing else
                              core_services.create(request.user, RequestDeadline,
                                                   {**data, "region": request.user.region, "category": d["category"],
                                                    "urgency": d["urgency"]}))
            if saved is not None:
                messages.success(request, _("办理时限已保存。"))
                return redirect("appeals:deadlines")
    return render(request, "appeals/deadlines.html", {
        "rows": rows, "form": form, "can_delete": may(request.user, DELETE, RequestDeadline),
        "defaults": [(Urgency(k).label, v) for k, v in DEFAULT_DAYS.items()],
    })
