"""Requests recorded before the workflow get the first line of a timeline: when they were received, in which
status they stand."""
import datetime

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    Request = apps.get_model("appeals", "Request")
    RequestEvent = apps.get_model("appeals", "RequestEvent")
    db = schema_editor.connection.alias
    rows = []
    for pk, status, received in Request.objects.using(db).filter(events=None).values_list("pk", "status", "received_on"):
        time = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9)))
        rows.append(RequestEvent(request_id=pk, time=time, action="submit", from_status="", to_status=status,
                                 note="启用办理流程前登记的诉求"))
        if len(rows) >= 5000:
            RequestEvent.objects.using(db).bulk_create(rows)
            rows = []
    RequestEvent.objects.using(db).bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [("appeals", "0002_workflow")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
