"""An event names the region of the object it changed, so that the office of that region reads it in its log. On
PostgreSQL the trigger that keeps events unchanged covers the new column too."""
import django.db.models.deletion
from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('chainchief.audit_archive', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events cannot be deleted (审计记录不可删除)';
    END IF;
    IF NEW.user_id IS NULL
       AND (NEW.id, NEW.time, NEW.username, NEW.action, NEW.request_id, NEW.ip, NEW.content_type_id, NEW.object_id,
            NEW.object_repr, NEW.before::text, NEW.after::text, NEW.region_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.time, OLD.username, OLD.action, OLD.request_id, OLD.ip, OLD.content_type_id, OLD.object_id,
            OLD.object_repr, OLD.before::text, OLD.after::text, OLD.region_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events cannot be changed (审计记录不可修改)';
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS = FUNCTION.replace(", NEW.region_id)", ")").replace(", OLD.region_id)", ")")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_immutable_on_postgresql"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="region",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                    to="core.region", verbose_name="对象所属区域"),
        ),
        migrations.RunPython(forward, backward),
    ]
