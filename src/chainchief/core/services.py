"""The generic write path. Every create, update and delete: permission checked, one transaction,
validation with field messages, optimistic locking, and an audit event with before/after values.

Domain services (``chains.services``, ``enterprises.services`` …) call these and add their own rules.
"""
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, check, may
from chainchief.core.registry import registry


def snapshot(obj):
    """The object's values as the change log stores them (JSON-safe; written by the audit app)."""
    return registry.audit.snapshot(obj)


def record(user, action, obj=None, **kwargs):
    """One change-log row, in the caller's transaction (the audit app writes it: see core.registry)."""
    return registry.audit.record(user, action, obj, **kwargs)


class Conflict(Exception):
    """The object changed since the client read it (stale version) or the write clashes with another row."""

    def __init__(self, message, current_version=None):
        super().__init__(message)
        self.current_version = current_version


class VersionRequired(Exception):
    """A change that names no version (HTTP 428): it would overwrite whatever changed since the client read it."""


# Passed as ``version`` by a caller that must name one (the API's PATCH without a version or If-Match): ``update``
# refuses it with VersionRequired once the user's permission (and the domain service's own checks) have passed.
VERSION_REQUIRED = object()


def _assign(obj, data):
    m2m = {}
    for name, value in data.items():
        if name in obj.SYSTEM_FIELDS:
            raise ValidationError({name: _("该字段不可修改。")})
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        elif field.is_relation and not hasattr(value, "_meta") and value is not None:
            setattr(obj, field.attname, value)
        else:
            setattr(obj, name, value)
    return m2m


def _full_clean(obj):
    """``full_clean``, with the model's ``clean`` run only once every field is valid (Django runs it regardless): it
    may compute with them (a date from a year and a month of 615) or follow a foreign key (an unknown tier id is the
    field's error, found first)."""
    obj.clean_fields()
    errors = {}
    try:
        obj.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    exclude = {name for name in errors if name != NON_FIELD_ERRORS}  # as full_clean: unique checks skip them
    for check in (obj.validate_unique, obj.validate_constraints):
        try:
            check(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_related(user, obj, fields=None):
    """A row may point only at objects the user may see: nobody attaches an enterprise it cannot see to its
    chain (and so gains sight of that enterprise's figures), or puts an enterprise in another city."""
    from chainchief.core.permissions import can

    for field in obj._meta.concrete_fields:
        if (not field.is_relation or field.name in obj.SYSTEM_FIELDS or (fields is not None and field.attname
                not in fields) or not hasattr(field.related_model, "access")):
            continue
        target = getattr(obj, field.name)
        if target is not None and not can(user, VIEW, target):
            raise ValidationError({field.name: _("所选%(name)s不存在或无权访问。") % {"name": field.verbose_name}})


def _save(obj, user, m2m):
    _full_clean(obj)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(_("与已有数据冲突：%(error)s") % {"error": exc}) from exc
    for name, value in m2m.items():
        getattr(obj, name).set(value)


@transaction.atomic
def create(user, model, data, *, audit_repr=None, check_scope=True, trusted=()):
    """Create a ``model`` row. ``check_scope=False`` lets a domain service attach what puts the row in the
    user's scope (e.g. a chain membership) and call ``check`` itself before its transaction ends.
    ``trusted`` names foreign keys the calling service vouches for (e.g. the enterprise it has just created),
    which need not be visible to the user yet."""
    if not may(user, ADD, model):
        raise_denied(ADD, model)
    obj = model()
    m2m = _assign(obj, data)
    obj.created_by = obj.updated_by = user if user.is_authenticated else None
    _full_clean(obj)
    _check_related(user, obj, {f.attname for f in model._meta.concrete_fields if f.name not in trusted})
    _save(obj, user, m2m)
    if model._meta.label == "core.Region" and hasattr(user, "refresh_region_scope"):
        user.refresh_region_scope()  # a new district of the user's city is in its region scope at once
    if check_scope:
        check(user, ADD, obj)  # the new object must lie inside the user's scope, else all is rolled back
    record(user, "create", obj, after=snapshot(obj), object_repr=audit_repr)
    return obj


@transaction.atomic
def update(user, obj, data, *, version=None):
    """Change ``obj``. With ``version`` given, a stale version raises Conflict (HTTP 409)."""
    model = type(obj)
    check(user, CHANGE, obj)
    if version is VERSION_REQUIRED:
        raise VersionRequired(_("请附上所修改对象的版本号（请求体中的 version 字段或 If-Match 请求头），以免覆盖他人在此期间的修改。"))
    obj = model._default_manager.select_for_update().get(pk=obj.pk)
    if version is not None and int(version) != obj.version:
        raise Conflict(_("数据已被他人修改（当前版本 %(current)s，提交版本 %(sent)s），请刷新后重试。") % {
            "current": obj.version, "sent": version}, current_version=obj.version)
    before, old = snapshot(obj), _values(obj)
    m2m = _assign(obj, data)
    _full_clean(obj)  # normalised values (a USCC typed differently, "1000" for 1000.00) compare as equal
    if _values(obj) == old and _same_m2m(before, m2m):
        return obj  # nothing to write: no new version, no audit row
    obj.version += 1
    obj.updated_by = user
    _check_related(user, obj, {k for k, v in _values(obj).items() if old.get(k) != v})
    _save(obj, user, m2m)
    check(user, CHANGE, obj)  # may not move an object out of the user's scope
    record(user, "update", obj, before=before, after=snapshot(obj))
    return obj


def _values(obj):
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}


def _same_m2m(before, m2m):
    return all(sorted(getattr(v, "pk", v) for v in value) == before.get(name) for name, value in m2m.items())


@transaction.atomic
def delete(user, obj, *, version=None):
    model = type(obj)
    check(user, DELETE, obj)
    obj = model._default_manager.select_for_update().get(pk=obj.pk)
    if version is not None and int(version) != obj.version:
        raise Conflict(_("数据已被他人修改（当前版本 %(current)s），请刷新后重试。") % {"current": obj.version},
                       current_version=obj.version)
    before = snapshot(obj)
    pk, text = obj.pk, str(obj)
    from django.db.models import ProtectedError, RestrictedError

    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        names = sorted({str(o._meta.verbose_name) for o in exc.args[1]})
        raise Conflict(_("无法删除“%(name)s”：仍有关联的%(related)s。") % {
            "name": text, "related": _("、").join(names)}) from exc
    obj.pk = pk
    record(user, "delete", obj, before=before, object_repr=text)


def raise_denied(action, model):
    from django.core.exceptions import PermissionDenied

    from chainchief.core.permissions import ACTION_LABELS

    raise PermissionDenied(_("无权%(action)s%(name)s。") % {"action": ACTION_LABELS[action],
                                                         "name": model._meta.verbose_name})
