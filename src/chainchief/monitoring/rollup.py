"""A provincial chain's figures assembled from the cities' chains that serve it (``chains.ChainLink``), read from
the cities' own pre-aggregated figures under the reader's permissions — never copied into the province.

For a period: each linked city chain's year-to-date revenue, comparable growth and share of the roll-up, and its
location quotient LQ = (the city chain's revenue ÷ the city's above-scale total) ÷ (the roll-up's revenue ÷ the
province's above-scale total); the roll-up's revenue, comparable growth (over the summed comparable bases of its
city chains) and reporters. An enterprise that belongs to two linked chains of one city counts in each, as in
the city's own chain totals.
"""
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_noop

from chainchief.analytics.growth import ratio
from chainchief.analytics.periods import Period
from chainchief.analytics.regional import location_quotient
from chainchief.chains.models import Chain, ChainLink
from chainchief.core.permissions import VIEW
from chainchief.monitoring.models import ChainFigure
from chainchief.monitoring import report, rules
from chainchief.monitoring.report import check_may_read

ZERO = Decimal(0)


def provincial_chains(user):
    """The chains the reader may see that other regions' chains serve."""
    return (Chain.objects.restrict(user, VIEW).filter(links_down__isnull=False, is_active=True).distinct()
            .select_related("region", "tier").order_by("region", "order", "pk"))


def _figures(user, chain_ids, periods):
    out = {}
    for f in ChainFigure.objects.restrict(user, VIEW).filter(chain_id__in=chain_ids, period__in=periods):
        out[f.chain_id, Period.of(f.period)] = f
    return out


def _totals(user, region_ids, period):
    return dict(ChainFigure.objects.restrict(user, VIEW)
                .filter(region_id__in=region_ids, chain__isnull=True, period=period.first_day)
                .values_list("region_id", "revenue"))


def rollups(user, parents, period):
    """{parent chain id: roll-up} for ``parents`` in ``period`` (see ``rollup``), in a fixed number of queries."""
    check_may_read(user)
    parents = list(parents)
    links = defaultdict(list)
    for link in (ChainLink.objects.restrict(user, VIEW).filter(parent__in=parents, chain__is_active=True)
                 .select_related("chain__region").order_by("chain__region__order", "chain__region_id", "chain__order")):
        links[link.parent_id].append(link)
    city_chains = {link.chain_id for rows in links.values() for link in rows}
    previous = period.shift(-12)
    figures = _figures(user, city_chains, [period.first_day, previous.first_day])
    regions = {link.chain.region_id for rows in links.values() for link in rows} | {p.region_id for p in parents}
    totals = _totals(user, regions, period)
    return {parent.pk: _rollup(parent, period, previous, links[parent.pk], figures, totals) for parent in parents}


def rollup(user, parent, period):
    return rollups(user, [parent], period)[parent.pk]


def _rollup(parent, period, previous, links, figures, totals):
    revenue = current = before = ZERO
    reporters = above_scale = members = 0
    reported = False
    cities = []
    for link in links:
        f, p = figures.get((link.chain_id, period)), figures.get((link.chain_id, previous))
        row = {"chain_id": link.chain_id, "chain": link.chain.name, "region_id": link.chain.region_id,
               "region": link.chain.region.name, "note": link.note, "revenue": None, "yoy_comparable": None,
               "yoy_simple": None, "reporters": 0, "above_scale": 0, "share": None, "lq": None}
        if f is not None:
            reported = True
            revenue += f.revenue
            current += f.comparable_current
            before += f.comparable_previous
            reporters += f.reporters
            above_scale += f.above_scale
            members += f.members
            row.update(revenue=f.revenue, yoy_comparable=ratio(f.comparable_current, f.comparable_previous),
                       yoy_simple=ratio(f.revenue, p.revenue) if p is not None else None,
                       reporters=f.reporters, above_scale=f.above_scale)
        cities.append(row)
    province_total = totals.get(parent.region_id)
    for row in cities:
        if reported and revenue and row["revenue"] is not None:
            row["share"] = float(row["revenue"] / revenue)
            city_total = totals.get(row["region_id"])
            if city_total and province_total:
                row["lq"] = location_quotient(float(row["revenue"]), float(city_total), float(revenue),
                                              float(province_total))
    return {
        "chain_id": parent.pk, "name": parent.name, "region_id": parent.region_id, "region": parent.region.name,
        "period": str(period), "revenue": revenue if reported else None,
        "yoy_comparable": ratio(current, before) if reported else None,
        "reporters": reporters, "above_scale": above_scale, "members": members,
        "province_total": province_total, "cities": cities,
    }


def rollup_alerts(user, parent, period):
    """The alerts of a provincial chain, assembled from the cities': each linked city chain's own alerts (as its
    city's monitoring gives them, against its city's growth), the enterprises of the linked chains with a sharp
    drop or no report (each city's own warning line; an enterprise in two linked chains of one city is listed
    once), and the roll-up's own: comparable growth below the province's total. Read as the reader."""
    check_may_read(user)
    links = list(ChainLink.objects.restrict(user, VIEW).filter(parent=parent, chain__is_active=True)
                 .select_related("chain__region", "chain__tier")
                 .order_by("chain__region__order", "chain__region_id", "chain__order"))
    city_chains = [link.chain for link in links]
    rows = {r.chain.pk: r for r in report.chain_rows(user, period, city_chains, with_series=False)}
    rolled = rollup(user, parent, period)
    province = report.city_figures(user, parent.region, period)
    own = []
    if rolled["yoy_comparable"] is not None and rolled["yoy_comparable"] < 0:
        own.append({"kind": "shrinking", "message": rules.Text(gettext_noop("全省汇总可比口径同比下降 %(drop)s"),
                                                               drop=rules.pct(-rolled["yoy_comparable"]))})
    elif (rolled["yoy_comparable"] is not None and province.yoy_comparable is not None
          and rolled["yoy_comparable"] < province.yoy_comparable):
        own.append({"kind": "slower_than_province",
                    "message": rules.Text(gettext_noop("全省汇总可比口径同比增长 %(growth)s，低于全省规上工业 %(total)s"),
                                          growth=rules.pct(rolled["yoy_comparable"]),
                                          total=rules.pct(province.yoy_comparable))})
    cities, drops, silent = [], {}, {}
    for chain in city_chains:
        found = report.enterprise_alerts(user, period, chain)
        where = {"region_id": chain.region_id, "region": chain.region.name, "chain_id": chain.pk, "chain": chain.name}
        for target, items in ((drops, found["sharp_drops"]), (silent, found["not_reported"])):
            for a in items:
                key = chain.region_id, a["enterprise_id"]
                if key in target:
                    target[key]["chains"].append(chain.name)
                else:
                    target[key] = {**a, **where, "chains": [chain.name]}
        row = rows.get(chain.pk)
        cities.append({**where, "alerts": row.alerts if row is not None else [],
                       "sharp_drops": len(found["sharp_drops"]), "not_reported": len(found["not_reported"])})
    return {"chain_id": parent.pk, "name": parent.name, "period": str(period), "alerts": own,
            "yoy_comparable": rolled["yoy_comparable"], "province_yoy_comparable": province.yoy_comparable,
            "cities": cities, "sharp_drops": sorted(drops.values(), key=lambda a: a["growth"]),
            "not_reported": sorted(silent.values(), key=lambda a: (a["region_id"], a["enterprise"]))}
