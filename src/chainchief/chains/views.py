"""Chain pages. Reads go through ``restrict``; writes through the services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from chainchief.chains import checklist, queries, services as chain_services
from chainchief.chains.forms import (ChainDepartmentForm, ChainForm, ChainRoleForm, ChainTierForm, DepartmentForm, PersonForm,
                                    ReferenceSearchForm, WorkItemForm)
from chainchief.chains.models import Chain, ChainDepartment, ChainRole, ChainRoleKind, ChainTier, WorkModelItem
from chainchief.core import services
from chainchief.core.api_crud import search_in
from chainchief.core.forms import edit_page, export_query, model_data, save_with
from chainchief.core.models import Department, Person
from chainchief.core.permissions import ADD, CHANGE, VIEW, can, may


def _chain(user, pk):
    return get_object_or_404(queries.chains_with_summary().restrict(user, VIEW), pk=pk)


def _checklist(chain, user=None):
    """The chain's work-model checklist (``chains.checklist``: each item's status computed from its evidence or
    set by hand with a reason) and its progress."""
    entries = checklist.work_checklist(chain, user)
    return entries, checklist.progress(entries)


def _panels(request, chain):
    from chainchief.core.registry import registry

    return registry.panels(request, chain, "chain")


@login_required
def detail(request, pk):
    chain = _chain(request.user, pk)
    rows, progress = _checklist(chain, request.user)
    membership = queries.member_model()
    members = (membership.objects.restrict(request.user, VIEW).filter(chain=chain)
               .select_related("enterprise", "enterprise__region").order_by("enterprise__name"))
    groups = [{"role": value, "label": label, "members": []} for value, label in membership._meta.get_field("role").choices]
    by_role = {g["role"]: g for g in groups}
    for m in members:
        by_role[m.role]["members"].append(m)
    roles = list(chain.roles.all())
    return render(request, "chains/detail.html", {
        "chain": chain,
        "chiefs": roles,
        "lead": queries.lead_department(chain),
        "supporting": queries.supporting_departments(chain),
        "checklist": rows,
        "progress": progress,
        "member_groups": groups,
        "member_total": sum(len(g["members"]) for g in groups),
        "can_change": can(request.user, CHANGE, chain),
        "ChainRoleKind": ChainRoleKind,
        "panels": _panels(request, chain),  # cards of the apps above (the local supply rate)
    })


@login_required
def create(request):
    if not may(request.user, ADD, Chain):
        raise PermissionDenied(_("无权新建产业链。"))
    form = ChainForm(request.POST or None, user=request.user,
                     initial={"region": request.user.region_id, "is_active": True})
    if request.method == "POST" and form.is_valid():
        chain = save_with(form, lambda: services.create(request.user, Chain, model_data(form)))
        if chain:
            messages.success(request, _("已新建产业链“%(name)s”。") % {"name": chain.name})
            return redirect("chains:detail", chain.pk)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("新建产业链"), "back_url": reverse("web:home"), "back_label": _("产业链")})


@login_required
def edit(request, pk):
    chain = get_object_or_404(Chain.objects.restrict(request.user, VIEW), pk=pk)
    url = reverse("chains:detail", args=[chain.pk])
    return edit_page(request, chain, ChainForm, title=_("编辑产业链：%(name)s") % {"name": chain.name},
                     done_url=url, back_url=url, back_label=chain.name)


def _changeable_chain(user, pk):
    """The chain ``pk`` if the user may see it (404 otherwise) and change it (403 otherwise)."""
    chain = get_object_or_404(Chain.objects.select_related("region").restrict(user, VIEW), pk=pk)
    if not can(user, CHANGE, chain):
        raise PermissionDenied(_("无权修改该产业链的链长与责任部门。"))
    return chain


@login_required
def leaders(request, pk):
    """The chain's chiefs and departments: add a role or a department (POST ``form=role|department``)."""
    chain = _changeable_chain(request.user, pk)
    posted = request.POST.get("form") if request.method == "POST" else None
    role_form = ChainRoleForm(request.POST if posted == "role" else None, user=request.user, chain=chain,
                              prefix="role", initial={"order": chain.roles.count() + 1})
    dept_form = ChainDepartmentForm(request.POST if posted == "department" else None, user=request.user,
                                    chain=chain, prefix="department")
    if posted == "role" and role_form.is_valid():
        data = {"chain": chain, **model_data(role_form)}
        role = save_with(role_form, lambda: services.create(request.user, ChainRole, data))
        if role:
            messages.success(request, _("已添加%(kind)s：%(name)s。") % {"kind": role.get_kind_display(),
                                                                      "name": role.person.name})
            return redirect("chains:leaders", chain.pk)
    elif posted == "department" and dept_form.is_valid():
        data = dept_form.cleaned_data
        link = save_with(dept_form, lambda: chain_services.set_department(
            request.user, chain, data["department"], is_lead=data["is_lead"]))
        if link:
            messages.success(request, _("已设置%(role)s：%(name)s。") % {
                "role": _("牵头部门") if link.is_lead else _("配合部门"), "name": link.department.name})
            return redirect("chains:leaders", chain.pk)
    return render(request, "chains/leaders.html", {
        "chain": chain, "role_form": role_form, "dept_form": dept_form,
        "roles": chain.roles.select_related("person", "person__region").order_by("order", "id"),
        "departments": chain.departments.select_related("department").order_by("-is_lead", "department__name"),
    })


@login_required
@require_POST
def leader_remove(request, pk, kind, row_id):
    """Remove one of the chain's roles (``kind="role"``) or departments (``kind="department"``)."""
    chain = _changeable_chain(request.user, pk)
    related = {"role": chain.roles, "department": chain.departments}.get(kind)
    if related is None:
        raise Http404
    row = get_object_or_404(related.all(), pk=row_id)
    version = request.POST.get("version")
    try:
        services.delete(request.user, row, version=int(version) if version and version.isdigit() else None)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已移除：%(what)s。") % {"what": row})
    return redirect("chains:leaders", chain.pk)


@login_required
def work_item(request, pk, item_id):
    """Show (GET) or change (POST) a chain's status on one work-model item; htmx swaps the row in place."""
    chain = get_object_or_404(Chain.objects.select_related("region").restrict(request.user, VIEW), pk=pk)
    if not can(request.user, CHANGE, chain):
        raise PermissionDenied(_("无权修改该产业链的工作事项。"))
    item = get_object_or_404(WorkModelItem, pk=item_id, work_model_id=chain.region.work_model_id)
    row = chain.work_items.filter(item=item).first()
    initial = {"status": row.status if row else "", "note": row.note if row else "",
               "evidence_url": row.evidence_url if row else "", "version": row.version if row else None}
    form = WorkItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = save_with(form, lambda: chain_services.set_work_item(
            request.user, chain, item, status=data["status"], note=data["note"],
            evidence_url=data["evidence_url"], version=data.get("version")))
        if saved:
            if request.htmx:
                rows, progress = _checklist(chain, request.user)
                entry = next(r for r in rows if r.item.pk == item.pk)
                return render(request, "chains/_work_item_saved.html", {
                    "chain": chain, "entry": entry, "progress": progress, "can_change": True})
            messages.success(request, _("已更新“%(item)s”。") % {"item": item.name})
            return redirect(reverse("chains:detail", args=[chain.pk]) + "#work")
    context = {"chain": chain, "item": item, "form": form, "row": row}
    if request.htmx:
        if request.method == "GET" and request.GET.get("cancel"):
            rows, _progress = _checklist(chain, request.user)
            entry = next(r for r in rows if r.item.pk == item.pk)
            return render(request, "chains/_work_item.html", {"chain": chain, "entry": entry, "can_change": True})
        return render(request, "chains/_work_item_form.html", context)
    return render(request, "chains/work_item_page.html", context)


@login_required
def tier_list(request):
    tiers = ChainTier.objects.restrict(request.user, VIEW).select_related("region")
    changeable = set(ChainTier.objects.restrict(request.user, CHANGE).values_list("pk", flat=True))
    for tier in tiers:
        tier.can_change = tier.pk in changeable
    return render(request, "chains/tier_list.html", {"tiers": tiers, "can_add": may(request.user, ADD, ChainTier),
                                                     "export_url": "/api/v1/tiers/export"})


@login_required
def tier_create(request):
    if not may(request.user, ADD, ChainTier):
        raise PermissionDenied(_("无权新建产业链层级。"))
    form = ChainTierForm(request.POST or None, user=request.user, initial={"region": request.user.region_id})
    if request.method == "POST" and form.is_valid():
        tier = save_with(form, lambda: services.create(request.user, ChainTier, model_data(form)))
        if tier:
            messages.success(request, _("已新建层级“%(name)s”。") % {"name": tier.name})
            return redirect("chains:tier_list")
    return render(request, "web/form_page.html", {
        "form": form, "title": _("新建产业链层级"), "back_url": reverse("chains:tier_list"),
        "back_label": _("产业链层级")})


@login_required
def tier_edit(request, pk):
    tier = get_object_or_404(ChainTier.objects.restrict(request.user, VIEW), pk=pk)
    url = reverse("chains:tier_list")
    return edit_page(request, tier, ChainTierForm, title=_("编辑产业链层级：%(name)s") % {"name": tier.name},
                     done_url=url, back_url=url, back_label=_("产业链层级"))


# People and departments (reference data): the officials and offices chains are given to, with the chains each
# serves. Reads go through ``restrict``; writes through core.services.
PER_PAGE = 30


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
    return _reference_list(request, Person, "chains/people.html", related=("region", "department"),
                           chains=("chain_roles", ChainRole))


@login_required
def person_create(request):
    return _create(request, Person, PersonForm, title=_("新建人员"), list_url=reverse("reference:people"),
                   message=_("已新建人员“%(name)s”。"))


@login_required
def person_edit(request, pk):
    return _edit(request, Person, PersonForm, pk, title=_("编辑人员：%(name)s"), list_url=reverse("reference:people"))


@login_required
def departments(request):
    return _reference_list(request, Department, "chains/departments.html", related=("region",),
                           chains=("chain_links", ChainDepartment))


@login_required
def department_create(request):
    return _create(request, Department, DepartmentForm, title=_("新建部门"), list_url=reverse("reference:departments"),
                   message=_("已新建部门“%(name)s”。"))


@login_required
def department_edit(request, pk):
    return _edit(request, Department, DepartmentForm, pk, title=_("编辑部门：%(name)s"),
                 list_url=reverse("reference:departments"))
