"""Caching that is never stale: values are stored under a token that changes with the data they come from.

``core.Stamp`` holds one row with a random token. A database trigger on every table listed in ``WATCHED``
replaces the token in the same transaction as any write to that table — through the ORM, ``bulk_create``,
``QuerySet.update``, cascades, imports with COPY or plain SQL alike — so a reader that sees the new rows also
sees the new token. What is computed from those tables (a user's resolved scope, the cockpit's chain rows
and its JSON) is cached under a key that contains the token read *before* the computation, so no one is ever
served a value older than the data they could read themselves.

Because a value stored under a key never changes, it may also be kept in each process's memory (a small LRU)
in front of the Django cache: only the token has to be shared, and it lives in the database. The token is read
together with the signed-in user (one query per request, ``accounts.backends``) or on its own (``read``).

Tokens are random, never counters: after a rollback, a restored backup or a fresh database, no old key can
come back to life.
"""
import hashlib
import threading
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

# What cached reads are computed from: users' scopes (regions, chain roles, lead departments, people's logins,
# users' chains and enterprises) and the cockpit (chains, tiers, pre-aggregated figures, targets, rules).
WATCHED = (
    "core.Region", "core.Person", "chains.ChainTier", "chains.Chain", "chains.ChainRole", "chains.ChainDepartment",
    "accounts.User.chains", "accounts.User.enterprises",
    "monitoring.ChainFigure", "monitoring.ChainTarget", "monitoring.MonitoringSettings",
)
TRIGGER = "chainchief_stamp"
STAMP_ID = 1


def _table(label):
    from django.apps import apps

    app_label, model_name, *m2m = label.split(".")
    model = apps.get_model(app_label, model_name)
    if m2m:
        model = model._meta.get_field(m2m[0]).remote_field.through
    return model._meta.db_table


def watched_tables():
    return [_table(label) for label in WATCHED]


def token_sql():
    """A scalar subquery for the current token, for queries that read it along with other rows."""
    from chainchief.core.models import Stamp

    return f"(SELECT token FROM {Stamp._meta.db_table} WHERE id = {STAMP_ID})"


def read(using=DEFAULT_DB_ALIAS):
    """The current token, or None when there is none (nothing may then be cached)."""
    with connections[using].cursor() as cur:
        cur.execute(f"SELECT {token_sql()}")
        return cur.fetchone()[0]


def for_request(request):
    """The token for the cached reads of this request. A GET or HEAD writes nothing, so the token read with the
    user at sign-in serves (no query); other methods may have written since, so they read it again."""
    user = getattr(request, "auth", None) or request.user
    token = getattr(user, "stamp", None)
    if token is not None and request.method in ("GET", "HEAD"):
        return token
    return read()


# Values by full key, per process. Values are shared between requests: store only immutable ones here.
_local = OrderedDict()
_lock = threading.Lock()
LOCAL_ENTRIES = 512


def clear_local():
    with _lock:
        _local.clear()


def memo(token, key, compute, *, timeout=300, local=True):
    """``compute()``, cached under (token, *key): in this process's memory (when ``local``; the value must then
    be immutable) and in the Django cache, which several processes share when so configured. With no token,
    nothing is cached."""
    if token is None:
        return compute()
    full = (token, *key)
    if local:
        with _lock:
            if full in _local:
                _local.move_to_end(full)
                return _local[full]
    shared = f"cc:{key[0]}:{hashlib.sha1(repr(full).encode()).hexdigest()}"
    value = cache.get(shared, _missing)
    if value is _missing:
        value = compute()
        cache.set(shared, value, timeout)
    if local:
        with _lock:
            _local[full] = value
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return value


_missing = object()


def install(using=DEFAULT_DB_ALIAS):
    """Make sure the stamp row and the triggers exist (run after every migrate; idempotent). Tables not created
    yet are skipped: they get their trigger with the migrate that creates them."""
    from chainchief.core.models import Stamp

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if Stamp._meta.db_table not in existing:
        return
    Stamp.objects.using(using).get_or_create(pk=STAMP_ID, defaults={"token": uuid.uuid4().hex})
    tables = [t for t in watched_tables() if t in existing]
    stamp, q = Stamp._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"""
                CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE {stamp} SET token = md5(random()::text || clock_timestamp()::text);
                    RETURN NULL;
                END $$""")
            cur.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                        [TRIGGER])
            have = {row[0] for row in cur.fetchall()}
            for table in tables:
                if table not in have:
                    # Once per statement, not per row: a bulk write changes the token once.
                    cur.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {q(table)} "
                                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()")
        elif connection.vendor == "sqlite":
            for table in tables:
                for op in ("INSERT", "UPDATE", "DELETE"):
                    cur.execute(f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{table}_{op.lower()} AFTER {op} ON {q(table)} "
                                f"BEGIN UPDATE {stamp} SET token = lower(hex(randomblob(16))); END")
        else:
            raise NotImplementedError(f"cache stamps need triggers for {connection.vendor}")


def installed_tables(using=DEFAULT_DB_ALIAS):
    """The watched tables that have the trigger (for the checks and tests)."""
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                        [TRIGGER])
            have = {row[0] for row in cur.fetchall()}
        else:
            cur.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s "
                        "GROUP BY tbl_name HAVING COUNT(*) = 3", [f"{TRIGGER}_%"])
            have = {row[0] for row in cur.fetchall()}
    return {t for t in watched_tables() if t in have}
