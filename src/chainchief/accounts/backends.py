"""Loading the signed-in user once per request, in one query that also reads the cache stamp.

Every request of a signed-in user reads the user's row afresh (so a deactivated account or a changed role,
region or department counts at once); the same query reads the current cache token (``core.stamps``), under
which the user's resolved scope and the cockpit are cached. The query is plain SQL: building it through the
ORM costs more than running it.
"""
import weakref

from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS, connections

from chainchief.core import stamps

_converters = weakref.WeakKeyDictionary()  # connection → converters per column, as the ORM applies them


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


def select_user(source, params, extra=(), using=DEFAULT_DB_ALIAS):
    """``SELECT <extra columns>, <user columns>, <token> FROM <source>`` where ``source`` joins or filters the user
    table under the alias ``u``. Returns ``(user, [extra values])`` with ``user.stamp`` set, or ``(None, None)``.
    ``extra`` is a sequence of (SQL expression, model field) for the values to read along."""
    from chainchief.accounts.models import User

    connection = connections[using]
    q = connection.ops.quote_name
    fields = _user_fields()
    sql = (f"SELECT {', '.join([e for e, _ in extra] + [f'u.{q(f.column)}' for f in fields])}, {stamps.token_sql()} "
           f"FROM {source}")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        return None, None
    key = (source, tuple(e for e, _ in extra))
    per_connection = _converters.setdefault(connection, {})
    if key not in per_connection:
        per_connection[key] = _column_converters(connection, [f for _, f in extra], "t") + \
            _column_converters(connection, fields, "u")
    values = list(row[:-1])
    for i, conv in enumerate(per_connection[key]):
        if conv is not None and values[i] is not None:
            funcs, col = conv
            for func in funcs:
                values[i] = func(values[i], col, connection)
    n = len(extra)
    user = User.from_db(using, [f.attname for f in fields], values[n:])
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
