from datetime import date
from decimal import Decimal
from typing import Annotated

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import FilterLookup, Router, Schema

from chainchief.chains.models import Chain
from chainchief.core.api_crud import ListParams, crud
from chainchief.core.permissions import VIEW
from chainchief.enterprises import queries, services
from chainchief.enterprises.models import (
    CommissionerAssignment, Enterprise, Membership, MembershipRole, Qualification, SupplyLink, Visit,
    current_assignments_q,
)

router = Router()


class QualificationBrief(Schema):
    kind: str
    kind_label: str
    level: str
    level_label: str
    year: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class MembershipBrief(Schema):
    chain_id: int
    chain_name: str
    role: str
    role_label: str

    @staticmethod
    def resolve_chain_name(obj):
        return obj.chain.name

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    short_name: str
    region_id: int
    region_name: str
    address: str
    founded_on: date | None
    is_above_scale: bool
    contact_name: str
    contact_phone: str
    description: str
    is_sample: bool
    qualifications: list[QualificationBrief]
    memberships: list[MembershipBrief]
    version: int

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class EnterpriseFilters(ListParams):
    chain: int | None = None
    uscc: str | None = None
    qualification: str | None = None
    region: int | None = None
    above_scale: bool | None = None
    role: str | None = None

    def custom_expression(self):
        """No lookup of its own: the page's search (``queries.search``, which looks only at the memberships the
        reader may see) applies these filters, so the list, its export and the page agree."""
        return Q()


class EnterpriseMembershipIn(Schema):
    chain: int
    role: str = MembershipRole.SUPPORTING


def _create_enterprise(user, data):
    memberships = data.pop("memberships", None) or []
    region = data.get("region")
    if region is None and user.region_id:  # default: the user's own region
        data["region"] = user.region_id
    chains = {c.pk: c for c in Chain.objects.restrict(user, VIEW).filter(pk__in=[m["chain"] for m in memberships])}
    pairs = []
    for m in memberships:
        if m["chain"] not in chains:
            from django.core.exceptions import ValidationError

            raise ValidationError({"memberships": f"产业链 {m['chain']} 不存在或无权访问。"})
        pairs.append((chains[m["chain"]], m.get("role", MembershipRole.SUPPORTING)))  # unset: the default
    return services.create_enterprise(user, data, pairs)


class EnterpriseIn(Schema):
    uscc: str
    name: str
    short_name: str = ""
    region: int | None = None
    address: str = ""
    founded_on: date | None = None
    is_above_scale: bool = False
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""
    memberships: list[EnterpriseMembershipIn] = []


_fields = ["uscc", "name", "short_name", "region", "address", "founded_on", "is_above_scale", "contact_name",
           "contact_phone", "description"]
# The enterprise list as the import template has it (so an export can be edited and imported again).
ENTERPRISE_COLUMNS = [
    ("uscc", "统一社会信用代码"), ("name", "企业名称"), ("short_name", "简称"), ("region__name", "所在区县"),
    ("address", "地址"), ("founded_on", "成立日期"), ("is_above_scale", "规上企业"),
    (lambda e: "、".join(m.chain.name for m in e.memberships.all()), "产业链"),
    (lambda e: "、".join(m.get_role_display() for m in e.memberships.all()), "链上角色"),
    ("contact_name", "联系人"), ("contact_phone", "联系电话"),
]

crud(
    router, Enterprise, out=EnterpriseOut, name="Enterprise", path="/enterprises", tags=["企业"],
    export_columns=ENTERPRISE_COLUMNS,
    fields=_fields, filters=EnterpriseFilters, queryset=queries.enterprises_with_details,
    apply_filters=lambda qs, p, user: queries.search(qs, user=user, q=p.q, chain=p.chain, uscc_code=p.uscc,
                                                     qualification=p.qualification, region=p.region,
                                                     above_scale=p.above_scale, role=p.role),
    create=_create_enterprise, create_in=EnterpriseIn,
    update=lambda user, obj, data, version: services.update_enterprise(user, obj, data, version),
)


class QualificationOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    level: str
    year: int
    version: int


class EnterpriseChildFilters(ListParams):
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None


crud(router, Qualification, out=QualificationOut, name="Qualification", path="/qualifications", tags=["企业"],
     fields=["enterprise", "kind", "level", "year"], filters=EnterpriseChildFilters)


class MembershipOut(Schema):
    id: int
    enterprise_id: int
    chain_id: int
    role: str
    version: int


class MembershipFilters(EnterpriseChildFilters):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    role: str | None = None


crud(router, Membership, out=MembershipOut, name="Membership", path="/memberships", tags=["企业"],
     fields=["enterprise", "chain", "role"], filters=MembershipFilters)


@router.get("/enterprises/by-uscc/{code}", response=EnterpriseOut, tags=["企业"], summary="按统一社会信用代码查询企业")
def by_uscc(request, code: str):
    from chainchief.core import uscc

    qs = queries.enterprises_with_details(request.auth)
    return get_object_or_404(qs, uscc=uscc.normalise(code))


class SupplyLinkOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    customer_id: int
    customer_name: str
    chain_id: int | None
    product: str
    annual_amount: Decimal | None
    year: int
    source: str
    note: str
    version: int

    @staticmethod
    def resolve_supplier_name(obj):
        return obj.supplier.name

    @staticmethod
    def resolve_customer_name(obj):
        return obj.customer.name


class SupplyLinkFilters(ListParams):
    enterprise: Annotated[int | None, FilterLookup(["supplier_id", "customer_id"])] = None  # either side
    supplier: Annotated[int | None, FilterLookup("supplier_id")] = None
    customer: Annotated[int | None, FilterLookup("customer_id")] = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    year: int | None = None


crud(router, SupplyLink, out=SupplyLinkOut, name="SupplyLink", path="/supply-links", tags=["企业"],
     fields=["supplier", "customer", "chain", "product", "annual_amount", "year", "source", "note"],
     search=("product", "supplier__name", "customer__name"), filters=SupplyLinkFilters,
     queryset=lambda: SupplyLink.objects.select_related("supplier", "customer"),
     create=services.create_supply_link,
     update=lambda user, obj, data, version: services.update_supply_link(user, obj, data, version))


# --- service commissioners -----------------------------------------------------------------------------------

class AssignmentOut(Schema):
    id: int
    commissioner_id: int
    commissioner_name: str
    enterprise_id: int
    enterprise_name: str
    started_on: date
    ended_on: date | None
    current: bool
    note: str
    version: int

    @staticmethod
    def resolve_commissioner_name(obj):
        return obj.commissioner.name

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_current(obj):
        return obj.is_current


class AssignmentFilters(ListParams):
    commissioner: Annotated[int | None, FilterLookup("commissioner_id")] = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    current: bool | None = None

    def filter_current(self, value):
        if value is None:
            return Q()
        return current_assignments_q() if value else ~current_assignments_q()


crud(router, CommissionerAssignment, out=AssignmentOut, name="CommissionerAssignment",
     path="/commissioner-assignments", tags=["服务专员"],
     fields=["commissioner", "enterprise", "started_on", "ended_on", "note"],
     search=("commissioner__name", "enterprise__name"), filters=AssignmentFilters,
     queryset=lambda: CommissionerAssignment.objects.select_related("commissioner", "enterprise"))


class VisitOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    commissioner_id: int | None
    visited_on: date
    people_met: str
    content: str
    problems: str
    version: int

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name


class VisitFilters(ListParams):
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    commissioner: Annotated[int | None, FilterLookup("commissioner_id")] = None
    visited_from: Annotated[date | None, FilterLookup("visited_on__gte")] = None
    visited_to: Annotated[date | None, FilterLookup("visited_on__lte")] = None


crud(router, Visit, out=VisitOut, name="Visit", path="/visits", tags=["服务专员"],
     fields=["enterprise", "commissioner", "visited_on", "people_met", "content", "problems"],
     search=("content", "problems", "enterprise__name"), filters=VisitFilters,
     queryset=lambda: Visit.objects.select_related("enterprise"), create=services.record_visit)
