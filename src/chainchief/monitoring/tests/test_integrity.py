"""A monthly statistic always names an existing enterprise. On PostgreSQL this is enforced by statement-level
triggers (migration 0005) in place of a per-row foreign key; these tests hold them to what a foreign key does."""
from datetime import date

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from chainchief.enterprises.models import Enterprise
from chainchief.monitoring.models import MonthlyStat

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")]


def missing_id():
    return (Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_a_statistic_naming_no_enterprise_is_refused(demo_db):
    ent = Enterprise.objects.order_by("pk").first()
    with pytest.raises(IntegrityError, match="不存在的企业"), transaction.atomic():
        MonthlyStat.objects.create(enterprise_id=missing_id(), period=date(2050, 1, 1), revenue=1)
    with pytest.raises(IntegrityError, match="1 个"), transaction.atomic():  # one bad row among good ones
        MonthlyStat.objects.bulk_create([MonthlyStat(enterprise=ent, period=date(2050, m, 1), revenue=m)
                                         for m in range(1, 12)]
                                        + [MonthlyStat(enterprise_id=missing_id(), period=date(2050, 1, 1))])
    stat = MonthlyStat.objects.create(enterprise=ent, period=date(2050, 1, 1), revenue=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyStat.objects.filter(pk=stat.pk).update(enterprise_id=missing_id())
    assert MonthlyStat.objects.filter(period__year=2050).count() == 1


def test_an_enterprise_with_statistics_is_deleted_only_with_them(demo_db):
    ent = MonthlyStat.objects.order_by("pk").first().enterprise
    with pytest.raises(IntegrityError, match="仍有月度统计"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {Enterprise._meta.db_table} WHERE id = %s", [ent.pk])
    count = ent.stats.count()
    assert count > 0
    ent.delete()  # Django's CASCADE removes the statistics first
    assert not Enterprise.objects.filter(pk=ent.pk).exists()
    assert not MonthlyStat.objects.filter(enterprise_id=ent.pk).exists()


def test_an_enterprise_named_by_new_statistics_is_locked_against_deletion(demo_db):
    """As with a foreign key, a concurrent delete of the enterprise waits until the writing transaction ends."""
    ent = Enterprise.objects.filter(stats__isnull=True).order_by("pk").first()
    MonthlyStat.objects.create(enterprise=ent, period=date(2050, 1, 1), revenue=1)  # not yet committed
    db = settings.DATABASES["default"]
    other = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, dbname=connection.settings_dict["NAME"],
                            user=db["USER"] or None, password=db["PASSWORD"] or None)  # rolled back on close
    try:
        other.execute("SET lock_timeout = '300ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute(f"DELETE FROM {Enterprise._meta.db_table} WHERE id = %s", [ent.pk])
    finally:
        other.close()


def test_enterprises_are_deleted_under_read_committed_only(demo_db):
    """Under REPEATABLE READ the check could miss statistics committed meanwhile: such a delete is refused."""
    ent = Enterprise.objects.filter(stats__isnull=True).order_by("pk").first()
    db = settings.DATABASES["default"]
    other = psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, dbname=connection.settings_dict["NAME"],
                            user=db["USER"] or None, password=db["PASSWORD"] or None)  # rolled back on close
    try:
        other.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="READ COMMITTED"):
            other.execute(f"DELETE FROM {Enterprise._meta.db_table} WHERE id = %s", [ent.pk])
    finally:
        other.close()
