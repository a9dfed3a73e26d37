"""Scopes and cockpit answers are cached, and never stale: a deactivated account, a changed role or region, a
narrowed scope or changed figures count from the very next request, whether the client signs in with a
session or a bearer token, and even when the change bypasses the ORM's signals (QuerySet.update, deleting
through-table rows). Every test warms the caches first, so the request after the change would be answered from
them if they were stale."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chainchief.accounts.models import ApiToken, User
from chainchief.chains.models import Chain, ChainDepartment, ChainRole
from chainchief.core.models import Region
from chainchief.monitoring.models import ChainFigure

COCKPIT = "/api/v1/monitoring/chains?period=2021-06"


def client_for(how, username):
    user = User.objects.get(username=username)
    if how == "session":
        client = Client()
        client.force_login(user)
        return client
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)[1]}"})


def warm(client, url=COCKPIT):
    first = client.get(url)
    assert first.status_code == 200, first.content
    again = client.get(url)
    assert again.content == first.content
    return first.json()


HOW = pytest.mark.parametrize("how", ["session", "token"])


@pytest.fixture
def shared_cache(settings, tmp_path):
    """The default deployment: a file cache every process of the machine shares, sessions cached in it."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@HOW
def test_the_cockpit_answers_from_the_cache(demo_db, shared_cache, how):
    client = client_for(how, "coordinator")
    warm(client)
    with CaptureQueriesContext(connection) as queries:
        r = client.get(COCKPIT)
    assert r.status_code == 200
    # This test's transaction has written (the login), so the stamp is read from the database; a bearer token is
    # looked up with its user and the stamp. Nothing else: no session, no scope, no chains, no figures.
    assert len(queries) == 1 and "core_stamp" in queries[0]["sql"], [q["sql"] for q in queries]


@pytest.fixture
def committed_demo(transactional_db):
    """The demo data set, committed: writes below commit for real and publish the stamp as in production."""
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()


@pytest.mark.parametrize("stamp_seconds", [1, 0])
def test_committed_changes_reach_every_cached_reader(committed_demo, shared_cache, settings, stamp_seconds):
    from django.core.cache import cache
    from django.db import transaction

    from chainchief.core import stamps

    settings.CACHE_STAMP_SECONDS = stamp_seconds
    coordinator, leader = client_for("session", "coordinator"), client_for("session", "leader")
    bearer = client_for("token", "coordinator")
    for client in (coordinator, leader, bearer):
        warm(client)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(COCKPIT).status_code == 200
        # Nothing written since: the stamp comes from the shared cache; the user (and the bearer token), the
        # scope and the answer from memory.
        assert len(queries) == (0 if stamp_seconds else 1), [q["sql"] for q in queries]

    ApiToken.objects.filter(user__username="coordinator").delete()  # revoked
    assert bearer.get(COCKPIT).status_code == 401
    User.objects.filter(username="coordinator").update(is_active=False)  # autocommit, no signal
    assert coordinator.get(COCKPIT).status_code == 401
    with transaction.atomic():
        User.objects.filter(username="leader").update(role="enterprise")
        ChainFigure.objects.update(revenue=1)
    assert leader.get(COCKPIT).status_code == 403

    # A write that does not pass through Django (another program): counts once the published stamp expires.
    User.objects.filter(username="leader").update(role="leader")
    before = leader.get(COCKPIT).json()
    assert before["items"][0]["ytd_revenue"] == "1.00"
    raw = connection.connection.cursor()
    raw.execute(f"UPDATE {ChainFigure._meta.db_table} SET revenue = 2")
    if connection.vendor == "sqlite":
        connection.connection.commit()
    raw.close()
    cache.delete(stamps.shared_key())  # as after CACHE_STAMP_SECONDS
    assert leader.get(COCKPIT).json()["items"][0]["ytd_revenue"] == "2.00"


@HOW
def test_a_deactivated_user_is_refused_at_once(demo_db, how):
    client = client_for(how, "coordinator")
    warm(client)
    warm(client, "/api/v1/me")
    User.objects.filter(username="coordinator").update(is_active=False)  # no signal, no save()
    assert client.get(COCKPIT).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_deactivated_user_loses_the_pages_at_once(demo_db):
    client = client_for("session", "coordinator")
    assert client.get("/monitoring/?period=2021-06").status_code == 200
    User.objects.filter(username="coordinator").update(is_active=False)
    r = client.get("/monitoring/?period=2021-06")
    assert r.status_code == 302 and "login" in r["Location"]


@HOW
def test_a_role_change_counts_at_once(demo_db, how):
    client = client_for(how, "coordinator")
    warm(client)
    User.objects.filter(username="coordinator").update(role="enterprise")
    assert client.get(COCKPIT).status_code == 403  # chain totals are not for enterprise users


@HOW
def test_a_narrower_region_counts_at_once(demo_db, how):
    client = client_for(how, "coordinator")
    before = warm(client)
    assert before["count"] == 15 and before["city"]["revenue"]
    district = Region.objects.filter(level="district").order_by("pk").first()
    User.objects.filter(username="coordinator").update(region=district)
    after = client.get(COCKPIT).json()
    assert after["count"] == 0  # the chains are the city's, above the district
    assert after["city"]["revenue"] != before["city"]["revenue"]
    assert client.get("/api/v1/me").json()["region_id"] == district.pk


@HOW
def test_a_region_moved_out_of_the_tree_leaves_the_scope_at_once(demo_db, how):
    client = client_for(how, "coordinator")
    district = Region.objects.filter(level="district").order_by("pk").first()
    visible = lambda: {e["id"] for e in client.get("/api/v1/enterprises?limit=1000").json()["items"]}  # noqa: E731
    warm(client, "/api/v1/enterprises?limit=1000")
    before = visible()
    inside = set(district.enterprises.values_list("pk", flat=True)) & before
    assert inside
    province = Region.objects.get(code="370000")
    Region.objects.filter(pk=district.pk).update(parent=province)  # now beside the city, not below it
    assert not visible() & inside


@HOW
def test_chains_taken_from_a_chief_count_at_once(demo_db, how):
    chief = User.objects.get(username="chief")
    power = chief.chains.get()
    client = client_for(how, "chief")
    assert warm(client, "/api/v1/me")["chain_ids"] == [power.pk]
    own = client.get(f"/api/v1/enterprises?chain={power.pk}&limit=1").json()["count"]
    assert own > 0
    assert patch(client, power, "链长修改").status_code == 200
    # Both ways a chief holds a chain, removed without signals: the user's chains and the person's chain role.
    User.chains.through.objects.filter(user=chief).delete()
    ChainRole.objects.filter(person__user=chief).delete()
    assert client.get("/api/v1/me").json()["chain_ids"] == []
    assert client.get(f"/api/v1/enterprises?chain={power.pk}&limit=1").json()["count"] == 0
    assert patch(client, power, "不再是链长").status_code == 403


def patch(client, chain, description):
    chain.refresh_from_db()
    return client.patch(f"/api/v1/chains/{chain.pk}", json.dumps({"description": description, "version": chain.version}),
                        content_type="application/json")


@HOW
def test_a_lead_department_handed_over_counts_at_once(demo_db, how):
    dept = User.objects.get(username="dept")
    client = client_for(how, "dept")
    led = set(warm(client, "/api/v1/me")["chain_ids"])
    assert led
    ChainDepartment.objects.filter(department=dept.department, is_lead=True).update(is_lead=False)
    assert client.get("/api/v1/me").json()["chain_ids"] == []


@HOW
def test_changed_figures_reach_the_cockpit_at_once(demo_db, how):
    client = client_for(how, "leader")
    before = {row["chain_id"]: row for row in warm(client)["items"]}
    chain_id = next(iter(before))
    ChainFigure.objects.filter(chain_id=chain_id, period="2021-06-01").update(revenue=123456)  # no refresh()
    after = {row["chain_id"]: row for row in client.get(COCKPIT).json()["items"]}
    assert after[chain_id]["ytd_revenue"] == "123456.00" != before[chain_id]["ytd_revenue"]


@HOW
def test_a_renamed_or_retired_chain_reaches_the_cockpit_at_once(demo_db, how):
    client = client_for(how, "leader")
    items = warm(client)["items"]
    renamed, retired = items[0]["chain_id"], items[1]["chain_id"]
    Chain.objects.filter(pk=renamed).update(name="新名称产业链")
    Chain.objects.filter(pk=retired).update(is_active=False)
    after = {row["chain_id"]: row for row in client.get(COCKPIT).json()["items"]}
    assert after[renamed]["name"] == "新名称产业链" and retired not in after


def test_readers_of_different_views_do_not_share_answers(demo_db):
    city = client_for("token", "leader")
    warm(city)
    district = Region.objects.filter(level="district").order_by("pk").first()
    other = User.objects.create(username="district_leader", role="leader", region=district)
    client = Client()
    client.force_login(other)
    assert client.get(COCKPIT).json()["count"] == 0


def test_each_language_has_its_own_answer(demo_db):
    client = client_for("session", "leader")
    zh = warm(client)
    en = client.get(COCKPIT, headers={"Accept-Language": "en"}).json()
    labels = {row["status_label"] for row in zh["items"]}, {row["status_label"] for row in en["items"]}
    assert "绿灯" in labels[0] and "Green" in labels[1] and not labels[0] & labels[1]
    assert client.get(COCKPIT).json() == zh


def test_a_logout_ends_the_cached_session(demo_db):
    client = Client()
    assert client.login(username="coordinator", password="Demo#2026")
    cookie = client.cookies["sessionid"].value
    warm(client)
    client.post("/logout/")
    stolen = Client()
    stolen.cookies["sessionid"] = cookie
    assert stolen.get(COCKPIT).status_code == 401
