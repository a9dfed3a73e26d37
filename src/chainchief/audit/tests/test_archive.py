"""The change log is kept: at least 180 days, archived to a file before it leaves the database, and on PostgreSQL
protected by a trigger against changes made outside the application."""
import gzip
import json
from datetime import datetime, timezone as dt_timezone

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction


def _event(username, action="login"):
    from chainchief.audit.models import AuditEvent

    return AuditEvent.objects.create(username=username, action=action, object_repr=f"{username} 的记录")


@pytest.mark.django_db
def test_archive_writes_out_and_removes_only_old_events(tmp_path):
    from chainchief.audit.models import AuditEvent

    with time_machine.travel(datetime(2025, 1, 10, tzinfo=dt_timezone.utc), tick=False):
        old = [_event("old1"), _event("old2")]
    with time_machine.travel(datetime(2025, 9, 1, tzinfo=dt_timezone.utc), tick=False):
        recent = _event("recent")
        out = tmp_path / "audit-2025.jsonl.gz"
        with pytest.raises(CommandError, match="至少保留 180 天"):
            call_command("archive_audit", days=90, output=str(out))
        call_command("archive_audit", output=str(out))
    rows = [json.loads(line) for line in gzip.open(out, "rt", encoding="utf-8")]
    assert [r["username"] for r in rows] == ["old1", "old2"] and rows[0]["id"] == old[0].pk
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_postgresql_refuses_changes_outside_the_application(django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    from django.db import DatabaseError

    from chainchief.audit.models import AuditEvent

    user = django_user_model.objects.create(username="temp", role="leader")
    event = AuditEvent.objects.create(user=user, username="temp", action="login")
    for sql in ("UPDATE audit_auditevent SET username = 'someone' WHERE id = %s",
                "UPDATE audit_auditevent SET after = '{}'::jsonb WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="audit events cannot be"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    user.delete()  # the user's rows lose their link to it and keep the rest
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.user_id, event.username) == (None, "temp")


@pytest.mark.django_db
def test_postgresql_refuses_a_change_of_the_region_an_event_belongs_to(django_user_model):
    """The region of the changed object (which decides whose log shows the event) is covered by the trigger too,
    also on an event that has lost its user."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    from django.db import DatabaseError

    from chainchief.audit.models import AuditEvent

    event = AuditEvent.objects.create(username="gone", action="update", object_repr="某行")
    with pytest.raises(DatabaseError, match="audit events cannot be"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET region_id = 1 WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).region_id is None
