"""Archive the change log: rows older than --days (at least AUDIT_RETENTION_DAYS, 180 by default) are written to
a gzipped JSON-lines file and then removed from the database, in one transaction; nothing younger is touched.

On PostgreSQL only the tables' owner may delete from the change log (the application's role may not): the command
connects as the owner when ``DATABASE_OWNER_URL`` is set (``chainchief.core.dbroles``) and otherwise refuses,
before writing anything, to run as a role that may not delete."""
import gzip
import json
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from chainchief.audit.models import AuditEvent
from chainchief.core import dbroles


class Command(BaseCommand):
    help = "Write audit events older than --days to --output (.jsonl.gz) and remove them from the database."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="archive events older than this many days")
        parser.add_argument("--output", required=True, help="the archive file (.jsonl.gz) to write")

    def handle(self, *args, days=None, output, **options):
        keep = int(getattr(settings, "AUDIT_RETENTION_DAYS", 180))
        days = keep if days is None else days
        if days < keep:
            raise CommandError(f"审计记录至少保留 {keep} 天，--days 不能小于 {keep}。")
        dbroles.use_owner()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT has_table_privilege(%s, 'DELETE')", [AuditEvent._meta.db_table])
                if not cursor.fetchone()[0]:
                    raise CommandError("归档审计记录须以表的所有者角色运行：应用的数据库角色不能删除审计记录。"
                                       "请设置 DATABASE_OWNER_URL（见 README 的 Production 一节）。")
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditEvent.objects.filter(time__lt=cutoff).order_by("pk")
        fields = [f.attname for f in AuditEvent._meta.concrete_fields]
        with transaction.atomic():
            count = 0
            with gzip.open(output, "wt", encoding="utf-8") as out:
                for row in old.values(*fields).iterator(chunk_size=2000):
                    out.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
                    count += 1
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL chainchief.audit_archive = 'on'")
            # The app refuses deletes of audit rows (AuditQuerySet); archiving is the one place that removes them.
            old._raw_delete(old.db)
        self.stdout.write(f"已归档 {cutoff:%Y-%m-%d} 之前的审计记录 {count} 条到 {output}")
