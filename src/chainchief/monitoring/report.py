"""Where each chain stands in a period: YTD, comparable and simple growth, share, rank, the road to its
target, a forecast and a status. Reads only pre-aggregated ChainFigure rows (see aggregates.py)."""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

from chainchief.analytics import forecast as fc
from chainchief.analytics.growth import cagr, ratio, trailing_twelve_months, years_to_target
from chainchief.analytics.periods import Period
from chainchief.chains.models import Chain
from chainchief.core import stamps
from chainchief.core.permissions import VIEW
from chainchief.monitoring import rules
from chainchief.monitoring.models import ChainFigure, ChainTarget, MonitoringSettings

WAN_PER_YI = Decimal(10000)


def check_may_read(user):
    """Chain and city totals are for officials: enterprise users get a 403."""
    from django.core.exceptions import PermissionDenied

    from chainchief.core.permissions import may

    if not may(user, VIEW, ChainFigure):
        raise PermissionDenied(gettext("无权查看产业链汇总数据。"))


def latest_period(user):
    row = ChainFigure.objects.restrict(user, VIEW).order_by("-period").values_list("period", flat=True).first()
    return Period.of(row) if row else None


def settings_for(region):
    return MonitoringSettings.objects.filter(region=region).first() or MonitoringSettings(region=region)


@dataclass
class ChainRow:
    chain: Chain
    period: Period
    revenue: Decimal | None = None  # 万元, YTD
    yoy_comparable: float | None = None
    yoy_simple: float | None = None
    comparable_units: int = 0
    share: float | None = None
    rank: int | None = None
    reporters: int = 0
    above_scale_reporters: int = 0
    above_scale: int = 0
    members: int = 0
    ttm: Decimal | None = None  # 万元
    ttm_growth: float | None = None  # trailing twelve months against the twelve months a year earlier
    target: Decimal | None = None  # 亿元
    target_year: int | None = None
    annual_target: Decimal | None = None  # 亿元, this year's, if set
    progress: float | None = None
    required_cagr: float | None = None
    forecast: fc.Forecast | None = None
    status: rules.Status = None
    series: list = field(default_factory=list)  # [(Period, YTD 万元)]
    alerts: list = field(default_factory=list)

    @property
    def non_reporters(self):
        return max(self.above_scale - self.above_scale_reporters, 0)  # above-scale members that did not report

    @property
    def revenue_yi(self):
        return None if self.revenue is None else self.revenue / WAN_PER_YI

    @property
    def ttm_yi(self):
        return None if self.ttm is None else self.ttm / WAN_PER_YI


@dataclass
class CityRow:
    period: Period
    revenue: Decimal | None
    yoy_comparable: float | None
    yoy_simple: float | None
    reporters: int
    above_scale: int


@dataclass(frozen=True)
class Fig:
    """The few fields of a ChainFigure the report needs (plain tuples are much cheaper than model rows)."""

    revenue: Decimal
    comparable_current: Decimal
    comparable_previous: Decimal
    comparable_units: int
    reporters: int
    members: int
    above_scale: int
    above_scale_reporters: int


_FIG_FIELDS = ("chain_id", "period", "revenue", "comparable_current", "comparable_previous", "comparable_units",
               "reporters", "members", "above_scale", "above_scale_reporters")


def _index(queryset):
    by = defaultdict(dict)
    for chain_id, period, *values in queryset.values_list(*_FIG_FIELDS):
        by[chain_id][Period(period.year, period.month)] = Fig(*values)
    return by


def visible_chains(user):
    return list(Chain.objects.restrict(user, VIEW).filter(is_active=True).select_related("tier", "region"))


def cache_key(kind, period, chains, *parts):
    """The key (under the data stamp, core.stamps) for what is computed from the figures of ``chains`` in
    ``period``. The stamp changes with every write to the figures, chains, tiers, rules and targets, so nothing
    stale is ever served."""
    return ("monitoring", kind, str(period), ",".join(str(pk) for pk in sorted(c.pk for c in chains)),
            *map(str, parts))


def reader_key(user):
    """What decides which chains and which city totals ``user`` reads (role, scope, region), for keys of cached
    answers that are shared by every reader with the same view, without loading the chains first."""
    return (user.role, user.is_superuser, user.region_id, user.scope.digest)


def cached_chain_rows(user, period, chains=None, *, with_series=True, timeout=300, token=None):
    """chain_rows, cached per (data stamp, period, the chains asked for): the cockpit answers from the cache
    until the next change. Permission is applied before the key is made, so users share only what each may
    see. ``token``: the stamp already read in this request (else it is read now)."""
    chains = list(chains if chains is not None else visible_chains(user))
    check_may_read(user)
    token = token or stamps.current()
    # Not kept in process memory: callers get their own copy of the rows from the cache.
    return stamps.memo(token, cache_key("rows", period, chains, with_series),
                       lambda: chain_rows(user, period, chains, with_series=with_series), timeout=timeout,
                       local=False)


def cached_latest_period(user, token):
    """latest_period, cached per data stamp and reader."""
    return stamps.memo(token, ("monitoring", "latest", *reader_key(user)), lambda: latest_period(user))


def _ttm(figs, p):
    cur, dec, prev = figs.get(p), figs.get(Period(p.year - 1, 12)), figs.get(p.shift(-12))
    if p.month == 12:
        return cur.revenue if cur else None
    return trailing_twelve_months(cur and cur.revenue, dec and dec.revenue, prev and prev.revenue)


def city_figures(user, region, period):
    figs = {Period.of(f.period): f for f in ChainFigure.objects.restrict(user, VIEW)
            .filter(region=region, chain__isnull=True, period__in=[period.first_day, period.shift(-12).first_day])}
    cur, prev = figs.get(period), figs.get(period.shift(-12))
    return CityRow(
        period=period, revenue=cur.revenue if cur else None,
        yoy_comparable=ratio(cur.comparable_current, cur.comparable_previous) if cur else None,
        yoy_simple=ratio(cur.revenue, prev.revenue) if cur and prev else None,
        reporters=cur.reporters if cur else 0, above_scale=cur.above_scale if cur else 0,
    )


def ytd_series(user, region, years, chain=None):
    """{year: [YTD revenue 万元 of January … December, None where not reported]} of the region's total (or of
    ``chain``): the trend of the cockpit, the chain page and the briefings."""
    filters = {"chain": chain} if chain is not None else {"region": region, "chain__isnull": True}
    out = {}
    for period, revenue in (ChainFigure.objects.restrict(user, VIEW).filter(period__year__in=list(years), **filters)
                            .order_by("period").values_list("period", "revenue")):
        out.setdefault(period.year, [None] * 12)[period.month - 1] = revenue
    return out


def chain_rows(user, period, chains=None, *, with_series=True):
    """One ChainRow per chain the user may see, ranked by YTD revenue."""
    chains = list(chains if chains is not None else
                  Chain.objects.restrict(user, VIEW).filter(is_active=True).select_related("tier", "region"))
    ids = [c.pk for c in chains]
    filters = {"chain_id__in": ids, "period__lte": period.first_day}
    if not with_series:  # the months that TTM and its growth need: now and a year earlier, and each's December
        filters["period__in"] = [period.first_day, period.shift(-12).first_day, period.shift(-24).first_day,
                                 Period(period.year - 1, 12).first_day, Period(period.year - 2, 12).first_day]
    figures = _index(ChainFigure.objects.restrict(user, VIEW).filter(**filters))
    targets = {(t.chain_id, t.year): t.revenue for t in ChainTarget.objects.filter(chain_id__in=ids,
                                                                                    year=period.year)}
    settings_cache = {}
    city_cache = {}
    rows = []
    for chain in chains:
        figs = figures.get(chain.pk, {})
        row = ChainRow(chain=chain, period=period)
        cur, prev = figs.get(period), figs.get(period.shift(-12))
        if chain.tier_id:
            row.target, row.target_year = chain.tier.target_scale, chain.tier.target_year
        row.annual_target = targets.get((chain.pk, period.year))
        if cur:
            row.revenue = cur.revenue
            row.yoy_comparable = ratio(cur.comparable_current, cur.comparable_previous)
            row.comparable_units = cur.comparable_units
            row.reporters, row.above_scale, row.members = cur.reporters, cur.above_scale, cur.members
            row.above_scale_reporters = cur.above_scale_reporters
        if cur and prev:
            row.yoy_simple = ratio(cur.revenue, prev.revenue)
        row.ttm = _ttm(figs, period)
        row.ttm_growth = ratio(row.ttm, _ttm(figs, period.shift(-12)))
        if row.target and row.ttm is not None:
            target_wan = row.target * WAN_PER_YI
            row.progress = float(row.ttm / target_wan)
            years = years_to_target(period.year, period.month, row.target_year)
            row.required_cagr = cagr(row.ttm, target_wan, years) if years > 0 else None
            if with_series:
                points = [(q.year + q.month / 12.0, _ttm(figs, q)) for q in sorted(figs) if q <= period]
                points = [(t, float(v)) for t, v in points if v is not None]
                row.forecast = fc.loglinear([t for t, _ in points], [v for _, v in points],
                                            row.target_year + 1.0, target=float(target_wan))
        if with_series:
            row.series = [(q, figs[q].revenue) for q in sorted(figs)]
        if chain.region_id not in settings_cache:
            settings_cache[chain.region_id] = settings_for(chain.region)
        cfg = settings_cache[chain.region_id]
        past = row.target_year is not None and years_to_target(period.year, period.month, row.target_year) <= 0
        row.status = rules.status(growth=row.ttm_growth, required=row.required_cagr,
                                  reached=row.progress is not None and row.progress >= 1,
                                  yellow_ratio=cfg.yellow_ratio, target_year=row.target_year,
                                  past_target=past, progress=row.progress)
        if chain.region_id not in city_cache:
            city_cache[chain.region_id] = city_figures(user, chain.region, period)
        city = city_cache[chain.region_id]
        if row.revenue is not None and city.revenue:
            row.share = float(row.revenue / city.revenue)
        row.alerts = chain_alerts(row, city)
        rows.append(row)
    _rank(user, rows, period)
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0))


def _rank(user, rows, period):
    """Rank among all active chains of the same region, whichever of them were asked for."""
    regions = {r.chain.region_id for r in rows}
    peers = defaultdict(list)
    for region_id, revenue in ChainFigure.objects.restrict(user, VIEW).filter(
            region_id__in=regions, period=period.first_day, chain__isnull=False, chain__is_active=True,
    ).values_list("region_id", "revenue"):
        peers[region_id].append(revenue)
    for r in rows:
        if r.revenue is not None:
            r.rank = 1 + sum(1 for v in peers[r.chain.region_id] if v > r.revenue)


def chain_alerts(row, city):
    out = []
    if row.yoy_comparable is not None and row.yoy_comparable < 0:
        out.append({"kind": "shrinking", "message": rules.Text(gettext_noop("可比口径同比下降 %(drop)s"), drop=rules.pct(-row.yoy_comparable))})
    elif (row.yoy_comparable is not None and city.yoy_comparable is not None
          and row.yoy_comparable < city.yoy_comparable):
        out.append({"kind": "slower_than_city",
                    "message": rules.Text(gettext_noop("可比口径同比增长 %(growth)s，低于全市 %(city)s"),
                                          growth=rules.pct(row.yoy_comparable), city=rules.pct(city.yoy_comparable))})
    if row.non_reporters:
        out.append({"kind": "not_reported", "message": rules.Text(gettext_noop("%(n)s 家规上企业本期未报送"), n=row.non_reporters)})
    return out


def enterprise_alerts(user, period, chain=None, *, threshold=None, limit=200):
    """Enterprises of a chain (or all the user may see) with a sharp YoY drop or no report this period.

    Reads MonthlyStat through the permission filter: a user sees alerts only of enterprises it may see.
    """
    from chainchief.enterprises.models import Enterprise, Membership
    from chainchief.monitoring.models import MonthlyStat

    enterprises = Enterprise.objects.restrict(user, VIEW)
    if chain is not None:
        enterprises = enterprises.filter(pk__in=Membership.objects.filter(chain=chain).values("enterprise"))
    if threshold is None:
        region = chain.region if chain is not None else getattr(user, "region", None)
        threshold = settings_for(region).sharp_drop if region else Decimal("-0.20")
    stats = (MonthlyStat.objects.filter(enterprise__in=enterprises,
                                        period__in=[period.first_day, period.shift(-12).first_day])
             .values_list("enterprise_id", "period", "revenue"))
    cur, prev = {}, {}
    for ent_id, p, revenue in stats:
        (cur if p == period.first_day else prev)[ent_id] = revenue
    names = dict(enterprises.values_list("pk", "name"))
    drops, silent = [], []
    for ent_id, revenue in cur.items():
        g = ratio(revenue, prev.get(ent_id))
        if g is not None and g < float(threshold):
            drops.append({"enterprise_id": ent_id, "enterprise": names.get(ent_id, ""), "growth": g,
                          "message": rules.Text(gettext_noop("营业收入同比下降 %(drop)s（低于 %(line)s 预警线）"),
                                                 drop=rules.pct(-g), line=rules.pct(-float(threshold)))})
    expected = enterprises.filter(is_above_scale=True).exclude(pk__in=list(cur)).values_list("pk", "name")
    for ent_id, name in expected[:limit]:
        silent.append({"enterprise_id": ent_id, "enterprise": name, "message": rules.Text(gettext_noop("%(period)s 未报送月度数据"), period=period)})
    drops.sort(key=lambda a: a["growth"])
    return {"sharp_drops": drops[:limit], "not_reported": silent}
