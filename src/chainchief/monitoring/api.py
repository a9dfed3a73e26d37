from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import FilterLookup, Query, Router, Schema, Status

from chainchief.analytics.periods import Period, monthly_from_ytd
from chainchief.analytics.growth import ratio
from chainchief.chains.models import Chain
from chainchief.core import stamps
from chainchief.core.api_crud import ListParams, crud
from chainchief.core.permissions import VIEW
from chainchief.enterprises.models import Enterprise
from chainchief.monitoring import report, services
from chainchief.monitoring.models import ChainFigure, ChainTarget, MonthlyStat

router = Router(tags=["运行监测"])


class ForecastOut(Schema):
    target_year_value: float  # 万元
    lower: float
    upper: float
    probability: float | None
    trend_annual_growth: float
    points: int


class ChainMonitorOut(Schema):
    chain_id: int
    name: str
    tier: str | None
    period: str
    ytd_revenue: Decimal | None  # 万元
    ytd_revenue_yi: Decimal | None  # 亿元
    yoy_comparable: float | None
    yoy_simple: float | None
    comparable_enterprises: int
    share_of_city: float | None
    rank: int | None
    above_scale_count: int
    reporters: int
    non_reporters: int
    ttm_revenue: Decimal | None
    ttm_growth: float | None
    target: Decimal | None  # 亿元
    target_year: int | None
    annual_target: Decimal | None
    progress: float | None
    required_cagr: float | None
    forecast: ForecastOut | None
    status: str
    status_label: str
    status_reason: str
    alerts: list[dict]


def _row_out(r):
    f = r.forecast
    return {
        "chain_id": r.chain.pk, "name": r.chain.name, "tier": r.chain.tier.name if r.chain.tier_id else None,
        "period": str(r.period), "ytd_revenue": r.revenue,
        "ytd_revenue_yi": None if r.revenue is None else round(r.revenue_yi, 2),
        "yoy_comparable": r.yoy_comparable, "yoy_simple": r.yoy_simple,
        "comparable_enterprises": r.comparable_units, "share_of_city": r.share, "rank": r.rank,
        "above_scale_count": r.above_scale, "reporters": r.reporters, "non_reporters": r.non_reporters,
        "ttm_revenue": r.ttm, "ttm_growth": r.ttm_growth, "target": r.target, "target_year": r.target_year, "annual_target": r.annual_target,
        "progress": r.progress, "required_cagr": r.required_cagr,
        "forecast": None if f is None else {"target_year_value": f.value, "lower": f.lower, "upper": f.upper,
                                            "probability": f.probability, "trend_annual_growth": f.annual_growth,
                                            "points": f.points},
        "status": r.status.status, "status_label": r.status.label, "status_reason": r.status.reason,
        "alerts": [{**a, "message": str(a["message"])} for a in r.alerts],
    }


class CityOut(Schema):
    period: str
    revenue: Decimal | None
    yoy_comparable: float | None
    yoy_simple: float | None
    reporters: int
    above_scale_count: int
    note: str


class MonitorPage(Schema):
    period: str | None
    city: CityOut | None
    count: int
    items: list[ChainMonitorOut]


def _period(user, text):
    report.check_may_read(user)
    if text:
        return services.parse_period(text)
    return report.latest_period(user)


@router.get("/monitoring/chains", response=MonitorPage, summary="各产业链本期运行情况")
def monitoring_chains(request, period: str | None = None, limit: int = 1000, offset: int = 0):
    user = request.auth
    report.check_may_read(user)
    # The whole answer is cached as JSON under the data stamp (core.stamps), per reader (role, scope, region:
    # what decides the chains and the city one sees), period, page and language. A cockpit is read far more
    # often than the figures change, and the stamp changes with every write they come from.
    token = stamps.for_request(request)
    p = services.parse_period(period) if period else report.cached_latest_period(user, token)
    if p is None:
        return {"period": None, "city": None, "count": 0, "items": []}
    key = ("monitoring", "api", *report.reader_key(user), str(p), limit, offset, get_language())
    body = stamps.memo(token, key, lambda: MonitorPage.model_validate(
        _page(user, p, report.visible_chains(user), limit, offset, token)).model_dump_json())
    return HttpResponse(body, content_type="application/json")


def _page(user, p, chains, limit, offset, token=None):
    rows = report.cached_chain_rows(user, p, chains, token=token)
    city = None
    if user.region_id:
        c = report.city_figures(user, user.region, p)
        city = {"period": str(p), "revenue": c.revenue, "yoy_comparable": c.yoy_comparable,
                "yoy_simple": c.yoy_simple, "reporters": c.reporters, "above_scale_count": c.above_scale,
                "note": "全市合计每家企业只计一次；产业链合计中，属于多条产业链的企业在每条链中各计一次。"}
    limit = max(1, min(limit, 1000))
    return {"period": str(p), "city": city, "count": len(rows),
            "items": [_row_out(r) for r in rows[offset:offset + limit]]}


class SeriesPoint(Schema):
    period: str
    ytd_revenue: Decimal
    monthly_revenue: Decimal | None
    months_covered: int
    yoy_comparable: float | None
    reporters: int


@router.get("/monitoring/chains/{int:pk}/series", response=list[SeriesPoint], summary="产业链月度走势")
def chain_series(request, pk: int):
    report.check_may_read(request.auth)
    chain = get_object_or_404(Chain.objects.restrict(request.auth, VIEW), pk=pk)
    figs = {Period.of(f.period): f for f in ChainFigure.objects.restrict(request.auth, VIEW)
            .filter(chain=chain).order_by("period")}
    monthly = monthly_from_ytd({p: f.revenue for p, f in figs.items()})
    return [{"period": str(p), "ytd_revenue": f.revenue, "monthly_revenue": monthly[p][0],
             "months_covered": monthly[p][1], "yoy_comparable": ratio(f.comparable_current, f.comparable_previous),
             "reporters": f.reporters} for p, f in figs.items()]


@router.get("/monitoring/alerts", summary="预警：企业大幅下降、未报送")
def alerts(request, period: str | None = None, chain: int | None = None):
    user = request.auth
    p = _period(user, period)
    if p is None:
        return {"period": None, "sharp_drops": [], "not_reported": []}
    chain_obj = get_object_or_404(Chain.objects.restrict(user, VIEW), pk=chain) if chain else None
    found = report.enterprise_alerts(user, p, chain_obj)
    return {"period": str(p), **{k: [{**a, "message": str(a["message"])} for a in v] for k, v in found.items()}}


class StatOut(Schema):
    id: int
    enterprise_id: int
    period: str
    revenue: Decimal | None
    gross_output: Decimal | None
    profit: Decimal | None
    tax: Decimal | None
    rd_spend: Decimal | None
    employees: int | None
    monthly_revenue: Decimal | None = None
    months_covered: int = 0
    version: int

    @staticmethod
    def resolve_period(obj):
        return f"{obj.period:%Y-%m}"


@router.get("/enterprises/{int:pk}/stats", response=list[StatOut], tags=["企业"], summary="企业月度数据")
def enterprise_stats(request, pk: int, year: int | None = None):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.auth, VIEW), pk=pk)
    rows = list(MonthlyStat.objects.restrict(request.auth, VIEW).filter(enterprise=enterprise)
                .order_by("period"))
    if year:
        rows = [r for r in rows if r.period.year == year]
    monthly = monthly_from_ytd({Period.of(r.period): r.revenue for r in rows})
    for r in rows:
        r.monthly_revenue, r.months_covered = monthly.get(Period.of(r.period), (None, 0))
    return rows


class StatIn(Schema):
    period: str
    revenue: Decimal | None = None
    gross_output: Decimal | None = None
    profit: Decimal | None = None
    tax: Decimal | None = None
    rd_spend: Decimal | None = None
    employees: int | None = None
    version: int | None = None


@router.post("/enterprises/{int:pk}/stats", response={201: StatOut}, tags=["企业"], summary="填报企业月度数据（累计值）")
def record_stat(request, pk: int, payload: StatIn):
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.auth, VIEW), pk=pk)
    data = payload.dict(exclude_unset=True)
    period, version = data.pop("period"), data.pop("version", None)
    return Status(201, services.record_stat(request.auth, enterprise, period, data, version=version))


class TargetOut(Schema):
    id: int
    chain_id: int
    year: int
    revenue: Decimal
    note: str
    version: int


class TargetFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    year: int | None = None


crud(router, ChainTarget, out=TargetOut, name="ChainTarget", path="/monitoring/targets", tags=["运行监测"],
     fields=["chain", "year", "revenue", "note"], filters=TargetFilters)

