from datetime import datetime

from ninja import Query, Router, Schema

from chainchief.audit.models import AuditEvent
from chainchief.core.api_crud import ListParams, page_schema, paginate
from chainchief.core.permissions import VIEW

router = Router(tags=["审计日志"])


class AuditOut(Schema):
    id: int
    time: datetime
    username: str
    action: str
    request_id: str
    ip: str | None
    object_type: str | None
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None

    @staticmethod
    def resolve_object_type(obj):
        return obj.content_type.model if obj.content_type_id else None


class AuditFilters(ListParams):
    action: str | None = None
    username: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    request_id: str | None = None


def filter_events(qs, params):
    for field, value in (("action", params.action), ("username", params.username),
                         ("content_type__model", params.object_type), ("object_id", params.object_id),
                         ("request_id", params.request_id)):
        if value:
            qs = qs.filter(**{field: value})
    if params.q:
        qs = qs.filter(object_repr__icontains=params.q)
    return qs


@router.get("/audit", response=page_schema(AuditOut, "AuditPage"), summary="审计记录（只读）")
def list_events(request, params: Query[AuditFilters]):
    qs = AuditEvent.objects.select_related("content_type").restrict(request.auth, VIEW)
    return paginate(filter_events(qs, params), params.limit, params.offset)
