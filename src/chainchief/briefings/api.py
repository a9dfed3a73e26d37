"""The briefings' API: list and read issues, generate one (in the request for a city, queued for a province),
read the figures a file holds, download its Word or PDF file, delete it. Everything under the permission filter:
an issue is read only by those its REPORT rule lets see it."""
from datetime import date, datetime
from typing import Annotated, Literal

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Query, Router, Schema, Status
from pydantic import ConfigDict

from chainchief.briefings import services, tasks
from chainchief.briefings.models import BriefingKind, BriefingStatus
from chainchief.core.api_crud import ListParams, page_schema, paginate, search_in

router = Router(tags=["通报"])


class BriefingOut(Schema):
    id: int
    kind: BriefingKind
    region_id: int
    chain_id: int | None
    period: str
    number: int | None
    doc_number: str
    title: str
    introduction: str
    status: BriefingStatus
    progress: int
    step: str
    message: str
    created_by: str | None
    created_at: datetime
    finished_at: datetime | None
    docx_url: str | None
    pdf_url: str | None
    docx_size: int
    pdf_size: int
    signed_on: date | None
    replaces_id: int | None
    replaced_by: list[int]
    withdrawn_at: datetime | None
    withdrawn_reason: str
    version: int

    @staticmethod
    def resolve_replaced_by(obj):
        return sorted(c.pk for c in obj.corrections.all())

    @staticmethod
    def resolve_period(obj):
        return f"{obj.period:%Y-%m}"

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_docx_url(obj):
        return f"/api/v1/briefings/{obj.pk}/docx" if obj.docx_file else None

    @staticmethod
    def resolve_pdf_url(obj):
        return f"/api/v1/briefings/{obj.pk}/pdf" if obj.pdf_file else None


class BriefingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: BriefingKind = BriefingKind.MONTHLY
    period: str = Field(..., description="期间 YYYY-MM", examples=["2021-06"])
    chain: int | None = Field(None, description="产业链编号（一页纸必填）")
    number: int | None = Field(None, ge=1, le=999)
    doc_number: str | None = Field(None, max_length=64)
    title: str | None = Field(None, max_length=200)
    introduction: str | None = Field(None, max_length=4000)
    signed_on: date | None = Field(None, description="成文日期（默认：今天，但不晚于期间次月月底）；文号年份随之确定")
    replaces: int | None = Field(None, description="更正稿：被替代的通报编号（新文件另取文号）")
    queue: bool | None = Field(None, description="true：交后台任务生成；false：当即生成；默认按产业链数量决定")


class BriefingFilters(ListParams):
    kind: BriefingKind | None = None
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    region: Annotated[int | None, FilterLookup("region_id")] = None
    period: str | None = Field(None, description="YYYY-MM")
    status: BriefingStatus | None = None

    def filter_period(self, value):
        from django.db.models import Q

        if not value:
            return Q()
        try:
            year, month = (int(x) for x in value.split("-"))
            return Q(period=date(year, month, 1))
        except ValueError:
            return Q(pk__in=[])


@router.get("/briefings", response=page_schema(BriefingOut, "BriefingPage"), summary="通报列表")
def list_briefings(request, params: Query[BriefingFilters]):
    qs = search_in(services.readable(request.auth), ("title", "doc_number"), params.q)
    return paginate(params.filter(qs), params.limit, params.offset)


class NumberOut(Schema):
    issuer: str
    year: int
    serial: int
    doc_number: str
    signed_on: date


class RegisterEntryOut(Schema):
    id: int
    region_id: int
    issuer: str
    year: int
    serial: int
    doc_number: str
    title: str
    briefing_id: int | None
    withdrawn: bool
    created_at: datetime

    @staticmethod
    def resolve_doc_number(obj):
        return obj.text

    @staticmethod
    def resolve_withdrawn(obj):
        return bool(obj.briefing_id and obj.briefing.is_withdrawn)


class RegisterFilters(ListParams):
    year: int | None = None
    region: Annotated[int | None, FilterLookup("region_id")] = None


class WithdrawIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, description="撤回原因")
    version: int | None = None


@router.get("/briefings/numbers", response=page_schema(RegisterEntryOut, "DocumentNumberPage"),
            summary="文号登记簿")
def list_numbers(request, params: Query[RegisterFilters]):
    qs = search_in(services.register(request.auth), ("title", "issuer"), params.q)
    return paginate(params.filter(qs), params.limit, params.offset)


@router.get("/briefings/numbers/next", response=NumberOut, summary="建议的下一个文号")
def next_number(request, period: str | None = None, signed_on: date | None = None):
    return services.suggestion_for(request.auth, period=period, signed_on=signed_on)


@router.post("/briefings/{int:pk}/withdraw", response=BriefingOut, summary="撤回通报（保留文号与文件）")
def withdraw_briefing(request, pk: int, payload: WithdrawIn):
    briefing = get_object_or_404(services.readable(request.auth), pk=pk)
    services.withdraw(request.auth, briefing, payload.reason, version=payload.version)
    return services.readable(request.auth).get(pk=pk)


@router.get("/briefings/{int:pk}", response=BriefingOut, summary="通报详情")
def get_briefing(request, pk: int):
    return get_object_or_404(services.readable(request.auth), pk=pk)


@router.get("/briefings/{int:pk}/figures", response=dict, summary="通报所载数据（与文件一致）")
def briefing_figures(request, pk: int):
    return get_object_or_404(services.readable(request.auth), pk=pk).figures or {}


@router.post("/briefings", response={201: BriefingOut, 202: BriefingOut}, summary="生成月度通报或产业链一页纸")
def create_briefing(request, payload: BriefingIn):
    data = payload.dict(exclude_none=True)
    queue = data.pop("queue", None)
    briefing = tasks.start(request.auth, data, queue=queue)
    return Status(202 if briefing.is_running else 201, services.readable(request.auth).get(pk=briefing.pk))


@router.get("/briefings/{int:pk}/{fmt}", summary="下载通报文件（docx 或 pdf）",
            response={200: None}, openapi_extra={"responses": {200: {"content": {
                services.FORMATS["docx"]: {}, services.FORMATS["pdf"]: {}}}}})
def download_briefing(request, pk: int, fmt: Literal["docx", "pdf"]):
    briefing = get_object_or_404(services.readable(request.auth), pk=pk)
    path = services.file_path(briefing, fmt)
    if path is None or not path.exists():
        raise Http404("该文件尚未生成。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=services.download_name(briefing, fmt),
                        content_type=services.FORMATS[fmt])


@router.delete("/briefings/{int:pk}", summary="删除通报及其文件")
def delete_briefing(request, pk: int, version: int | None = None):
    briefing = get_object_or_404(services.readable(request.auth), pk=pk)
    services.delete(request.auth, briefing, version=version)
    return {"deleted": True}
