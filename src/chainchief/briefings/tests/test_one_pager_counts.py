"""A chain's one-pager counts what its rows show: "未办结诉求 N 件（逾期 M 件）" and the rows marked （逾期） follow one rule
(appeals' overdue_q: past due and not yet answered)."""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.analytics.periods import Period
from chainchief.appeals.models import OPEN_STATUSES, Request, RequestStatus
from chainchief.briefings import content
from chainchief.chains.models import Chain


def test_open_requests_count_and_rows_agree(demo_db):
    coordinator = get_user_model().objects.get(username="coordinator")
    power = Chain.objects.get(name="动力装备")
    today = timezone.localdate()
    past = today - datetime.timedelta(days=10)
    open_requests = Request.objects.filter(chain=power, status__in=OPEN_STATUSES).order_by("due_on", "id")
    first, second = open_requests[:2]
    # answered but not yet closed, past its deadline: open, not overdue; and one still pending past its deadline
    Request.objects.filter(pk=first.pk).update(status=RequestStatus.REPLIED, due_on=past - datetime.timedelta(days=1),
                                               replied_on=past)
    Request.objects.filter(pk=second.pk).update(status=RequestStatus.HANDLING, due_on=past)
    page = content.chain_page(coordinator, power, Period.parse("2021-06"), today=today)
    requests = page["requests"]
    shown = {r["title"]: r["overdue"] for r in requests["rows"]}
    assert shown[first.title] is False and shown[second.title] is True
    for r in Request.objects.filter(chain=power, status__in=OPEN_STATUSES):
        if r.title in shown:
            assert shown[r.title] == r.is_overdue, r.title
    assert requests["overdue"] == sum(1 for r in Request.objects.filter(chain=power, status__in=OPEN_STATUSES)
                                      if r.is_overdue)
    if requests["open"] <= content.LIST_LIMIT:
        assert requests["overdue"] == sum(shown.values())
