"""Briefings generated outside the web request (a province's, with many chains): a database-backed task
(django-tasks) run by ``python manage.py db_worker``. The row keeps its progress, so the page can be left."""
from django_tasks import task

from chainchief.briefings import services
from chainchief.briefings.models import Briefing, BriefingStatus


@task()
def run_briefing(briefing_id: int, user_id: int) -> str:
    from django.contrib.auth import get_user_model

    briefing = Briefing.objects.get(pk=briefing_id)
    return services.generate(briefing, get_user_model().objects.get(pk=user_id)).status


def enqueue(briefing, user):
    Briefing.objects.filter(pk=briefing.pk).update(status=BriefingStatus.PENDING, progress=0, step="排队等待")
    return run_briefing.enqueue(briefing.pk, user.pk)


def start(user, data, *, queue=None):
    """Prepare the issue and generate it — in this process for a city, in the task worker for a province
    (``queue`` forces one or the other)."""
    briefing = services.prepare(user, data)
    if queue is None:
        queue = services.chain_count(briefing) > services.queue_threshold()
    if queue:
        enqueue(briefing, user)
        briefing.refresh_from_db()
        return briefing
    return services.generate(briefing, user)
