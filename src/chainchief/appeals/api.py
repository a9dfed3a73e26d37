from datetime import date
from typing import Annotated

from ninja import FilterLookup, Router, Schema

from chainchief.appeals import services
from chainchief.appeals.models import Request
from chainchief.core.api_crud import ListParams, crud

router = Router()


class RequestOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    chain_id: int | None
    category: str
    category_label: str
    title: str
    content: str
    status: str
    status_label: str
    department_id: int | None
    department_name: str | None
    commissioner_id: int | None
    commissioner_name: str | None
    received_on: date
    due_on: date | None
    closed_on: date | None
    version: int

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_department_name(obj):
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_commissioner_name(obj):
        return obj.commissioner.name if obj.commissioner_id else None


class RequestFilters(ListParams):
    status: str | None = None
    category: str | None = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    department: Annotated[int | None, FilterLookup("department_id")] = None
    commissioner: Annotated[int | None, FilterLookup("commissioner_id")] = None


crud(router, Request, out=RequestOut, name="Request", path="/requests", tags=["企业诉求"],
     fields=["enterprise", "chain", "category", "title", "content", "status", "department", "commissioner",
             "received_on", "due_on", "closed_on"],
     search=("title", "content", "enterprise__name"), filters=RequestFilters,
     queryset=lambda: Request.objects.select_related("enterprise", "department", "commissioner"),
     create=services.create_request,
     update=lambda user, obj, data, version: services.update_request(user, obj, data, version))
