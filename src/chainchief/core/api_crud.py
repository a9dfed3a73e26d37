"""One family of API endpoints for every model (list, read, create, update, delete), in the NetBox manner.

Reads go through ``restrict``; writes through ``chainchief.core.services`` (or a domain service passed in).
"""
import inspect
import json
from typing import Any, Callable, Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.orm import create_schema
from ninja.orm import fields as ninja_orm_fields
from pydantic import ConfigDict
from pydantic_core import PydanticKnownError

from chainchief.core import services
from chainchief.core.export import export_response, related_fields, schema_columns
from chainchief.core.permissions import VIEW

def _strict_m2m_link_type(type_):
    """django-ninja's type for the ids of a many-to-many field converts each item with ``int(v)``: a null, a list or
    an object in the list raised TypeError, which pydantic does not turn into a validation error (a server error).
    The same type, refusing anything but a whole number (or a numeric string) as an input error: every id list of
    every input schema built from a model (``create_schema``, here and in the apps) uses it."""
    link = _ninja_m2m_link_type(type_)
    if type_ is not int:
        return link

    class StrictM2MLink(link):
        @classmethod
        def _validate(cls, v, _info):
            if hasattr(v, "pk"):
                return v.pk  # a row, when an output is built from the database
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise PydanticKnownError("int_type")
            try:
                return int(v)
            except ValueError:
                raise PydanticKnownError("int_parsing") from None

    return StrictM2MLink


_ninja_m2m_link_type = ninja_orm_fields.create_m2m_link_type
ninja_orm_fields.create_m2m_link_type = _strict_m2m_link_type

MAX_LIMIT = 1000
MAX_OFFSET = 2**31
LISTS = []  # (model, its ListParams subclass) of every list registered by ``crud``: the tests walk them
LIST_PATHS = {}  # model → the path of its list under the API's root (the permission matrix test walks them)


class Page(Schema):
    count: int
    limit: int
    offset: int
    items: list[Any]


class ListParams(FilterSchema):
    """The query of every list endpoint: ``q`` (searched in the fields ``crud`` is given), the page, and the
    list's own filters, declared on a subclass as fields, each with its lookup where the name differs
    (``chain: Annotated[int | None, FilterLookup("segment__chain_id")] = None``) or with a ``filter_<name>``
    method returning a Q; an unset filter (None) filters nothing. ``filter(queryset)`` applies them."""

    q: str | None = None
    limit: int = 50
    offset: int = 0

    # Not filters: the search, the page and an export's file format are applied by ``crud`` itself.
    def filter_q(self, value):
        return Q()

    def filter_limit(self, value):
        return Q()

    def filter_offset(self, value):
        return Q()

    def filter_format(self, value):
        return Q()


class Deleted(Schema):
    deleted: bool = True


def page_schema(item_schema, name):
    return type(name, (Schema,), {"__annotations__": {"count": int, "limit": int, "offset": int,
                                                       "items": list[item_schema]}})


def paginate(queryset, limit, offset):
    limit = max(1, min(int(limit or 50), MAX_LIMIT))
    offset = max(0, min(int(offset or 0), MAX_OFFSET))  # the database refuses offsets beyond 64 bits
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "items": list(queryset[offset:offset + limit])}


class InputSchema(Schema):
    """Input bodies: a foreign key may be sent as ``chain`` or ``chain_id``; an unknown field is a 400, not
    silently ignored."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


def input_schemas(model, fields, name):
    """(create schema, update schema): the update schema has every field optional plus the version. A
    many-to-many field that may be left empty (``blank``) is optional on create too."""
    blank_m2m = [f.name for f in model._meta.many_to_many if f.name in fields and f.blank]
    create_in = create_schema(model, name=f"{name}In", fields=fields, base_class=InputSchema,
                              optional_fields=blank_m2m or None)
    update_in = create_schema(model, name=f"{name}Patch", fields=fields, optional_fields=fields,
                              base_class=InputSchema,
                              custom_fields=[("version", int | None, None)])
    return create_in, update_in


def crud(
    router: Router,
    model,
    *,
    out,
    fields: list[str],
    name: str,
    path: str = "",
    search: tuple[str, ...] = (),
    filters: type[ListParams] | None = None,
    apply_filters: Callable | None = None,
    queryset: Callable | None = None,
    create: Callable | None = None,
    update: Callable | None = None,
    delete: Callable | None = None,
    tags: list[str] | None = None,
    create_in: type[Schema] | None = None,
    export: bool = True,
    export_columns: list | None = None,
):
    """Register the five endpoints of ``model`` on ``router`` under ``path``, and ``{path}/export``. The list takes
    ``filters`` (a ``ListParams`` subclass, applied by its own ``filter``), then ``apply_filters(qs, params[,
    user])`` for what a lookup cannot say (a search that needs the reader). The export is the list with
    the same filters and permissions as an .xlsx or .csv file, in ``export_columns`` [(attribute or callable of
    the object, heading)] or else in the output schema's fields."""
    default_create_in, update_in = input_schemas(model, fields, name)
    create_in = create_in or default_create_in
    filter_schema = filters or ListParams
    LISTS.append((model, filter_schema))
    LIST_PATHS.setdefault(model, path)
    # ``queryset(user)`` when it takes the user (e.g. to restrict what it prefetches), else ``queryset()``.
    takes_user = queryset is not None and len(inspect.signature(queryset).parameters) == 1
    make_qs = queryset or (lambda: model.objects.all())
    filters_take_user = apply_filters is not None and len(inspect.signature(apply_filters).parameters) == 3

    def base_qs(user):
        return make_qs(user) if takes_user else make_qs()
    do_create = create or (lambda user, data: services.create(user, model, data))
    do_update = update or (lambda user, obj, data, version: services.update(user, obj, data, version=version))
    do_delete = delete or (lambda user, obj, version: services.delete(user, obj, version=version))
    tags = tags or [str(model._meta.verbose_name_plural)]
    verbose = model._meta.verbose_name

    def filtered(request, params):
        qs = search_in(base_qs(request.auth).restrict(request.auth, VIEW), search, params.q)
        qs = params.filter(qs)
        if apply_filters:
            qs = apply_filters(qs, params, request.auth) if filters_take_user else apply_filters(qs, params)
        return qs

    @router.get(f"{path}", response=page_schema(out, f"{name}Page"), tags=tags,
                summary=f"{verbose}列表", operation_id=f"list_{name.lower()}")
    def list_objects(request, params: Query[filter_schema]):  # type: ignore[valid-type]
        return paginate(filtered(request, params), params.limit, params.offset)

    if export:
        export_filters = type(f"{name}ExportParams", (filter_schema,), {
            "__annotations__": {"format": Literal["xlsx", "csv"]}, "format": "xlsx"})
        plural = str(model._meta.verbose_name_plural)

        @router.get(f"{path}/export", tags=tags, summary=f"导出{verbose}列表（xlsx/csv）",
                    operation_id=f"export_{name.lower()}")
        def export_objects(request, params: Query[export_filters]):  # type: ignore[valid-type]
            if export_columns:
                objects = filtered(request, params).iterator(chunk_size=2000)
                return export_response(objects, export_columns, params.format, plural)
            qs = filtered(request, params).select_related(*related_fields(out, model))
            rows = ((obj, out.from_orm(obj).model_dump()) for obj in qs.iterator(chunk_size=2000))
            return export_response(rows, schema_columns(out, model), params.format, plural)

    @router.get(f"{path}/{{int:pk}}", response=out, tags=tags, summary=f"{verbose}详情",
                operation_id=f"get_{name.lower()}")
    def get_object(request, pk: int):
        return get_object_or_404(base_qs(request.auth).restrict(request.auth, VIEW), pk=pk)

    @router.post(f"{path}", response={201: out}, tags=tags, summary=f"新建{verbose}",
                 operation_id=f"create_{name.lower()}")
    def create_object(request, payload: create_in):  # type: ignore[valid-type]
        _require_object(request)
        obj = do_create(request.auth, payload.dict(exclude_unset=True))
        return Status(201, base_qs(request.auth).get(pk=obj.pk))

    @router.patch(f"{path}/{{int:pk}}", response=out, tags=tags, summary=f"修改{verbose}",
                  operation_id=f"update_{name.lower()}")
    def update_object(request, pk: int, payload: update_in):  # type: ignore[valid-type]
        obj = get_object_or_404(base_qs(request.auth).restrict(request.auth, VIEW), pk=pk)
        _require_object(request)
        data = payload.dict(exclude_unset=True)
        version = data.pop("version", None)
        version = _if_match(request) if version is None else version
        # Without a version the write would overwrite a change made meanwhile: 428, once the user's permission and
        # the domain's own checks have passed (core.services.update).
        do_update(request.auth, obj, data, services.VERSION_REQUIRED if version is None else version)
        return base_qs(request.auth).get(pk=obj.pk)

    @router.delete(f"{path}/{{int:pk}}", response=Deleted, tags=tags, summary=f"删除{verbose}",
                   operation_id=f"delete_{name.lower()}")
    def delete_object(request, pk: int, version: int | None = None):
        obj = get_object_or_404(base_qs(request.auth).restrict(request.auth, VIEW), pk=pk)
        do_delete(request.auth, obj, _if_match(request) if version is None else version)
        return {"deleted": True}

    return create_in, update_in


def search_in(qs, fields, text):
    """``qs`` narrowed to rows where any of ``fields`` contains ``text`` (unchanged for no text or no fields)."""
    text = (text or "").strip()
    if not text or not fields:
        return qs
    cond = Q()
    for field in fields:
        cond |= Q(**{f"{field}__icontains": text})
    return qs.filter(cond)


def _require_object(request):
    """Ninja's schemas read attributes of whatever JSON arrives, so a list or a string would pass as an empty
    object (a PATCH that silently does nothing). The body must be a JSON object."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return  # ninja has answered 400 already
    if not isinstance(body, dict):
        raise HttpError(400, "请求体应为 JSON 对象。")


def _if_match(request):
    value = request.headers.get("If-Match", "").strip('"W/ ')
    return int(value) if value.isdigit() else None
