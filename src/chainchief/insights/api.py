"""The insights figures as JSON: each chain's linkages in the region's input–output table, location quotients,
shift-share and HHI. Linkages are reference data (everyone in the region); the rest read chain revenue and are
for the roles that see aggregate figures (403 for the others)."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema

from chainchief.insights import queries
from chainchief.monitoring import report

router = Router(tags=["产业分析"])


class LinkageOut(Schema):
    label: str
    chain_id: int | None
    sectors: list[str]
    total_output: float  # 万元
    output_multiplier: float
    power_of_dispersion: float  # 影响力系数
    sensitivity_of_dispersion: float  # 感应度系数 (Ghosh)
    sensitivity_of_dispersion_leontief: float  # 感应度系数 (row sums of L)
    reading: str


class FlowOut(Schema):
    source: str
    target: str
    value: float  # 万元


class LinkagesOut(Schema):
    table_id: int
    title: str
    year: int
    is_illustrative: bool
    unit: str
    chains: list[LinkageOut]
    labels: list[str]
    flows: list[list[float]]
    technical_coefficients: list[list[float]]
    edges: list[FlowOut]


@router.get("/insights/linkages", response=LinkagesOut, summary="各产业链关联效应（乘数、影响力系数、感应度系数）与链间流量")
def linkages(request, table: int | None = None):
    t = queries.current_table(request.auth, table)
    if t is None:
        raise Http404
    try:
        lk = queries.linkages(t)
    except ValueError as exc:
        from ninja.errors import HttpError

        raise HttpError(422, str(exc)) from None
    if lk is None:
        raise Http404
    return {
        "table_id": t.pk, "title": t.title, "year": t.year, "is_illustrative": t.is_illustrative, "unit": t.unit,
        "chains": [{"label": r.label, "chain_id": r.chain.pk if r.chain else None, "sectors": r.sectors,
                    "total_output": r.output, "output_multiplier": r.multiplier, "power_of_dispersion": r.power,
                    "sensitivity_of_dispersion": r.sensitivity,
                    "sensitivity_of_dispersion_leontief": r.sensitivity_leontief,
                    "reading": f"{r.power_reading}；{r.sensitivity_reading}"} for r in lk.rows],
        "labels": lk.labels, "flows": lk.flows, "technical_coefficients": lk.inputs_share,
        "edges": [{"source": a, "target": b, "value": v} for a, b, v in lk.edges],
    }


def _check(user):
    if not queries.may_see_aggregates(user):
        raise PermissionDenied("无权查看产业链汇总数据。")


class LQOut(Schema):
    chain_id: int
    name: str
    revenue: float | None
    reference_value: float | None
    location_quotient: float | None
    reading: str


class LQPage(Schema):
    reference: str | None
    year: int | None
    items: list[LQOut]


@router.get("/insights/location-quotients", response=LQPage, summary="各产业链区位熵")
def location_quotients(request, reference: str | None = None, year: int | None = None):
    user = request.auth
    _check(user)
    ref, y, rows = queries.location_quotients(user, report.visible_chains(user), reference, year)
    return {"reference": ref, "year": y, "items": [
        {"chain_id": r.chain.pk, "name": r.chain.name, "revenue": r.revenue, "reference_value": r.reference_value,
         "location_quotient": r.lq, "reading": r.reading} for r in rows]}


class ShiftOut(Schema):
    chain_id: int
    name: str
    start: float
    end: float
    change: float
    national_share: float
    industry_mix: float
    regional_shift: float
    reading: str


class ShiftPage(Schema):
    reference: str | None
    start_year: int | None
    end_year: int | None
    reference_growth: float | None
    items: list[ShiftOut]


@router.get("/insights/shift-share", response=ShiftPage, summary="各产业链增长的偏离—份额分析")
def shift_share(request, reference: str | None = None):
    user = request.auth
    _check(user)
    ref, y0, y1, rows, growth = queries.shift_share(user, report.visible_chains(user), reference)
    return {"reference": ref, "start_year": y0, "end_year": y1, "reference_growth": growth, "items": [
        {"chain_id": r.chain.pk, "name": r.chain.name, "start": r.start, "end": r.end, "change": r.change,
         "national_share": r.national_share, "industry_mix": r.industry_mix, "regional_shift": r.regional_shift,
         "reading": r.reading} for r in rows]}


class HHIOut(Schema):
    chain_id: int
    name: str
    enterprises: int
    hhi: float | None
    equivalent_enterprises: float | None
    reading: str


class HHIPage(Schema):
    period: str | None
    items: list[HHIOut]


@router.get("/insights/hhi", response=HHIPage, summary="各产业链营业收入集中度（HHI）")
def hhi(request, period: str | None = None):
    user = request.auth
    _check(user)
    if period:
        from chainchief.monitoring import services

        p = services.parse_period(period).first_day
    else:
        p = queries.latest_period(user)
    if p is None:
        return {"period": None, "items": []}
    rows = queries.hhi(report.visible_chains(user), p)
    return {"period": p.strftime("%Y-%m"), "items": [
        {"chain_id": r.chain.pk, "name": r.chain.name, "enterprises": r.enterprises, "hhi": r.hhi,
         "equivalent_enterprises": r.equivalent, "reading": r.reading} for r in rows]}
