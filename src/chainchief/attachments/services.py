"""Attaching a file to a row and reading it back.

The calling app decides who may attach (``allowed``); reading an attachment needs sight of its row
(``core.permissions.can``), so an attachment is exactly as visible as what it belongs to. Files go to
``ATTACHMENT_DIR`` (outside the static and any web root), under a random name; a file over
``ATTACHMENT_MAX_BYTES`` or of a type not in ``ATTACHMENT_TYPES`` is refused with the reason.
"""
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.attachments.models import Attachment
from chainchief.core import services
from chainchief.core.permissions import VIEW, can

# Extension → the file's type; the first bytes must match where the format has a signature.
TYPES = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG",)),
    "txt": ("text/plain", ()),
}


def storage_dir() -> Path:
    return Path(getattr(settings, "ATTACHMENT_DIR", settings.VAR_DIR / "attachments"))


def max_bytes():
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def allowed_types():
    return [t for t in getattr(settings, "ATTACHMENT_TYPES", list(TYPES)) if t in TYPES]


def _check(name, size, head):
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed_types():
        raise ValidationError({"file": _("不支持的文件类型“%(ext)s”，可上传：%(types)s。") % {
            "ext": ext or name, "types": "、".join(allowed_types())}})
    if size == 0:
        raise ValidationError({"file": _("文件是空的。")})
    if size > max_bytes():
        raise ValidationError({"file": _("文件超过 %(mb)s MB 的上限。") % {"mb": max_bytes() // (1024 * 1024)}})
    mime, signatures = TYPES[ext]
    if signatures and not any(head.startswith(s) for s in signatures):
        raise ValidationError({"file": _("文件内容与扩展名“%(ext)s”不符。") % {"ext": ext}})
    return mime


@transaction.atomic
def attach(user, obj, upload, *, allowed):
    """Store ``upload`` (a Django UploadedFile) as an attachment of ``obj``; ``allowed(user, obj)`` says who may."""
    if not can(user, VIEW, obj) or not allowed(user, obj):
        raise PermissionDenied(_("无权为该%(name)s上传附件。") % {"name": obj._meta.verbose_name})
    name = Path(upload.name or "").name[:200] or "file"
    first = next(iter(upload.chunks(8192)), b"") if upload.size else b""
    mime = _check(name, upload.size, first)
    folder = storage_dir() / secrets.token_hex(1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / secrets.token_hex(16)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    try:
        row = Attachment.objects.create(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                        name=name, path=str(path.relative_to(storage_dir())), size=upload.size,
                                        mime=mime, sha256=digest.hexdigest(),
                                        uploaded_by=user if user.is_authenticated else None)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    services.record(user, "update", obj, object_repr=f"{obj}：上传附件 {name}")
    return row


def of(obj):
    return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def of_each(objects):
    """{pk: [attachments]} of several rows of one model, in one query (a task's progress reports, say)."""
    objects = list(objects)
    if not objects:
        return {}
    out = {}
    for row in Attachment.objects.filter(content_type=ContentType.objects.get_for_model(objects[0]),
                                         object_id__in=[o.pk for o in objects]):
        out.setdefault(row.object_id, []).append(row)
    return out


def readable(user, pk):
    """The attachment ``pk`` and its open file, if ``user`` may see the row it belongs to; else None."""
    row = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if row is None:
        return None
    model = row.content_type.model_class()
    target = model._default_manager.filter(pk=row.object_id).first() if model is not None else None
    if target is None or not hasattr(model, "access") or not can(user, VIEW, target):
        return None
    try:
        return row, open(storage_dir() / row.path, "rb")
    except FileNotFoundError:
        return None
