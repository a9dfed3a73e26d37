"""Pages of 招商与配套: leads and their pipeline, the catalogue of external enterprises, a chain's gaps and a
segment's ranked candidates, the funnel (with .xlsx export), supply links and the local supply rate, and
supply–demand matching. Reads through ``restrict``; writes through ``investment.services``."""
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainchief.chains.models import Chain
from chainchief.core.api_crud import search_in
from chainchief.core.export import FORMATS, export_workbook
from chainchief.core.forms import edit_page, model_data, save_with
from chainchief.core.models import Department
from chainchief.core.permissions import ADD, CHANGE, VIEW, can, may
from chainchief.enterprises.models import SupplyLink
from chainchief.investment import matching, queries, services, supply
from chainchief.investment.forms import (AdvanceForm, CapabilityForm, ContactForm, ExternalForm, LeadForm,
                                         NeedForm)
from chainchief.investment.models import (Capability, Contact, ExternalEnterprise, Lead, LeadStage, Need,
                                          stalled_q)

PER_PAGE = 20


def _int(value):
    """An id or a year from the query string (≥ 1), else None: chain=-1 filters nothing and links nowhere."""
    from chainchief.core.params import id_param

    return id_param(value)


def _chains(user):
    return Chain.objects.restrict(user, VIEW).filter(is_active=True).order_by("order", "id")


def _form_page(request, form, title, back_url, back_label):
    return render(request, "web/form_page.html", {"form": form, "title": title, "back_url": back_url,
                                                  "back_label": back_label})


# Leads ---------------------------------------------------------------------------------------------------------

@login_required
def lead_list(request):
    user = request.user
    qs = queries.leads(user)
    chain, department, stage = _int(request.GET.get("chain")), _int(request.GET.get("department")), \
        request.GET.get("stage") or ""
    if chain:
        qs = qs.filter(chain_id=chain)
    if department:
        qs = qs.filter(department_id=department)
    if stage in LeadStage.values:
        qs = qs.filter(stage=stage)
    stalled_only = request.GET.get("stalled") == "1"
    if stalled_only:
        qs = qs.filter(stalled_q())
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, Lead.SEARCH_FIELDS, q).order_by("chain__order", "chain_id", "-stage_on", "id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "investment/lead_list.html", {
        "page": page, "q": q, "chain": chain, "department": department, "stage": stage, "stalled_only": stalled_only,
        "chains": _chains(user), "stages": LeadStage.choices,
        "departments": Department.objects.restrict(user, VIEW).filter(investment_leads__isnull=False).distinct(),
        "stalled_count": queries.leads(user).filter(stalled_q()).count(),
        "can_add": may(user, ADD, Lead), "tab": "leads",
        "export_url": "/api/v1/investment/leads/export",
        "export_query": urlencode([(k, v) for k, v in request.GET.items() if v and k not in ("page", "stalled")]),
    })


@login_required
def lead_create(request):
    if not may(request.user, ADD, Lead):
        raise PermissionDenied(_("无权新建招商线索。"))
    initial = {k: _int(request.GET.get(k)) for k in ("chain", "segment", "target") if _int(request.GET.get(k))}
    form = LeadForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        lead = save_with(form, lambda: services.create_lead(request.user, model_data(form)))
        if lead:
            messages.success(request, _("已新建招商线索“%(title)s”。") % {"title": lead.title})
            return redirect("investment:lead", lead.pk)
    return _form_page(request, form, _("新建招商线索"), reverse("investment:leads"), _("招商线索"))


@login_required
def lead_detail(request, pk):
    lead = get_object_or_404(queries.with_steps(queries.leads(request.user), request.user), pk=pk)
    may_change = can(request.user, CHANGE, lead)
    form = AdvanceForm(lead=lead) if may_change and lead.stage != LeadStage.PRODUCING else None
    return render(request, "investment/lead_detail.html", {
        "lead": lead, "can_change": may_change, "advance_form": form, "stages": LeadStage.choices,
        "stage_index": lead.stage_index, "tab": "leads"})


@login_required
def lead_edit(request, pk):
    lead = get_object_or_404(queries.leads(request.user), pk=pk)
    url = reverse("investment:lead", args=[pk])
    return edit_page(request, lead, LeadForm, title=_("修改招商线索"), done_url=url, back_url=url,
                     back_label=lead.title,
                     update=lambda user, obj, data, version: services.update_lead(user, obj, data, version))


@login_required
@require_POST
def lead_advance(request, pk):
    lead = get_object_or_404(queries.with_steps(queries.leads(request.user), request.user), pk=pk)
    if not can(request.user, CHANGE, lead):
        raise PermissionDenied(_("无权推进该招商线索。"))
    form = AdvanceForm(request.POST, lead=lead)
    if form.is_valid():
        d = form.cleaned_data
        done = save_with(form, lambda: services.advance(request.user, lead, d["stage"], on=d["on"], amount=d["amount"],
                                                        note=d["note"], version=d["version"]))
        if done:
            messages.success(request, _("已推进到“%(stage)s”。") % {"stage": done.get_stage_display()})
            return redirect("investment:lead", pk)
    return render(request, "investment/lead_detail.html", {
        "lead": lead, "can_change": True, "advance_form": form, "stages": LeadStage.choices,
        "stage_index": lead.stage_index, "tab": "leads"}, status=400)


@login_required
def funnel(request):
    chain, department = _int(request.GET.get("chain")), _int(request.GET.get("department"))
    data = queries.funnel(request.user, chain=chain, department=department)
    for row in [*data["chains"], *data["departments"], data["total"]]:
        top = row["reached"][0] or 1
        row["bars"] = [{"n": n, "width": round(100 * n / top)} for n in row["reached"]]
    return render(request, "investment/funnel.html", {
        "data": data, "chains": _chains(request.user), "chain": chain, "tab": "funnel",
        "query": urlencode({k: v for k, v in (("chain", chain), ("department", department)) if v})})


@login_required
def funnel_export(request):
    data = queries.funnel(request.user, chain=_int(request.GET.get("chain")),
                          department=_int(request.GET.get("department")))
    return FileResponse(export_workbook(queries.funnel_sheets(data)), as_attachment=True, filename="招商漏斗.xlsx",
                        content_type=FORMATS["xlsx"])


# The catalogue -------------------------------------------------------------------------------------------------

@login_required
def catalogue(request):
    q = request.GET.get("q", "").strip()
    qs = search_in(queries.externals(request.user), ExternalEnterprise.SEARCH_FIELDS, q).prefetch_related(
        "segments__chain").order_by("name", "id")
    size = request.GET.get("size") or ""
    if size:
        qs = qs.filter(size=size)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "investment/catalogue.html", {
        "page": page, "q": q, "size": size, "sizes": ExternalEnterprise._meta.get_field("size").choices,
        "can_add": may(request.user, ADD, ExternalEnterprise), "tab": "catalogue",
        "export_url": "/api/v1/investment/external-enterprises/export",
        "export_query": urlencode([(k, v) for k, v in request.GET.items() if v and k != "page"])})


@login_required
def external_create(request):
    if not may(request.user, ADD, ExternalEnterprise):
        raise PermissionDenied(_("无权新增外地企业。"))
    form = ExternalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        ext = save_with(form, lambda: services.create_external(request.user, model_data(form)))
        if ext:
            messages.success(request, _("已加入企业库：%(name)s。") % {"name": ext.name})
            return redirect("investment:catalogue")
    return _form_page(request, form, _("新增外地企业"), reverse("investment:catalogue"), _("招商目标企业库"))


@login_required
def external_edit(request, pk):
    ext = get_object_or_404(queries.externals(request.user), pk=pk)
    url = reverse("investment:catalogue")
    return edit_page(request, ext, ExternalForm, title=_("修改外地企业：%(name)s") % {"name": ext.name},
                     done_url=url, back_url=url, back_label=_("招商目标企业库"))


# Gaps and candidates -------------------------------------------------------------------------------------------

def _first_chain(user):
    """The chain a page opens on: the user's own first (a chief's, a department's), else the region's first."""
    own = Chain.objects.restrict(user, CHANGE).filter(is_active=True).order_by("order", "id").first()
    chain = own or _chains(user).first()
    if chain is None:
        raise Http404(_("没有可查看的产业链。"))
    return chain


@login_required
def gaps_default(request):
    return redirect("investment:gaps", _first_chain(request.user).pk)


@login_required
def rate_default(request):
    return redirect("investment:rate", _first_chain(request.user).pk)


@login_required
def gaps(request, pk):
    chain = get_object_or_404(Chain.objects.restrict(request.user, VIEW).select_related("region"), pk=pk)
    rows = queries.gaps(chain, request.user)
    from chainchief.maps.models import Segment

    segments = {s.pk: s for s in Segment.objects.filter(pk__in=[r["node"]["id"] for r in rows]).select_related(
        "chain", "parent")}
    for r in rows:
        r["segment"] = segments[r["node"]["id"]]
        r["candidates"] = queries.candidates(r["segment"], request.user, limit=3)
    return render(request, "investment/gaps.html", {"chain": chain, "rows": rows, "chains": _chains(request.user),
                                                    "can_add": may(request.user, ADD, Lead), "tab": "gaps"})


@login_required
def segment(request, pk):
    from chainchief.maps.models import Segment

    seg = get_object_or_404(Segment.objects.restrict(request.user, VIEW).select_related("chain", "parent"), pk=pk)
    return render(request, "investment/segment.html", {
        "segment": seg, "chain": seg.chain, "leads": queries.leads(request.user).filter(segment=seg),
        "candidates": queries.candidates(seg, request.user, limit=50), "can_add": may(request.user, ADD, Lead),
        "tab": "gaps"})


# Supply links and the local supply rate ------------------------------------------------------------------------

@login_required
def supply_links(request):
    user = request.user
    qs = SupplyLink.objects.restrict(user, VIEW).select_related("supplier__region", "customer__region", "chain")
    chain, year = _int(request.GET.get("chain")), _int(request.GET.get("year"))
    if chain:
        qs = qs.filter(chain_id=chain)
    if year:
        qs = qs.filter(year=year)
    q = request.GET.get("q", "").strip()
    qs = search_in(qs, ("product", "supplier__name", "customer__name"), q).order_by("-year", "id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    local_regions = set(user.scope.regions) if getattr(user, "region_id", None) else set()
    return render(request, "investment/supply_links.html", {
        "page": page, "q": q, "chain": chain, "year": year, "chains": _chains(user), "tab": "supply",
        "local_regions": local_regions, "can_rate": supply.may_read(user),
        "export_url": "/api/v1/supply-links/export",
        "export_query": urlencode([(k, v) for k, v in request.GET.items() if v and k != "page"])})


@login_required
def rate(request, pk):
    chain = get_object_or_404(Chain.objects.restrict(request.user, VIEW).select_related("region"), pk=pk)
    if not supply.may_read(request.user):
        raise PermissionDenied(_("无权查看产业链汇总数据（本地配套率）。"))
    data = supply.rates(chain, _int(request.GET.get("year")), request.user)
    return render(request, "investment/rate.html", {
        "chain": chain, "data": data, "definition": supply.DEFINITION, "chains": _chains(request.user),
        "tab": "supply"})


# Supply–demand matching ----------------------------------------------------------------------------------------

@login_required
def matching_index(request):
    user = request.user
    q = request.GET.get("q", "").strip()
    needs = search_in(Need.objects.restrict(user, VIEW).select_related("enterprise"), Need.SEARCH_FIELDS, q)
    caps = search_in(Capability.objects.restrict(user, VIEW).select_related("enterprise"), Capability.SEARCH_FIELDS, q)
    return render(request, "investment/matching.html", {
        "needs": Paginator(needs, PER_PAGE).get_page(request.GET.get("page")), "capabilities": caps[:PER_PAGE],
        "capability_count": caps.count(), "q": q, "tab": "matching",
        "can_add_need": may(user, ADD, Need), "can_add_capability": may(user, ADD, Capability)})


def _post_create(request, form_class, model, save, title):
    if not may(request.user, ADD, model):
        raise PermissionDenied(_("无权发布%(name)s。") % {"name": model._meta.verbose_name})
    own = list(request.user.enterprises.values_list("pk", flat=True)[:1])
    form = form_class(request.POST or None, user=request.user, initial={"enterprise": own[0]} if own else {})
    if request.method == "POST" and form.is_valid():
        obj = save_with(form, lambda: save(request.user, model_data(form)))
        if obj:
            messages.success(request, _("已发布：%(title)s。") % {"title": obj.title})
            return redirect("investment:need", obj.pk) if model is Need else redirect("investment:matching")
    return _form_page(request, form, title, reverse("investment:matching"), _("供需对接"))


@login_required
def need_create(request):
    return _post_create(request, NeedForm, Need, services.create_need, _("发布采购需求"))


@login_required
def capability_create(request):
    return _post_create(request, CapabilityForm, Capability, services.create_capability, _("发布供应能力"))


@login_required
def need_detail(request, pk):
    user = request.user
    need = get_object_or_404(Need.objects.restrict(user, VIEW).select_related("enterprise", "chain"), pk=pk)
    contacts = list(Contact.objects.restrict(user, VIEW).filter(need=need).select_related("capability__enterprise"))
    contacted = {c.capability_id for c in contacts}
    matches = matching.match(user, need, k=10)
    for m in matches:
        m["contacted"] = m["capability"].pk in contacted
    return render(request, "investment/need.html", {
        "need": need, "matches": matches, "contacts": contacts, "tab": "matching",
        "can_contact": may(user, ADD, Contact), "words": list(dict.fromkeys(matching.tokens(need.document)))})


@login_required
@require_POST
def contact_create(request, pk, capability):
    user = request.user
    need = get_object_or_404(Need.objects.restrict(user, VIEW), pk=pk)
    cap = get_object_or_404(Capability.objects.restrict(user, VIEW), pk=capability)
    form = ContactForm({"outcome": "pending", "note": request.POST.get("note", "")}, user=user)
    form.is_valid()
    contact = save_with(form, lambda: services.record_contact(user, need, cap, {"note": form.cleaned_data.get("note", "")}))
    if contact:
        messages.success(request, _("已生成对接记录：%(name)s。") % {"name": cap.enterprise.name})
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("investment:need", args=[pk]) + "#contacts")


@login_required
def contact_edit(request, pk):
    contact = get_object_or_404(Contact.objects.restrict(request.user, VIEW).select_related("need", "capability"),
                                pk=pk)
    url = reverse("investment:need", args=[contact.need_id]) + "#contacts"
    return edit_page(request, contact, ContactForm, title=_("对接结果：%(name)s") % {"name": str(contact)},
                     done_url=url, back_url=url, back_label=contact.need.title,
                     update=lambda user, obj, data, version: services.update_contact(user, obj, data, version))
