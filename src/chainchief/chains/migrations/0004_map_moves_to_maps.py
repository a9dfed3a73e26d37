"""The chain map's models move to the maps app (maps.0001_initial), which takes over their tables unchanged."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('chains', '0003_chain_map'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name='StrengthOverride'),
            migrations.DeleteModel(name='SegmentPlacement'),
            migrations.DeleteModel(name='SegmentLink'),
            migrations.DeleteModel(name='KeyTechnology'),
            migrations.DeleteModel(name='Segment'),
            migrations.DeleteModel(name='MapSettings'),
        ]),
    ]
