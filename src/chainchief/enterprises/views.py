"""Enterprise pages. Reads go through ``restrict``; writes through the services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainchief.accounts.models import Role
from chainchief.core import services
from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, can, may
from chainchief.enterprises import queries
from chainchief.enterprises import services as enterprise_services
from chainchief.enterprises.forms import (
    DeleteForm, EnterpriseFilterForm, EnterpriseForm, MembershipForm, NewEnterpriseForm, QualificationForm,
)
from chainchief.enterprises.models import Enterprise, Membership, Qualification
from chainchief.core.forms import edit_page, export_query, model_data, save_with

PER_PAGE = 20


@login_required
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    qs = queries.enterprises_with_details(request.user)
    qs = queries.search(qs, user=request.user, **form.search_args()).order_by("name", "pk")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    filtered = any(v not in (None, "") for k, v in request.GET.items() if k != "page")
    return render(request, "enterprises/list.html", {
        "form": form, "page": page, "filtered": filtered,
        "can_add": may(request.user, ADD, Enterprise),
        "export_url": "/api/v1/enterprises/export", "export_query": export_query(request),
    })


def _enterprise(user, pk):
    return get_object_or_404(queries.enterprises_with_details(user), pk=pk)


@login_required
def detail(request, pk):
    enterprise = _enterprise(request.user, pk)
    memberships = list(Membership.objects.restrict(request.user, VIEW).filter(enterprise=enterprise)
                       .select_related("chain").order_by("chain__order"))
    changeable = set(Membership.objects.restrict(request.user, CHANGE).filter(enterprise=enterprise)
                     .values_list("pk", flat=True))
    deletable = set(Membership.objects.restrict(request.user, DELETE).filter(enterprise=enterprise)
                    .values_list("pk", flat=True))
    for m in memberships:
        m.can_change, m.can_delete = m.pk in changeable, m.pk in deletable
    add_form = None
    if may(request.user, ADD, Membership):
        add_form = MembershipForm(user=request.user, enterprise=enterprise,
                                  instance=Membership(enterprise=enterprise))
        if not add_form.fields["chain"].queryset.exists():
            add_form = None
    qualifications = list(Qualification.objects.restrict(request.user, VIEW).filter(enterprise=enterprise))
    removable = set(Qualification.objects.restrict(request.user, DELETE).filter(enterprise=enterprise)
                    .values_list("pk", flat=True))
    for q in qualifications:
        q.can_delete = q.pk in removable
    can_change = can(request.user, CHANGE, enterprise)
    qualification_form = QualificationForm(initial={"year": timezone.localdate().year}) \
        if can_change and may(request.user, ADD, Qualification) else None
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise, "memberships": memberships, "add_form": add_form, "can_change": can_change,
        "qualifications": qualifications, "qualification_form": qualification_form,
    })


@login_required
@require_POST
def qualification_add(request, pk):
    enterprise = _enterprise(request.user, pk)
    if not can(request.user, CHANGE, enterprise):
        raise PermissionDenied(_("无权修改该企业的资质。"))
    form = QualificationForm(request.POST, instance=Qualification(enterprise=enterprise))
    if form.is_valid():
        row = save_with(form, lambda: services.create(request.user, Qualification,
                                                      {"enterprise": enterprise, **model_data(form)}))
        if row:
            messages.success(request, _("已添加资质：%(name)s。") % {"name": row})
            return redirect(reverse("enterprises:detail", args=[enterprise.pk]) + "#qualifications")
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, error)
    return redirect(reverse("enterprises:detail", args=[enterprise.pk]) + "#qualifications")


@login_required
@require_POST
def qualification_delete(request, pk):
    row = get_object_or_404(Qualification.objects.restrict(request.user, VIEW).select_related("enterprise"), pk=pk)
    if not can(request.user, DELETE, row):
        raise PermissionDenied(_("无权删除该资质。"))
    form = DeleteForm(request.POST)
    if form.is_valid() and save_with(form, lambda: services.delete(request.user, row,
                                                                   version=form.cleaned_data.get("version")) or True):
        messages.success(request, _("已删除资质：%(name)s。") % {"name": row})
    else:
        messages.error(request, " ".join(form.non_field_errors()) or _("删除失败，请刷新后重试。"))
    return redirect(reverse("enterprises:detail", args=[row.enterprise_id]) + "#qualifications")


@login_required
def create(request):
    user = request.user
    if not may(user, ADD, Enterprise):
        raise PermissionDenied(_("无权新建企业。"))
    chain_required = user.role in (Role.DEPT, Role.CHIEF)
    form = NewEnterpriseForm(request.POST or None, user=user, chain_required=chain_required,
                             initial={"chain": request.GET.get("chain")})
    if request.method == "POST" and form.is_valid():
        chain = form.cleaned_data.get("chain")
        pairs = [(chain, form.cleaned_data["role"])] if chain else []
        data = model_data(form, EnterpriseForm.Meta.fields)
        enterprise = save_with(form, lambda: enterprise_services.create_enterprise(user, data, pairs))
        if enterprise:
            messages.success(request, _("已新建企业“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("新建企业"), "back_url": reverse("enterprises:list"), "back_label": _("企业")})


@login_required
def edit(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, VIEW), pk=pk)
    url = reverse("enterprises:detail", args=[enterprise.pk])
    return edit_page(request, enterprise, EnterpriseForm, title=_("编辑企业：%(name)s") % {"name": enterprise.name},
                     done_url=url, back_url=url, back_label=enterprise.name,
                     update=lambda user, obj, data, version: enterprise_services.update_enterprise(
                         user, obj, data, version=version))


@login_required
def membership_add(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, VIEW), pk=pk)
    if not may(request.user, ADD, Membership):
        raise PermissionDenied(_("无权将企业加入产业链。"))
    form = MembershipForm(request.POST or None, user=request.user, enterprise=enterprise,
                          instance=Membership(enterprise=enterprise))
    if request.method == "POST" and form.is_valid():
        data = {"enterprise": enterprise, **model_data(form, ["chain", "role"])}
        row = save_with(form, lambda: services.create(request.user, Membership, data))
        if row:
            messages.success(request, _("已将企业加入“%(chain)s”产业链。") % {"chain": row.chain.name})
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("加入产业链"), "back_url": reverse("enterprises:detail", args=[enterprise.pk]),
        "back_label": enterprise.name})


def _membership(user, pk):
    return get_object_or_404(Membership.objects.restrict(user, VIEW).select_related("enterprise", "chain"), pk=pk)


@login_required
def membership_edit(request, pk):
    membership = _membership(request.user, pk)
    if not can(request.user, CHANGE, membership):
        raise PermissionDenied(_("无权修改该产业链成员。"))
    enterprise, chain = membership.enterprise, membership.chain
    form = MembershipForm(request.POST or None, instance=membership, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_with(form, lambda: services.update(
            request.user, membership, {"role": form.cleaned_data["role"]}, version=form.cleaned_data.get("version")))
        if saved:
            messages.success(request, _("已保存。"))
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("修改链上角色：%(chain)s") % {"chain": chain.name},
        "back_url": reverse("enterprises:detail", args=[enterprise.pk]), "back_label": enterprise.name})


@login_required
@require_POST
def membership_delete(request, pk):
    membership = _membership(request.user, pk)
    if not can(request.user, DELETE, membership):
        raise PermissionDenied(_("无权移除该产业链成员。"))
    enterprise = membership.enterprise
    form = DeleteForm(request.POST)
    if form.is_valid():
        done = save_with(form, lambda: services.delete(request.user, membership,
                                                       version=form.cleaned_data.get("version")) or True)
        if done:
            messages.success(request, _("已将企业移出“%(chain)s”产业链。") % {"chain": membership.chain.name})
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    return redirect("enterprises:detail", enterprise.pk)
