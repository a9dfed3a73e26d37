from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from chainchief.chains.models import ChainRoleKind
from chainchief.chains.queries import chains_with_summary, lead_department
from chainchief.core.permissions import VIEW
from chainchief.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's password (the policy of accounts.passwords); a password set by an administrator must be
    changed here before any other page opens. The change is audited."""

    template_name = "web/password_change.html"

    def get_form(self, form_class=None):
        from chainchief.core.forms import style

        return style(super().get_form(form_class))

    def get_success_url(self):
        from django.urls import reverse

        return reverse("web:home")

    def form_valid(self, form):
        from django.contrib import messages

        from chainchief.accounts import services as account_services

        response = super().form_valid(form)
        account_services.password_changed(self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
def home(request):
    """The user's own desk (web.desks) for the chief, the office, a department and an enterprise; the chains by
    tier for the other roles, and for everyone at ``?all=1``."""
    from chainchief.web.desks import desk

    mine = desk(request.user) if not request.GET.get("all") else None
    if mine is not None:
        return render(request, "web/desk.html", {"desk": mine})
    chains = list(chains_with_summary().restrict(request.user, VIEW)
                  .filter(is_active=True).order_by("tier__order", "tier_id", "order", "id"))
    groups, by_tier = [], {}
    for chain in chains:
        chain.lead = lead_department(chain)
        chain.chiefs = [r for r in chain.roles.all() if r.kind != ChainRoleKind.GENERAL_CHIEF]
        key = chain.tier_id
        if key not in by_tier:
            by_tier[key] = {"tier": chain.tier, "chains": []}
            groups.append(by_tier[key])
        by_tier[key]["chains"].append(chain)
    return render(request, "web/home.html", {"groups": groups, "chain_total": len(chains),
                                             **_work_summary(request.user, chains)})


def _work_summary(user, chains):
    """The ledger on the home page: each chain's open and overdue tasks (one grouped query), and for the officials
    who work on chains — a chief above all — their open and overdue tasks, next meeting and projects behind
    schedule."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from chainchief.accounts.roles import Role
    from chainchief.work.models import KeyProject, Task, open_q, overdue_q
    from chainchief.work.queries import my_tasks, progress_of, upcoming_meetings, with_completed

    if user.role == Role.ENTERPRISE:
        return {}
    today = timezone.localdate()
    ids = [c.pk for c in chains]
    per_chain = {row["chain_id"]: row for row in Task.objects.restrict(user, VIEW).filter(chain_id__in=ids)
                 .order_by().values("chain_id").annotate(open=Count("pk", filter=open_q()),
                                                         overdue=Count("pk", filter=overdue_q(today)))}
    for chain in chains:
        chain.work_counts = per_chain.get(chain.pk, {"open": 0, "overdue": 0})
    if user.role not in (Role.CHIEF, Role.DEPT, Role.COORDINATOR):
        return {}
    mine = my_tasks(user).order_by().aggregate(open=Count("pk", filter=open_q()),
                                               overdue=Count("pk", filter=overdue_q(today)))
    scope = Q(chain_id__in=user.scope.chains) if user.role != Role.COORDINATOR else Q()
    meeting = upcoming_meetings(user, today).first()
    projects = list(with_completed(KeyProject.objects.restrict(user, VIEW).filter(scope, year=today.year)
                                   .exclude(stage="operating"))[:300])
    return {"work": {"open": mine["open"], "overdue": mine["overdue"], "meeting": meeting,
                     "projects": len(projects), "behind": sum(1 for p in projects if progress_of(p)["behind"])}}


@login_required
def urge(request, pk):
    """催办 a task from the desk (POST): its assignees are reminded, at most once a day per task."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.http import HttpResponseNotAllowed
    from django.shortcuts import get_object_or_404, redirect

    from chainchief.work import services as work_services
    from chainchief.work.models import Task

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    task = get_object_or_404(Task.objects.restrict(request.user, VIEW).select_related("chain"), pk=pk)
    try:
        work_services.urge_task(request.user, task)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已催办：%(title)s") % {"title": task.title})
    return redirect("web:home")


@login_required
def notifications(request):
    """The signed-in user's own inbox; opening a notification's link or "all read" marks them read."""
    from django.core.paginator import Paginator
    from django.shortcuts import redirect

    from chainchief.accounts import notifications as inbox

    if request.method == "POST":
        pk = request.POST.get("open")
        if pk and pk.isdigit():
            note = inbox.for_user(request.user).filter(pk=int(pk)).first()
            if note is not None:
                inbox.mark_read(request.user, [note.pk])
                safe = note.url.startswith("/") and not note.url.startswith("//")
                return redirect(note.url if safe else "web:notifications")
        inbox.mark_read(request.user)
        return redirect("web:notifications")
    page = Paginator(inbox.for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


@login_required
def tokens(request):
    """The signed-in user's API tokens (issued at POST /api/v1/auth/token): each may be revoked; "log out
    everywhere" ends them all and every session."""
    from django.http import Http404
    from django.shortcuts import redirect

    from chainchief.accounts import services as account_services

    if request.method == "POST":
        pk = request.POST.get("revoke", "")
        if not pk.isdigit() or not account_services.revoke_token(request.user, int(pk)):
            raise Http404
        from django.contrib import messages

        messages.success(request, _("令牌已撤销。"))
        return redirect("web:tokens")
    from django.conf import settings

    return render(request, "web/tokens.html", {"tokens": account_services.tokens_of(request.user),
                                               "ttl_hours": settings.API_TOKEN_TTL_HOURS})


@login_required
def logout_everywhere(request):
    """Ends every session of the user (this one included) and every API token; POST only."""
    from django.contrib.auth import logout
    from django.http import HttpResponseNotAllowed
    from django.shortcuts import redirect

    from chainchief.accounts import services as account_services

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    from django.contrib import messages

    account_services.logout_everywhere(request.user)
    logout(request)
    messages.success(request, _("已退出所有设备：全部会话与 API 令牌均已失效。"))
    return redirect("web:login")


@login_required
def commissioner(request):
    """A commissioner's page: the enterprises it serves with their latest figures, last visit and open requests,
    and the visit log, with a form to record a visit."""
    from django.contrib import messages
    from django.db.models import Count, Max, Q
    from django.shortcuts import redirect

    from chainchief.appeals.models import OPEN_STATUSES, Request
    from chainchief.core.forms import save_with
    from chainchief.enterprises import services as enterprise_services
    from chainchief.enterprises.models import CommissionerAssignment, Enterprise, Visit, current_assignments_q
    from chainchief.monitoring.models import MonthlyStat
    from chainchief.web.forms import VisitForm

    person = getattr(request.user, "person", None)
    assignments = (CommissionerAssignment.objects.restrict(request.user, VIEW)
                   .filter(current_assignments_q(), commissioner=person).select_related("enterprise__region")
                   if person is not None else CommissionerAssignment.objects.none())
    ids = [a.enterprise_id for a in assignments]
    enterprises = {e.pk: e for e in Enterprise.objects.restrict(request.user, VIEW).filter(pk__in=ids)
                   .annotate(last_visit=Max("visits__visited_on"))}
    open_requests = dict(Request.objects.restrict(request.user, VIEW).filter(enterprise_id__in=ids)
                         .values("enterprise_id").annotate(n=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
                         .values_list("enterprise_id", "n"))
    latest = {}
    for stat in (MonthlyStat.objects.restrict(request.user, VIEW).filter(enterprise_id__in=ids)
                 .order_by("enterprise_id", "-period")):
        latest.setdefault(stat.enterprise_id, stat)
    rows = [{"assignment": a, "enterprise": enterprises.get(a.enterprise_id), "stat": latest.get(a.enterprise_id),
             "open": open_requests.get(a.enterprise_id, 0)} for a in assignments if a.enterprise_id in enterprises]
    form = VisitForm(request.POST or None, enterprises=Enterprise.objects.filter(pk__in=ids))
    if request.method == "POST" and form.is_valid():
        if save_with(form, lambda: enterprise_services.record_visit(request.user, dict(form.cleaned_data))):
            messages.success(request, "走访记录已保存。")
            return redirect("web:commissioner")
    visits = Visit.objects.restrict(request.user, VIEW).filter(enterprise_id__in=ids).select_related(
        "enterprise", "commissioner")[:30]
    return render(request, "web/commissioner.html", {"rows": rows, "visits": visits, "form": form,
                                                     "person": person})


def _next_url(request, default="web:home"):
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse(default)


@login_required
def otp_verify(request):
    """The second step of an administrator's login: the six-digit code of the TOTP device."""
    import django_otp
    from django.shortcuts import redirect

    from chainchief.accounts import otp

    if not otp.is_admin(request.user) or otp.confirmed_device(request.user) is None or request.user.is_verified():
        return redirect(_next_url(request))
    error = None
    if request.method == "POST":
        device = otp.verify(request.user, request.POST.get("code"))
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        error = _("验证码不正确或已使用，请输入认证应用中当前显示的 6 位数字。")
    return render(request, "web/otp_verify.html", {"error": error, "next": _next_url(request)})


@login_required
def otp_setup(request):
    """An administrator's two-step verification: enrol a TOTP device (the otpauth URI and the key to type into an
    authenticator app, then its current code), or remove it with a current code."""
    import django_otp
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    from chainchief.accounts import otp
    from chainchief.accounts import services as account_services

    user = request.user
    if not otp.is_admin(user):
        raise PermissionDenied(_("只有系统管理员可以设置两步验证。"))
    confirmed = otp.confirmed_device(user)
    error = None
    if request.method == "POST":
        code = request.POST.get("code")
        if confirmed is None:
            device = account_services.otp_pending_device(user)
            if account_services.otp_confirm(user, device, code):
                django_otp.login(request, device)
                messages.success(request, _("已启用两步验证：今后登录时需输入认证应用中的验证码。"))
                return redirect(_next_url(request, "web:otp_setup"))
            error = _("验证码不正确，请输入认证应用中当前显示的 6 位数字。")
        elif request.POST.get("action") == "remove" and user.is_verified():
            if account_services.otp_remove(user, code):
                messages.success(request, _("已停用两步验证。"))
                return redirect("web:otp_setup")
            error = _("验证码不正确，请输入认证应用中当前显示的 6 位数字。")
    context = {"confirmed": confirmed, "error": error, "required": otp.required(user), "next": _next_url(request, "web:otp_setup")}
    if confirmed is None:
        device = account_services.otp_pending_device(user)
        context.update(device=device, secret=otp.secret(device), uri=device.config_url)
    return render(request, "web/otp_setup.html", context)
