from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _install_stamps(sender, using, **kwargs):
    from chainchief.core import stamps

    stamps.install(using)


def _lift_column_triggers(sender, using, **kwargs):
    from chainchief.core import stamps

    stamps.lift_column_triggers(using)


class CoreConfig(AppConfig):
    name = "chainchief.core"
    label = "core"
    verbose_name = _("区域与组织")

    def ready(self):
        # After every migrate (and every test database flush): the cache stamp's row and triggers.
        post_migrate.connect(_install_stamps, sender=self, dispatch_uid="chainchief.core.stamps")
        # Before it: the triggers that name columns, which PostgreSQL would not let a migration alter or drop.
        pre_migrate.connect(_lift_column_triggers, sender=self, dispatch_uid="chainchief.core.stamps.lift")
        # Every statement on every connection: writes publish the new stamp once they commit.
        from chainchief.core import stamps

        connection_created.connect(stamps.watch, dispatch_uid="chainchief.core.stamps.watch")
        # Django's development server (runserver, the demo) names itself and Python's version in a Server header:
        # it writes none. gunicorn's is dropped by gunicorn.conf.py.
        from django.core.servers import basehttp

        basehttp.ServerHandler.server_software = None
        basehttp.WSGIRequestHandler.server_version = ""  # its own error answers (a malformed request line)
        basehttp.WSGIRequestHandler.sys_version = ""
