"""Imports that run outside the web request: a database-backed task (django-tasks), run by
``python manage.py db_worker``. The batch keeps its progress, so the page can be left and reopened.

``submit`` decides where a batch is read or committed: at once only when its file is small — at most
IMPORT_BACKGROUND_BYTES as uploaded (default 2 MB) and IMPORT_BACKGROUND_EXPANDED_BYTES once unpacked (default
8 MB) — and by the worker otherwise, never in the request."""
from django.conf import settings
from django_tasks import task

from chainchief.imports.models import BatchStatus, ImportBatch

MB = 1024 * 1024


@task()
def run_import(batch_id: int, user_id: int, write: bool) -> str:
    from django.contrib.auth import get_user_model

    from chainchief.imports import services

    try:
        batch = ImportBatch.objects.get(pk=batch_id)
        batch = services.run(batch, get_user_model().objects.get(pk=user_id), write=write)
    except Exception as exc:  # the batch shows what went wrong (services.run has said so when it could)
        ImportBatch.objects.filter(pk=batch_id, status__in=(BatchStatus.PENDING, BatchStatus.RUNNING)).update(
            status=BatchStatus.FAILED, message=f"处理失败：{exc}")
        return BatchStatus.FAILED
    return batch.status


def enqueue(batch, user, write):
    """Queue the batch (dry run, or commit with ``write``); the page shows it as queued until a worker takes it."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PENDING, progress=0)
    return run_import.enqueue(batch.pk, user.pk, write)


def is_small(batch):
    return (batch.size <= int(getattr(settings, "IMPORT_BACKGROUND_BYTES", 2 * MB))
            and batch.expanded_size <= int(getattr(settings, "IMPORT_BACKGROUND_EXPANDED_BYTES", 8 * MB)))


def submit(batch, user, write=False):
    """Read (or, with ``write``, commit) a batch: in this process when its file is small, else in the worker.
    Returns (batch, queued). A commit is claimed here either way (services.claim_commit), so that it runs once."""
    from chainchief.imports import services

    small = is_small(batch)
    if write:
        if small:
            wait = float(getattr(settings, "IMPORT_LOCK_WAIT_SECONDS", 10))
            return services.commit(batch, user, lock_wait=wait), False
        services.claim_commit(batch, user, status=BatchStatus.PENDING)
    if small:
        return services.run(batch, user), False
    enqueue(batch, user, write)
    batch.refresh_from_db()
    return batch, True
