"""Imports that run outside the web request: a database-backed task (django-tasks), run by
``python manage.py db_worker``. The batch keeps its progress, so the page can be left and reopened."""
from django_tasks import task

from chainchief.imports.models import BatchStatus, ImportBatch


@task()
def run_import(batch_id: int, user_id: int, write: bool) -> str:
    from django.contrib.auth import get_user_model

    from chainchief.imports import services

    try:
        batch = ImportBatch.objects.get(pk=batch_id)
        batch = services.run(batch, get_user_model().objects.get(pk=user_id), write=write)
    except Exception as exc:  # the batch shows what went wrong
        ImportBatch.objects.filter(pk=batch_id).update(status=BatchStatus.FAILED, message=f"处理失败：{exc}")
        return BatchStatus.FAILED
    return batch.status


def enqueue(batch, user, write):
    """Queue the batch (dry run, or commit with ``write``); the page shows it as queued until a worker takes it."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PENDING, progress=0)
    return run_import.enqueue(batch.pk, user.pk, write)
