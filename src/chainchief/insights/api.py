"""The insights figures as JSON, under /api/v1/analytics/: each chain's linkages in the region's input–output table
and the flows between chains, location quotients, shift-share, HHI, 延链 suggestions and the reference totals.
Linkages, flows and 延链 are reference data (everyone in the region, 延链 for the chains the reader may see); the
rest read chain revenue and are for the roles that see aggregate figures (403 for the others). Every answer is
cached under the data stamp (insights.queries.cached)."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from chainchief.core import stamps
from chainchief.core.permissions import VIEW
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


class FlowsOut(Schema):
    table_id: int
    title: str
    year: int
    is_illustrative: bool
    unit: str
    labels: list[str]
    flows: list[list[float]]  # z_kl between the chains (rows sell to columns), 万元
    technical_coefficients: list[list[float]]  # a_kl = z_kl / x_l
    edges: list[FlowOut]  # between different chains, largest first


def _linkages(request, table):
    user = request.auth
    t = queries.current_table(user, table)
    if t is None:
        raise Http404
    try:
        body = queries.cached(stamps.for_request(request), "linkages", user, [t.pk], lambda: _linkages_body(t))
    except ValueError as exc:  # a table whose I − A cannot be inverted
        raise HttpError(422, str(exc)) from None
    if body is None:
        raise Http404
    return body


def _linkages_body(t):
    lk = queries.linkages(t)
    if lk is None:
        return None
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


@router.get("/analytics/linkages", response=LinkagesOut,
            summary="各产业链关联效应（产出乘数、影响力系数、感应度系数）与链间流量")
def linkages(request, table: int | None = None):
    return _linkages(request, table)


@router.get("/analytics/flows", response=FlowsOut, summary="产业链间依存关系（投入产出中间流量与直接消耗系数）")
def flows(request, table: int | None = None):
    return _linkages(request, table)


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


@router.get("/analytics/location-quotients", response=LQPage, summary="各产业链区位熵")
def location_quotients(request, reference: str | None = None, year: int | None = None):
    user = request.auth
    _check(user)

    def compute():
        ref, y, rows = queries.location_quotients(user, report.visible_chains(user), reference, year)
        return {"reference": ref, "year": y, "items": [
            {"chain_id": r.chain.pk, "name": r.chain.name, "revenue": r.revenue, "reference_value": r.reference_value,
             "location_quotient": r.lq, "reading": r.reading} for r in rows]}

    return queries.cached(stamps.for_request(request), "lq", user, [reference, year], compute)


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


@router.get("/analytics/shift-share", response=ShiftPage, summary="各产业链增长的偏离—份额分析")
def shift_share(request, reference: str | None = None):
    user = request.auth
    _check(user)

    def compute():
        ref, y0, y1, rows, growth = queries.shift_share(user, report.visible_chains(user), reference)
        return {"reference": ref, "start_year": y0, "end_year": y1, "reference_growth": growth, "items": [
            {"chain_id": r.chain.pk, "name": r.chain.name, "start": r.start, "end": r.end, "change": r.change,
             "national_share": r.national_share, "industry_mix": r.industry_mix, "regional_shift": r.regional_shift,
             "reading": r.reading} for r in rows]}

    return queries.cached(stamps.for_request(request), "shift", user, [reference], compute)


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


@router.get("/analytics/hhi", response=HHIPage, summary="各产业链营业收入集中度（HHI）")
def hhi(request, period: str | None = None):
    user = request.auth
    _check(user)
    if period:
        from chainchief.monitoring import services

        p = services.parse_period(period).first_day
    else:
        p = queries.cached(stamps.for_request(request), "latest", user, [], lambda: queries.latest_period(user))
    if p is None:
        return {"period": None, "items": []}

    def compute():
        rows = queries.hhi(report.visible_chains(user), p)
        return {"period": p.strftime("%Y-%m"), "items": [
            {"chain_id": r.chain.pk, "name": r.chain.name, "enterprises": r.enterprises, "hhi": r.hhi,
             "equivalent_enterprises": r.equivalent, "reading": r.reading} for r in rows]}

    return queries.cached(stamps.for_request(request), "hhi", user, [p], compute)


class RelatedOut(Schema):
    segment: str  # "chain · segment"
    proximity: float  # φ


class SuggestionOut(Schema):
    segment_id: int
    segment: str
    stage: str
    local_enterprises: int
    rca: float
    density: float | None
    related: list[RelatedOut]


class ChainExtensionOut(Schema):
    chain_id: int
    name: str
    present_segments: int
    suggestions: list[SuggestionOut]
    segments_without_data: list[str]


class ExtensionPage(Schema):
    region_id: int
    region: str
    places: list[str]
    platform_places: int
    imported_places: int
    segments: int
    sources: list[str]
    is_illustrative: bool
    reason: str
    conventions: str
    chains: list[ChainExtensionOut]


CONVENTIONS = ("矩阵：地区 × 环节的企业数；RCA ≥ 1 记为具备该环节（恰为 1 亦计）；邻近度 φ_ij = C_ij / max(u_i, u_j)，"
               "对角线 φ_jj = 1；关联密度 ω_j = Σ_{i≠j} x_i φ_ij / Σ_{i≠j} φ_ij，不含环节自身；RCA < 1 的环节为候选。")


def extension_body(user, region, chain=None):
    chains = [c for c in report.visible_chains(user) if chain is None or c.pk == chain]
    ext = queries.extension(user, region, chains)
    return {"region_id": region.pk, "region": region.name, "places": ext.places, "platform_places": ext.platform_places,
            "imported_places": ext.imported_places, "segments": ext.segments, "sources": ext.sources,
            "is_illustrative": ext.illustrative, "reason": ext.reason, "conventions": CONVENTIONS, "chains": [
                {"chain_id": c.chain.pk, "name": c.chain.name, "present_segments": c.present,
                 "segments_without_data": [s.name for s in c.no_data], "suggestions": [
                     {"segment_id": s.segment.pk, "segment": s.segment.name, "stage": s.stage,
                      "local_enterprises": s.local, "rca": s.rca, "density": s.density,
                      "related": [{"segment": label, "proximity": p} for label, p in s.related]}
                     for s in c.suggestions]} for c in ext.chains]}


def region_for(user, region_id):
    """The reader's region by default; any region the reader may see when asked (404 otherwise)."""
    if region_id is None:
        regions = queries.extension_regions(user)
        return regions[0] if regions else None
    from chainchief.core.models import Region

    return Region.objects.restrict(user, VIEW).filter(pk=region_id).first()


@router.get("/analytics/extension", response=ExtensionPage,
            summary="延链建议：本地区缺少的环节，按关联密度排序，并列出相关的已有环节")
def extension(request, region: int | None = None, chain: int | None = None):
    user = request.auth
    r = region_for(user, region)
    if r is None:
        raise Http404
    return queries.cached(stamps.for_request(request), "extension", user, [r.pk, chain],
                          lambda: extension_body(user, r, chain))


class ReferenceTotalOut(Schema):
    id: int
    reference: str
    year: int
    chain_id: int | None
    industry: str
    is_total: bool
    value: float  # 万元
    source: str


@router.get("/analytics/reference-totals", response=list[ReferenceTotalOut],
            summary="参照总量（省、全国各产业链及全部工业营业收入）")
def reference_totals(request, reference: str | None = None, year: int | None = None):
    from chainchief.insights.models import ReferenceTotal

    rows = ReferenceTotal.objects.restrict(request.auth, VIEW)
    if reference:
        rows = rows.filter(reference=reference)
    if year:
        rows = rows.filter(year=year)
    return [{"id": r.pk, "reference": r.reference, "year": r.year, "chain_id": r.chain_id, "industry": r.industry,
             "is_total": r.is_total, "value": float(r.value), "source": r.source} for r in rows]
