"""Import API: upload a file for a dry run (or a direct commit), read a batch, commit, roll back, confirm
name matches, download templates and error files; and the enterprise list export."""
from datetime import datetime
from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.core.exceptions import ValidationError
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from chainchief.core.api_crud import paginate
from chainchief.imports import registry, services, tasks, workbooks
from chainchief.imports.readers import FileError

router = Router(tags=["数据导入"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BatchOut(Schema):
    id: int
    kind: str
    kind_label: str
    file_name: str
    sha256: str
    size: int
    expanded_size: int
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
    runner: str
    heartbeat_at: datetime | None
    stuck: bool

    @staticmethod
    def resolve_stuck(obj):
        return services.is_stuck(obj)

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
    stuck: bool

    @staticmethod
    def resolve_stuck(obj):
        return services.is_stuck(obj)

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


@router.post("/imports", response={201: BatchOut, 202: BatchOut}, summary="上传导入文件（默认仅校验）",
             operation_id="create_import",
             description="小文件当即校验（或提交）并答 201；较大的文件交后台任务处理，答 202，状态为“排队中”，"
                         "之后查询批次详情。文件大小、解压后大小与单元格数按角色与导入类型设有上限。")
def create_import(request, file: UploadedFile = File(...), kind: str = Form(...), dry_run: bool = Form(True)):
    try:
        batch = services.start(request.auth, file, file.name, kind)
    except FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    batch, _ = tasks.submit(batch, request.auth)
    if not dry_run and batch.can_commit:
        batch, _ = tasks.submit(batch, request.auth, write=True)
    batch = _batch(request, batch.pk)
    return Status(202 if batch.is_running else 201, batch)


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


@router.post("/imports/{int:pk}/commit", response={200: BatchOut, 202: BatchOut}, summary="提交导入",
             operation_id="commit_import", description="小文件当即提交（200）；较大的文件交后台任务提交（202）。")
def commit_import(request, pk: int):
    batch, queued = tasks.submit(_batch(request, pk), request.auth, write=True)
    return Status(202 if queued else 200, _batch(request, batch.pk))


@router.post("/imports/{int:pk}/rollback", response=BatchOut, summary="撤销导入", operation_id="rollback_import")
def rollback_import(request, pk: int):
    batch = services.rollback(_batch(request, pk), request.auth)
    return _batch(request, batch.pk)


@router.post("/imports/{int:pk}/matches", response={200: BatchOut, 202: BatchOut}, summary="确认企业名称匹配",
             operation_id="confirm_import_match")
def confirm_match(request, pk: int, payload: MatchIn):
    batch = services.confirm_match(_batch(request, pk), request.auth, payload.key, payload.enterprise_id,
                                   rerun=False)
    batch, queued = tasks.submit(batch, request.auth)
    return Status(202 if queued else 200, _batch(request, batch.pk))


@router.post("/imports/{int:pk}/clear", response=BatchOut, summary="清除中断的导入批次（链长办）",
             operation_id="clear_import",
             description="处理进程已退出、或超过 IMPORT_STALE_MINUTES 分钟没有心跳的“处理中”批次，由链长办标记为失败（记入操作日志）。")
def clear_import(request, pk: int):
    batch = services.clear(_batch(request, pk), request.auth)
    return _batch(request, batch.pk)


@router.get("/imports/{int:pk}/errors", summary="下载错误明细（原表加错误列）", operation_id="import_errors",
            description="没有逐行错误的批次（如文件无法读取）答 404，说明原因。")
def import_errors(request, pk: int):
    batch = _batch(request, pk)
    try:
        data = services.error_file(batch)
    except services.NoErrorFile as exc:
        raise HttpError(404, str(exc)) from None
    name = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(data, as_attachment=True, filename=f"{name}-错误明细.xlsx", content_type=XLSX)
