"""The chain map moves from the chains app to its own app. Its tables keep their names (``chains_segment`` …), so
the move changes Django's state only; the content types are relabelled so that permissions and the change log
still point at the same models."""
import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

MODELS = ["segment", "segmentplacement", "keytechnology", "segmentlink", "mapsettings", "strengthoverride"]


def relabel(from_label, to_label):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            if ContentType.objects.using(db).filter(app_label=to_label, model=model).exists():
                continue
            ContentType.objects.using(db).filter(app_label=from_label, model=model).update(app_label=to_label)
    return run


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('chains', '0004_map_moves_to_maps'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
        ('enterprises', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
                migrations.CreateModel(
                    name='MapSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('missing_max_enterprises', models.PositiveIntegerField(default=0, help_text='本地企业数不超过此值的环节判为缺链；默认 0，即无本地企业', verbose_name='缺链：本地企业不超过（家）')),
                        ('strong_min_enterprises', models.PositiveIntegerField(default=5, verbose_name='强链：本地企业至少（家）')),
                        ('strong_min_above_scale', models.PositiveIntegerField(default=3, verbose_name='强链：规上企业至少（家）')),
                        ('strong_requires_leader', models.BooleanField(default=True, verbose_name='强链：须有链主或龙头骨干企业')),
                        ('strong_min_revenue_share', models.DecimalField(blank=True, decimal_places=2, help_text='有月度统计数据时才参与判定；留空则不考虑营收', max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='强链：营收占全链比重至少（%）')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('region', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='map_settings', to='core.region', verbose_name='区域')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                    ],
                    options={
                        'db_table': 'chains_mapsettings',
                        'verbose_name': '图谱判定标准',
                        'verbose_name_plural': '图谱判定标准',
                    },
                ),
                migrations.CreateModel(
                    name='Segment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('stage', models.CharField(choices=[('upstream', '上游'), ('midstream', '中游'), ('downstream', '下游')], max_length=16, verbose_name='环节位置')),
                        ('name', models.CharField(max_length=64, verbose_name='名称')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('key_products', models.CharField(blank=True, help_text='以顿号或逗号分隔，如 曲轴、连杆', max_length=300, verbose_name='主要产品')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='排序')),
                        ('chain', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='segments', to='chains.chain', verbose_name='产业链')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='maps.segment', verbose_name='上级环节')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                    ],
                    options={
                        'db_table': 'chains_segment',
                        'verbose_name': '产业链环节',
                        'verbose_name_plural': '产业链环节',
                        'ordering': ['chain', 'order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='KeyTechnology',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                        ('enterprise_role', models.CharField(choices=[('holder', '承担企业'), ('target', '目标企业')], default='holder', max_length=16, verbose_name='企业角色')),
                        ('external_party', models.CharField(blank=True, help_text='本地以外的承担或目标单位，如拟引进的企业、合作高校', max_length=100, verbose_name='外部单位')),
                        ('status', models.CharField(choices=[('planned', '谋划中'), ('in_progress', '攻关中'), ('breakthrough', '已突破'), ('suspended', '暂缓')], default='planned', max_length=16, verbose_name='状态')),
                        ('order', models.PositiveIntegerField(default=0, verbose_name='排序')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='key_technologies', to='enterprises.enterprise', verbose_name='企业')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                        ('segment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='technologies', to='maps.segment', verbose_name='环节')),
                    ],
                    options={
                        'db_table': 'chains_keytechnology',
                        'verbose_name': '关键产品技术攻关',
                        'verbose_name_plural': '关键产品技术攻关',
                        'ordering': ['segment', 'order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SegmentLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('kind', models.CharField(choices=[('same', '同一环节'), ('supplies', '供应')], default='supplies', max_length=16, verbose_name='关联类型')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('source', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links_out', to='maps.segment', verbose_name='环节')),
                        ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links_in', to='maps.segment', verbose_name='关联环节')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                    ],
                    options={
                        'db_table': 'chains_segmentlink',
                        'verbose_name': '跨链关联',
                        'verbose_name_plural': '跨链关联',
                        'ordering': ['source', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SegmentPlacement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='说明')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='enterprises.membership', verbose_name='产业链成员')),
                        ('segment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='placements', to='maps.segment', verbose_name='环节')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                    ],
                    options={
                        'db_table': 'chains_segmentplacement',
                        'verbose_name': '环节企业',
                        'verbose_name_plural': '环节企业',
                        'ordering': ['segment', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='StrengthOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                        ('strength', models.CharField(choices=[('strong', '强链'), ('weak', '弱链'), ('missing', '缺链')], max_length=16, verbose_name='认定结果')),
                        ('reason', models.TextField(verbose_name='认定理由')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('segment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='override', to='maps.segment', verbose_name='环节')),
                        ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='更新人')),
                    ],
                    options={
                        'db_table': 'chains_strengthoverride',
                        'verbose_name': '强弱认定',
                        'verbose_name_plural': '强弱认定',
                    },
                ),
                migrations.AddConstraint(
                    model_name='segment',
                    constraint=models.UniqueConstraint(fields=('chain', 'name'), name='segment_unique_name'),
                ),
                migrations.AddConstraint(
                    model_name='segmentlink',
                    constraint=models.UniqueConstraint(fields=('source', 'target', 'kind'), name='segmentlink_unique'),
                ),
                migrations.AddConstraint(
                    model_name='segmentplacement',
                    constraint=models.UniqueConstraint(fields=('segment', 'membership'), name='placement_unique'),
                ),
        ]),
        migrations.RunPython(relabel("chains", "maps"), relabel("maps", "chains"), elidable=False),
    ]
