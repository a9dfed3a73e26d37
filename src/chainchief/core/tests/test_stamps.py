"""The cache stamp: every write to a watched table changes the token in the same transaction, whatever the
path (ORM, bulk, QuerySet.update, plain SQL, cascades); cached values are recomputed after a change."""
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from chainchief.core import stamps


@pytest.fixture
def token(demo_db):
    return stamps.read


def test_every_watched_table_has_its_trigger(demo_db):
    assert stamps.installed_tables() == set(stamps.watched_tables())
    assert len(stamps.watched_tables()) == len(stamps.WATCHED)


def _some_row(table):
    """The id of a row of ``table``, creating one where the demo has none."""
    from chainchief.accounts.models import ApiToken, User
    from chainchief.chains.models import Chain
    from chainchief.core.models import Region
    from chainchief.monitoring.models import ChainTarget, MonitoringSettings

    with connection.cursor() as cur:
        cur.execute(f"SELECT MIN(id) FROM {connection.ops.quote_name(table)}")
        pk = cur.fetchone()[0]
    if pk is not None:
        return pk
    if table == ChainTarget._meta.db_table:
        return ChainTarget.objects.create(chain=Chain.objects.first(), year=2030, revenue=Decimal("1")).pk
    if table == MonitoringSettings._meta.db_table:
        return MonitoringSettings.objects.create(region=Region.objects.first()).pk
    if table == ApiToken._meta.db_table:
        return ApiToken.issue(User.objects.first())[0].pk
    raise AssertionError(f"no row in {table}")


@pytest.mark.parametrize("table", [pytest.param(label, id=label) for label in stamps.WATCHED])
def test_plain_sql_update_changes_the_token(token, table):
    table = stamps._table(table)
    pk = _some_row(table)
    before = token()
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {connection.ops.quote_name(table)} SET id = id WHERE id = %s", [pk])
    assert token() != before, table


def test_orm_paths_change_the_token(token):
    from chainchief.accounts.models import User
    from chainchief.chains.models import Chain
    from chainchief.monitoring.models import ChainFigure

    chief = User.objects.get(username="chief")
    chain = Chain.objects.exclude(pk__in=chief.chains.all()).first()
    seen = [token()]

    def changed():
        now = token()
        assert now not in seen
        seen.append(now)

    Chain.objects.filter(pk=chain.pk).update(name=chain.name + "甲")  # QuerySet.update, no signals
    changed()
    chief.chains.add(chain)  # many-to-many
    changed()
    User.chains.through.objects.filter(user=chief, chain=chain).delete()  # the through table itself
    changed()
    figure = ChainFigure.objects.first()
    figure.pk = None
    ChainFigure.objects.filter(chain=figure.chain, period=figure.period).delete()
    changed()
    ChainFigure.objects.bulk_create([figure])
    changed()
    chain.save()
    changed()


def test_unwatched_writes_keep_the_token(token):
    from chainchief.accounts.models import ApiToken, User
    from chainchief.enterprises.models import Enterprise

    row, _ = ApiToken.issue(User.objects.get(username="coordinator"))
    before = token()
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=row.created_at)  # a token's use is not watched
    Enterprise.objects.filter(pk=Enterprise.objects.first().pk).update(address="某路 1 号")
    assert token() == before
    ApiToken.objects.filter(pk=row.pk).update(expires_at=row.created_at)  # its expiry is
    assert token() != before


def test_a_rolled_back_write_leaves_the_token(token):
    from django.db.models import F

    from chainchief.chains.models import Chain

    before = token()
    with pytest.raises(RuntimeError), transaction.atomic():
        Chain.objects.update(order=F("order") + 1)
        assert token() != before  # the writer sees its own new token at once
        raise RuntimeError
    assert token() == before


def test_memo_recomputes_after_a_write_and_only_then(token):
    from chainchief.chains.models import Chain

    calls = []

    def compute():
        calls.append(1)
        return Chain.objects.order_by("pk").values_list("name", flat=True).first()

    first = stamps.memo(token(), ("test", "first-chain"), compute)
    assert stamps.memo(token(), ("test", "first-chain"), compute) == first and len(calls) == 1
    Chain.objects.filter(pk=Chain.objects.order_by("pk").first().pk).update(name="改名链")
    assert stamps.memo(token(), ("test", "first-chain"), compute) == "改名链" and len(calls) == 2


def test_memo_without_a_token_caches_nothing(demo_db):
    calls = []
    for _ in range(2):
        stamps.memo(None, ("test", "none"), lambda: calls.append(1))
    assert len(calls) == 2


def test_a_missing_stamp_row_is_restored_by_install(token):
    from chainchief.core.models import Stamp

    Stamp.objects.all().delete()
    assert token() is None
    stamps.install()
    assert token()


def test_a_cache_of_one_process_never_shares_the_token(demo_db, settings):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.set(stamps.shared_key(), "stale")
    assert stamps.current() == stamps.read() != "stale"


def test_each_database_shares_its_token_under_its_own_key(demo_db):
    from django.db import connections

    here = stamps.shared_key()
    other = connections.create_connection("default")
    other.settings_dict = {**other.settings_dict, "NAME": "another"}
    assert stamps.shared_key(other) != here


def test_reads_publish_nothing_and_writes_publish_once_committed(transactional_db, settings, tmp_path):
    from django.core.cache import cache

    from chainchief.chains.models import ChainTier
    from chainchief.core.models import Region

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path)}}
    stamps.install()
    cache.set(stamps.shared_key(), "published")
    list(Region.objects.all())
    assert stamps.current() == "published"  # nothing written: the shared token serves
    region = Region.objects.create(name="甲", code="999999", level="city")  # autocommit: published at once
    assert cache.get(stamps.shared_key()) == stamps.read() != "published"
    with transaction.atomic():
        ChainTier.objects.create(name="乙", region=region, target_scale=1, target_year=2030)
        assert stamps.current() == stamps.read() != cache.get(stamps.shared_key())  # its own, not yet shared
    assert cache.get(stamps.shared_key()) == stamps.read() == stamps.current()  # committed: shared


def test_a_transaction_publishes_once_and_a_rolled_back_savepoint_loses_nothing(transactional_db, settings,
                                                                                 tmp_path):
    from django.core.cache import cache

    from chainchief.core.models import Region

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path)}}
    stamps.install()
    cache.set(stamps.shared_key(), "published")

    def hooks():
        return sum(1 for _, func, _ in connection.run_on_commit if getattr(func, "func", None) is stamps._publish)

    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Region.objects.create(name="甲", code="999991", level="city")
            assert hooks() == 1
            raise RuntimeError  # the savepoint's publish goes with it
        assert hooks() == 0
        for i in range(3):
            with transaction.atomic():  # savepoints released into the transaction
                Region.objects.create(name=f"乙{i}", code=f"99999{i + 2}", level="city")
        assert hooks() == 1
    assert cache.get(stamps.shared_key()) == stamps.read() != "published"


def test_signing_in_leaves_cached_values_alone(token, client):
    """Every sign-in writes the user's last login: that alone must not clear what is cached."""
    from chainchief.accounts.models import User

    before = token()
    assert client.login(username="chief", password="Demo#2026")
    assert User.objects.get(username="chief").last_login is not None
    assert token() == before
    User.objects.filter(username="chief").update(first_name="改")
    assert token() != before


def test_install_remakes_a_trigger_that_watches_other_columns(token):
    """An older trigger on the users' table that fires on every update is replaced by one that skips last_login."""
    from chainchief.accounts.models import User
    from chainchief.core.models import Stamp

    users, stamp = User._meta.db_table, Stamp._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"DROP TRIGGER {stamps.TRIGGER} ON {users}")
            cur.execute(f"CREATE TRIGGER {stamps.TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {users} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {stamps.TRIGGER}()")
        else:
            name = f"{stamps.TRIGGER}_{users}_update"
            cur.execute(f"DROP TRIGGER {name}")
            cur.execute(f"CREATE TRIGGER {name} AFTER UPDATE ON {users} "
                        f"BEGIN UPDATE {stamp} SET token = lower(hex(randomblob(16))); END")
    before = token()
    User.objects.filter(username="chief").update(last_login=timezone.now())
    assert token() != before  # the old trigger
    stamps.install()
    before = token()
    User.objects.filter(username="chief").update(last_login=timezone.now())
    assert token() == before
    User.objects.filter(username="chief").update(is_active=True)
    assert token() != before
    assert stamps.installed_tables() == set(stamps.watched_tables())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ties a trigger's UPDATE OF to the columns")
def test_a_migration_may_alter_a_column_a_stamp_trigger_names(token):
    """Before a migrate the triggers that list columns are lifted (PostgreSQL would refuse to alter those columns);
    after it they are made again, and the token changes (writes made meanwhile count)."""
    from django.db import DatabaseError

    from chainchief.accounts.models import User

    users = User._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"ALTER TABLE {users} ALTER COLUMN first_name TYPE varchar(200)")
    stamps.lift_column_triggers()
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE {users} ALTER COLUMN first_name TYPE varchar(200)")
    before = token()
    stamps.install()
    assert token() != before
    assert stamps.installed_tables() == set(stamps.watched_tables())
    before = token()
    User.objects.filter(username="chief").update(last_login=timezone.now())
    assert token() == before
