"""The province's API: its chains rolled up from the cities' chains that serve them, each city compared (size,
growth, share, location quotient, segments held, local supply rate), and the provincial map assembled from the
cities' maps. Read under the permission filter as the reader: a city's users see no provincial chain."""
from decimal import Decimal

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from chainchief.core.export import FORMATS, export_workbook
from chainchief.core.services import record
from chainchief.province import lists, queries

router = Router(tags=["省市联动"])


class CityChainOut(Schema):
    chain_id: int
    chain: str
    region_id: int
    region: str
    note: str
    revenue: Decimal | None  # 万元, YTD
    yoy_comparable: float | None
    yoy_simple: float | None
    reporters: int
    above_scale: int
    share: float | None  # of the roll-up
    lq: float | None  # (chain ÷ city total) ÷ (roll-up ÷ province total)
    segments_held: int | None = None  # provincial segments where the city has enterprises
    segments_strong: int | None = None
    segments_total: int | None = None
    local_supply_rate: float | None = None  # per cent, the period's year


class RollupOut(Schema):
    chain_id: int
    name: str
    region_id: int
    region: str
    period: str
    revenue: Decimal | None  # 万元, YTD, summed over the linked city chains
    yoy_comparable: float | None
    reporters: int
    above_scale: int
    members: int
    province_total: Decimal | None  # 万元, the province's above-scale total
    cities: list[CityChainOut]


class MapCell(Schema):
    segment_id: int
    name: str
    strength: str
    strength_label: str
    enterprises: int


class MapCity(Schema):
    chain_id: int
    chain: str
    region_id: int
    region: str
    segments: int
    held: int
    strong: int
    unmatched: list[str]
    cells: dict[int, MapCell]  # provincial segment id → the city's segment


class MapSegment(Schema):
    id: int
    name: str
    stage: str
    stage_label: str
    depth: int
    held_by: list[str]
    missing: bool


class RollupMapOut(Schema):
    chain_id: int
    name: str
    segments: list[MapSegment]
    cities: list[MapCity]
    missing: list[str]


def _empty(parent):
    return {"chain_id": parent.pk, "name": parent.name, "region_id": parent.region_id, "region": parent.region.name,
            "period": "", "revenue": None, "yoy_comparable": None, "reporters": 0, "above_scale": 0, "members": 0,
            "province_total": None, "cities": []}


@router.get("/province/chains", response=list[RollupOut], summary="上级产业链汇总（由各市产业链数据汇总）")
def province_chains(request, period: str | None = None):
    p = queries.period_for(request.auth, period)
    return [rolled or _empty(parent) for parent, rolled in queries.overview(request.auth, p)]


@router.get("/province/chains/{int:pk}", response=RollupOut, summary="上级产业链汇总与各市对比")
def province_chain(request, pk: int, period: str | None = None):
    p = queries.period_for(request.auth, period)
    parent = get_object_or_404(queries.chains(request.auth), pk=pk)
    rolled, _map = queries.comparison(request.auth, parent, p)
    return rolled or _empty(parent)


@router.get("/province/chains/{int:pk}/map", response=RollupMapOut, summary="上级产业链图谱：各市所持环节与全省缺失环节")
def province_chain_map(request, pk: int):
    queries.period_for(request.auth, None)
    parent = get_object_or_404(queries.chains(request.auth), pk=pk)
    return queries.rollup_map(request.auth, parent)


# The N lists --------------------------------------------------------------------------------------------------

class ListCount(Schema):
    key: str
    title: str
    count: int


class ListsOut(Schema):
    chain_id: int
    name: str
    hidden: int  # enterprises in the cities' maps the reader may not see: counted, never named
    lists: list[ListCount]


class Where(Schema):
    region_id: int
    region: str
    chain_id: int  # the city chain (or, for the province's own map, the provincial chain)
    chain: str


class EnterpriseRow(Where):
    enterprise_id: int
    enterprise: str
    role: str
    role_label: str
    district: str
    is_above_scale: bool
    segments: list[str]
    provincial_segments: list[str]


class StrongRow(Where):
    segment_id: int
    segment: str
    stage: str
    stage_label: str
    provincial_segment: str
    enterprise_count: int
    above_scale_count: int
    reason: str


class GapCity(Schema):
    region: str
    chain: str
    segment: str
    strength: str
    strength_label: str
    enterprises: int
    lacking: list[str]


class ProvinceGapRow(Schema):
    segment_id: int
    segment: str
    stage: str
    stage_label: str
    status: str  # missing: no city has an enterprise in it; weak: held, but strongly by none
    status_label: str
    held_by: list[str]
    key_products: list[str]
    cities: list[GapCity]


class ProvinceTechnologyRow(Where):
    id: int
    name: str
    status: str
    status_label: str
    segment: str
    provincial_segment: str
    enterprise_role_label: str
    enterprise: str
    external_party: str


def _built(request, pk):
    queries.period_for(request.auth, None)
    return lists.build(request.auth, get_object_or_404(queries.chains(request.auth), pk=pk))


def _page(rows, limit, offset):
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    return {"count": len(rows), "limit": limit, "offset": offset, "items": rows[offset:offset + limit]}


def _list_endpoint(key, schema):
    page = type(f"{schema.__name__}Page", (Schema,), {"__annotations__": {
        "count": int, "limit": int, "offset": int, "items": list[schema]}})

    def endpoint(request, pk: int, q: str | None = None, limit: int = 50, offset: int = 0):
        return _page(lists.search(_built(request, pk)["lists"][key], key, q), limit, offset)

    router.get(f"/province/chains/{{int:pk}}/lists/{key}", response=page, operation_id=f"province_list_{key}",
               summary=f"上级产业链{lists.LISTS[key]}（由各市清单汇总）")(endpoint)


@router.get("/province/chains/{int:pk}/lists", response=ListsOut, summary="上级产业链的 N 张清单及其条目数")
def province_lists(request, pk: int):
    built = _built(request, pk)
    return {**built, "lists": lists.counts(built)}


@router.get("/province/chains/{int:pk}/lists/export", summary="导出上级产业链的 N 张清单（xlsx）")
def province_lists_export(request, pk: int):
    built = _built(request, pk)
    record(request.auth, "export", queries.chains(request.auth).get(pk=pk), object_repr=f"{built['name']} 清单")
    return FileResponse(export_workbook(lists.sheets(built)), as_attachment=True,
                        filename=f"{built['name']}清单.xlsx", content_type=FORMATS["xlsx"])


for _key, _schema in (("leaders", EnterpriseRow), ("supporting", EnterpriseRow), ("strong", StrongRow),
                      ("gaps", ProvinceGapRow), ("technologies", ProvinceTechnologyRow)):
    _list_endpoint(_key, _schema)


# The alerts ---------------------------------------------------------------------------------------------------

class AlertItem(Schema):
    kind: str
    message: str


class CityAlerts(Where):
    alerts: list[AlertItem]
    sharp_drops: int
    not_reported: int


class EnterpriseAlert(Where):
    enterprise_id: int
    enterprise: str
    message: str
    growth: float | None = None
    chains: list[str]  # the linked chains of its city it belongs to


class AlertsOut(Schema):
    chain_id: int
    name: str
    period: str
    alerts: list[AlertItem]  # the roll-up's own
    yoy_comparable: float | None
    province_yoy_comparable: float | None
    cities: list[CityAlerts]
    sharp_drops: list[EnterpriseAlert]
    not_reported: list[EnterpriseAlert]


def _texts(items):
    return [{**a, "message": str(a["message"])} for a in items]


@router.get("/province/chains/{int:pk}/alerts", response=AlertsOut, summary="上级产业链预警（由各市产业链与企业预警汇总）")
def province_alerts(request, pk: int, period: str | None = None):
    p = queries.period_for(request.auth, period)
    parent = get_object_or_404(queries.chains(request.auth), pk=pk)
    if p is None:
        return {"chain_id": parent.pk, "name": parent.name, "period": "", "alerts": [], "yoy_comparable": None,
                "province_yoy_comparable": None, "cities": [], "sharp_drops": [], "not_reported": []}
    found = queries.alerts(request.auth, parent, p)
    return {**found, "alerts": _texts(found["alerts"]),
            "cities": [{**c, "alerts": _texts(c["alerts"])} for c in found["cities"]],
            "sharp_drops": _texts(found["sharp_drops"]), "not_reported": _texts(found["not_reported"])}
