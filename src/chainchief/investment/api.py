"""The investment API: the catalogue of external enterprises, leads and their stage moves, a chain's gaps and a
segment's ranked candidates, the funnel, local supply rates, needs, capabilities, their matches and contact
records. Reads through ``restrict``; writes through ``investment.services``."""
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import FilterLookup, Router, Schema
from ninja.orm import create_schema

from chainchief.chains.models import Chain
from chainchief.core.api_crud import InputSchema, ListParams, crud
from chainchief.core.permissions import VIEW
from chainchief.investment import matching, queries, services, supply
from chainchief.investment.models import Capability, Contact, ExternalEnterprise, Lead, LeadStage, Need, stalled_q

router = Router()
TAGS = ["招商与配套"]


# The catalogue -------------------------------------------------------------------------------------------------

class ExternalOut(Schema):
    id: int
    region_id: int
    name: str
    uscc: str
    province: str
    city: str
    main_products: str
    segments: list[int]
    segment_names: list[str]
    size: str
    size_label: str
    revenue: Decimal | None
    contact: str
    note: str
    version: int

    @staticmethod
    def resolve_segments(obj):
        return [s.pk for s in obj.segments.all()]

    @staticmethod
    def resolve_segment_names(obj):
        return [s.name for s in obj.segments.all()]

    @staticmethod
    def resolve_size_label(obj):
        return obj.get_size_display()


class ExternalFilters(ListParams):
    segment: Annotated[int | None, FilterLookup("segments")] = None
    size: str | None = None
    province: str | None = None


crud(router, ExternalEnterprise, out=ExternalOut, name="ExternalEnterprise", path="/investment/external-enterprises",
     tags=TAGS, fields=["name", "uscc", "province", "city", "main_products", "segments", "size", "revenue",
                        "contact", "note"],
     search=ExternalEnterprise.SEARCH_FIELDS, filters=ExternalFilters,
     queryset=lambda: ExternalEnterprise.objects.prefetch_related("segments").distinct(),
     create=services.create_external)


# Leads ---------------------------------------------------------------------------------------------------------

class LeadOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    segment_id: int | None
    segment_name: str | None
    target_id: int
    target_name: str
    title: str
    source: str
    department_id: int
    department_name: str
    stage: str
    stage_label: str
    stage_on: date
    stalled: bool
    stalled_days: int
    intended_amount: Decimal | None
    contracted_amount: Decimal | None
    arrived_amount: Decimal | None
    note: str
    version: int

    @staticmethod
    def resolve_chain_name(obj):
        return obj.chain.name

    @staticmethod
    def resolve_segment_name(obj):
        return obj.segment.name if obj.segment_id else None

    @staticmethod
    def resolve_target_name(obj):
        return obj.target.name

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name

    @staticmethod
    def resolve_stage_label(obj):
        return obj.get_stage_display()

    @staticmethod
    def resolve_stalled(obj):
        return obj.is_stalled

    @staticmethod
    def resolve_stalled_days(obj):
        return obj.stalled_days()


class LeadFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    segment: Annotated[int | None, FilterLookup("segment_id")] = None
    department: Annotated[int | None, FilterLookup("department_id")] = None
    target: Annotated[int | None, FilterLookup("target_id")] = None
    stage: str | None = None
    stalled: bool | None = None

    def filter_stalled(self, value):
        if value is None:
            return Q()
        return stalled_q() if value else ~stalled_q()


crud(router, Lead, out=LeadOut, name="Lead", path="/investment/leads", tags=TAGS,
     fields=["chain", "segment", "target", "title", "source", "department", "intended_amount", "contracted_amount",
             "arrived_amount", "note"],
     search=Lead.SEARCH_FIELDS, filters=LeadFilters,
     queryset=lambda: Lead.objects.select_related("chain", "segment", "target", "department"),
     create=services.create_lead,
     update=lambda user, obj, data, version: services.update_lead(user, obj, data, version))


class AdvanceIn(Schema):
    stage: LeadStage
    on: date | None = None
    amount: Decimal | None = None
    note: str = ""
    version: int | None = None


class LeadStepOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    on: date
    amount: Decimal | None
    note: str
    created_by_id: int | None


@router.post("/investment/leads/{int:pk}/advance", response=LeadOut, tags=TAGS, summary="推进招商线索阶段",
             operation_id="advance_lead")
def advance_lead(request, pk: int, payload: AdvanceIn):
    lead = get_object_or_404(Lead.objects.restrict(request.auth, VIEW), pk=pk)
    services.advance(request.auth, lead, payload.stage, on=payload.on, amount=payload.amount, note=payload.note,
                     version=payload.version)
    return queries.leads(request.auth).get(pk=pk)


@router.get("/investment/leads/{int:pk}/steps", response=list[LeadStepOut], tags=TAGS, summary="招商线索阶段记录",
            operation_id="lead_steps")
def lead_steps(request, pk: int):
    lead = get_object_or_404(Lead.objects.restrict(request.auth, VIEW), pk=pk)
    return list(lead.steps.order_by("on", "id"))


class FunnelRow(Schema):
    key: int | None
    label: str
    total: int
    reached: list[int]
    current: list[int]
    stalled: int
    intended: Decimal
    contracted: Decimal
    arrived: Decimal


class FunnelOut(Schema):
    stages: list[str]
    chains: list[FunnelRow]
    departments: list[FunnelRow]
    total: FunnelRow


@router.get("/investment/leads/funnel", response=FunnelOut, tags=TAGS, summary="招商漏斗（按产业链、责任部门）",
            operation_id="lead_funnel")
def lead_funnel(request, chain: int | None = None, department: int | None = None):
    return queries.funnel(request.auth, chain=chain, department=department)


@router.get("/investment/leads/funnel/export", tags=TAGS, summary="导出招商漏斗（xlsx）", operation_id="lead_funnel_export")
def lead_funnel_export(request, chain: int | None = None, department: int | None = None):
    from django.http import FileResponse

    from chainchief.core.export import FORMATS, export_workbook

    out = export_workbook(queries.funnel_sheets(queries.funnel(request.auth, chain=chain, department=department)))
    return FileResponse(out, as_attachment=True, filename="招商漏斗.xlsx", content_type=FORMATS["xlsx"])


# Gaps and candidates -------------------------------------------------------------------------------------------

class CandidateOut(Schema):
    rank: int
    enterprise_id: int
    enterprise_name: str
    province: str
    city: str
    size_label: str
    score: int
    reasons: list[str]
    why_rank: str
    lead_id: int | None


def _candidate(r):
    e = r["enterprise"]
    return {"rank": r["rank"], "enterprise_id": e.pk, "enterprise_name": e.name, "province": e.province,
            "city": e.city, "size_label": e.get_size_display(), "score": r["score"], "reasons": r["reasons"],
            "why_rank": r["why_rank"], "lead_id": r["lead"].pk if r["lead"] else None}


@router.get("/investment/segments/{int:pk}/candidates", response=list[CandidateOut], tags=TAGS,
            summary="环节的招商候选企业（排序及理由）", operation_id="segment_candidates")
def segment_candidates(request, pk: int, limit: int = 20):
    from chainchief.maps.models import Segment

    segment = get_object_or_404(Segment.objects.restrict(request.auth, VIEW).select_related("chain"), pk=pk)
    return [_candidate(r) for r in queries.candidates(segment, request.auth, limit=max(1, min(limit, 100)))]


class GapOut(Schema):
    segment_id: int
    segment_name: str
    stage_label: str
    strength: str
    strength_label: str
    reason: str
    leads: list[LeadOut]


@router.get("/investment/chains/{int:pk}/gaps", response=list[GapOut], tags=TAGS,
            summary="产业链的缺链、弱链环节及其招商线索", operation_id="chain_gaps")
def chain_gaps(request, pk: int):
    chain = get_object_or_404(Chain.objects.restrict(request.auth, VIEW), pk=pk)
    return [{"segment_id": g["node"]["id"], "segment_name": g["node"]["name"], "stage_label": g["node"]["stage_label"],
             "strength": g["node"]["strength"], "strength_label": g["node"]["strength_label"],
             "reason": g["node"]["reason"], "leads": g["leads"]} for g in queries.gaps(chain, request.auth)]


# Local supply rate ---------------------------------------------------------------------------------------------

class RateOut(Schema):
    rate: Decimal | None
    local: Decimal
    total: Decimal
    buyers: int
    links: int


def _rate(r):
    return {"rate": r.rate, "local": r.local, "total": r.total, "buyers": r.buyers, "links": r.links}


class NamedRate(RateOut):
    id: int
    name: str


class SupplyRateOut(Schema):
    chain_id: int
    chain_name: str
    year: int | None
    years: list[int]
    definition: str
    chain: RateOut
    segments: list[NamedRate]
    masters: list[NamedRate]


@router.get("/investment/chains/{int:pk}/supply-rate", response=SupplyRateOut, tags=TAGS,
            summary="产业链本地配套率（全链、分环节、分链主）", operation_id="chain_supply_rate")
def chain_supply_rate(request, pk: int, year: int | None = None):
    chain = get_object_or_404(Chain.objects.restrict(request.auth, VIEW), pk=pk)
    if not supply.may_read(request.auth):
        raise PermissionDenied("无权查看产业链汇总数据（本地配套率）。")
    data = supply.rates(chain, year, request.auth)
    return {"chain_id": chain.pk, "chain_name": chain.name, "year": data.year, "years": data.years,
            "definition": str(supply.DEFINITION), "chain": _rate(data.chain_rate),
            "segments": [{"id": s.pk, "name": s.name, **_rate(r)} for s, r in data.segments],
            "masters": [{"id": e.pk, "name": e.name, **_rate(r)} for e, r in data.masters]}


# Needs, capabilities, matches, contacts -------------------------------------------------------------------------

class PostOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    chain_id: int | None
    title: str
    text: str
    status: str
    version: int

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name


class NeedOut(PostOut):
    amount: Decimal | None


class PostFilters(ListParams):
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    status: str | None = None


def _post_in(model, name, fields):
    """A post's create body: the enterprise may be left out by an enterprise user (its own is taken)."""
    return create_schema(model, name=name, fields=fields, base_class=InputSchema,
                         optional_fields=[f for f in fields if f not in ("title", "text")])


crud(router, Need, out=NeedOut, name="Need", path="/investment/needs", tags=TAGS,
     fields=["enterprise", "chain", "title", "text", "amount", "status"], search=Need.SEARCH_FIELDS,
     filters=PostFilters, queryset=lambda: Need.objects.select_related("enterprise"), create=services.create_need,
     create_in=_post_in(Need, "NeedIn", ["enterprise", "chain", "title", "text", "amount", "status"]))
crud(router, Capability, out=PostOut, name="Capability", path="/investment/capabilities", tags=TAGS,
     fields=["enterprise", "chain", "title", "text", "status"], search=Capability.SEARCH_FIELDS,
     filters=PostFilters, queryset=lambda: Capability.objects.select_related("enterprise"),
     create=services.create_capability,
     create_in=_post_in(Capability, "CapabilityIn", ["enterprise", "chain", "title", "text", "status"]))


class MatchOut(Schema):
    rank: int
    capability_id: int
    capability_title: str
    enterprise_id: int
    enterprise_name: str
    score: float
    terms: list[str]


@router.get("/investment/needs/{int:pk}/matches", response=list[MatchOut], tags=TAGS,
            summary="需求的供应能力匹配（BM25 排序及匹配词）", operation_id="need_matches")
def need_matches(request, pk: int, limit: int = 10):
    need = get_object_or_404(Need.objects.restrict(request.auth, VIEW), pk=pk)
    return [{"rank": m["rank"], "capability_id": m["capability"].pk, "capability_title": m["capability"].title,
             "enterprise_id": m["capability"].enterprise_id, "enterprise_name": m["capability"].enterprise.name,
             "score": m["score"], "terms": m["terms"]}
            for m in matching.match(request.auth, need, k=max(1, min(limit, 50)))]


class ContactOut(Schema):
    id: int
    need_id: int
    capability_id: int
    score: Decimal
    terms: list[str]
    contacted_on: date
    outcome: str
    deal_amount: Decimal | None
    note: str
    version: int


class ContactFilters(ListParams):
    need: Annotated[int | None, FilterLookup("need_id")] = None
    capability: Annotated[int | None, FilterLookup("capability_id")] = None
    outcome: str | None = None


class ContactIn(Schema):
    need: int
    capability: int
    contacted_on: date | None = None
    outcome: str = "pending"
    deal_amount: Decimal | None = None
    note: str = ""


def _create_contact(user, data):
    need = Need.objects.restrict(user, VIEW).filter(pk=data.pop("need")).first()
    capability = Capability.objects.restrict(user, VIEW).filter(pk=data.pop("capability")).first()
    if need is None:
        raise ValidationError({"need": "所选采购需求不存在或无权访问。"})
    if capability is None:
        raise ValidationError({"capability": "所选供应能力不存在或无权访问。"})
    if data.get("contacted_on") is None:
        data.pop("contacted_on", None)
    return services.record_contact(user, need, capability, data)


crud(router, Contact, out=ContactOut, name="Contact", path="/investment/contacts", tags=TAGS,
     fields=["contacted_on", "outcome", "deal_amount", "note"], filters=ContactFilters, create=_create_contact,
     create_in=ContactIn, update=lambda user, obj, data, version: services.update_contact(user, obj, data, version))
