"""A work model belongs to the region that drew it up: its office keeps it, other regions' offices do not.

Existing models are given the highest region that follows them (``Region.work_model``), else the highest region of
the chains whose checklists use their items, else the first region without a parent."""
import django.db.models.deletion
from django.db import migrations, models


def _depth(region, parents):
    depth = 0
    while parents.get(region) is not None:
        region, depth = parents[region], depth + 1
    return depth


def assign_owners(apps, schema_editor):
    WorkModel = apps.get_model("chains", "WorkModel")
    Region = apps.get_model("core", "Region")
    ChainWorkItem = apps.get_model("chains", "ChainWorkItem")
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    roots = list(Region.objects.filter(parent__isnull=True).order_by("order", "pk").values_list("pk", flat=True))
    for model in WorkModel.objects.filter(region__isnull=True):
        users = set(Region.objects.filter(work_model=model).values_list("pk", flat=True))
        users |= set(ChainWorkItem.objects.filter(item__work_model=model).values_list("chain__region_id", flat=True))
        if users:
            owner = min(users, key=lambda r: (_depth(r, parents), r))
        elif roots:
            owner = roots[0]
        else:
            raise RuntimeError(f"工作模式“{model.name}”无法确定所属区域：数据库中没有任何区域。")
        WorkModel.objects.filter(pk=model.pk).update(region_id=owner)


class Migration(migrations.Migration):

    dependencies = [
        ("chains", "0005_chainlink"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="workmodel",
            name="region",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="own_work_models", to="core.region", verbose_name="所属区域",
                                    help_text="制定该工作模式的区域，由其链长办维护"),
        ),
        migrations.RunPython(assign_owners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="workmodel",
            name="region",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="own_work_models",
                                    to="core.region", verbose_name="所属区域",
                                    help_text="制定该工作模式的区域，由其链长办维护"),
        ),
        migrations.AlterField(
            model_name="workmodel",
            name="name",
            field=models.CharField(max_length=64, verbose_name="名称"),
        ),
        migrations.AddConstraint(
            model_name="workmodel",
            constraint=models.UniqueConstraint(fields=("region", "name"), name="workmodel_unique_name"),
        ),
    ]
