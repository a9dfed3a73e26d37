"""Back up the whole database to a file (SQLite: online backup; PostgreSQL: pg_dump custom format)."""
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chainchief.core import dbroles
from chainchief.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database: manage.py backup [--output FILE] (default var/backups/chainchief-<time>.backup)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="the backup file to write")

    def handle(self, *args, output=None, **options):
        path = output or settings.VAR_DIR / "backups" / f"chainchief-{datetime.now():%Y%m%d-%H%M%S}.backup"
        dbroles.use_owner()  # the owner reads everything; the application's role would do too
        try:
            size = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份到 {path}（{size:,} 字节）")
