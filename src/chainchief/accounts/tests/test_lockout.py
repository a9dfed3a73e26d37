"""Nobody can lock every account: wrong passwords lock a username only from the address they came from
(LOGIN_FAILURE_LIMIT, 5); an address that fails with many usernames is throttled (LOGIN_ADDRESS_USERNAME_LIMIT,
10); the username itself is locked wherever it comes from only after a larger count from several addresses
(LOGIN_USERNAME_FAILURE_LIMIT, 20: the lockout of GB/T 22239-2019). Failures while locked are not counted, so that
one address cannot push a username to its own lockout."""
from datetime import datetime, timedelta, timezone as dt_timezone

import time_machine
from django.test import Client

from chainchief.web.tests.pages import text

PASSWORD = "Demo#2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)


def _page(address, username, password):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _token(address, username, password):
    return Client().post("/api/v1/auth/token", {"username": username, "password": password},
                         content_type="application/json", REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_username_only_from_their_address(demo_db):
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            assert _page("10.0.0.1", "chief", "wrong").status_code == 200
        r = _page("10.0.0.1", "chief", "wrong")
        assert r.status_code == 429 and "已锁定 15 分钟" in text(r) and "此地址" in text(r)
        for _ in range(10):  # tries while locked change nothing and are not counted
            assert _page("10.0.0.1", "chief", "wrong").status_code == 429
        assert _page("10.0.0.1", "chief", PASSWORD).status_code == 429
        assert _token("10.0.0.1", "chief", PASSWORD).status_code == 429
        # The owner, from its own office, is not locked out by someone else's typing.
        assert _page("10.0.0.2", "chief", PASSWORD).status_code == 302
        assert _token("10.0.0.2", "chief", PASSWORD).status_code == 200
        assert _page("10.0.0.1", "dept", PASSWORD).status_code == 302  # nor are other accounts at that address
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        assert _page("10.0.0.1", "chief", PASSWORD).status_code == 302


def test_an_address_that_tries_many_usernames_is_throttled(demo_db):
    names = ["chief", "dept", "leader", "commissioner", "enterprise", "province", "qingdao", "nobody1", "nobody2"]
    with time_machine.travel(START, tick=False):
        for name in names:  # nine usernames, one wrong password each: nothing is locked yet
            assert _page("10.0.0.9", name, "wrong").status_code == 200, name
        r = _page("10.0.0.9", "nobody3", "wrong")  # the tenth username
        assert r.status_code == 429 and "此地址" in text(r)
        # Now nothing is tried from that address, not even a right password …
        assert _page("10.0.0.9", "coordinator", PASSWORD).status_code == 429
        r = _token("10.0.0.9", "coordinator", PASSWORD)
        assert r.status_code == 429 and "地址" in r.json()["detail"]
        # … while every account still opens from elsewhere.
        for name in ("chief", "dept", "coordinator"):
            assert _page("10.0.0.10", name, PASSWORD).status_code == 302, name
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        assert _page("10.0.0.9", "coordinator", PASSWORD).status_code == 302


def test_the_username_is_locked_everywhere_after_twenty_failures_from_several_addresses(demo_db):
    with time_machine.travel(START, tick=False):
        for address in ("10.1.0.1", "10.1.0.2", "10.1.0.3"):
            for _ in range(5):
                _page(address, "chief", "wrong")
        for _ in range(4):
            _page("10.1.0.4", "chief", "wrong")
        # 19 failures: still open from another address (a token does not reset the count).
        assert _token("10.1.0.9", "chief", PASSWORD).status_code == 200
        r = _page("10.1.0.4", "chief", "wrong")  # the twentieth
        assert r.status_code == 429
        r = _page("10.1.0.9", "chief", PASSWORD)
        assert r.status_code == 429 and "已锁定 15 分钟" in text(r) and "此地址" not in text(r)
        r = _token("10.1.0.9", "chief", PASSWORD)
        assert r.status_code == 429 and "20" in r.json()["detail"]
        assert _page("10.1.0.9", "dept", PASSWORD).status_code == 302  # other accounts are untouched
    with time_machine.travel(START + timedelta(minutes=16), tick=False):
        assert _page("10.1.0.9", "chief", PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_read_from_x_forwarded_for(demo_db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            Client().post("/login/", {"username": "chief", "password": "wrong"}, REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR="203.0.113.5")
        r = Client().post("/login/", {"username": "chief", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert r.status_code == 429
        # The same proxy, another client: not locked. A forged first entry does not change who the client is.
        r = Client().post("/login/", {"username": "chief", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1",
                          HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7")
        assert r.status_code == 302
        # A token keeps the client's address too (its holder's list shows it).
        from chainchief.accounts.models import ApiToken

        r = Client().post("/api/v1/auth/token", {"username": "dept", "password": PASSWORD},
                          content_type="application/json", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert ApiToken.objects.get(prefix=r.json()["token"][:8]).address == "198.51.100.8"
