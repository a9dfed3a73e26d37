"""The check after a delete of enterprises (migration 0005) reads the statistics as the deleting statement sees
them. Under READ COMMITTED (Django's and PostgreSQL's default) that includes rows a concurrent import committed
while the delete waited for its lock, so such a delete fails as with a foreign key. Under REPEATABLE READ or
SERIALIZABLE it would not see them: a delete of enterprises is refused there rather than risk an orphan."""
from django.db import migrations

STAT, ENTERPRISE = "monitoring_monthlystat", "enterprises_enterprise"


def body(guard):
    check = """
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION '删除企业须在 READ COMMITTED 隔离级别下进行'
                USING ERRCODE = 'feature_not_supported';
        END IF;""" if guard else ""
    return f"""
    CREATE OR REPLACE FUNCTION monitoring_enterprise_without_stats() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN{check}
        IF EXISTS (SELECT 1 FROM old_rows o JOIN {STAT} m ON m.enterprise_id = o.id) THEN
            RAISE EXCEPTION '企业仍有月度统计数据，不能删除'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$"""


def run(guard):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(body(guard), None)
    return apply


class Migration(migrations.Migration):

    dependencies = [("monitoring", "0005_stat_enterprise_checked_per_statement")]

    operations = [migrations.RunPython(run(True), run(False))]
