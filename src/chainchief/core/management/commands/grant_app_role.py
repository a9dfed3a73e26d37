"""Give the application's database role its privileges (PostgreSQL), as the tables' owner: run after every migrate
(``migrate`` does it by itself when ``DATABASE_OWNER_URL`` is set). See ``chainchief.core.dbroles``."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from chainchief.core import dbroles


class Command(BaseCommand):
    help = ("Grant ROLE (the application's database role, not the tables' owner) what the application needs: "
            "read and write every table, only read and add to the change log. Run as the owner after each migrate.")

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", help="the application's role (default: DATABASE_URL's user when "
                                                    "DATABASE_OWNER_URL is set)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role=None, database=DEFAULT_DB_ALIAS, **options):
        dbroles.use_owner(database)
        role = role or dbroles.app_role()
        if not role:
            raise CommandError("请指定应用的数据库角色，或设置 DATABASE_OWNER_URL（表的所有者）并让 DATABASE_URL 使用另一个角色。")
        try:
            tables = dbroles.grant(role, database)
        except dbroles.RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已授权角色 {role}：{tables} 张表（审计记录只读、只增）")
