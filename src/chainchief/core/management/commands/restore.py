"""Restore the whole database from a file made by ``manage.py backup``: what is in the database now is replaced."""
from django.core.management.base import BaseCommand, CommandError

from chainchief.core import dbroles
from chainchief.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup file: manage.py restore FILE --yes (replaces the current data)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError("恢复将替换数据库中的全部数据；确认请加 --yes。")
        # Restoring drops and makes the tables again: the owner's work. The tables it makes are the owner's, without
        # grants (a backup's privileges are not restored: its roles may not exist here); the application's role is
        # granted again.
        dbroles.use_owner()
        try:
            restore(path)
            if dbroles.app_role():
                dbroles.grant(dbroles.app_role())
        except (BackupError, dbroles.RoleError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已从 {path} 恢复")
