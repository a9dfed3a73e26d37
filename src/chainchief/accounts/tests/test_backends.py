"""The per-request user query (plain SQL) gives the same user as the ORM, on SQLite and PostgreSQL; on PostgreSQL
it is a prepared statement."""
import pytest
from django.db import connection

from chainchief.accounts import backends
from chainchief.accounts.backends import user_for_token
from chainchief.accounts.models import ApiToken, User


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_loaded_user_is_the_orm_user(demo_db):
    orm = User.objects.get(username="chief")
    User.objects.filter(pk=orm.pk).update(last_login=orm.date_joined)  # a datetime in both datetime columns
    orm.refresh_from_db()
    loaded = backends.load_user(orm.pk)
    assert _fields(loaded) == _fields(orm)
    assert loaded.is_active is True and loaded.last_login.tzinfo is not None
    assert loaded.stamp and not loaded._state.adding
    assert backends.load_user(10 ** 9) is None


def test_a_bearer_token_gives_its_user_until_it_expires(demo_db):
    user = User.objects.get(username="leader")
    row, raw = ApiToken.issue(user)
    assert _fields(user_for_token(raw)) == _fields(user)
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert user_for_token(raw + "x") is None
    ApiToken.objects.filter(pk=row.pk).update(expires_at=row.created_at)
    assert user_for_token(raw) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_user_query_is_prepared_once_per_connection(demo_db, settings):
    settings.DB_PREPARED_STATEMENTS = True
    user = User.objects.get(username="coordinator")
    assert not connection.queries_logged
    for _ in range(3):
        assert backends.load_user(user.pk).username == "coordinator"
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%accounts_user%"])
        assert len(cur.fetchall()) == 1


def test_a_user_row_stays_out_of_the_shared_cache(demo_db, settings):
    from django.core.cache import cache

    from chainchief.core import stamps

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "user-rows"}}
    user = User.objects.get(username="coordinator")
    stamps.clear_local()
    assert backends.cached_user(user.pk, stamps.read()).password == user.password
    stored = b"".join(cache._cache.values())
    assert user.password.encode() not in stored and user.username.encode() not in stored
