"""On PostgreSQL, audit rows cannot be changed or deleted even outside the application: a trigger refuses it. Two
exceptions: a deleted user's rows keep everything but the link to the user (Django sets it to NULL), and the
archive command deletes rows it has written out, inside a transaction that says so
(``SET LOCAL chainchief.audit_archive = 'on'``)."""
from django.db import migrations

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
            NEW.object_repr, NEW.before::text, NEW.after::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.time, OLD.username, OLD.action, OLD.request_id, OLD.ip, OLD.content_type_id, OLD.object_id,
            OLD.object_repr, OLD.before::text, OLD.after::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events cannot be changed (审计记录不可修改)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_immutable ON audit_auditevent;
CREATE TRIGGER audit_event_immutable BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_immutable ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
