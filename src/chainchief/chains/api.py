from decimal import Decimal
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Router, Schema

from chainchief.chains import checklist, queries, services
from chainchief.chains.models import (
    ChainLink,
    Chain, ChainDepartment, ChainRole, ChainTier, ChainWorkItem, WorkModel, WorkModelItem,
)
from chainchief.core.api_crud import ListParams, crud
from chainchief.core.permissions import VIEW

router = Router()


class TierOut(Schema):
    id: int
    name: str
    region_id: int
    target_scale: Decimal
    target_year: int
    order: int
    version: int


crud(router, ChainTier, out=TierOut, name="Tier", path="/tiers", tags=["产业链"],
     fields=["name", "region", "target_scale", "target_year", "order"], search=("name",))


class PersonBrief(Schema):
    id: int
    name: str
    title: str


class RoleBrief(Schema):
    kind: str
    kind_label: str
    person: PersonBrief


class DepartmentBrief(Schema):
    id: int
    name: str


class ChainOut(Schema):
    id: int
    name: str
    short_name: str
    region_id: int
    tier_id: int | None
    tier_name: str | None
    description: str
    order: int
    is_active: bool
    is_illustrative: bool
    chiefs: list[RoleBrief]
    lead_department: DepartmentBrief | None
    supporting_departments: list[DepartmentBrief]
    enterprise_count: int
    version: int

    @staticmethod
    def resolve_tier_name(obj):
        return obj.tier.name if obj.tier_id else None

    @staticmethod
    def resolve_chiefs(obj):
        return [{"kind": r.kind, "kind_label": r.get_kind_display(), "person": r.person} for r in obj.roles.all()]

    @staticmethod
    def resolve_lead_department(obj):
        return queries.lead_department(obj)

    @staticmethod
    def resolve_supporting_departments(obj):
        return queries.supporting_departments(obj)


class ChainFilters(ListParams):
    tier: Annotated[int | None, FilterLookup("tier_id")] = None
    region: Annotated[int | None, FilterLookup("region_id")] = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None


crud(router, Chain, out=ChainOut, name="Chain", path="/chains", tags=["产业链"],
     fields=["name", "short_name", "region", "tier", "description", "order", "is_active"],
     search=("name", "short_name"), filters=ChainFilters,
     queryset=queries.chains_with_summary)


class ChainRoleOut(Schema):
    id: int
    chain_id: int
    person_id: int
    kind: str
    order: int
    version: int


class ChainChildFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None


crud(router, ChainRole, out=ChainRoleOut, name="ChainRole", path="/chain-roles", tags=["产业链"],
     fields=["chain", "person", "kind", "order"], filters=ChainChildFilters)


class ChainDepartmentOut(Schema):
    id: int
    chain_id: int
    department_id: int
    is_lead: bool
    version: int


crud(router, ChainDepartment, out=ChainDepartmentOut, name="ChainDepartment", path="/chain-departments",
     tags=["产业链"], fields=["chain", "department", "is_lead"], filters=ChainChildFilters)


class WorkModelOut(Schema):
    id: int
    region_id: int
    name: str
    description: str
    version: int


class WorkModelFilters(ListParams):
    region: Annotated[int | None, FilterLookup("region_id")] = None


# A work model belongs to the region that drew it up (``region``): that region's office keeps it and its items.
crud(router, WorkModel, out=WorkModelOut, name="WorkModel", path="/work-models", tags=["工作模式"],
     fields=["region", "name", "description"], search=("name",), filters=WorkModelFilters)


class WorkModelItemOut(Schema):
    id: int
    work_model_id: int
    name: str
    description: str
    order: int
    evidence_kinds: list[str]
    evidence_months: int | None
    evidence_required: int
    version: int


class ItemFilters(ListParams):
    work_model: Annotated[int | None, FilterLookup("work_model_id")] = None


crud(router, WorkModelItem, out=WorkModelItemOut, name="WorkModelItem", path="/work-model-items",
     tags=["工作模式"], fields=["work_model", "name", "description", "order", "evidence_kinds", "evidence_months",
                                "evidence_required"], filters=ItemFilters)


class ChainWorkItemOut(Schema):
    id: int
    chain_id: int
    item_id: int
    status: str
    note: str
    evidence_url: str
    version: int


crud(router, ChainWorkItem, out=ChainWorkItemOut, name="ChainWorkItem", path="/chain-work-items",
     tags=["工作模式"], fields=["chain", "item", "status", "note", "evidence_url"],
     filters=ChainChildFilters)


class EvidenceOut(Schema):
    kind: str
    id: int
    title: str
    date: str | None
    url: str


class ChecklistRow(Schema):
    item_id: int
    item: str
    order: int
    status: str
    status_label: str
    computed: bool = Field(description="true: computed from the evidence; false: set by hand (note gives the reason)")
    computed_status: str
    note: str
    evidence_url: str
    evidence: list[EvidenceOut]
    version: int | None


@router.get("/chains/{int:pk}/work-model", response=list[ChecklistRow], tags=["工作模式"],
            summary="产业链工作模式清单：各事项状态（按佐证判定或人工认定）及佐证记录")
def chain_checklist(request, pk: int):
    chain = get_object_or_404(Chain.objects.select_related("region").restrict(request.auth, VIEW), pk=pk)
    out = []
    for e in checklist.work_checklist(chain, request.auth):
        row = e.row
        out.append({"item_id": e.item.pk, "item": e.item.name, "order": e.item.order, "status": e.status,
                    "status_label": str(e.status_label), "computed": e.computed,
                    "computed_status": e.computed_status,
                    "note": row.note if row else "", "evidence_url": row.evidence_url if row else "",
                    "evidence": [r.as_dict() for r in e.evidence], "version": row.version if row else None})
    return out


class ChecklistIn(Schema):
    status: str = Field("", description="missing / in_progress / done set by hand (with a note giving the reason), "
                                        "or empty to have it computed from the evidence")
    note: str = ""
    evidence_url: str = ""
    version: int | None = None


@router.put("/chains/{int:pk}/work-model/{int:item_id}", response=ChainWorkItemOut, tags=["工作模式"],
            summary="更新产业链某一事项的进展")
def set_checklist_item(request, pk: int, item_id: int, payload: ChecklistIn):
    chain = get_object_or_404(Chain.objects.select_related("region").restrict(request.auth, VIEW), pk=pk)
    item = get_object_or_404(WorkModelItem, pk=item_id)
    return services.set_work_item(request.auth, chain, item, **payload.dict())


class ChainLinkOut(Schema):
    id: int
    chain_id: int
    parent_id: int
    note: str
    version: int


class ChainLinkFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    parent: Annotated[int | None, FilterLookup("parent_id")] = None


crud(router, ChainLink, out=ChainLinkOut, name="ChainLink", path="/chain-links", tags=["产业链"],
     fields=["chain", "parent", "note"], filters=ChainLinkFilters)
