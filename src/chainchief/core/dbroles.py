"""Two database roles on PostgreSQL: the owner of the tables, and the application's role.

The role that owns a table may do anything to it — delete the change log, disable its trigger, truncate it — so
the application does not run as the owner. ``DATABASE_URL`` names the application's role; ``DATABASE_OWNER_URL``
(same server and database, another user) names the owner, which the commands that need it switch to
(``use_owner``): ``migrate``, ``grant_app_role``, ``archive_audit``, ``backup`` and ``restore``.

``grant`` gives the application's role what it needs and no more: SELECT, INSERT, UPDATE and DELETE on every table
but the change log, which it may only read and write (and unlink from a deleted account: UPDATE of ``user_id``,
which the table's trigger allows only to NULL); SELECT on ``django_migrations``; the sequences (not the change
log's setval); the same on tables and sequences the owner creates later (ALTER DEFAULT PRIVILEGES); and the owner's
function that refreshes the monthly figures' statistics after a bulk write (ANALYZE needs the owner before
PostgreSQL 17). Run it after every migrate (``migrate`` does when both URLs are set).

Without ``DATABASE_OWNER_URL`` nothing changes: one role does everything (SQLite, the demo, the tests)."""
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Tables the application role reads and writes only partly: {table: privileges}.
APPEND_ONLY = {"audit_auditevent": "SELECT, INSERT, UPDATE (user_id)"}
READ_ONLY = ("django_migrations",)
FULL = "SELECT, INSERT, UPDATE, DELETE"
ANALYZE_FUNCTION = "chainchief_analyze_monthly_stats"


class RoleError(Exception):
    pass


def owner_configured():
    return bool(getattr(settings, "DATABASE_OWNER", None))


def use_owner(using=DEFAULT_DB_ALIAS):
    """Connect ``using`` as the tables' owner from now on in this process (a management command's), when
    ``DATABASE_OWNER_URL`` is set. Only the user and password change: the database stays the connection's own
    (a test database in the tests). Returns whether it switched."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    connection = connections[using]
    if not owner or connection.vendor != "postgresql":
        return False
    if connection.settings_dict.get("USER") != owner["USER"]:
        connection.close()
        connection.settings_dict["USER"] = owner["USER"]
        connection.settings_dict["PASSWORD"] = owner["PASSWORD"]
    return True


def app_role():
    """The application's role when it is not the owner (``DATABASE_URL``'s user), else None."""
    return getattr(settings, "DATABASE_APP_ROLE", None) or None


def grant(role, using=DEFAULT_DB_ALIAS):
    """Give ``role`` the application's privileges on every table and sequence of the connection's schema, from
    the connection's role (the owner). Idempotent; refuses a role that owns a table, is a superuser or may act as
    the owner. Returns the number of tables granted on."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError("数据库角色只在 PostgreSQL 上使用。")
    q = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cur.fetchone()
        if found is None:
            raise RoleError(f"角色 {role} 不存在：先由数据库管理员创建（CREATE ROLE … LOGIN PASSWORD …）。")
        if found[0] or found[1]:
            raise RoleError(f"角色 {role} 是超级用户，不受权限限制：应用须使用普通角色（不能是表的所有者）。")
        cur.execute("SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner), pg_has_role(%s, c.relowner, 'MEMBER') "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') ORDER BY 1",
                    [role])
        objects = cur.fetchall()
        owns = sorted({owner for _, _, owner, may in objects if may})
        if owns:
            raise RoleError(f"角色 {role} 是表的所有者或可以作为所有者（{', '.join(owns)}）行事：应用须使用不拥有表的"
                            "另一个角色。")
        r = q(role)
        cur.execute(f"GRANT USAGE ON SCHEMA {q(_schema(cur))} TO {r}")
        tables = 0
        for name, kind, _owner, _may in objects:
            if kind == "S":
                cur.execute(f"REVOKE ALL ON SEQUENCE {q(name)} FROM {r}")
                cur.execute(f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {q(name)} TO {r}")
                continue
            cur.execute(f"REVOKE ALL ON TABLE {q(name)} FROM {r}")
            privileges = APPEND_ONLY.get(name, "SELECT" if name in READ_ONLY or kind in "vm" else FULL)
            cur.execute(f"GRANT {privileges} ON TABLE {q(name)} TO {r}")
            tables += 1
        for table in APPEND_ONLY:  # its ids come from its sequence; no setval by the application
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cur.fetchone()[0]
            if sequence:
                cur.execute(f"REVOKE UPDATE ON SEQUENCE {sequence} FROM {r}")
        cur.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(_schema(cur))} GRANT {FULL} ON TABLES TO {r}")
        cur.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {q(_schema(cur))} GRANT USAGE, SELECT, UPDATE ON SEQUENCES "
                    f"TO {r}")
        _analyze_function(cur, r)
    return tables


def _schema(cur):
    cur.execute("SELECT current_schema()")
    return cur.fetchone()[0]


def _analyze_function(cur, role):
    """The owner's ANALYZE of the tables the apps register for it (``registry.add_analyzed_table``: the monthly
    figures), for the application after a bulk write (``monitoring.aggregates.analyze_after_bulk_write``)."""
    from chainchief.core.registry import registry

    schema = _schema(cur)
    statements = []
    for table, columns in registry.analyzed_tables.items():
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if cur.fetchone()[0]:
            statements.append(f'ANALYZE "{schema}".{table}' + (f" ({', '.join(columns)})" if columns else "") + ";")
    if not statements:
        return
    body = "\n            ".join(statements)
    cur.execute(f"""
        CREATE OR REPLACE FUNCTION "{schema}".{ANALYZE_FUNCTION}() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            {body}
        END $$""")
    cur.execute(f'REVOKE ALL ON FUNCTION "{schema}".{ANALYZE_FUNCTION}() FROM PUBLIC')
    cur.execute(f'GRANT EXECUTE ON FUNCTION "{schema}".{ANALYZE_FUNCTION}() TO {role}')
