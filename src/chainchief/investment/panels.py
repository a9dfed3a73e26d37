"""The local supply rate as a card on a chain's page and on its map (registered in ``core.registry``, so that the
chains and maps apps show it without importing this app)."""
from django.template.loader import render_to_string

from chainchief.investment import supply


def supply_panel(request, chain, place):
    user = request.user
    if not supply.may_read(user):
        return None
    data = supply.rates(chain, None, user)
    segments = [(s, r) for s, r in data.segments if r.total]
    return render_to_string("investment/_supply_panel.html", {
        "data": data, "place": place, "definition": supply.DEFINITION,
        "lowest": sorted(segments, key=lambda sr: sr[1].rate)[:3] if place == "map" else [],
    }, request=request)
