"""Loading the signed-in user once per request, in one query that also reads the cache stamp.

Every request of a signed-in user reads the user's row afresh (so a deactivated account or a changed role,
region or department counts at once); the same query reads the current cache token (``core.stamps``), under
which the user's resolved scope and the cockpit are cached. The query is plain SQL: building it through the
ORM costs more than running it.
"""
import weakref

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connections

from chainchief.core import stamps

_plans = weakref.WeakKeyDictionary()  # connection → {(source, extra): (SQL, converters per column)}


def _user_fields():
    from chainchief.accounts.models import User

    return User._meta.concrete_fields


def _column_converters(connection, fields, alias):
    found = []
    for field in fields:
        col = field.get_col(alias)
        funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        found.append((funcs, col) if funcs else None)
    return found


def _plan(connection, source, extra):
    plans = _plans.setdefault(connection, {})
    key = (source, tuple(e for e, _ in extra))
    if key not in plans:
        q = connection.ops.quote_name
        fields = _user_fields()
        sql = (f"SELECT {', '.join([e for e, _ in extra] + [f'u.{q(f.column)}' for f in fields])}, "
               f"{stamps.token_sql()} FROM {source}")
        converters = (_column_converters(connection, [f for _, f in extra], "t")
                      + _column_converters(connection, fields, "u"))
        plans[key] = sql, [(i, c) for i, c in enumerate(converters) if c is not None]
    return plans[key]


def _cursor(connection):
    """A cursor for the per-request queries. On PostgreSQL one cursor per connection, kept, whose statements are
    prepared (planning costs more than running these lookups), unless DB_PREPARED_STATEMENTS=0 (for a connection
    pooler in transaction mode). It goes through Django's cursor wrapper, so query logging and counting see it."""
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        return connection.cursor(), True
    connection.ensure_connection()
    pg = connection.connection
    raw = _kept.get(pg)
    if raw is None or raw.closed:
        if pg.prepare_threshold is None:
            # Django turns psycopg's prepared statements off. Back on, for the queries that ask (only these):
            # its client-side cursors, which every other query uses, never prepare.
            pg.prepare_threshold = EXPLICIT_ONLY
        with connection.wrap_database_errors:
            raw = _kept[pg] = _PreparedCursor(pg)
    return (connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)), False


_kept = weakref.WeakKeyDictionary()  # psycopg connection → its kept cursor
EXPLICIT_ONLY = 2 ** 31 - 1  # executions before psycopg prepares a statement on its own: never, in practice

try:
    import psycopg

    class _PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)
except ImportError:  # SQLite only
    _PreparedCursor = None


def select_user(source, params, extra=(), using=DEFAULT_DB_ALIAS):
    """``SELECT <extra columns>, <user columns>, <token> FROM <source>`` where ``source`` joins or filters the user
    table under the alias ``u``. Returns ``(user, [extra values])`` with ``user.stamp`` set, or ``(None, None)``.
    ``extra`` is a sequence of (SQL expression, model field) for the values to read along."""
    from chainchief.accounts.models import User

    connection = connections[using]
    sql, converters = _plan(connection, source, extra)
    cur, close = _cursor(connection)
    try:
        cur.execute(sql, params)
        row = cur.fetchone()
    finally:
        if close:
            cur.close()
    if row is None:
        return None, None
    values = list(row[:-1])
    for i, (funcs, col) in converters:
        if values[i] is not None:
            for func in funcs:
                values[i] = func(values[i], col, connection)
    n = len(extra)
    user = User.from_db(using, [f.attname for f in _user_fields()], values[n:])
    user.stamp = row[-1]
    return user, values[:n]


def user_table():
    from chainchief.accounts.models import User

    return User._meta.db_table


def load_user(pk, using=DEFAULT_DB_ALIAS):
    user, _ = select_user(f"{connections[using].ops.quote_name(user_table())} u WHERE u.id = %s", [pk], using=using)
    return user


class UserBackend(ModelBackend):
    """Django's model backend (passwords, permissions), with the user loaded as above for every request."""

    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
