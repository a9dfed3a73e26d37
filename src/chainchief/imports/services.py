"""The life of an import batch: upload → dry run (counts, errors, preview, matches) → commit → rollback.

Every step that writes goes through here: permission checked, one transaction, one audit event per commit or
rollback (not one per row)."""
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.audit.models import AuditAction
from chainchief.audit.services import record
from chainchief.core.permissions import VIEW, restrict
from chainchief.imports import registry
from chainchief.imports.kinds.base import Outcome, Progress, rollback_orm
from chainchief.imports.models import BatchStatus, ImportBatch, NameMatch
from chainchief.imports.readers import FileError, check_size, open_sheet
from chainchief.imports.table import locate

CHUNK = 1 << 20


def storage_dir() -> Path:
    path = Path(getattr(settings, "IMPORT_DIR", settings.VAR_DIR / "imports"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def batches_for(user):
    """Batches the user may see: the chain office sees all (the audit rule), everyone else their own."""
    qs = ImportBatch.objects.select_related("user", "replaces")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(Q(pk__in=restrict(ImportBatch.objects.all(), user, VIEW).values("pk")) | Q(user=user))


def check_allowed(user, kind):
    if not kind.allowed(user):
        raise PermissionDenied(_("无权导入%(kind)s。") % {"kind": kind.label})


def start(user, fileobj, file_name, kind_key) -> ImportBatch:
    """Store the uploaded file (streamed, hashed, size-checked) and create its batch."""
    kind = registry.get(kind_key)
    check_allowed(user, kind)
    size = getattr(fileobj, "size", None)
    if size is not None:
        check_size(size)
    name = os.path.basename(file_name or "upload")[:200] or "upload"
    digest, total = hashlib.sha256(), 0
    directory = storage_dir()
    tmp = directory / f".upload-{os.getpid()}-{id(fileobj)}"
    chunks = fileobj.chunks(CHUNK) if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(CHUNK), b"")
    with open(tmp, "wb") as f:
        for chunk in chunks:
            total += len(chunk)
            check_size(total)
            digest.update(chunk)
            f.write(chunk)
    sha = digest.hexdigest()
    final = directory / f"{sha[:2]}" / f"{sha}{Path(name).suffix.lower()[:10]}"
    final.parent.mkdir(exist_ok=True)
    os.replace(tmp, final)
    replaces = (ImportBatch.objects.filter(sha256=sha, kind=kind.key, status=BatchStatus.COMMITTED)
                .order_by("-committed_at").first())
    return ImportBatch.objects.create(
        kind=kind.key, file_name=name, file_path=str(final.relative_to(directory)), size=total, sha256=sha,
        user=user, status=BatchStatus.PENDING, replaces=replaces)


def file_path(batch) -> Path:
    return storage_dir() / batch.file_path


@dataclass
class Context:
    batch: ImportBatch
    user: object
    header: object
    data: object
    out: Outcome
    progress: Progress
    write: bool = False
    all_text: bool = False  # every cell arrives as text (CSV, or a workbook read by fastexcel)
    columns: object = None  # the whole sheet as readers.Columns, when the reader has it
    committed_at: object = None
    extra: dict = field(default_factory=dict)


class _ProgressWriter:
    """Writes a batch's progress where others can see it during a long transaction: on PostgreSQL through a
    connection of its own; elsewhere on the one connection (visible when the work is done)."""

    def __init__(self, batch):
        self.batch, self.conn = batch, None
        if connection.vendor == "postgresql" and not getattr(settings, "IMPORT_PROGRESS_INLINE", False):
            self.conn = connections.create_connection("default")

    def __call__(self, count):
        table = connection.ops.quote_name(ImportBatch._meta.db_table)
        sql = f"UPDATE {table} SET progress = %s WHERE id = %s"
        try:
            if self.conn is not None:
                with self.conn.cursor() as cur:
                    cur.execute(sql, [count, self.batch.pk])
            elif not connection.in_atomic_block or connection.vendor != "sqlite":
                ImportBatch.objects.filter(pk=self.batch.pk).update(progress=count)
        except Exception:  # progress is best effort
            pass

    def close(self):
        if self.conn is not None:
            self.conn.close()


def run(batch, user=None, *, write=False, progress=None) -> ImportBatch:
    """Read the batch's file and check every row; with ``write`` (and no errors) also commit it.

    A dry run leaves the data as it was. A commit is all-or-nothing: any row error, any unconfirmed match or
    any refused permission leaves the data as it was and the batch with its errors."""
    user = user or batch.user
    kind = registry.get(batch.kind)
    check_allowed(user, kind)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, progress=0, message="")
    writer = _ProgressWriter(batch)

    def tick(count):
        writer(count)
        if progress:
            progress(count, batch.progress_total)

    try:
        with open_sheet(str(file_path(batch))) as sheet:
            batch.progress_total = sheet.estimated_rows
            ImportBatch.objects.filter(pk=batch.pk).update(progress_total=sheet.estimated_rows)
            header, data = locate(sheet, kind.columns, kind.required_any)
            out = Outcome(header)
            out.rejected = {m["key"] for m in batch.matches if m.get("confirmed") is False}
            ctx = Context(batch=batch, user=user, header=header, data=data, out=out, progress=Progress(tick),
                          write=write, all_text=sheet.all_text,
                          columns=sheet.columns)
            with transaction.atomic():
                kind.run(ctx)
                out.error_rows = len({e["row"] for e in out.errors}) if not out.truncated else out.error_rows
                committed = write and out.ok
                if committed:
                    batch.committed_at = ctx.committed_at or timezone.now()
                    batch.status = BatchStatus.COMMITTED
                    _save_outcome(batch, sheet, header, out)
                    batch.save()
                    record(user, AuditAction.UPDATE, batch, before={"status": BatchStatus.VALIDATED},
                           after=_summary(batch), object_repr=f"{batch} 导入：{_counts_text(batch)}")
                else:
                    transaction.set_rollback(True)
            if not committed:
                _save_outcome(batch, sheet, header, out)
                batch.status = BatchStatus.VALIDATED if out.ok else BatchStatus.PARSED
                if write and not out.ok:
                    batch.message = _("存在错误，未导入任何数据。请修正后重新上传。")
                batch.save()
    except FileError as exc:
        batch.status, batch.message, batch.finished_at = BatchStatus.FAILED, str(exc), timezone.now()
        batch.error_count = 0
        batch.save()
    except (PermissionDenied, ValidationError) as exc:
        batch.status, batch.finished_at = BatchStatus.FAILED, timezone.now()
        batch.message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        batch.save()
        raise
    finally:
        writer.close()
    return batch


def _save_outcome(batch, sheet, header, out):
    batch.sheet = sheet.name[:64]
    batch.header_row = header.rows[-1]
    batch.columns = header.describe()
    batch.total_rows = out.total
    batch.new_count, batch.updated_count, batch.unchanged_count = out.new, out.updated, out.unchanged
    batch.error_count = out.error_rows
    batch.errors = out.errors
    batch.errors_truncated = out.truncated
    batch.preview = out.preview
    confirmed = {m["key"]: m for m in batch.matches if m.get("confirmed") is not None}
    batch.matches = [confirmed.get(k, m) for k, m in out.matches.items()]
    batch.progress = out.total
    batch.progress_total = max(out.total, 0)
    batch.finished_at = timezone.now()
    batch.message = ""
    if header.unknown:
        batch.message = "未识别的列（不导入）：" + "、".join(header.unknown[:20])


def _summary(batch):
    return {"status": batch.status, "kind": batch.kind, "file_name": batch.file_name, "sha256": batch.sha256,
            "new": batch.new_count, "updated": batch.updated_count, "unchanged": batch.unchanged_count}


def _counts_text(batch):
    return f"新增 {batch.new_count} 行，更新 {batch.updated_count} 行，未变 {batch.unchanged_count} 行"


def _own(batch, user):
    if batch.user_id != user.pk and not user.is_superuser:
        raise PermissionDenied(_("只能提交或撤销自己上传的导入批次。"))


def commit(batch, user, progress=None) -> ImportBatch:
    _own(batch, user)
    if batch.status != BatchStatus.VALIDATED:
        raise ValidationError(_("该批次当前状态为“%(status)s”，不能提交：请先完成校验并修正错误。") % {
            "status": batch.get_status_display()})
    return run(batch, user, write=True, progress=progress)


@transaction.atomic
def rollback(batch, user) -> ImportBatch:
    """Undo a committed batch: delete the rows it created, restore the values it overwrote."""
    _own(batch, user)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.COMMITTED:
        raise ValidationError(_("该批次当前状态为“%(status)s”，只有已导入的批次可以撤销。") % {
            "status": batch.get_status_display()})
    kind = registry.get(batch.kind)
    check_allowed(user, kind)
    if hasattr(kind, "rollback"):
        kind.rollback(batch)
    else:
        rollback_orm(batch)
    before = _summary(batch)
    batch.status, batch.rolled_back_at = BatchStatus.ROLLED_BACK, timezone.now()
    batch.save()
    record(user, AuditAction.UPDATE, batch, before=before, after=_summary(batch),
           object_repr=f"{batch} 撤销：{_counts_text(batch)}")
    return batch


def confirm_match(batch, user, key, enterprise_id):
    """Confirm (or, with enterprise_id None, reject) a name match; confirmations are remembered."""
    from chainchief.enterprises.models import Enterprise

    _own(batch, user)
    if batch.status not in (BatchStatus.PARSED, BatchStatus.VALIDATED):
        raise ValidationError(_("该批次已处理完毕，无需确认。"))
    entry = next((m for m in batch.matches if m["key"] == key), None)
    if entry is None:
        raise ValidationError(_("没有该待确认的企业名称。"))
    if enterprise_id is not None:
        if enterprise_id not in {c["id"] for c in entry["candidates"]}:
            raise ValidationError(_("所选企业不在候选范围内。"))
        enterprise = Enterprise.objects.restrict(user, VIEW).filter(pk=enterprise_id).first()
        if enterprise is None:
            raise PermissionDenied(_("无权查看该企业。"))
        NameMatch.objects.update_or_create(name=key, defaults={"enterprise": enterprise, "confirmed_by": user})
        entry["confirmed"] = enterprise_id
    else:
        entry["confirmed"] = False
    batch.save(update_fields=["matches"])
    return run(batch, user)
