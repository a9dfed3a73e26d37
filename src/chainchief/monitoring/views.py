"""The cockpit (驾驶舱) for leaders and the monitoring page of one chain for its chief."""
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render

from chainchief.analytics.periods import Period, monthly_from_ytd
from chainchief.chains.models import Chain
from chainchief.core.permissions import VIEW
from chainchief.enterprises.models import Membership
from chainchief.monitoring import report, services
from chainchief.monitoring.models import ChainFigure, MonthlyStat

YI = Decimal(10000)


def _periods(user):
    report.check_may_read(user)
    dates = (ChainFigure.objects.restrict(user, VIEW).order_by("-period").values_list("period", flat=True)
             .distinct())
    return [Period.of(d) for d in dates]


def _selected(request, periods):
    text = request.GET.get("period")
    if text:
        try:
            p = services.parse_period(text)
            if p in periods:
                return p, None
            return (periods[0] if periods else None), f"{text} 暂无数据，已显示最近一期。"
        except ValidationError:
            return (periods[0] if periods else None), "期间格式应为 YYYY-MM，已显示最近一期。"
    return (periods[0] if periods else None), None


def _yi(value):
    return None if value is None else float(round(value / YI, 2))


@login_required
def cockpit(request):
    user = request.user
    periods = _periods(user)
    period, notice = _selected(request, periods)
    context = {"periods": periods, "period": period, "notice": notice}
    if period is None:
        return render(request, "monitoring/cockpit.html", context)
    rows = report.cached_chain_rows(user, period)
    city = report.city_figures(user, user.region, period) if user.region_id else None
    by_tier = defaultdict(lambda: {"revenue": 0.0, "count": 0})
    for r in rows:
        t = by_tier[r.chain.tier.name if r.chain.tier_id else "未分层"]
        t["revenue"] += _yi(r.revenue) or 0
        t["count"] += 1
    lights = defaultdict(int)
    for r in rows:
        lights[r.status.status] += 1
    # Trend: the city's YTD by month for this year and last, in 亿元.
    city_series = {}
    if user.region_id:
        for f in ChainFigure.objects.restrict(user, VIEW).filter(
                region=user.region, chain__isnull=True,
                period__year__in=[period.year, period.year - 1]).order_by("period"):
            city_series.setdefault(f.period.year, {})[f.period.month] = _yi(f.revenue)
    chart = {
        "months": [f"{m}月" if m > 2 else ("1—2月" if m == 2 else "1月") for m in range(1, 13)],
        "years": {str(y): [s.get(m) for m in range(1, 13)] for y, s in sorted(city_series.items())},
        "chains": [{"name": r.chain.name, "revenue": _yi(r.revenue), "growth": r.yoy_comparable,
                    "progress": r.progress, "status": r.status.status} for r in rows],
        "tiers": [{"name": k, "value": round(v["revenue"], 2)} for k, v in by_tier.items()],
    }
    context.update(rows=rows, city=city, chart=chart, lights=dict(lights),
                   city_yi=_yi(city.revenue) if city else None)
    return render(request, "monitoring/cockpit.html", context)


@login_required
def chain_monitor(request, pk):
    user = request.user
    chain = get_object_or_404(Chain.objects.restrict(user, VIEW).select_related("tier", "region"), pk=pk)
    periods = _periods(user)
    period, notice = _selected(request, periods)
    context = {"chain": chain, "periods": periods, "period": period, "notice": notice}
    if period is None:
        return render(request, "monitoring/chain.html", context)
    row = report.cached_chain_rows(user, period, chains=[chain])[0]
    alerts = report.enterprise_alerts(user, period, chain)
    # Top enterprises of the chain this period — only those the user may see.
    visible = Membership.objects.restrict(user, VIEW).filter(chain=chain).values("enterprise")
    top = (MonthlyStat.objects.restrict(user, VIEW).filter(enterprise__in=visible, period=period.first_day)
           .select_related("enterprise").order_by("-revenue")[:10])
    monthly = monthly_from_ytd({p: v for p, v in row.series})
    by_year = defaultdict(dict)
    for p, v in row.series:
        by_year[p.year][p.month] = _yi(v)
    chart = {
        "periods": [str(p) for p, _ in row.series],
        "ytd": [_yi(v) for _, v in row.series],
        "monthly": [_yi(monthly[p][0]) for p, _ in row.series],
        "years": {str(y): [s.get(m) for m in range(1, 13)] for y, s in sorted(by_year.items())},
        "months": [f"{m}月" if m > 2 else ("1—2月" if m == 2 else "1月") for m in range(1, 13)],
        "progress": row.progress,
    }
    context.update(row=row, alerts=alerts, top=top, chart=chart)
    return render(request, "monitoring/chain.html", context)
