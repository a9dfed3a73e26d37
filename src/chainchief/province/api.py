"""The province's API: its chains rolled up from the cities' chains that serve them, each city compared (size,
growth, share, location quotient, segments held, local supply rate), and the provincial map assembled from the
cities' maps. Read under the permission filter as the reader: a city's users see no provincial chain."""
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from chainchief.province import queries

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
