"""Pre-aggregation: ChainFigure rows per chain and per region for each period, from MonthlyStat.

Called after monthly statistics change (imports, entry). The cockpit then reads a few hundred rows instead
of aggregating millions. SQL is plain and portable (SQLite and PostgreSQL).
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q

from chainchief.analytics.periods import Period
from chainchief.chains.models import Chain
from chainchief.core.models import Region
from chainchief.enterprises.models import Enterprise, Membership
from chainchief.monitoring.models import ChainFigure, MonthlyStat

ZERO = Decimal(0)


CENT = Decimal("0.01")


def _dec(value):
    """Sums come back as Decimal from PostgreSQL and as float from SQLite: make them Decimal cents."""
    return ZERO if value is None else Decimal(str(value)).quantize(CENT)


def _row(values):
    revenue, reporters, comp_cur, comp_prev, comp_units, above_reporters = values
    return [_dec(revenue), int(reporters or 0), _dec(comp_cur), _dec(comp_prev), int(comp_units or 0),
            int(above_reporters or 0)]


def _tables():
    return {"stat": MonthlyStat._meta.db_table, "member": Membership._meta.db_table,
            "ent": Enterprise._meta.db_table}


_SUMS = """
    SUM(c.revenue),
    SUM(CASE WHEN c.revenue IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.revenue IS NOT NULL AND p.revenue IS NOT NULL THEN c.revenue END),
    SUM(CASE WHEN c.revenue IS NOT NULL AND p.revenue IS NOT NULL THEN p.revenue END),
    SUM(CASE WHEN c.revenue IS NOT NULL AND p.revenue IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.revenue IS NOT NULL AND e.is_above_scale THEN 1 ELSE 0 END)
"""


def _sums(group, pairs, chains=None):
    """{(period, group id): values} for every (period, previous) pair in one statement: per chain
    (``group="chain"``) or per district (``group="region"``). Both periods are filtered explicitly, so the
    planner reads only those ranges of the statistics."""
    pairs = sorted(pairs)
    currents, previous = [c for c, _ in pairs], [p for _, p in pairs]
    values = ", ".join(["(%s, %s)"] * len(pairs))  # both databases name a VALUES list's columns column1, column2
    marks = ", ".join(["%s"] * len(pairs))
    if group == "chain":
        key, join = "m.chain_id", "JOIN {member} m ON m.enterprise_id = c.enterprise_id"
    else:
        key, join = "e.region_id", ""
    only = ""
    if chains is not None:
        only = f"AND m.chain_id IN ({', '.join(['%s'] * len(chains))})"
    sql = f"""
        SELECT pp.column1, {key}, {_SUMS}
        FROM (VALUES {values}) pp
        JOIN {{stat}} c ON c.period = pp.column1
        {join}
        JOIN {{ent}} e ON e.id = c.enterprise_id
        LEFT JOIN {{stat}} p ON p.enterprise_id = c.enterprise_id AND p.period = pp.column2
            AND p.period IN ({marks})
        WHERE c.period IN ({marks}) {only}
        GROUP BY pp.column1, {key}
    """.format(**_tables())
    with connection.cursor() as cur:
        cur.execute(sql, [d for pair in pairs for d in pair] + previous + currents + list(chains or []))
        return {(_date(row[0]), row[1]): _row(row[2:]) for row in cur.fetchall()}


def _date(value):
    """SQLite hands the VALUES column back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _chain_sums(period, previous, chains=None):
    return {k[1]: v for k, v in _sums("chain", [(period, previous)], chains).items()}


def _district_sums(period, previous):
    return {k[1]: v for k, v in _sums("region", [(period, previous)]).items()}


def _member_counts():
    """chain id → (members, above-scale members), counted by the database."""
    out = defaultdict(lambda: [0, 0])
    rows = Membership.objects.values("chain_id").order_by().annotate(
        n=Count("pk"), above=Count("pk", filter=Q(enterprise__is_above_scale=True)))
    for row in rows:
        out[row["chain_id"]] = [row["n"], row["above"]]
    return out


def _region_counts(parents):
    """region id → (enterprises, above-scale enterprises) within it, its subregions included."""
    out = defaultdict(lambda: [0, 0])
    rows = Enterprise.objects.values("region_id").order_by().annotate(
        n=Count("pk"), above=Count("pk", filter=Q(is_above_scale=True)))
    for row in rows:
        for rid in _ancestors(row["region_id"], parents):
            out[rid][0] += row["n"]
            out[rid][1] += row["above"]
    return out


def _ancestors(region_id, parents):
    while region_id is not None:
        yield region_id
        region_id = parents.get(region_id)


def _figure(values, **fields):
    revenue, reporters, comp_cur, comp_prev, comp_units, above_reporters = values
    return ChainFigure(revenue=revenue, reporters=reporters, comparable_current=comp_cur,
                       comparable_previous=comp_prev, comparable_units=comp_units,
                       above_scale_reporters=above_reporters, **fields)


def analyze_after_bulk_write():
    """After a bulk write of monthly rows, give PostgreSQL's planner fresh statistics: with stale ones it joins
    every membership to the new periods row by row (seen: a 60-period refresh taking 24 s instead of 2 s)."""
    if connection.vendor == "postgresql":
        from chainchief.core.dbroles import ANALYZE_FUNCTION

        with connection.cursor() as cur:
            # A role that does not own the table (the application's, chainchief.core.dbroles) may not ANALYZE it:
            # PostgreSQL would skip it with a warning. The owner's function does it for that role.
            cur.execute("SELECT has_function_privilege(to_regprocedure(%s), 'EXECUTE') IS TRUE",
                        [f"{ANALYZE_FUNCTION}()"])
            if cur.fetchone()[0]:
                cur.execute(f"SELECT {ANALYZE_FUNCTION}()")
            else:
                # the columns the refresh joins and filters on: the others' statistics are left to autovacuum
                cur.execute(f"ANALYZE {MonthlyStat._meta.db_table} (period, enterprise_id)")


@transaction.atomic
def refresh(periods=None, chains=None, regions=True):
    """Recompute pre-aggregated figures. Returns the number of rows written.

    ``periods``: dates or Periods (default: every period with statistics); the periods a year later are
    recomputed too, since their comparable growth depends on them. ``chains``: only these chains' rows (after a
    membership changed); ``regions``: also the region rows (every enterprise counted once).
    """
    stat_periods = MonthlyStat.objects.values_list("period", flat=True).order_by().distinct()
    if periods is None:
        periods = set(stat_periods)
        stale = ChainFigure.objects.exclude(period__in=periods)  # periods whose statistics are all gone
    else:
        periods = {p.first_day if isinstance(p, Period) else p for p in periods}
        periods |= {Period.of(p).shift(12).first_day for p in periods}
        stale = ChainFigure.objects.filter(period__in=periods)
        periods = set(stat_periods.filter(period__in=periods))
        stale = stale.exclude(period__in=periods)
    scope = ChainFigure.objects.all()
    if chains is not None:
        chains = sorted(set(chains))
        scope = ChainFigure.objects.filter(chain_id__in=chains)
        if regions:
            scope = scope | ChainFigure.objects.filter(chain__isnull=True)
    elif not regions:
        scope = ChainFigure.objects.filter(chain__isnull=False)
    (stale & scope).delete()
    if not periods or (chains == [] and not regions):
        return 0
    chain_regions = dict(Chain.objects.values_list("pk", "region_id"))
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    members = _member_counts()
    region_members = _region_counts(parents) if regions else {}
    rows = []
    pairs = [(period, Period.of(period).shift(-12).first_day) for period in sorted(periods)]
    for start in range(0, len(pairs), 120):  # one statement per kind for up to ten years of periods
        part = pairs[start:start + 120]
        if chains != []:
            for (period, chain_id), values in sorted(_sums("chain", part, chains).items()):
                m = members[chain_id]
                rows.append(_figure(values, region_id=chain_regions[chain_id], chain_id=chain_id, period=period,
                                    members=m[0], above_scale=m[1]))
        if not regions:
            continue
        rolled = defaultdict(lambda: [ZERO, 0, ZERO, ZERO, 0, 0])
        for (period, district_id), values in _sums("region", part).items():
            for rid in _ancestors(district_id, parents):
                acc = rolled[period, rid]
                for i, v in enumerate(values):
                    acc[i] += v
        for (period, region_id), values in sorted(rolled.items()):
            m = region_members[region_id]
            rows.append(_figure(values, region_id=region_id, chain=None, period=period, members=m[0],
                                above_scale=m[1]))
    (scope & ChainFigure.objects.filter(period__in=periods)).delete()
    ChainFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
