"""The province's view of its chains, shared by its pages and its API: a provincial chain's roll-up of figures
(``monitoring.rollup``) with, for each city chain serving it, the segments it holds of the provincial map
(``maps.rollup``) and its local supply rate (``investment.supply``)."""
from chainchief.chains.models import Chain
from chainchief.investment import supply
from chainchief.maps.rollup import rollup_map  # noqa: F401  (the API's map)
from chainchief.monitoring import report
from chainchief.monitoring import rollup as figures
from chainchief.monitoring.services import parse_period


def period_for(user, text=None):
    report.check_may_read(user)
    return parse_period(text) if text else report.latest_period(user)


def chains(user):
    return figures.provincial_chains(user)


def overview(user, period):
    parents = list(chains(user))
    rolled = figures.rollups(user, parents, period) if period else {}
    return [(parent, rolled.get(parent.pk)) for parent in parents]


def comparison(user, parent, period):
    """The roll-up of ``parent`` with each city chain's segments held and local supply rate, and the map."""
    rolled = figures.rollup(user, parent, period) if period else None
    chain_map = rollup_map(user, parent)
    by_chain = {c["chain_id"]: c for c in chain_map["cities"]}
    city_chains = {c.pk: c for c in Chain.objects.filter(pk__in=list(by_chain))}
    for row in (rolled or {}).get("cities", []):
        m = by_chain.get(row["chain_id"], {})
        row["segments_held"] = m.get("held")
        row["segments_strong"] = m.get("strong")
        row["segments_total"] = len(chain_map["segments"])
        rate = supply.chain_rate(city_chains[row["chain_id"]], period.year) if row["chain_id"] in city_chains else None
        row["local_supply_rate"] = float(rate.rate) if rate is not None and rate.rate is not None else None
    return rolled, chain_map


def alerts(user, parent, period):
    return figures.rollup_alerts(user, parent, period)
