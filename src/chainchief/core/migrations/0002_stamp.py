import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("core", "Stamp").objects.using(schema_editor.connection.alias).create(pk=1, token=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Stamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "缓存版本", "verbose_name_plural": "缓存版本"},
        ),
        # The triggers that change the token are installed after every migrate (core.stamps.install): a table
        # that a later migration rebuilds (SQLite does for most changes) gets them back.
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
