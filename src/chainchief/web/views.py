from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

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


@login_required
def home(request):
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
    return render(request, "web/home.html", {"groups": groups, "chain_total": len(chains)})


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
