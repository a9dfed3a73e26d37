"""产业分析: the city page (linkages of the chains in the input–output table, their inter-chain flows, location
quotients, shift-share, concentration and 延链 suggestions), the reference data page, the upload of a table and the
mapping of its sectors to chains. The page's figures are cached under the data stamp (insights.queries.cached)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from chainchief.chains.models import Chain
from chainchief.core import stamps
from chainchief.core.forms import save_with
from chainchief.core.permissions import ADD, CHANGE, VIEW, may
from chainchief.insights import queries, services
from chainchief.insights.forms import MappingForm, UploadForm
from chainchief.insights.models import IOSector, IOTable, ReferenceTotal, SegmentPresence
from chainchief.monitoring import report


def _chains(user):
    return report.visible_chains(user)


def _linkage_context(table):
    """What the page shows of a table's linkages (plain values, cached)."""
    try:
        lk = queries.linkages(table)
    except ValueError as exc:  # a table whose I − A cannot be inverted
        return {"lk": None, "table_error": str(exc)}
    context = {"lk": lk}
    if lk:
        n = len(lk.labels)
        context["matrix"] = [
            {"label": lk.labels[i], "cells": [
                {"value": lk.flows[i][j], "share": lk.inputs_share[i][j], "self": i == j} for j in range(n)]}
            for i in range(n)]
        context["chart"] = {
            "labels": lk.labels,
            "power": [round(r.power, 4) for r in lk.rows],
            "sensitivity": [round(r.sensitivity, 4) for r in lk.rows],
            "edges": [[a, b, round(v, 2)] for a, b, v in lk.edges],
            "names": {"power": _("影响力系数"), "sensitivity": _("感应度系数"), "average": _("平均 = 1")},
        }
    return context


def _aggregate_context(user, reference):
    chains = _chains(user)
    ref, year, lq_rows = queries.location_quotients(user, chains, reference)
    context = {"reference": ref, "lq_year": year, "lq_rows": lq_rows, "references": queries.references(user)}
    _ref2, y0, y1, ss_rows, growth = queries.shift_share(user, chains, ref)
    context.update(ss_start=y0, ss_end=y1, ss_rows=ss_rows, ss_growth=growth)
    period = queries.latest_period(user)
    context.update(hhi_period=period, hhi_rows=queries.hhi(chains, period) if period else [])
    return context


def _pick_region(user, value):
    regions = queries.extension_regions(user)
    chosen = next((r for r in regions if str(r.pk) == value), regions[0] if regions else None)
    return regions, chosen


@login_required
def index(request):
    user = request.user
    token = stamps.for_request(request)
    tables = queries.cached(token, "tables", user, [], lambda: list(
        IOTable.objects.restrict(user, VIEW).select_related("region")))
    pk = request.GET.get("table")
    table = next((t for t in tables if str(t.pk) == pk), tables[0] if tables else None)
    context = {"tables": tables, "table": table, "can_upload": may(user, ADD, IOTable),
               "aggregates": queries.may_see_aggregates(user)}
    if table is not None:
        context.update(queries.cached(token, "page-linkages", user, [table.pk], lambda: _linkage_context(table)))
    if context["aggregates"]:
        reference = request.GET.get("reference")
        context.update(queries.cached(token, "page-aggregates", user, [reference],
                                      lambda: _aggregate_context(user, reference)))
    regions, region = _pick_region(user, request.GET.get("region"))
    context.update(ext_regions=regions, ext_region=region)
    if region is not None:
        ext = queries.cached(token, "page-extension", user, [region.pk],
                             lambda: queries.extension(user, region, _chains(user)))
        wanted = request.GET.get("chain")
        context.update(ext=ext, ext_chain=next((c for c in ext.chains if str(c.chain.pk) == wanted),
                                               ext.chains[0] if ext.chains else None))
    return render(request, "insights/index.html", context)


@login_required
def references(request):
    """The reference data of the page: reference totals (LQ, shift-share) and other places' counts on the segments
    (延链), as the reader may see them, with the way to import them."""
    user = request.user
    totals = list(ReferenceTotal.objects.restrict(user, VIEW).select_related("chain")
                  .order_by("reference", "-year", "-is_total", "industry"))
    groups = {}
    for t in totals:  # one table per reference economy: a row per industry, a column per year
        g = groups.setdefault(t.reference, {"reference": t.reference, "years": set(), "rows": {}, "sources": set()})
        g["years"].add(t.year)
        row = g["rows"].setdefault(t.industry, {"industry": t.industry, "is_total": t.is_total, "chain": t.chain,
                                                "values": {}})
        row["values"][t.year] = t.value
        if t.source:
            g["sources"].add(t.source)
    for g in groups.values():
        g["years"] = sorted(g["years"])
        g["rows"] = sorted(g["rows"].values(), key=lambda r: (not r["is_total"], r["chain"].order if r["chain"] else 0,
                                                              r["industry"]))
        for r in g["rows"]:
            r["cells"] = [r["values"].get(y) for y in g["years"]]
        g["illustrative"] = any("示意" in source for source in g["sources"])
    presence = SegmentPresence.objects.restrict(user, VIEW)
    places = {}
    for place, n, source in presence.values_list("place", "enterprises", "source"):
        p = places.setdefault(place, {"place": place, "segments": 0, "enterprises": 0, "sources": set()})
        p["segments"] += 1 if n else 0
        p["enterprises"] += n
        if source:
            p["sources"].add(source)
    can_import = may(user, ADD, ReferenceTotal) and user.region_id is not None
    return render(request, "insights/references.html", {
        "groups": list(groups.values()),
        "places": sorted(places.values(), key=lambda p: p["place"]), "can_import": can_import,
        "can_import_presence": may(user, ADD, SegmentPresence) and user.region_id is not None,
    })


@login_required
def upload(request):
    user = request.user
    if not may(user, ADD, IOTable) or user.region_id is None:
        raise PermissionDenied(_("无权上传投入产出表。"))
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        from django.core.exceptions import ValidationError

        try:
            table = services.upload_table(user, d["file"], region=user.region, year=d["year"], title=d["title"],
                                          is_illustrative=d["is_illustrative"], source=d["source"])
        except ValidationError as exc:
            errors = exc.messages  # every bad cell, by row and column; nothing was written
        else:
            messages.success(request, _("已导入投入产出表“%(title)s”：%(n)s 个部门。请为各部门对应产业链。") % {
                "title": table.title, "n": table.sectors.count()})
            return redirect("insights:mapping", table.pk)
    return render(request, "insights/upload.html", {"form": form, "errors": errors,
                                                    "final_use": services.FINAL_USE,
                                                    "total_output": services.TOTAL_OUTPUT})


@login_required
def mapping(request, pk):
    user = request.user
    table = get_object_or_404(IOTable.objects.restrict(user, VIEW), pk=pk)
    may_edit = may(user, CHANGE, IOSector)
    form = MappingForm(request.POST or None, sectors=table.sectors.select_related("chain").order_by("order", "pk"),
                       chains=Chain.objects.restrict(user, VIEW).filter(region=table.region, is_active=True)
                       .order_by("order", "pk"))
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("无权修改部门对应关系。"))
        if form.is_valid():
            changed = save_with(form, lambda: services.map_sectors(user, table, form.mapping()))
            if changed is not None:
                messages.success(request, _("已保存：%(n)s 个部门的对应关系有变化。") % {"n": changed})
                return redirect(f"{_index_url()}?table={table.pk}")
    return render(request, "insights/mapping.html", {"table": table, "form": form, "may_edit": may_edit})


def _index_url():
    from django.urls import reverse

    return reverse("insights:index")
