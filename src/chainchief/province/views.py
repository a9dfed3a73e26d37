"""Pages of the province: its chains rolled up from the cities' chains, one chain compared across the cities with
the provincial map assembled from theirs, its N lists (with their .xlsx export) and its alerts, all assembled from
the cities' own. Reads through ``province.queries`` and ``province.lists`` (the permission filter)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

from chainchief.core.export import FORMATS, export_workbook
from chainchief.core.services import record
from chainchief.province import lists, queries

PER_PAGE = 50


def _period(request):
    try:
        return queries.period_for(request.user, request.GET.get("period")), None
    except ValidationError as exc:
        return queries.period_for(request.user), "；".join(exc.messages)


@login_required
def index(request):
    period, notice = _period(request)
    return render(request, "province/index.html", {
        "period": period, "notice": notice, "rows": queries.overview(request.user, period)})


@login_required
def chain(request, pk):
    period, notice = _period(request)
    parent = get_object_or_404(queries.chains(request.user), pk=pk)
    rolled, chain_map = queries.comparison(request.user, parent, period)
    cities = chain_map["cities"]
    matrix = [{**seg, "cells": [c["cells"].get(seg["id"]) for c in cities]} for seg in chain_map["segments"]]
    return render(request, "province/chain.html", {
        "parent": parent, "period": period, "notice": notice, "rolled": rolled, "map": chain_map,
        "cities": cities, "matrix": matrix})


def _parent(request, pk):
    queries.period_for(request.user)
    return get_object_or_404(queries.chains(request.user), pk=pk)


@login_required
def chain_lists(request, pk):
    parent = _parent(request, pk)
    key = request.GET.get("list") if request.GET.get("list") in lists.LISTS else "leaders"
    built = lists.build(request.user, parent)
    q = (request.GET.get("q") or "").strip()
    rows = lists.search(built["lists"][key], key, q)
    return render(request, "province/lists.html", {
        "parent": parent, "key": key, "title": lists.LISTS[key], "tabs": lists.counts(built), "q": q,
        "hidden": built["hidden"], "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))})


@login_required
def chain_lists_export(request, pk):
    parent = _parent(request, pk)
    built = lists.build(request.user, parent)
    record(request.user, "export", parent, object_repr=f"{parent.name} 清单")
    return FileResponse(export_workbook(lists.sheets(built)), as_attachment=True, filename=f"{parent.name}清单.xlsx",
                        content_type=FORMATS["xlsx"])


@login_required
def chain_alerts(request, pk):
    period, notice = _period(request)
    parent = get_object_or_404(queries.chains(request.user), pk=pk)
    return render(request, "province/alerts.html", {
        "parent": parent, "period": period, "notice": notice,
        "found": queries.alerts(request.user, parent, period) if period else None})
