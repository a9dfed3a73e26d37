"""Loading the signed-in user: its row is cached under the stamp (``core.stamps``), which changes with every write
to the user table, so a deactivated account or a changed role, region or department counts at once.

A bearer token's row is cached the same way (``user_for_token``): deleting it, changing its expiry or its
user changes the stamp; its expiry is checked on every request. The query that loads a user is plain SQL:
building it through the ORM costs more than running it.
"""
import weakref
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from chainchief.accounts.models import ApiToken, User
from chainchief.core import stamps

_plans = weakref.WeakKeyDictionary()  # connection → (SQL, converters of the columns that have any)


def _user_fields():
    return User._meta.concrete_fields


def _plan(connection):
    plan = _plans.get(connection)
    if plan is None:
        q = connection.ops.quote_name
        fields = _user_fields()
        sql = (f"SELECT {', '.join(f'u.{q(f.column)}' for f in fields)}, {stamps.token_sql()} "
               f"FROM {q(User._meta.db_table)} u WHERE u.id = %s")
        converters = []
        for i, field in enumerate(fields):
            col = field.get_col("u")
            funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if funcs:
                converters.append((i, funcs, col))
        plan = _plans[connection] = sql, converters
    return plan


def _cursor(connection):
    """A cursor for the per-request queries. On PostgreSQL one cursor per connection, kept, whose statements are
    prepared (planning costs more than running these lookups), unless DB_PREPARED_STATEMENTS=0 (for a connection
    pooler in transaction mode). It goes through Django's cursor wrapper and its execute wrappers."""
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS or connection.queries_logged:
        return connection.cursor(), True  # (logged queries show their SQL: a prepared one's is not known)
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
    return connection.make_cursor(raw), False


_kept = weakref.WeakKeyDictionary()  # psycopg connection → its kept cursor
EXPLICIT_ONLY = 2 ** 31 - 1  # executions before psycopg prepares a statement on its own: never, in practice

try:
    import psycopg

    class _PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)
except ImportError:  # SQLite only
    _PreparedCursor = None


def load_user(pk, using=DEFAULT_DB_ALIAS):
    """The user's row from the database, with ``stamp`` the token read in the same query; or None."""
    connection = connections[using]
    sql, converters = _plan(connection)
    cur, close = _cursor(connection)
    try:
        cur.execute(sql, [pk])
        row = cur.fetchone()
    finally:
        if close:
            cur.close()
    if row is None:
        return None
    values = list(row[:-1])
    for i, funcs, col in converters:
        if values[i] is not None:
            for func in funcs:
                values[i] = func(values[i], col, connection)
    user = User.from_db(using, [f.attname for f in _user_fields()], values)
    user.stamp = row[-1]
    return user


def _row(pk):
    user = load_user(pk)
    return None if user is None else tuple(getattr(user, f.attname) for f in _user_fields())


def cached_user(pk, token):
    """The user ``pk`` (a new instance, ``stamp`` set to ``token``), its row cached under ``token``; or None."""
    # In this process's memory only: a user's row (its password hash) is not copied into a shared cache.
    row = stamps.memo(token, ("user", pk), lambda: _row(pk), shared=False)
    if row is None:
        return None
    user = User.from_db(DEFAULT_DB_ALIAS, [f.attname for f in _user_fields()], row)
    user.stamp = token
    return user


class UserBackend(ModelBackend):
    """Django's model backend (passwords, permissions), with the signed-in user's row cached under the stamp
    (core.stamps): any write to the user table changes the stamp, so a deactivated account, a new role, region,
    department or password counts from the next request on, and an unchanged user costs no query."""

    def get_user(self, user_id):
        user = cached_user(user_id, stamps.current())
        return user if user is not None and self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout (``AXES_FAILURE_LIMIT`` failures lock the username for ``AXES_COOLOFF_TIME``) for
    every login that comes with its request: the login page and the API's token endpoint. Placed before
    ``UserBackend``, it refuses a locked username before its password is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None  # no request, nothing to count against: e.g. a management command checking a password
        return super().authenticate(request, username=username, password=password, **kwargs)


def user_for_token(raw: str):
    """The active user of an unexpired API token, or None. The token's row and its user's are cached under the
    stamp (core.stamps), which a deleted token, a changed expiry or user, or a changed user row changes at once."""
    digest = ApiToken.hash(raw)
    token = stamps.current()
    found = stamps.memo(token, ("apitoken", digest), lambda: ApiToken.objects.filter(digest=digest).values_list(
        "pk", "user_id", "expires_at", "last_used_at").first())
    now = timezone.now()
    if found is None or found[2] <= now:
        return None
    pk, user_id, _expires, last_used_at = found
    user = cached_user(user_id, token)
    if user is None or not user.is_active:
        return None
    _touch(pk, digest, last_used_at, now)
    return user


_last_used = {}  # token digest → when this process last wrote its last_used_at


def _touch(pk, digest, stored, now):
    """Record a token's use: at most one write per token and process in 5 minutes."""
    last = _last_used.get(digest) or stored
    if last is None or now - last > timedelta(minutes=5):
        _last_used[digest] = now
        ApiToken.objects.filter(pk=pk).update(last_used_at=now)
