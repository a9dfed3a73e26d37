"""API tokens can be ended: they last hours (API_TOKEN_TTL_HOURS), are refreshed by a new one, die with a password
change, a second factor's enrolment and "log out everywhere" (which also ends every session), and their holder
lists and revokes them, on a page and through the API."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chainchief.testing import JsonClient
from chainchief.web.tests.pages import text

PASSWORD = "Demo#2026"


def _token(username="chief", password=PASSWORD, **extra):
    r = Client().post("/api/v1/auth/token", {"username": username, "password": password, **extra},
                      content_type="application/json", HTTP_USER_AGENT="curl/8")
    assert r.status_code == 200, r.content
    return r.json()


def _alive(raw):
    return JsonClient(raw).get("/api/v1/me").status_code == 200


def test_a_token_lasts_hours_not_days(demo_db, settings):
    body = _token()
    left = parse_datetime(body["expires_at"]) - timezone.now()
    assert timedelta(hours=7, minutes=59) < left <= timedelta(hours=8)  # the default: 8 hours
    settings.API_TOKEN_TTL_HOURS = 2
    left = parse_datetime(_token()["expires_at"]) - timezone.now()
    assert timedelta(hours=1, minutes=59) < left <= timedelta(hours=2)


def test_refresh_gives_a_new_token_and_ends_the_old_one(demo_db):
    from chainchief.accounts.models import ApiToken

    old = _token()["token"]
    r = JsonClient(old).post("/api/v1/auth/token/refresh")
    assert r.status_code == 200, r.content
    new = r.json()
    assert new["token"] != old and new["username"] == "chief" and new["token_type"] == "Bearer"
    assert timedelta(hours=7, minutes=59) < parse_datetime(new["expires_at"]) - timezone.now() <= timedelta(hours=8)
    assert not _alive(old) and _alive(new["token"])
    assert JsonClient(old).post("/api/v1/auth/token/refresh").status_code == 401  # an ended token refreshes nothing
    assert ApiToken.objects.filter(user__username="chief").count() == 1
    # A session is not a token: nothing to refresh.
    session = Client()
    session.force_login(get_user_model().objects.get(username="chief"))
    assert session.post("/api/v1/auth/token/refresh").status_code == 401


def test_a_password_change_ends_every_token_of_the_user(demo_db):
    raw, other = _token()["token"], _token("dept")["token"]
    client = Client()
    assert client.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
    r = client.post("/password/", {"old_password": PASSWORD, "new_password1": "Weifang#88chain",
                                   "new_password2": "Weifang#88chain"})
    assert r.status_code == 302
    assert not _alive(raw)
    assert _alive(other)  # another user's token is not touched
    # A password an administrator sets (the admin's form, manage.py changepassword …) ends them too.
    raw = _token("chief", "Weifang#88chain")["token"]
    user = get_user_model().objects.get(username="chief")
    user.set_password("Another#2026x")
    user.save()
    assert not _alive(raw)


def test_enrolling_a_second_factor_ends_every_token_of_the_user(demo_db, client):
    from chainchief.accounts.tests.test_otp import _enrol

    raw = _token("admin")["token"]
    assert _alive(raw)
    _enrol(client)
    assert not _alive(raw)


def test_log_out_everywhere_ends_every_session_and_token(demo_db):
    from chainchief.audit.models import AuditEvent

    here, there = Client(), Client()
    for c in (here, there):
        assert c.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
        assert c.get("/").status_code == 200
    raw, other = _token()["token"], _token("dept")["token"]
    page = here.get("/account/tokens/")
    assert page.status_code == 200 and 'action="/account/logout-everywhere/"' in text(page)
    r = here.post("/account/logout-everywhere/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert here.get("/").status_code == 302 and there.get("/").status_code == 302  # both sessions ended
    assert not _alive(raw) and _alive(other)
    assert AuditEvent.objects.filter(username="chief", action="logout", object_repr__contains="所有设备").exists()
    # Signing in again works, with a session that lives.
    assert here.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
    assert here.get("/").status_code == 200


def test_log_out_everywhere_through_the_api(demo_db):
    session = Client()
    assert session.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
    raw, second = _token()["token"], _token()["token"]
    r = JsonClient(raw).post("/api/v1/auth/logout-everywhere")
    assert r.status_code == 200 and r.json()["tokens_revoked"] == 2
    assert not _alive(raw) and not _alive(second)
    assert session.get("/").status_code == 302


def test_a_user_lists_and_revokes_its_own_tokens(demo_db):
    from chainchief.accounts.models import ApiToken

    first, second = _token()["token"], _token()["token"]
    theirs = _token("dept")["token"]
    listed = JsonClient(first).get("/api/v1/auth/tokens")
    assert listed.status_code == 200, listed.content
    rows = listed.json()
    assert [row["prefix"] for row in rows] == [second[:8], first[:8]]  # the newest first
    assert [row["current"] for row in rows if row["prefix"] == first[:8]] == [True]
    assert all(set(row) >= {"id", "prefix", "created_at", "expires_at", "last_used_at", "user_agent", "current"}
               for row in rows)
    assert theirs[:8] not in {row["prefix"] for row in rows}  # only its own
    other_id = ApiToken.objects.get(prefix=theirs[:8]).pk
    assert JsonClient(first).delete(f"/api/v1/auth/tokens/{other_id}").status_code == 404
    assert _alive(theirs)
    second_id = next(row["id"] for row in rows if row["prefix"] == second[:8])
    assert JsonClient(first).delete(f"/api/v1/auth/tokens/{second_id}").status_code == 200
    assert not _alive(second) and _alive(first)

    # The page under the account menu: the same list, and a button per token.
    client = Client()
    client.force_login(get_user_model().objects.get(username="chief"))
    home = text(client.get("/"))
    assert 'href="/account/tokens/"' in home
    page = client.get("/account/tokens/")
    assert page.status_code == 200 and first[:8] in text(page) and theirs[:8] not in text(page)
    first_id = ApiToken.objects.get(prefix=first[:8]).pk
    assert client.post("/account/tokens/", {"revoke": str(other_id)}).status_code == 404
    r = client.post("/account/tokens/", {"revoke": str(first_id)})
    assert r.status_code == 302 and not _alive(first) and _alive(theirs)
    assert JsonClient(theirs).get("/api/v1/auth/tokens").json()[0]["prefix"] == theirs[:8]


@pytest.mark.parametrize("path", ["/account/tokens/", "/api/v1/auth/tokens"])
def test_anonymous_sees_no_tokens(demo_db, path):
    r = Client().get(path)
    assert r.status_code in (302, 401)
