"""Restore the whole database from a file made by ``manage.py backup``: what is in the database now is replaced."""
from django.core.management.base import BaseCommand, CommandError

from chainchief.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup file: manage.py restore FILE --yes (replaces the current data)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError("恢复将替换数据库中的全部数据；确认请加 --yes。")
        try:
            restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {path} 恢复")
