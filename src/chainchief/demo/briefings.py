"""Demo briefings: the previous month's briefing waiting in the task queue (made by ``manage.py db_worker``), the
city's monthly briefing for the latest period — withdrawn, and replaced by a corrected issue under the register's
next number — and the 动力装备 chief's one-pager, so that the list shows each state an issue passes through. Each
monthly issue is dated (成文日期) by default in the month after its figures, and numbered in that year."""
from django.contrib.auth import get_user_model


def is_loaded():
    from chainchief.briefings.models import Briefing

    return Briefing.objects.exists()


def load(seed=2021, stdout=None):
    from chainchief.briefings import services, tasks
    from chainchief.chains.models import Chain
    from chainchief.monitoring import report

    User = get_user_model()
    coordinator, chief = User.objects.get(username="coordinator"), User.objects.get(username="chief")
    period = report.latest_period(coordinator)
    if period is None:
        return
    power = Chain.objects.get(name="动力装备", region=coordinator.region)
    tasks.start(coordinator, {"period": period.shift(-1)}, queue=True)
    first = tasks.start(coordinator, {"period": period}, queue=False)
    services.withdraw(coordinator, first, "部分企业本月数据经核实有误，以更正稿为准。")
    tasks.start(coordinator, {"period": period, "replaces": first}, queue=False)
    tasks.start(chief, {"kind": "chain", "chain": power.pk, "period": period}, queue=False)
    if stdout:
        stdout.write("demo: briefings — one queued, one withdrawn and its correction, a one-pager\n")
