"""The enterprise of a monthly statistic, enforced per statement on PostgreSQL.

A foreign key checks each inserted row on its own at commit: 3.6 µs a row, a fifth of a large import. These
triggers give the same guarantee with one check over all the rows a statement wrote:

* after an INSERT or UPDATE of statistics, the enterprises they name are locked FOR KEY SHARE (as a foreign key
  locks them: a concurrent delete of one of them waits for this transaction) and a row naming no enterprise
  fails the statement;
* after a DELETE of enterprises, a statistic still naming one of them fails the statement (Django's CASCADE
  deletes the statistics first; a delete that waited for a concurrent import sees its rows here and fails).

Both raise foreign_key_violation, which Django reports as IntegrityError. SQLite, the demonstration database,
relies on Django's CASCADE alone.
"""
from django.db import migrations, models

STAT, ENTERPRISE = "monitoring_monthlystat", "enterprises_enterprise"

FORWARD = [
    f"""
    CREATE FUNCTION monitoring_stat_enterprise_exists() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        wanted bigint;
        found bigint;
    BEGIN
        SELECT count(DISTINCT enterprise_id) INTO wanted FROM new_rows;
        SELECT count(*) INTO found FROM (SELECT 1 FROM {ENTERPRISE} e
            WHERE e.id IN (SELECT enterprise_id FROM new_rows) FOR KEY SHARE OF e) locked;
        IF found <> wanted THEN
            RAISE EXCEPTION '月度统计引用了不存在的企业（% 个）', wanted - found
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER monitoring_stat_enterprise_insert AFTER INSERT ON {STAT}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitoring_stat_enterprise_exists()""",
    f"""CREATE TRIGGER monitoring_stat_enterprise_update AFTER UPDATE ON {STAT}
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitoring_stat_enterprise_exists()""",
    f"""
    CREATE FUNCTION monitoring_enterprise_without_stats() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM old_rows o JOIN {STAT} m ON m.enterprise_id = o.id) THEN
            RAISE EXCEPTION '企业仍有月度统计数据，不能删除'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER monitoring_enterprise_without_stats AFTER DELETE ON {ENTERPRISE}
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION monitoring_enterprise_without_stats()""",
]

BACKWARD = [
    f"DROP TRIGGER IF EXISTS monitoring_enterprise_without_stats ON {ENTERPRISE}",
    "DROP FUNCTION IF EXISTS monitoring_enterprise_without_stats()",
    f"DROP TRIGGER IF EXISTS monitoring_stat_enterprise_update ON {STAT}",
    f"DROP TRIGGER IF EXISTS monitoring_stat_enterprise_insert ON {STAT}",
    "DROP FUNCTION IF EXISTS monitoring_stat_enterprise_exists()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, None)
    return apply


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0001_initial"),
        ("monitoring", "0004_stat_user_columns_unconstrained"),
    ]

    operations = [
        migrations.AlterField(
            model_name="monthlystat",
            name="enterprise",
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=models.deletion.CASCADE,
                                    related_name="stats", to="enterprises.enterprise", verbose_name="企业"),
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
