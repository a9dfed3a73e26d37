"""Django's migrate, as the tables' owner when ``DATABASE_OWNER_URL`` is set; the application's role
(``DATABASE_URL``'s user) is then granted its privileges again (``chainchief.core.dbroles``)."""
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand

from chainchief.core import dbroles


class Command(MigrateCommand):
    def handle(self, *args, **options):
        switched = dbroles.use_owner(options["database"])
        super().handle(*args, **options)
        role = dbroles.app_role()
        if switched and role:
            try:
                tables = dbroles.grant(role, options["database"])
            except dbroles.RoleError as exc:
                raise CommandError(str(exc)) from exc
            if options["verbosity"] >= 1:
                self.stdout.write(f"已授权应用角色 {role}：{tables} 张表（审计记录只读、只增）")
