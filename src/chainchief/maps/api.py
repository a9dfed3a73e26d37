"""API of the chain map: the map itself, CRUD for its parts, the 1 + N lists and the city overview."""
from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import FilterLookup, Query, Router, Schema
from pydantic import BaseModel

from chainchief.chains.models import Chain
from chainchief.core.api_crud import Deleted, ListParams, crud
from chainchief.core.permissions import VIEW, sees
from chainchief.enterprises.models import Enterprise
from chainchief.maps import mapping, services as map_services
from chainchief.maps.models import KeyTechnology, MapSettings, Segment, SegmentLink, SegmentPlacement, Stage, Strength

router = Router()
TAGS = ["产业链图谱"]


# --- the map -------------------------------------------------------------------------------------------------
# Plain pydantic models (not ninja Schemas): the map of a large chain carries thousands of enterprises, and plain
# models validate dicts without wrapping each one.


class EnterpriseBrief(BaseModel):
    id: int
    membership_id: int
    name: str
    short_name: str
    district_id: int
    district: str
    role: str
    role_label: str
    is_above_scale: bool
    is_local: bool


class TechnologyBrief(BaseModel):
    id: int
    name: str
    description: str
    status: str
    status_label: str
    enterprise_role: str
    enterprise_role_label: str
    enterprise_id: int | None
    enterprise_name: str
    external_party: str
    version: int


class LinkBrief(BaseModel):
    id: int
    kind: str
    kind_label: str
    direction: str
    note: str
    segment_id: int
    segment_name: str
    chain_id: int
    chain_name: str
    version: int


class MapLink(LinkBrief):
    from_segment_id: int
    from_segment_name: str


class SegmentNode(BaseModel):
    id: int
    name: str
    stage: str
    stage_label: str
    parent_id: int | None
    order: int
    description: str
    key_products: list[str]
    strength: str
    strength_label: str
    reason: str
    lacking: list[str]
    computed_strength: str
    computed_reason: str
    overridden: bool
    override_reason: str
    enterprise_count: int
    above_scale_count: int
    master_count: int
    backbone_count: int
    external_count: int
    revenue_share: Decimal | None
    district_count: int | None
    enterprises: list[EnterpriseBrief]
    hidden_count: int
    technologies: list[TechnologyBrief]
    links: list[LinkBrief]
    version: int
    children: list["SegmentNode"]


class StageBand(BaseModel):
    stage: str
    label: str
    segments: list[SegmentNode]


class ChainRef(BaseModel):
    id: int
    name: str
    short_name: str
    region_id: int


class Thresholds(BaseModel):
    missing_max_enterprises: int
    strong_min_enterprises: int
    strong_min_above_scale: int
    strong_requires_leader: bool
    strong_min_revenue_share: Decimal | None


class MapSummary(BaseModel):
    strong: int
    weak: int
    missing: int
    segments: int
    enterprises: int
    technologies: int
    links: int


class District(BaseModel):
    id: int
    name: str


class ChainMap(BaseModel):
    chain: ChainRef
    settings: Thresholds
    stages: list[StageBand]
    summary: MapSummary
    links: list[MapLink]
    districts: list[District]
    district: int | None
    can_edit: bool
    can_override: bool


def viewable_chain(user, pk):
    return get_object_or_404(Chain.objects.select_related("region__parent").restrict(user, VIEW), pk=pk)


@router.get("/chains/{int:pk}/map", response=ChainMap, tags=TAGS, summary="产业链图谱",
            description="环节树（上游/中游/下游），每个环节的强弱判定及理由、企业数与企业简况。"
                        "district：只列出该区县的企业并给出其企业数；enterprises=false：不列企业。")
def chain_map(request, pk: int, district: int | None = None, enterprises: bool = True):
    chain = viewable_chain(request.auth, pk)
    return mapping.build_map(chain, request.auth, district=district, with_enterprises=enterprises)


# --- segments ------------------------------------------------------------------------------------------------


class SegmentOut(Schema):
    id: int
    chain_id: int
    parent_id: int | None
    stage: str
    stage_label: str
    name: str
    description: str
    key_products: str
    order: int
    version: int

    @staticmethod
    def resolve_stage_label(obj):
        return obj.get_stage_display()


def _plain(data):
    """Input field names as the services take them: ``chain_id`` → ``chain``."""
    return {k[:-3] if k.endswith("_id") else k: v for k, v in data.items()}


class SegmentIn(Schema):
    chain_id: int
    parent_id: int | None = None
    stage: Stage | None = None
    name: str
    description: str = ""
    key_products: str = ""
    order: int | None = None


class SegmentFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    stage: Stage | None = None
    parent: Annotated[int | None, FilterLookup("parent_id")] = None


crud(router, Segment, out=SegmentOut, name="Segment", path="/segments", tags=TAGS,
     fields=["chain", "parent", "stage", "name", "description", "key_products", "order"],
     search=("name", "key_products"), filters=SegmentFilters,
     queryset=lambda: Segment.objects.select_related("chain"), create_in=SegmentIn,
     create=lambda user, data: map_services.add_segment(user, _plain(data)),
     update=lambda user, obj, data, version: map_services.update_segment(user, obj, _plain(data), version),
     delete=lambda user, obj, version: map_services.delete_segment(user, obj, version=version))


class SegmentDeleteIn(Schema):
    move_to: int | None = None
    version: int | None = None


@router.post("/segments/{int:pk}/delete", response=Deleted, tags=TAGS, summary="删除环节（可将企业移至另一环节）",
             description="环节上仍有企业时，须给出 move_to（同一产业链的另一环节），企业与攻关项目随之移入；否则拒绝删除（409）。")
def delete_segment_moving(request, pk: int, payload: SegmentDeleteIn):
    seg = get_object_or_404(Segment.objects.select_related("chain").restrict(request.auth, VIEW), pk=pk)
    map_services.delete_segment(request.auth, seg, move_to=payload.move_to, version=payload.version)
    return {"deleted": True}


class MoveIn(Schema):
    parent_id: int | None = None
    stage: Stage | None = None
    order: int | None = None
    version: int | None = None


@router.post("/segments/{int:pk}/move", response=SegmentOut, tags=TAGS, summary="移动环节",
             description="parent 为空：移到顶层，并可用 stage 换到上游/中游/下游（下级环节随之移动）；"
                         "parent 为另一环节：移到其下，位置随上级。")
def move_segment(request, pk: int, payload: MoveIn):
    seg = get_object_or_404(Segment.objects.select_related("chain").restrict(request.auth, VIEW), pk=pk)
    return map_services.move_segment(request.auth, seg, parent=payload.parent_id, stage=payload.stage,
                                     order=payload.order, version=payload.version)


class ReorderIn(Schema):
    ids: list[int]


@router.post("/chains/{int:pk}/segments/reorder", response=list[SegmentOut], tags=TAGS, summary="环节排序",
             description="ids：同一位置、同一上级下的环节，按新的顺序排列。")
def reorder(request, pk: int, payload: ReorderIn):
    chain = viewable_chain(request.auth, pk)
    return map_services.reorder_segments(request.auth, chain, payload.ids)


class OverrideIn(Schema):
    strength: Strength
    reason: str
    version: int | None = None


class OverrideOut(Schema):
    id: int
    segment_id: int
    strength: str
    reason: str
    version: int


@router.put("/segments/{int:pk}/override", response=OverrideOut, tags=TAGS, summary="人工认定环节强弱（须写明理由）")
def set_override(request, pk: int, payload: OverrideIn):
    seg = get_object_or_404(Segment.objects.select_related("chain").restrict(request.auth, VIEW), pk=pk)
    return map_services.set_override(request.auth, seg, strength=payload.strength, reason=payload.reason,
                                     version=payload.version)


@router.delete("/segments/{int:pk}/override", response=Deleted, tags=TAGS, summary="撤销人工认定")
def clear_override(request, pk: int, version: int | None = None):
    seg = get_object_or_404(Segment.objects.select_related("chain").restrict(request.auth, VIEW), pk=pk)
    map_services.clear_override(request.auth, seg, version=version)
    return {"deleted": True}


# --- placements ----------------------------------------------------------------------------------------------


class PlacementOut(Schema):
    id: int
    segment_id: int
    segment_name: str
    chain_id: int
    membership_id: int
    enterprise_id: int
    enterprise_name: str
    role: str
    note: str
    version: int

    @staticmethod
    def resolve_segment_name(obj):
        return obj.segment.name

    @staticmethod
    def resolve_chain_id(obj):
        return obj.segment.chain_id

    @staticmethod
    def resolve_enterprise_id(obj):
        return obj.membership.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.membership.enterprise.name

    @staticmethod
    def resolve_role(obj):
        return obj.membership.role


class PlacementIn(Schema):
    segment_id: int
    enterprise_id: int | None = None
    membership_id: int | None = None
    note: str = ""


class PlacementFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("segment__chain_id")] = None
    segment: Annotated[int | None, FilterLookup("segment_id")] = None
    enterprise: Annotated[int | None, FilterLookup("membership__enterprise_id")] = None


crud(router, SegmentPlacement, out=PlacementOut, name="SegmentPlacement", path="/segment-placements", tags=TAGS,
     fields=["segment", "note"], search=("membership__enterprise__name",), filters=PlacementFilters,
     create_in=PlacementIn,
     queryset=lambda: SegmentPlacement.objects.select_related("segment", "membership__enterprise"),
     create=lambda user, data: map_services.place(user, **_plain(data)),
     update=lambda user, obj, data, version: map_services.update_placement(user, obj, _plain(data), version),
     delete=lambda user, obj, version: map_services.remove(user, obj, version))


# --- technologies and links ----------------------------------------------------------------------------------


class TechnologyOut(Schema):
    id: int
    segment_id: int
    name: str
    description: str
    enterprise_id: int | None
    enterprise_role: str
    external_party: str
    status: str
    order: int
    version: int

    @staticmethod
    def resolve_enterprise_id(obj):
        # As on the map: the enterprise that holds or is sought for a technology, only to who may see it.
        return obj.enterprise_id if getattr(obj, "enterprise_seen", True) else None


class TechnologyFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("segment__chain_id")] = None
    segment: Annotated[int | None, FilterLookup("segment_id")] = None
    status: str | None = None


crud(router, KeyTechnology, out=TechnologyOut, name="KeyTechnology", path="/key-technologies", tags=TAGS,
     fields=["segment", "name", "description", "enterprise", "enterprise_role", "external_party", "status",
             "order"], search=("name",), filters=TechnologyFilters,
     queryset=lambda user: KeyTechnology.objects.select_related("segment").annotate(
         enterprise_seen=sees(user, Enterprise, "enterprise_id")),
     create=lambda user, data: map_services.add_technology(user, _plain(data)),
     update=lambda user, obj, data, version: map_services.update_technology(user, obj, _plain(data), version),
     delete=lambda user, obj, version: map_services.delete_technology(user, obj, version))


class LinkOut(Schema):
    id: int
    source_id: int
    target_id: int
    kind: str
    note: str
    version: int


class LinkFilters(ListParams):
    """A link belongs to the chains and segments at both its ends."""

    chain: Annotated[int | None, FilterLookup(["source__chain_id", "target__chain_id"])] = None
    segment: Annotated[int | None, FilterLookup(["source_id", "target_id"])] = None


crud(router, SegmentLink, out=LinkOut, name="SegmentLink", path="/segment-links", tags=TAGS,
     fields=["source", "target", "kind", "note"], filters=LinkFilters,
     queryset=lambda: SegmentLink.objects.select_related("source", "target"),
     create=lambda user, data: map_services.add_link(user, _plain(data)),
     update=lambda user, obj, data, version: map_services.update_link(user, obj, _plain(data), version),
     delete=lambda user, obj, version: map_services.delete_link(user, obj, version))


class MapSettingsOut(Schema):
    id: int
    region_id: int
    missing_max_enterprises: int
    strong_min_enterprises: int
    strong_min_above_scale: int
    strong_requires_leader: bool
    strong_min_revenue_share: Decimal | None
    version: int


crud(router, MapSettings, out=MapSettingsOut, name="MapSettings", path="/map-settings", tags=TAGS,
     fields=["region", "missing_max_enterprises", "strong_min_enterprises", "strong_min_above_scale",
             "strong_requires_leader", "strong_min_revenue_share"])


# --- the 1 + N lists -----------------------------------------------------------------------------------------


class SegmentRef(BaseModel):
    id: int
    name: str
    stage: str
    stage_label: str


class BackboneRow(BaseModel):
    id: int
    membership_id: int
    name: str
    role: str
    role_label: str
    district: str
    is_above_scale: bool
    segments: list[SegmentRef]


class SegmentRow(BaseModel):
    id: int
    name: str
    stage: str
    stage_label: str
    depth: int
    strength: str
    strength_label: str
    reason: str
    overridden: bool
    enterprise_count: int
    above_scale_count: int
    key_products: list[str]


class SupportingRow(SegmentRow):
    enterprises: list[EnterpriseBrief]
    hidden_count: int


class GapRow(SegmentRow):
    lacking: list[str]


class TechnologyRow(TechnologyBrief):
    segment_id: int
    segment_name: str
    stage: str
    stage_label: str
    segment_strength: str
    segment_strength_label: str


class ListFilters(Schema):
    stage: Stage | None = None
    q: str | None = None


def _tree(request, pk):
    chain = viewable_chain(request.auth, pk)
    return chain, mapping.build_map(chain, request.auth)


@router.get("/chains/{int:pk}/lists/backbone", response=list[BackboneRow], tags=TAGS, summary="龙头骨干企业清单")
def backbone_list(request, pk: int, q: str | None = None):
    return mapping.backbone_list(viewable_chain(request.auth, pk), request.auth, q=q)


@router.get("/chains/{int:pk}/lists/supporting", response=list[SupportingRow], tags=TAGS,
            summary="主要配套企业清单（按环节）")
def supporting_list(request, pk: int, filters: Query[ListFilters]):
    _chain, tree = _tree(request, pk)
    return mapping.supporting_list(tree, stage=filters.stage, q=filters.q)


@router.get("/chains/{int:pk}/lists/strong", response=list[SegmentRow], tags=TAGS, summary="锻长板领域（强链环节）")
def strong_list(request, pk: int, stage: Stage | None = None):
    _chain, tree = _tree(request, pk)
    return mapping.strong_list(tree, stage=stage)


@router.get("/chains/{int:pk}/lists/gaps", response=list[GapRow], tags=TAGS,
            summary="补短板环节（弱链、缺链及所缺）")
def gap_list(request, pk: int, stage: Stage | None = None, strength: Strength | None = None):
    _chain, tree = _tree(request, pk)
    return mapping.gap_list(tree, stage=stage, strength=strength)


@router.get("/chains/{int:pk}/lists/technologies", response=list[TechnologyRow], tags=TAGS,
            summary="关键产品技术攻关清单")
def technology_list(request, pk: int, stage: Stage | None = None, status: str | None = None):
    _chain, tree = _tree(request, pk)
    return mapping.technology_list(tree, status=status, stage=stage)


# --- city overview -------------------------------------------------------------------------------------------


class OverviewChain(BaseModel):
    id: int
    name: str
    short_name: str
    tier: str
    segments: int
    enterprises: int
    strong: int
    weak: int
    missing: int


class OverviewLink(BaseModel):
    id: int
    from_segment: str
    to_segment: str
    kind: str
    kind_label: str
    note: str


class OverviewEdge(BaseModel):
    source: int
    target: int
    count: int
    links: list[OverviewLink]


class Overview(BaseModel):
    chains: list[OverviewChain]
    edges: list[OverviewEdge]


@router.get("/chain-map/overview", response=Overview, tags=TAGS, summary="全市产业链总览（产业链及跨链关联）")
def city_overview(request, region: int | None = None):
    return mapping.overview(request.auth, region=region)
