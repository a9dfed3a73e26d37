"""Helpers for the API and service tests.

* ``JsonClient``: a Django test client that speaks JSON with a bearer token.
* ``as_user``: a fixture returning ``make(username)`` → a ``JsonClient`` for a demo account; the token is issued
  directly (no password hashing per test), ``make(None)`` is anonymous.
* ``uscc_check_char`` / ``make_uscc``: the GB 32100-2015 check character, computed here from the published
  weights and alphabet, independently of python-stdnum and of ``chainchief.core.uscc``.
* ``DatabaseSnapshot``: the test database's rows kept once after the demo is loaded and put back, in well under a
  second, after a transactional test (a browser or live-server test) has flushed them.
"""
import json
import sqlite3
import uuid

import pytest

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(body17: str) -> str:
    assert len(body17) == 17, body17
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(body17: str) -> str:
    return body17 + uscc_check_char(body17)


def wrong_check_char(code: str) -> str:
    """``code`` with a check character that is certainly wrong."""
    right = code[-1]
    return code[:-1] + ("1" if right != "1" else "2")


class JsonClient:
    def __init__(self, token=None):
        from django.test import Client

        self.client, self.token = Client(), token

    def _call(self, method, path, body=None, headers=None, raw=None, content_type="application/json"):
        extra = {}
        if self.token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        for k, v in (headers or {}).items():
            extra["HTTP_" + k.upper().replace("-", "_")] = v
        kwargs = {}
        if raw is not None:
            kwargs = {"data": raw, "content_type": content_type}
        elif body is not None:
            kwargs = {"data": json.dumps(body), "content_type": content_type}
        return getattr(self.client, method)(path, **kwargs, **extra)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, body=None, **kw):
        return self._call("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self._call("patch", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self._call("put", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self._call("delete", path, body, **kw)


@pytest.fixture
def as_user(demo_db):
    from django.contrib.auth import get_user_model

    from chainchief.accounts.models import ApiToken

    def make(username=None):
        if username is None:
            return JsonClient()
        user = get_user_model().objects.get(username=username)
        return JsonClient(ApiToken.issue(user)[1])

    return make


def items(response):
    """The items of a list response, after checking it is a 200 page."""
    assert response.status_code == 200, response.content
    return response.json()["items"]


def ids(response):
    return {row["id"] for row in items(response)}


class World:
    """The demo objects the scope tests of enterprise data aim at (built from the demo with plain ORM queries):

    * ``power``, ``auto``, ``chem``: 动力装备 (the chief's chain; the department leads it and 汽车制造) and 高端化工,
      which nobody but the region-wide roles reaches;
    * ``own``: the enterprise user's enterprise (a member of 动力装备); ``served``: one of the commissioner's
      enterprises; ``power_member``: another member of 动力装备, neither of those two;
    * ``chem_enterprise`` / ``chem_enterprise2``: members of 高端化工 only, nobody's own;
    * ``other_city``: 济南市 (created), outside the demo's 潍坊市, with two enterprises ``other`` and ``other2``;
    * ``industry`` (市工业和信息化局, the department's own, lead of 动力装备) and ``finance`` (市财政局).
    """

    def __init__(self):
        from chainchief.chains.models import Chain
        from chainchief.core.models import Department, Region, RegionLevel
        from chainchief.enterprises.models import Enterprise, Membership

        self.province = Region.objects.get(name="山东省")
        self.city = Region.objects.get(name="潍坊市")
        self.power, self.auto, self.chem = (Chain.objects.get(name=n) for n in ("动力装备", "汽车制造", "高端化工"))
        self.own = Enterprise.objects.get(scoped_users__username="enterprise")
        served = Enterprise.objects.filter(scoped_users__username="commissioner").order_by("pk")
        self.served = served.first()
        self.power_member = (Enterprise.objects.filter(memberships__chain=self.power)
                             .exclude(pk__in=served.values("pk")).exclude(pk=self.own.pk).order_by("pk").first())
        chem_only = (Enterprise.objects.filter(memberships__chain=self.chem)
                     .exclude(memberships__chain__in=[self.power, self.auto]).exclude(pk__in=served.values("pk"))
                     .exclude(pk=self.own.pk).order_by("pk"))
        self.chem_enterprise, self.chem_enterprise2 = chem_only[:2]
        assert not Membership.objects.filter(enterprise__in=[self.chem_enterprise, self.chem_enterprise2],
                                             chain__in=[self.power, self.auto]).exists()
        self.other_city = Region.objects.create(name="济南市", code="370100", level=RegionLevel.CITY,
                                                parent=self.province)
        self.other, self.other2 = (
            Enterprise.objects.create(uscc=make_uscc(f"91370100MA3JNAN0{i}"), name=f"济南样例企业{i}（样例）",
                                      region=self.other_city, is_sample=True) for i in (1, 2))
        self.industry = Department.objects.get(name="市工业和信息化局")
        self.finance = Department.objects.get(name="市财政局")


@pytest.fixture
def world(demo_db):
    return World()


def browser_login(page, base, username, password="Demo#2026"):
    """Sign a Playwright page in as a demo account through the login form (cookies of an earlier account cleared)."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


class DatabaseSnapshot:
    """Every row of the test database, copied once (``take``) and put back (``restore``).

    A transactional test ends with a flush of every table; loading the demo again costs far more than copying
    its rows back. On SQLite the copy is a second in-memory database filled and read back through SQLite's
    backup API (schema and rows, sequences included). On PostgreSQL it is a schema of its own holding a copy of
    each table; restoring truncates the tables in one statement and copies the rows back with triggers and
    foreign-key checks off (``session_replication_role = replica``, which needs a superuser, as the test
    database's creator is), then moves each sequence past its table's rows. Either way the cache stamp gets a
    new token, so that nothing cached while the flushed data stood is read again.
    """

    SCHEMA = "chainchief_test_snapshot"

    def __init__(self, connection):
        self.connection = connection
        self.tables = []
        self._copy = None

    def take(self):
        conn = self.connection
        conn.ensure_connection()
        if conn.vendor == "sqlite":
            self._copy = sqlite3.connect(":memory:", check_same_thread=False)
            conn.connection.backup(self._copy)
        elif conn.vendor == "postgresql":
            with conn.cursor() as cur:
                self.tables = [t for t in conn.introspection.table_names(cur) if t != "django_migrations"]
                cur.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE; CREATE SCHEMA {self.SCHEMA}")
                for table in self.tables:
                    q = conn.ops.quote_name(table)
                    cur.execute(f"CREATE TABLE {self.SCHEMA}.{q} AS TABLE public.{q}")
        else:
            raise NotImplementedError(conn.vendor)
        return self

    def restore(self):
        from django.apps import apps
        from django.core.cache import caches
        from django.core.management.color import no_style

        from chainchief.core import stamps
        from chainchief.core.models import Stamp

        conn = self.connection
        conn.close_if_unusable_or_obsolete()
        conn.ensure_connection()
        if conn.vendor == "sqlite":
            self._copy.backup(conn.connection)
        else:
            quoted = [conn.ops.quote_name(t) for t in self.tables]
            with conn.cursor() as cur:
                cur.execute("SET session_replication_role = replica")
                try:
                    cur.execute("TRUNCATE " + ", ".join(f"public.{q}" for q in quoted))
                    for q in quoted:
                        cur.execute(f"INSERT INTO public.{q} SELECT * FROM {self.SCHEMA}.{q}")
                finally:
                    cur.execute("SET session_replication_role = DEFAULT")
                for sql in conn.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                    cur.execute(sql)
        with conn.cursor() as cur:
            cur.execute(f"UPDATE {Stamp._meta.db_table} SET token = %s WHERE id = %s",
                        [uuid.uuid4().hex, stamps.STAMP_ID])
        stamps.clear_local()
        for alias in caches:
            caches[alias].clear()
