"""Caching that is never stale: values are stored under a token that changes with the data they come from.

``core.Stamp`` holds one row with a random token. A database trigger on every table listed in ``WATCHED``
replaces the token in the same transaction as any write to that table — through the ORM, ``bulk_create``,
``QuerySet.update``, cascades, imports with COPY or plain SQL alike — so a reader that sees the new rows also
sees the new token. What is computed from those tables (the signed-in user, a user's resolved scope, the
cockpit's chain rows and its JSON) is cached under a key that contains the token read *before* the
computation, so no one is served a value older than the data they could read themselves.

Because a value stored under a key never changes, it may also be kept in each process's memory (a small LRU)
in front of the Django cache. Only the token has to be shared, and it is, so that a request needs no query:

* Every statement Django runs passes ``_watch``. After a write commits (at once in autocommit, else when the
  transaction commits), the token is read from the database and published in the Django cache, before the
  write returns to its caller: every request that starts after a write through Django has returned sees it.
* A connection with uncommitted writes reads the token from the database (it must see its own writes).
* The published token lives ``CACHE_STAMP_SECONDS`` (default 1 s); then the next request reads the database
  again. Writes outside Django (an SQL console, COPY by another program) therefore count within that time.
* With ``CACHE_STAMP_SECONDS = 0``, or a cache of this process only (locmem), the token is read from the
  database on every request (one small query), and every write counts at once from wherever it comes.

Tokens are random, never counters: after a rollback, a restored backup or a fresh database, no old key can
come back to life.
"""
import functools
import hashlib
import os
import threading
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

# What cached reads are computed from: the users, their scopes (regions, chain roles, lead departments, people's
# logins, users' chains and enterprises, commissioners' assignments) and the cockpit (chains, tiers, pre-aggregated figures, targets, rules).
WATCHED = (
    "accounts.User", "accounts.ApiToken", "core.Region", "core.Person", "chains.ChainTier", "chains.Chain", "chains.ChainRole", "chains.ChainDepartment",
    "accounts.User.chains", "accounts.User.enterprises", "enterprises.CommissionerAssignment",
    "monitoring.ChainFigure", "monitoring.ChainTarget", "monitoring.MonitoringSettings",
    # the insights figures: input–output tables, reference totals and presence, and the chain maps (延链)
    "insights.IOTable", "insights.IOSector", "insights.IOFlow", "insights.ReferenceTotal", "insights.SegmentPresence",
    "maps.Segment", "maps.SegmentPlacement",
)
# Columns whose updates alone change nothing cached: a bearer token's last use is written while it is used, a
# user's last login at every sign-in (which would otherwise clear every cached value each morning).
UNWATCHED_COLUMNS = {"accounts.ApiToken": ("last_used_at",), "accounts.User": ("last_login",)}
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


def _watched_columns(label, connection):
    """The columns of ``label``'s table whose updates change the token; [] for every column. Only columns the
    table has already (a migrate to an earlier state may leave a model's newer columns out)."""
    from django.apps import apps

    skip = UNWATCHED_COLUMNS.get(label)
    if not skip:
        return []
    table = _table(label)
    with connection.cursor() as cur:
        present = {c.name for c in connection.introspection.get_table_description(cur, table)}
    return [f.column for f in apps.get_model(label)._meta.concrete_fields if f.column not in skip and
            f.column in present]


def _update_of(columns, connection):
    """'UPDATE' or 'UPDATE OF <columns>' for a trigger."""
    if not columns:
        return "UPDATE"
    return "UPDATE OF " + ", ".join(connection.ops.quote_name(c) for c in columns)


def token_sql():
    """A scalar subquery for the current token, for queries that read it along with other rows."""
    from chainchief.core.models import Stamp

    return f"(SELECT token FROM {Stamp._meta.db_table} WHERE id = {STAMP_ID})"


def read(using=DEFAULT_DB_ALIAS):
    """The current token in the database, or None when there is none (nothing may then be cached)."""
    return _read(connections[using])


def _read(connection):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {token_sql()}")
        return cur.fetchone()[0]


def shared_key(connection=None):
    """Where the token is shared: one key per database, so that two databases using one cache (a demo server and a
    test run, staging and production) never take each other's token. An in-memory database is one process's."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    d = connection.settings_dict
    name = str(d.get("NAME"))
    known = getattr(connection, "chainchief_stamp_key", None)
    if known is None or known[0] != name:
        ident = f"{connection.vendor}|{d.get('HOST')}|{d.get('PORT')}|{name}"
        if connection.vendor == "sqlite" and ("memory" in name or not name):
            ident += f"|{os.getpid()}"
        known = connection.chainchief_stamp_key = (name, "cc:stamp:" + hashlib.sha1(ident.encode()).hexdigest()[:16])
    return known[1]


_DIRTY = "chainchief_stamp_dirty"  # attribute of a connection that has written since its last commit
_HOOK = "chainchief_stamp_publish"  # attribute of a connection: its commit hook that publishes the token
_publishing = threading.local()


def _shared_seconds():
    seconds = getattr(settings, "CACHE_STAMP_SECONDS", 1)
    return 0 if isinstance(caches["default"], (LocMemCache, DummyCache)) else seconds


def current(using=DEFAULT_DB_ALIAS):
    """The token to read and store cached values under now (see the module's docstring)."""
    connection = connections[using]
    if getattr(connection, _DIRTY, False):
        if connection.in_atomic_block or not connection.get_autocommit():
            return _read(connection)  # this transaction's own token
        setattr(connection, _DIRTY, False)  # its transaction ended (rolled back: nothing to publish)
    seconds = _shared_seconds()
    if seconds <= 0:
        return _read(connection)
    key = shared_key(connection)
    token = cache.get(key)
    if token is None:
        token = _read(connection)
        if token is not None:
            cache.add(key, token, seconds)  # add: never over a token a writer has just published
    return token


def publish(using=DEFAULT_DB_ALIAS):
    """Put the database's token in the shared cache (after a commit). Checked again after writing, so that of two
    writers committing at once, the one publishing last leaves the newest token."""
    _publish(connections[using])


def _publish(connection):
    """As ``publish``, through ``connection`` itself: a private connection (an import's progress writer, the
    database-less connection that creates a test database) reads its own token, never the thread's connection
    of the same alias, which may be in the middle of a statement."""
    setattr(connection, _DIRTY, False)
    seconds = _shared_seconds()
    if seconds <= 0 or getattr(_publishing, "active", False):
        return
    _publishing.active = True
    key = shared_key(connection)
    try:
        for _ in range(3):
            token = _read(connection)
            if token is None:
                break
            if cache.get(key) == token:
                return  # already there (a write to a table nothing cached depends on leaves it): no cache write
            cache.set(key, token, seconds)
            if _read(connection) == token:
                return
        cache.delete(key)  # readers go to the database until the token is settled
    except DatabaseError:  # no stamp table (yet: a migrate is creating the schema; or another database)
        cache.delete(key)
    finally:
        _publishing.active = False


# Statements that write no table; anything else counts as a write (a wrong guess costs two small reads).
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SHOW", "EXPLAIN", "PRAGMA", "BEGIN", "COMMIT", "SET ")


def _watch(execute, sql, params, many, context):
    """Every statement's wrapper (installed on every connection): after a write, publish the token once the
    write has committed."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and sql[:200].lstrip()[:9].upper().startswith(_READS):
        return result
    if getattr(_publishing, "active", False):
        return result
    connection = context["connection"]
    if connection.in_atomic_block:
        setattr(connection, _DIRTY, True)
        _publish_on_commit(connection)
    elif not connection.get_autocommit():
        setattr(connection, _DIRTY, True)  # managed by hand: no commit hook; shared within CACHE_STAMP_SECONDS
    else:
        _publish(connection)
    return result


def _publish_on_commit(connection):
    """Publish once the transaction commits: once per transaction, however many statements it writes. A pending
    publish still in the commit hooks serves: each savepoint it was registered in is either still open (this write
    lies inside it and is rolled back with it) or released; a savepoint rolled back drops it, and the next write
    registers it again."""
    publish_hook = connection.__dict__.get(_HOOK)
    if publish_hook is None:
        publish_hook = connection.__dict__[_HOOK] = functools.partial(_publish, connection)
    if not any(func is publish_hook for _, func, _ in connection.run_on_commit):
        connection.on_commit(publish_hook)


def watch(connection, **kwargs):
    """``connection_created`` receiver: the write watch, outermost, once per connection."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _watch)


def for_request(request):
    """The token for the cached reads of this request. A GET or HEAD writes nothing, so the token found when the
    user was loaded serves; other methods may have written since, so they ask again."""
    user = getattr(request, "auth", None) or request.user
    token = getattr(user, "stamp", None)
    if token is not None and request.method in ("GET", "HEAD"):
        return token
    return current()


# Values by full key, per process. Values are shared between requests: store only immutable ones here.
_local = OrderedDict()
_lock = threading.Lock()
LOCAL_ENTRIES = 2048


def clear_local():
    with _lock:
        _local.clear()


def memo(token, key, compute, *, timeout=300, local=True, shared=True):
    """``compute()``, cached under (token, *key): in this process's memory (when ``local``; the value must then
    be immutable) and in the Django cache (when ``shared``), which several processes share when so configured.
    With no token, nothing is cached."""
    if token is None:
        return compute()
    full = (token, *key)
    if local:
        with _lock:
            if full in _local:
                _local.move_to_end(full)
                return _local[full]
    if shared:
        name = f"cc:{key[0]}:{hashlib.sha1(repr(full).encode()).hexdigest()}"
        value = cache.get(name, _missing)
        if value is _missing:
            value = compute()
            cache.set(name, value, timeout)
    else:
        value = compute()
    if local:
        with _lock:
            _local[full] = value
            while len(_local) > LOCAL_ENTRIES:
                _local.popitem(last=False)
    return value


_missing = object()


def install(using=DEFAULT_DB_ALIAS):
    """Make sure the stamp row and the triggers exist and watch the right columns (run after every migrate;
    idempotent). A trigger that watches other columns than it should (UNWATCHED_COLUMNS changed, or a model gained
    a column) is made again. Tables not created yet are skipped: they get their trigger with the migrate that
    creates them."""
    from chainchief.core.models import Stamp

    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if Stamp._meta.db_table not in existing:
        return
    Stamp.objects.using(using).get_or_create(pk=STAMP_ID, defaults={"token": uuid.uuid4().hex})
    tables = [(_table(label), _watched_columns(label, connection)) for label in WATCHED if _table(label) in existing]
    stamp, q = Stamp._meta.db_table, connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cur:
        # A new token: writes made while the triggers were lifted (during a migrate) count as changes too.
        cur.execute(f"UPDATE {stamp} SET token = %s WHERE id = %s", [uuid.uuid4().hex, STAMP_ID])
        if connection.vendor == "postgresql":
            cur.execute(f"""
                CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE {stamp} SET token = md5(random()::text || clock_timestamp()::text);
                    RETURN NULL;
                END $$""")
            have = _pg_triggers(cur)
            for table, columns in tables:
                if have.get(table) == sorted(columns):
                    continue
                if table in have:
                    cur.execute(f"DROP TRIGGER {TRIGGER} ON {q(table)}")
                # Once per statement, not per row: a bulk write changes the token once.
                cur.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR {_update_of(columns, connection)} OR DELETE "
                            f"OR TRUNCATE ON {q(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()")
        elif connection.vendor == "sqlite":
            for table, columns in tables:
                for op in ("INSERT", _update_of(columns, connection), "DELETE"):
                    name = f"{TRIGGER}_{table}_{op.split()[0].lower()}"
                    sql = (f"CREATE TRIGGER {name} AFTER {op} ON {q(table)} "
                           f"BEGIN UPDATE {stamp} SET token = lower(hex(randomblob(16))); END")
                    cur.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
                    found = cur.fetchone()
                    if found and found[0] == sql:
                        continue
                    if found:
                        cur.execute(f"DROP TRIGGER {name}")
                    cur.execute(sql)
        else:
            raise NotImplementedError(f"cache stamps need triggers for {connection.vendor}")


def lift_column_triggers(using=DEFAULT_DB_ALIAS):
    """Drop the triggers that list columns (UPDATE OF …) before a migrate: PostgreSQL refuses to alter the type of
    a column a trigger names, or to drop it. ``install`` makes them again after the migrate."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return  # SQLite remakes a table to alter it, dropping its triggers with it
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for label in UNWATCHED_COLUMNS:
            if _table(label) in existing:
                cur.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {connection.ops.quote_name(_table(label))}")


def _pg_triggers(cur):
    """{table: sorted names of the columns its stamp trigger's UPDATE is limited to ([] for all)}."""
    cur.execute("SELECT c.relname, ARRAY(SELECT a.attname FROM unnest(t.tgattr) AS n JOIN pg_attribute a "
                "ON a.attrelid = t.tgrelid AND a.attnum = n) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s", [TRIGGER])
    return {table: sorted(columns) for table, columns in cur.fetchall()}


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
