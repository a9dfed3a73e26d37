"""The life of an import batch: upload → dry run (counts, errors, preview, matches) → commit → rollback.

Every step that writes goes through here: permission checked, one transaction, one audit event per commit or
rollback (not one per row)."""
import hashlib
import os
import socket
import threading
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.audit.models import AuditAction
from chainchief.audit.services import record
from chainchief.core.permissions import VIEW, restrict
from chainchief.core.services import Conflict
from chainchief.imports import limits, registry
from chainchief.imports.kinds.base import Outcome, Progress, rollback_orm
from chainchief.imports.models import BatchStatus, ImportBatch, NameMatch
from chainchief.imports.readers import FileError, check_expanded, check_size, expanded_size, open_sheet
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
    """Store the uploaded file (streamed, hashed, size-checked) and create its batch. The file is held to the limits
    of the user's role for this kind (imports.limits): its size while it is received, its unpacked size from the
    zip's directory before it is kept. FileError says which."""
    kind = registry.get(kind_key)
    check_allowed(user, kind)
    bounds = limits.for_user(user, kind)
    size = getattr(fileobj, "size", None)
    if size is not None:
        check_size(size, bounds)
    name = os.path.basename(file_name or "upload")[:200] or "upload"
    digest, total = hashlib.sha256(), 0
    directory = storage_dir()
    tmp = directory / f".upload-{os.getpid()}-{threading.get_ident()}-{id(fileobj)}"
    chunks = fileobj.chunks(CHUNK) if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(CHUNK), b"")
    try:
        with open(tmp, "wb") as f:
            for chunk in chunks:
                total += len(chunk)
                check_size(total, bounds)
                digest.update(chunk)
                f.write(chunk)
        expanded = expanded_size(tmp)
        check_expanded(expanded, bounds)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sha = digest.hexdigest()
    final = directory / f"{sha[:2]}" / f"{sha}{Path(name).suffix.lower()[:10]}"
    final.parent.mkdir(exist_ok=True)
    os.replace(tmp, final)
    replaces = (ImportBatch.objects.filter(sha256=sha, kind=kind.key, status=BatchStatus.COMMITTED)
                .order_by("-committed_at").first())
    return ImportBatch.objects.create(
        kind=kind.key, file_name=name, file_path=str(final.relative_to(directory)), size=total,
        expanded_size=expanded, sha256=sha, user=user, status=BatchStatus.PENDING, replaces=replaces)


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


def runner_id():
    """This process, as a batch names the process reading it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_minutes():
    return int(getattr(settings, "IMPORT_STALE_MINUTES", 30))


class _ProgressWriter:
    """Writes a batch's progress (and that its process is alive) where others can see it during a long
    transaction: on PostgreSQL through a connection of its own, which also beats every IMPORT_HEARTBEAT_SECONDS
    while a long statement gives no progress; elsewhere on the one connection (visible when the work is done)."""

    def __init__(self, batch):
        self.batch, self.conn, self.beats = batch, None, None
        self.lock = threading.Lock()
        if connection.vendor == "postgresql" and not getattr(settings, "IMPORT_PROGRESS_INLINE", False):
            self.conn = connections.create_connection("default")
            self.conn.inc_thread_sharing()  # written from the heartbeat's thread as well
            self.stop = threading.Event()
            self.beats = threading.Thread(target=self._beat, daemon=True, name=f"import-{batch.pk}-heartbeat")
            self.beats.start()

    def _execute(self, sql, params):
        with self.lock, self.conn.cursor() as cur:
            cur.execute(sql, params)

    def _beat(self):
        every = float(getattr(settings, "IMPORT_HEARTBEAT_SECONDS", 30))
        table = connection.ops.quote_name(ImportBatch._meta.db_table)
        while not self.stop.wait(every):
            try:
                self._execute(f"UPDATE {table} SET heartbeat_at = %s WHERE id = %s", [timezone.now(),
                                                                                      self.batch.pk])
            except Exception:  # a heartbeat is best effort
                pass

    def __call__(self, count):
        table = connection.ops.quote_name(ImportBatch._meta.db_table)
        sql = f"UPDATE {table} SET progress = %s, heartbeat_at = %s WHERE id = %s"
        try:
            if self.conn is not None:
                self._execute(sql, [count, timezone.now(), self.batch.pk])
            elif not connection.in_atomic_block or connection.vendor != "sqlite":
                ImportBatch.objects.filter(pk=self.batch.pk).update(progress=count, heartbeat_at=timezone.now())
        except Exception:  # progress is best effort
            pass

    def close(self):
        if self.beats is not None:
            self.stop.set()
            self.beats.join(5)
        if self.conn is not None:
            with self.lock:
                self.conn.close()


class Cleared(Exception):
    """The batch was cleared (marked failed by the office) while this process was still reading it."""


# Commits of one kind wait for each other (PostgreSQL): two batches of the same file committed at once would
# otherwise both insert the same rows, and the second fail on the unique key.
LOCK_SPACE = 0x696D70  # "imp"


def _one_commit_at_a_time(kind, wait_seconds):
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time anyway
    with connection.cursor() as cur:
        if wait_seconds:
            cur.execute(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'")
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, zlib.crc32(kind.key.encode()) & 0x7FFFFFFF])
        if wait_seconds:
            cur.execute("SET LOCAL lock_timeout = DEFAULT")


def _still_running(batch):
    """Lock the batch's row; Cleared if the office cleared it meanwhile."""
    status = (ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list("status", flat=True).first())
    if status != BatchStatus.RUNNING:
        raise Cleared()


def _fail(batch, message):
    batch.status, batch.message, batch.finished_at = BatchStatus.FAILED, message, timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(status=batch.status, message=message,
                                                   finished_at=batch.finished_at)


def _lock_wait(exc):
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "55P03" or type(cause).__name__ == "LockNotAvailable"


def run(batch, user=None, *, write=False, progress=None, lock_wait=None) -> ImportBatch:
    """Read the batch's file and check every row; with ``write`` (and no errors) also commit it.

    A dry run leaves the data as it was. A commit is all-or-nothing: any row error, any unconfirmed match or
    any refused permission leaves the data as it was and the batch with its errors. Whatever goes wrong, the batch
    does not stay 处理中: a commit that collides with another import's is a Conflict (the batch failed, nothing
    written); any other error leaves it failed with the reason. ``lock_wait``: seconds a commit waits for another
    commit of the same kind (None: as long as it takes, in the worker)."""
    user = user or batch.user
    kind = registry.get(batch.kind)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, progress=0, message="",
                                                   runner=runner_id(), heartbeat_at=timezone.now())
    writer = _ProgressWriter(batch)

    def tick(count):
        writer(count)
        if progress:
            progress(count, batch.progress_total)

    try:
        check_allowed(user, kind)
        with open_sheet(str(file_path(batch)), limits=limits.for_user(user, kind)) as sheet:
            batch.progress_total = sheet.estimated_rows
            ImportBatch.objects.filter(pk=batch.pk).update(progress_total=sheet.estimated_rows)
            header, data = locate(sheet, kind.columns, kind.required_any)
            out = Outcome(header)
            out.rejected = {m["key"] for m in batch.matches if m.get("confirmed") is False}
            ctx = Context(batch=batch, user=user, header=header, data=data, out=out, progress=Progress(tick),
                          write=write, all_text=sheet.all_text,
                          columns=sheet.columns)
            with transaction.atomic():
                if write:
                    _one_commit_at_a_time(kind, lock_wait)
                kind.run(ctx)
                out.error_rows = len({e["row"] for e in out.errors}) if not out.truncated else out.error_rows
                committed = write and out.ok
                if committed:
                    _still_running(batch)
                    batch.committed_at = ctx.committed_at or timezone.now()
                    batch.status = BatchStatus.COMMITTED
                    _save_outcome(batch, sheet, header, out)
                    batch.save()
                    record(user, AuditAction.UPDATE, batch, before={"status": BatchStatus.VALIDATED},
                           after=_summary(batch), object_repr=f"{batch} 导入：{_counts_text(batch)}")
                else:
                    transaction.set_rollback(True)
            if not committed:
                with transaction.atomic():
                    _still_running(batch)
                    _save_outcome(batch, sheet, header, out)
                    batch.status = BatchStatus.VALIDATED if out.ok else BatchStatus.PARSED
                    if write and not out.ok:
                        batch.message = _("存在错误，未导入任何数据。请修正后重新上传。")
                    batch.save()
    except Cleared:
        batch.refresh_from_db()
    except FileError as exc:
        batch.error_count = 0
        _fail(batch, str(exc))
        ImportBatch.objects.filter(pk=batch.pk).update(error_count=0)
    except (PermissionDenied, ValidationError) as exc:
        _fail(batch, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        raise
    except DatabaseError as exc:
        if isinstance(exc, IntegrityError) or _lock_wait(exc):
            message = (_("另一批同类数据正在导入，请稍后再提交。") if _lock_wait(exc) else
                       _("提交时与同时进行的另一批导入冲突，未导入任何数据。请重新上传校验后再提交。"))
            _fail(batch, message)
            raise Conflict(message) from exc
        _fail(batch, _("处理失败：%(error)s") % {"error": exc})
        raise
    except Exception as exc:
        _fail(batch, _("处理失败：%(error)s") % {"error": exc})
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


def claim_commit(batch, user, status=BatchStatus.RUNNING):
    """Take a validated batch for its commit (its owner only), once: of two commits of the same batch at once, the
    second is told the batch's state."""
    _own(batch, user)
    if not ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.VALIDATED).update(status=status):
        batch.refresh_from_db()
        raise ValidationError(_("该批次当前状态为“%(status)s”，不能提交：请先完成校验并修正错误。") % {
            "status": batch.get_status_display()})
    batch.status = status


def commit(batch, user, progress=None, lock_wait=None) -> ImportBatch:
    claim_commit(batch, user)
    return run(batch, user, write=True, progress=progress, lock_wait=lock_wait)


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


def confirm_match(batch, user, key, enterprise_id, *, rerun=True):
    """Confirm (or, with enterprise_id None, reject) a name match; confirmations are remembered. The batch is read
    again at once, or (``rerun=False``) by the caller, which sends a larger file to the worker."""
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
    return run(batch, user) if rerun else batch


# --- batches that cannot end by themselves --------------------------------------------------------------------

def _process_gone(batch):
    host, _sep, pid = (batch.runner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its heartbeat tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def is_stuck(batch, now=None):
    """A batch left 处理中 by a process that died (killed, restarted, out of memory): its process is gone (on this
    machine), or it has given no sign of life for IMPORT_STALE_MINUTES (a heartbeat comes with progress, and on
    PostgreSQL every IMPORT_HEARTBEAT_SECONDS from a connection of its own)."""
    if batch.status != BatchStatus.RUNNING:
        return False
    if _process_gone(batch):
        return True
    last = batch.heartbeat_at or batch.created_at
    return last is not None and last < (now or timezone.now()) - timedelta(minutes=stale_minutes())


def may_clear(batch, user):
    """The chain office (and administrators): who reads the region's batches as an audit record."""
    return restrict(ImportBatch.objects.filter(pk=batch.pk), user, VIEW).exists()


@transaction.atomic
def clear(batch, user):
    """Mark a stuck batch failed (nothing of it was written: its transaction died with its process), audited."""
    if not may_clear(batch, user):
        raise PermissionDenied(_("只有链长办可以清除中断的导入批次。"))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.RUNNING:
        raise ValidationError(_("该批次当前状态为“%(status)s”，不在处理中，无须清除。") % {
            "status": batch.get_status_display()})
    if not is_stuck(batch):
        raise ValidationError(_("该批次仍在处理中（最近一次心跳 %(beat)s），不能清除；超过 %(minutes)s 分钟没有心跳"
                                "或处理进程已退出时才能清除。") % {
            "beat": timezone.localtime(batch.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S") if batch.heartbeat_at
            else "—", "minutes": stale_minutes()})
    why = (_("处理进程已退出") if _process_gone(batch) else
           _("超过 %(minutes)s 分钟没有心跳") % {"minutes": stale_minutes()})
    before = {"status": batch.status, "runner": batch.runner,
              "heartbeat_at": batch.heartbeat_at.isoformat() if batch.heartbeat_at else None}
    batch.status, batch.finished_at = BatchStatus.FAILED, timezone.now()
    batch.message = _("处理中断（%(why)s），已由 %(user)s 于 %(when)s 标记为失败；本批次没有写入任何数据，"
                      "请重新上传。") % {"why": why, "user": user.get_username(),
                                      "when": timezone.localtime(batch.finished_at).strftime("%Y-%m-%d %H:%M")}
    batch.save(update_fields=["status", "finished_at", "message"])
    record(user, AuditAction.UPDATE, batch, before=before, after={"status": batch.status, "message": batch.message},
           object_repr=f"{batch} 清除中断的批次")
    return batch


class NoErrorFile(Exception):
    """The batch has no error file to offer; the message says why."""


def error_file(batch):
    """The batch's file again with an error column (workbooks.with_errors), or NoErrorFile."""
    from chainchief.imports import workbooks

    if not batch.errors:
        reason = batch.message if batch.status == BatchStatus.FAILED and batch.message else _("没有逐行的错误")
        raise NoErrorFile(_("该批次没有错误明细：%(reason)s") % {"reason": reason})
    path = file_path(batch)
    if not path.is_file():
        raise NoErrorFile(_("该批次的文件已不在服务器上，没有错误明细可下载。"))
    try:
        return workbooks.with_errors(path, batch.errors, batch.header_row)
    except FileError as exc:
        raise NoErrorFile(_("该批次没有错误明细：%(reason)s") % {"reason": exc}) from None
