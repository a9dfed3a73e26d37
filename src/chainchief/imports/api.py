"""Import API: upload a file for a dry run (or a direct commit), read a batch, commit, roll back, confirm
name matches, download templates and error files; and the enterprise list export."""
from datetime import datetime
from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from chainchief.core.api_crud import paginate
from chainchief.imports import registry, services, workbooks

router = Router(tags=["数据导入"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BatchOut(Schema):
    id: int
    kind: str
    kind_label: str
    file_name: str
    sha256: str
    size: int
    user: str | None
    created_at: datetime
    finished_at: datetime | None
    committed_at: datetime | None
    rolled_back_at: datetime | None
    status: str
    status_label: str
    message: str
    replaces_id: int | None
    sheet: str
    header_row: int | None
    columns: list[Any]
    total_rows: int
    new_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    errors: list[Any]
    errors_truncated: bool
    preview: list[Any]
    matches: list[Any]
    progress: int
    progress_total: int
    can_commit: bool
    can_rollback: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username() if obj.user_id else None


class BatchBrief(Schema):
    id: int
    kind: str
    file_name: str
    user: str | None
    created_at: datetime
    status: str
    total_rows: int
    new_count: int
    updated_count: int
    unchanged_count: int
    error_count: int

    @staticmethod
    def resolve_user(obj):
        return obj.user.get_username() if obj.user_id else None


class MatchIn(Schema):
    key: str
    enterprise_id: int | None = None


class BatchFilters(Schema):
    kind: str | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


def _batch(request, pk):
    return get_object_or_404(services.batches_for(request.auth), pk=pk)


@router.post("/imports", response={201: BatchOut}, summary="上传导入文件（默认仅校验）", operation_id="create_import")
def create_import(request, file: UploadedFile = File(...), kind: str = Form(...), dry_run: bool = Form(True)):
    batch = services.start(request.auth, file, file.name, kind)
    services.run(batch, request.auth, write=not dry_run)
    return Status(201, _batch(request, batch.pk))


@router.get("/imports", response=dict, summary="导入批次列表", operation_id="list_imports")
def list_imports(request, params: Query[BatchFilters]):
    qs = services.batches_for(request.auth)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.status:
        qs = qs.filter(status=params.status)
    page = paginate(qs, params.limit, params.offset)
    page["items"] = [BatchBrief.from_orm(b).dict() for b in page["items"]]
    return page


@router.get("/imports/templates/{kind}", summary="下载导入模板", operation_id="import_template")
def import_template(request, kind: str):
    k = registry.get(kind)
    return FileResponse(workbooks.template(k), as_attachment=True, filename=f"{k.label}导入模板.xlsx",
                        content_type=XLSX)


@router.get("/imports/{int:pk}", response=BatchOut, summary="导入批次详情", operation_id="get_import")
def get_import(request, pk: int):
    return _batch(request, pk)


@router.post("/imports/{int:pk}/commit", response=BatchOut, summary="提交导入", operation_id="commit_import")
def commit_import(request, pk: int):
    batch = services.commit(_batch(request, pk), request.auth)
    return _batch(request, batch.pk)


@router.post("/imports/{int:pk}/rollback", response=BatchOut, summary="撤销导入", operation_id="rollback_import")
def rollback_import(request, pk: int):
    batch = services.rollback(_batch(request, pk), request.auth)
    return _batch(request, batch.pk)


@router.post("/imports/{int:pk}/matches", response=BatchOut, summary="确认企业名称匹配",
             operation_id="confirm_import_match")
def confirm_match(request, pk: int, payload: MatchIn):
    batch = services.confirm_match(_batch(request, pk), request.auth, payload.key, payload.enterprise_id)
    return _batch(request, batch.pk)


@router.get("/imports/{int:pk}/errors", summary="下载错误明细（原表加错误列）", operation_id="import_errors")
def import_errors(request, pk: int):
    batch = _batch(request, pk)
    data = workbooks.with_errors(services.file_path(batch), batch.errors, batch.header_row)
    name = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(data, as_attachment=True, filename=f"{name}-错误明细.xlsx", content_type=XLSX)
