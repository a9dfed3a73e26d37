"""Commissioners' enterprises, set on their logins until now, become assignments from today."""
from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Person = apps.get_model("core", "Person")
    Assignment = apps.get_model("enterprises", "CommissionerAssignment")
    db = schema_editor.connection.alias
    today = timezone.localdate()
    for user in User.objects.using(db).filter(role="commissioner"):
        person = Person.objects.using(db).filter(user_id=user.pk).first()
        if person is None:
            continue
        for enterprise_id in user.enterprises.values_list("pk", flat=True):
            if not Assignment.objects.using(db).filter(commissioner=person, enterprise_id=enterprise_id).exists():
                Assignment.objects.using(db).create(commissioner=person, enterprise_id=enterprise_id, started_on=today,
                                                    note="由账号关联企业转入")


class Migration(migrations.Migration):

    dependencies = [("enterprises", "0005_commissioners"), ("accounts", "0002_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
