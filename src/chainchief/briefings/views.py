"""Pages of the briefings: the issues a user may read with a form for a new one, an issue with its progress
(polled with htmx while it is generated), its figures and its files; downloads are served only with sight of the
issue. Every write goes through ``briefings.services``."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainchief.analytics.periods import Period
from chainchief.briefings import services, tasks
from chainchief.briefings.forms import BriefingForm, may_add_monthly
from chainchief.briefings.models import Briefing, BriefingKind
from chainchief.core.api_crud import search_in
from chainchief.core.forms import save_with
from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, can, may
from chainchief.monitoring.models import ChainFigure

PER_PAGE = 20


def _periods(user):
    """The months that have figures, latest first (as the cockpit offers them)."""
    dates = (ChainFigure.objects.restrict(user, VIEW).order_by("-period").values_list("period", flat=True)
             .distinct())
    return [Period.of(d) for d in dates[:36]]


def _briefing(user, pk):
    return get_object_or_404(services.readable(user), pk=pk)


@login_required
def briefing_list(request):
    user = request.user
    if not may(user, VIEW, Briefing):
        raise PermissionDenied(_("无权查看通报。"))
    qs = services.readable(user)
    kind = request.GET.get("kind", "")
    if kind in BriefingKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("chain", "").isdigit():
        qs = qs.filter(chain_id=int(request.GET["chain"]))
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, ("title", "doc_number", "introduction"), q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    form = None
    if may(user, ADD, Briefing):
        initial = {"kind": BriefingKind.CHAIN if request.GET.get("chain") or not may_add_monthly(user)
                   else BriefingKind.MONTHLY, "chain": request.GET.get("chain") or None}
        form = BriefingForm(user=user, periods=_periods(user), initial=initial)
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "briefings/list.html", {"page": page, "q": q, "kind": kind, "query": query,
                                                   "form": form, "kinds": BriefingKind.choices})


@login_required
@require_POST
def briefing_create(request):
    user = request.user
    if not may(user, ADD, Briefing):
        raise PermissionDenied(_("无权生成通报。"))
    form = BriefingForm(request.POST, user=user, periods=_periods(user))
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        briefing = save_with(form, lambda: tasks.start(user, data))
        if briefing is not None:
            if briefing.is_done:
                messages.success(request, _("已生成《%(title)s》。") % {"title": briefing.title})
            elif briefing.is_running:
                messages.info(request, _("已加入生成队列，本页显示进度。"))
            return redirect("briefings:detail", briefing.pk)
    page = Paginator(services.readable(user), PER_PAGE).get_page(1)
    return render(request, "briefings/list.html", {"page": page, "form": form, "kinds": BriefingKind.choices,
                                                   "q": "", "kind": "", "query": ""}, status=400)


@login_required
def briefing_detail(request, pk):
    briefing = _briefing(request.user, pk)
    figures = briefing.figures or {}
    suggestion = None
    if briefing.kind == BriefingKind.MONTHLY and may(request.user, ADD, Briefing):
        suggestion = services.suggest(briefing.region, services.default_signed_on(Period.of(briefing.period)))
    return render(request, "briefings/detail.html", {
        "briefing": briefing, "figures": figures, "suggestion": suggestion,
        "can_withdraw": briefing.kind == BriefingKind.MONTHLY and not briefing.is_withdrawn
        and can(request.user, CHANGE, briefing),
        "overdue_tasks": sum(t["overdue"] for t in figures.get("tasks_by_department", ())),
        "can_delete": can(request.user, DELETE, briefing),
        "can_again": may(request.user, ADD, Briefing),
    })


@login_required
def briefing_progress(request, pk):
    briefing = _briefing(request.user, pk)
    response = render(request, "briefings/_progress.html", {"briefing": briefing})
    if request.htmx and not briefing.is_running:
        response["HX-Refresh"] = "true"  # finished: show the files and figures
    return response


@login_required
def briefing_download(request, pk, fmt):
    briefing = _briefing(request.user, pk)
    if fmt not in services.FORMATS:
        raise Http404
    path = services.file_path(briefing, fmt)
    if path is None or not path.exists():
        raise Http404(_("该文件尚未生成。"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=services.download_name(briefing, fmt),
                        content_type=services.FORMATS[fmt])


@login_required
@require_POST
def briefing_again(request, pk):
    """A new issue from this one: the same kind, period and chain, with the texts as edited, from today's figures."""
    old = _briefing(request.user, pk)
    if not may(request.user, ADD, Briefing):
        raise PermissionDenied(_("无权生成通报。"))
    data = {"kind": old.kind, "period": Period.of(old.period), "chain": old.chain_id, "region": old.region,
            "title": request.POST.get("title", old.title).strip() or old.title,
            "introduction": request.POST.get("introduction", old.introduction),
            "doc_number": request.POST.get("doc_number", "").strip(),
            "signed_on": request.POST.get("signed_on", "").strip() or None}
    if old.kind == BriefingKind.MONTHLY:
        data["replaces"] = old  # a corrected issue: a new number, saying which one it replaces
    try:
        briefing = tasks.start(request.user, data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("briefings:detail", old.pk)
    if old.kind == BriefingKind.MONTHLY:
        messages.success(request, _("已生成更正稿 %(number)s，替代 %(old)s；原文件仍保留。") % {
            "number": briefing.doc_number, "old": old.doc_number})
    else:
        messages.success(request, _("已重新生成，原文件仍保留。"))
    return redirect("briefings:detail", briefing.pk)


@login_required
@require_POST
def briefing_withdraw(request, pk):
    briefing = _briefing(request.user, pk)
    try:
        services.withdraw(request.user, briefing, request.POST.get("reason", ""),
                          version=request.POST.get("version") or None)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已撤回，文号 %(number)s 仍归该文件所有。") % {"number": briefing.doc_number})
    return redirect("briefings:detail", briefing.pk)


@login_required
@require_POST
def briefing_delete(request, pk):
    briefing = _briefing(request.user, pk)
    services.delete(request.user, briefing, version=request.POST.get("version") or None)
    messages.success(request, _("已删除。"))
    return redirect(reverse("briefings:list"))


