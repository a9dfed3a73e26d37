"""The daily escalation command: 督办 the overdue requests as a chain office account, once each."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chainchief.testing import world  # noqa: F401


def test_escalates_the_overdue_once(world):
    from chainchief.appeals.models import Request, overdue_q

    Request.objects.create(enterprise=world.own, title="逾期", content="x", status="handling",
                           department=world.industry, received_on=date(2026, 1, 5), due_on=date(2026, 1, 10))
    due = Request.objects.filter(overdue_q(), escalated_at__isnull=True).count()
    assert due >= 1
    out = StringIO()
    call_command("escalate_requests", user="coordinator", stdout=out)
    assert out.getvalue().strip() == f"督办超期诉求 {due} 件"
    assert not Request.objects.filter(overdue_q(), escalated_at__isnull=True).exists()
    out = StringIO()
    call_command("escalate_requests", user="coordinator", stdout=out)
    assert out.getvalue().strip() == "督办超期诉求 0 件"
    with pytest.raises(CommandError):
        call_command("escalate_requests", user="dept")
