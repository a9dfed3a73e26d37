"""On PostgreSQL, trigram indexes make the enterprise search (名称 / 简称 contains …) an index lookup instead of
a scan of every enterprise. Other databases skip this migration's work."""
from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_short_name_trgm ON enterprises_enterprise "
    "USING gin (UPPER(short_name) gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS enterprise_short_name_trgm",
    "DROP INDEX IF EXISTS enterprise_name_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
