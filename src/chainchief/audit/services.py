"""Writing the change log. Called by every service that changes data, inside its transaction."""
import json

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from chainchief.audit import context
from chainchief.audit.models import AuditAction, AuditEvent


def snapshot(obj) -> dict:
    """The object's field values as JSON-safe data (foreign keys as ids, many-to-many as sorted id lists)."""
    data = {}
    for field in obj._meta.concrete_fields:
        data[field.attname] = field.value_from_object(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(o.pk for o in field.value_from_object(obj))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def region_of(obj):
    """The id of the region ``obj`` belongs to: the first of its ``access`` region paths that leads to one (a path
    is single-valued; "pk" for a region itself), or None for an object of no region."""
    paths = getattr(getattr(obj, "access", None), "region", None)
    for path in (paths,) if isinstance(paths, str) else paths or ():
        if path == "pk":
            return obj.pk
        *through, last = path.split("__")
        value = obj
        for name in through:
            try:
                value = getattr(value, name, None)
            except ObjectDoesNotExist:  # a row deleted in the same transaction
                value = None
            if value is None:
                break
        else:
            region = getattr(value, f"{last}_id", None)
            if region is None and last == "pk":
                region = value.pk
            if region is not None:
                return region
    return None


def record(user, action, obj=None, before=None, after=None, username=None, object_repr=None):
    user_obj = user if getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        region_id=region_of(obj) if isinstance(obj, models.Model) else None,
        user=user_obj,
        username=username or (user_obj.get_username() if user_obj else ""),
        action=action,
        request_id=context.current_request_id(),
        ip=context.client_ip.get(),
        content_type=ContentType.objects.get_for_model(obj) if isinstance(obj, models.Model) else None,
        object_id=str(obj.pk) if isinstance(obj, models.Model) and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        before=before,
        after=after,
    )


__all__ = ["AuditAction", "record", "snapshot"]
