from django.db import migrations, models


def count_reporters_as_above_scale(apps, schema_editor):
    """Until the next refresh, count every reporter as above-scale (true of data entered before this field:
    only above-scale enterprises report monthly figures)."""
    apps.get_model("monitoring", "ChainFigure").objects.update(above_scale_reporters=models.F("reporters"))


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_monthlystat_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainfigure",
            name="above_scale_reporters",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_reporters_as_above_scale, migrations.RunPython.noop),
    ]
