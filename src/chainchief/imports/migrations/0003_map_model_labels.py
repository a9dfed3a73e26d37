"""The rows an import wrote name their model by label; the chain map's models are now in the maps app."""
from django.db import migrations

MODELS = ["segment", "segmentplacement", "keytechnology", "segmentlink", "mapsettings", "strengthoverride"]


def relabel(from_label, to_label):
    def run(apps, schema_editor):
        ImportRowChange = apps.get_model("imports", "ImportRowChange")
        db = schema_editor.connection.alias
        for model in MODELS:
            ImportRowChange.objects.using(db).filter(model=f"{from_label}.{model}").update(model=f"{to_label}.{model}")
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0002_kind_segments'),
        ('maps', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(relabel("chains", "maps"), relabel("maps", "chains"), elidable=False),
    ]
