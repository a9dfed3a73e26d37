"""On PostgreSQL the application runs under a role that does not own the tables (``manage.py grant_app_role``, run
by the owner after every migrate, gives it what the application needs): it writes the change log but cannot
delete, change, truncate it or lift its trigger, whatever it sets. Migrations, grants and the archive of the change
log run as the owner (``DATABASE_OWNER_URL``). PostgreSQL only (roles); CI runs the suite on both databases."""
import gzip
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone

ROOT = Path(settings.BASE_DIR)
APP = "app_role_test"


@pytest.fixture
def app_role(transactional_db):
    """A throw-away LOGIN role (not the tables' owner), given the application's grants as the command gives them;
    dropped at the end with what was granted to it, so that the test database can still be dropped."""
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not cur.fetchone()[0]:
            pytest.skip("the test database's user may not create roles")
        role = f"cc_app_{uuid.uuid4().hex[:12]}"
        cur.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        call_command("grant_app_role", role)
        yield role
    finally:
        app = getattr(connections._connections, APP, None)
        if app is not None:
            app.close()
            delattr(connections._connections, APP)
        with connection.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [role])
            cur.execute(f'DROP OWNED BY "{role}"')
            cur.execute(f'DROP ROLE "{role}"')


def _as(role):
    """A Django connection (alias ``APP``) to the test database as ``role``: the ORM runs as the application would."""
    backend = load_backend(connection.settings_dict["ENGINE"])
    connections[APP] = backend.DatabaseWrapper({**connection.settings_dict, "USER": role, "PASSWORD": ""}, APP)
    return connections[APP]


def _refused(app, sql, params=(), match="permission denied|must be owner"):
    with pytest.raises(DatabaseError, match=match):
        with transaction.atomic(using=APP), app.cursor() as cur:
            cur.execute(sql, params)


def test_the_application_role_cannot_rewrite_the_audit_log(app_role, django_user_model):
    from chainchief.audit.models import AuditAction, AuditEvent
    from chainchief.core.models import Region
    from chainchief.monitoring.aggregates import analyze_after_bulk_write

    app = _as(app_role)
    with app.cursor() as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone()[0] == app_role

    # The application's writes: the change log, a watched table (its stamp trigger runs as the application role),
    # an account and its deletion (which unlinks its events), an import's staging (a temporary table, COPY).
    user = django_user_model.objects.db_manager(APP).create(username=f"u{app_role}", role="leader")
    event = AuditEvent.objects.using(APP).create(user=user, username=user.username, action=AuditAction.LOGIN)
    region = Region.objects.using(APP).create(name="角色测试市", code="990100", level="city")
    region.name = "角色测试市（改）"
    region.save(using=APP)
    region.delete(using=APP)
    user.delete(using=APP)
    assert AuditEvent.objects.using(APP).values_list("user_id", "username").get(pk=event.pk) == (None, user.username)
    with transaction.atomic(using=APP), app.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE roles_staging (row_no integer, raw text) ON COMMIT DROP")
        with cur.cursor.copy("COPY roles_staging (row_no, raw) FROM STDIN") as copy:
            copy.write_row((1, "一"))
        cur.execute("SELECT count(*) FROM roles_staging")
        assert cur.fetchone()[0] == 1
    # Fresh statistics after a bulk write: a plain ANALYZE by a role that does not own the table is skipped with
    # a warning; the application asks the owner's function.
    notices = []
    app.connection.add_notice_handler(lambda diag: notices.append(diag.message_primary))
    from chainchief.monitoring import aggregates

    aggregates.connection, saved = app, aggregates.connection
    try:
        with transaction.atomic(using=APP):
            analyze_after_bulk_write()
    finally:
        aggregates.connection = saved
    assert not [n for n in notices if "skipping" in n], notices

    # What it cannot do to the change log, with or without the archive's setting.
    table = AuditEvent._meta.db_table
    for sql in (f"DELETE FROM {table} WHERE id = %s",
                f"UPDATE {table} SET username = 'someone' WHERE id = %s",
                f"UPDATE {table} SET after = '{{}}'::jsonb WHERE id = %s"):
        _refused(app, sql, [event.pk])
    _refused(app, f"UPDATE {table} SET user_id = NULL, object_repr = 'x' WHERE id = %s", [event.pk])
    _refused(app, f"TRUNCATE {table}")
    _refused(app, f"TRUNCATE {table} CASCADE")
    _refused(app, f"ALTER TABLE {table} DISABLE TRIGGER audit_event_immutable")
    _refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    _refused(app, "DROP TRIGGER audit_event_immutable ON " + table)
    _refused(app, f"DROP TABLE {table}")
    _refused(app, "CREATE OR REPLACE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS "
                  "$$ BEGIN RETURN OLD; END $$")
    _refused(app, "SELECT setval(pg_get_serial_sequence(%s, 'id'), 1)", [table])
    with pytest.raises(DatabaseError, match="permission denied"):
        with transaction.atomic(using=APP), app.cursor() as cur:
            cur.execute("SET LOCAL chainchief.audit_archive = 'on'")
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    # …nor make itself the owner of it or borrow the owner's rights.
    _refused(app, f'ALTER TABLE {table} OWNER TO "{app_role}"')
    with connection.cursor() as cur:
        cur.execute("SELECT tableowner FROM pg_tables WHERE tablename = %s AND schemaname = current_schema()",
                    [table])
        owner = cur.fetchone()[0]
    _refused(app, f'SET ROLE "{owner}"')
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    # The trigger is still there and on.
    with connection.cursor() as cur:
        cur.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_event_immutable' "
                    "AND tgrelid = %s::regclass", [table])
        assert cur.fetchall() == [("O",)]


def test_the_grant_refuses_a_role_that_owns_the_tables_or_may_become_their_owner(app_role):
    from django.core.management import CommandError

    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        owner = cur.fetchone()[0]
    with pytest.raises(CommandError, match="所有者"):
        call_command("grant_app_role", owner)
    with connection.cursor() as cur:
        cur.execute(f'GRANT "{owner}" TO "{app_role}"')
    try:
        with pytest.raises(CommandError, match="所有者"):
            call_command("grant_app_role", app_role)
    finally:
        with connection.cursor() as cur:
            cur.execute(f'REVOKE "{owner}" FROM "{app_role}"')


def _url(user, db):
    return f"postgres://{user}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _manage(tmp_path, db, app_role, *args, owner=True):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DATABASE_OWNER_URL")}
    env.update(DATABASE_URL=_url(app_role, db), DJANGO_SETTINGS_MODULE="chainchief.settings",
               PYTHONPATH=str(settings.SRC_DIR), CACHE_URL="dummy://", CHAINCHIEF_VAR_DIR=str(tmp_path / "var"))
    if owner:
        env["DATABASE_OWNER_URL"] = _url(db["USER"], db)
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True,
                          text=True, timeout=180)


def test_migrations_grants_and_the_archive_run_as_the_owner(app_role, tmp_path):
    """The commands that need the owner take ``DATABASE_OWNER_URL``, while ``DATABASE_URL`` is the application's:
    migrate (which then grants the application role again), the archive of the change log (refused without the
    owner, before anything is written)."""
    from chainchief.audit.models import AuditEvent

    db = connection.settings_dict
    table = AuditEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f'REVOKE ALL ON {table} FROM "{app_role}"')
    done = _manage(tmp_path, db, app_role, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, %s, 'INSERT'), has_table_privilege(%s, %s, 'DELETE'), "
                    "has_table_privilege(%s, 'core_region', 'DELETE')", [app_role, table] * 2 + [app_role])
        assert cur.fetchone() == (True, False, True)

    old = AuditEvent.objects.create(username="old", action="login")
    with connection.cursor() as cur:  # written 400 days ago (the trigger allows no change: made so by its owner)
        cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_immutable")
        cur.execute(f"UPDATE {table} SET time = %s WHERE id = %s", [timezone.now() - timedelta(days=400), old.pk])
        cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_immutable")
    out = tmp_path / "audit.jsonl.gz"
    done = _manage(tmp_path, db, app_role, "archive_audit", "--output", str(out), owner=False)
    assert done.returncode != 0 and "DATABASE_OWNER_URL" in done.stderr, done.stderr
    assert not out.exists() and AuditEvent.objects.filter(pk=old.pk).exists()
    done = _manage(tmp_path, db, app_role, "archive_audit", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert '"old"' in gzip.open(out, "rt", encoding="utf-8").read()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_a_restore_runs_as_the_owner_and_grants_the_application_role_again(app_role, tmp_path):
    """A restore drops and makes every table again (the owner's work), without the backup's privileges (its roles
    may not exist where it is restored): the application's role is granted again, the change log still closed."""
    import shutil

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    db = connection.settings_dict
    path = tmp_path / "chainchief.backup"
    done = _manage(tmp_path, db, app_role, "backup", "--output", str(path))
    assert done.returncode == 0, done.stderr
    done = _manage(tmp_path, db, app_role, "restore", str(path), "--yes")
    assert done.returncode == 0, done.stderr
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, 'audit_auditevent', 'INSERT'), "
                    "has_table_privilege(%s, 'audit_auditevent', 'DELETE'), "
                    "has_table_privilege(%s, 'core_region', 'DELETE'), "
                    "(SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent' "
                    "AND schemaname = current_schema()) = current_user",
                    [app_role] * 3)
        assert cur.fetchone() == (True, False, True, True)
