"""Reference data pages (people and departments, the officials and offices chains are assigned to) and the
health probe. Reads go through ``restrict``; writes through core.services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from chainchief.chains.models import ChainDepartment, ChainRole
from chainchief.core import services
from chainchief.core.api_crud import search_in
from chainchief.core.forms import DepartmentForm, PersonForm, ReferenceSearchForm
from chainchief.core.models import Department, Person
from chainchief.core.permissions import ADD, CHANGE, VIEW, may
from chainchief.web.forms import edit_page, export_query, model_data, save_with

PER_PAGE = 30


def health(request):
    """Liveness probe; also the benchmarks' trivial view (the framework's own limit)."""
    return HttpResponse("ok", content_type="text/plain")


def _next(request, default):
    """Where to go after saving: a ``next`` on this site (the chiefs page that sent the user here), or ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _reference_list(request, model, template, *, related, chains):
    """A searchable, paged list of ``model`` (people or departments) with the chains each serves (those the user
    may see: ``chains`` is (relation, model) of the roles or links)."""
    form = ReferenceSearchForm(request.GET or None, user=request.user)
    relation, link_model = chains
    links = Prefetch(relation, link_model.objects.restrict(request.user, VIEW).select_related("chain"))
    qs = model.objects.restrict(request.user, VIEW).select_related(*related).prefetch_related(links)
    if form.is_valid():
        qs = search_in(qs, model.SEARCH_FIELDS, form.cleaned_data["q"])  # as the API export searches
        if form.cleaned_data["region"]:
            qs = qs.filter(region=form.cleaned_data["region"])
    qs = qs.order_by("region__code", "name", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    changeable = set(model.objects.restrict(request.user, CHANGE).filter(pk__in=[o.pk for o in page])
                     .values_list("pk", flat=True))
    for obj in page:
        obj.can_change = obj.pk in changeable
    return render(request, template, {"form": form, "page": page, "can_add": may(request.user, ADD, model),
                                      "filtered": bool(request.GET.get("q") or request.GET.get("region")),
                                      "active": "people" if model is Person else "departments",
                                      "export_url": f"/api/v1/{'people' if model is Person else 'departments'}/export",
                                      "export_query": export_query(request)})


def _create(request, model, form_class, *, title, list_url, message):
    if not may(request.user, ADD, model):
        raise PermissionDenied(_("无权新建%(name)s。") % {"name": model._meta.verbose_name})
    form = form_class(request.POST or None, user=request.user, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        obj = save_with(form, lambda: services.create(request.user, model, model_data(form)))
        if obj:
            messages.success(request, message % {"name": obj.name})
            return redirect(_next(request, list_url))
    return render(request, "web/form_page.html", {"form": form, "title": title, "back_url": _next(request, list_url),
                                                  "back_label": model._meta.verbose_name_plural,
                                                  "next": request.GET.get("next", "")})


def _edit(request, model, form_class, pk, *, title, list_url):
    obj = get_object_or_404(model.objects.restrict(request.user, VIEW), pk=pk)
    return edit_page(request, obj, form_class, title=title % {"name": obj.name}, done_url=list_url, back_url=list_url,
                     back_label=model._meta.verbose_name_plural)


@login_required
def people(request):
    return _reference_list(request, Person, "core/people.html", related=("region", "department"),
                           chains=("chain_roles", ChainRole))


@login_required
def person_create(request):
    return _create(request, Person, PersonForm, title=_("新建人员"), list_url=reverse("core:people"),
                   message=_("已新建人员“%(name)s”。"))


@login_required
def person_edit(request, pk):
    return _edit(request, Person, PersonForm, pk, title=_("编辑人员：%(name)s"), list_url=reverse("core:people"))


@login_required
def departments(request):
    return _reference_list(request, Department, "core/departments.html", related=("region",),
                           chains=("chain_links", ChainDepartment))


@login_required
def department_create(request):
    return _create(request, Department, DepartmentForm, title=_("新建部门"), list_url=reverse("core:departments"),
                   message=_("已新建部门“%(name)s”。"))


@login_required
def department_edit(request, pk):
    return _edit(request, Department, DepartmentForm, pk, title=_("编辑部门：%(name)s"),
                 list_url=reverse("core:departments"))
