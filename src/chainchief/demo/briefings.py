"""Demo briefings: the city's monthly briefing for the latest period and the 动力装备 chief's one-pager, both
generated (Word and PDF), and the previous month's briefing waiting in the task queue (made by
``manage.py db_worker``), so that the list shows each state an issue passes through."""
from django.contrib.auth import get_user_model


def is_loaded():
    from chainchief.briefings.models import Briefing

    return Briefing.objects.exists()


def load(seed=2021, stdout=None):
    from chainchief.briefings import tasks
    from chainchief.chains.models import Chain
    from chainchief.monitoring import report

    User = get_user_model()
    coordinator, chief = User.objects.get(username="coordinator"), User.objects.get(username="chief")
    period = report.latest_period(coordinator)
    if period is None:
        return
    power = Chain.objects.get(name="动力装备", region=coordinator.region)
    tasks.start(coordinator, {"period": period}, queue=False)
    tasks.start(chief, {"kind": "chain", "chain": power.pk, "period": period}, queue=False)
    tasks.start(coordinator, {"period": period.shift(-1)}, queue=True)
    if stdout:
        stdout.write("demo: briefings — a monthly briefing and a one-pager generated, one queued\n")
