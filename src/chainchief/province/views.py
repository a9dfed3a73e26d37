"""Pages of the province: its chains rolled up from the cities' chains, and one chain compared across the cities
with the provincial map assembled from theirs. Reads through ``province.queries`` (the permission filter)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render

from chainchief.province import queries


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
