"""The optional second factor of administrators (django-otp, TOTP): an administrator enrols a device from a page
(the otpauth URI and the key), after which the login asks for the six-digit code, on the page and at the API's
token endpoint; OTP_REQUIRED_FOR_SUPERUSERS makes a superuser enrol before anything else. The codes are real:
computed from the device's key with django_otp.oath.totp, as an authenticator app computes them."""
import re
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django_otp.oath import totp

from chainchief.web.tests.pages import text  # noqa: F401

PASSWORD = "Demo#2026"
START = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)


def code(device, at):
    """The device's six-digit code at ``at`` (what the authenticator app shows)."""
    with time_machine.travel(at, tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _log_in(client, username):
    r = client.post("/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302, text(r)
    return r


def _enrol(client, at=START):
    """The admin enrols a device through the page; returns it (confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with time_machine.travel(at, tick=False):
        _log_in(client, "admin")
        page = client.get("/otp/")
        assert page.status_code == 200
        device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
        secret = re.search(r'id="otp-secret"[^>]*>([A-Z2-7]+)<', text(page)).group(1)
        assert f"secret={secret}" in text(page) and "otpauth://totp/" in text(page)
        r = client.post("/otp/", {"code": code(device, at)})
        assert r.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def admin_device(demo_db, client):
    device = _enrol(client)
    client.logout()
    return device


def test_an_administrator_enrols_with_a_real_code_and_a_wrong_code_confirms_nothing(demo_db, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chainchief.audit.models import AuditEvent

    with time_machine.travel(START, tick=False):
        _log_in(client, "admin")
        assert client.get("/").status_code == 200  # no device yet: the second factor is optional
        client.get("/otp/")
        device = TOTPDevice.objects.get(user__username="admin")
        wrong = f"{(int(code(device, START)) + 1) % 1000000:06d}"
        r = client.post("/otp/", {"code": wrong})
        assert r.status_code == 200 and "验证码不正确" in text(r)
        device.refresh_from_db()
        assert not device.confirmed
    client.logout()
    device = _enrol(client, START + timedelta(seconds=5))  # django-otp slows down after a failure
    assert AuditEvent.objects.filter(object_repr="admin 启用两步验证").count() == 1
    with time_machine.travel(START + timedelta(seconds=10), tick=False):
        assert "已启用" in text(client.get("/otp/"))


def test_login_asks_for_the_code_and_takes_only_the_current_one(admin_device, client):
    later = START + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        _log_in(client, "admin")
        # Signed in with the password only: every page leads to the code, the API through the session is 401.
        r = client.get("/enterprises/")
        assert r.status_code == 302 and r["Location"].startswith("/login/otp/?next=/enterprises/")
        assert client.get("/admin/").status_code == 302
        assert client.get("/api/v1/chains").status_code == 401
        r = client.post("/login/otp/", {"code": code(admin_device, START), "next": "/enterprises/"})  # an old code
        assert r.status_code == 200 and "验证码不正确" in text(r)
        assert client.get("/").status_code == 302
    with time_machine.travel(later + timedelta(seconds=2), tick=False):  # django-otp slows down after a failure
        r = client.post("/login/otp/", {"code": code(admin_device, later), "next": "/enterprises/"})
        assert r.status_code == 302 and r["Location"] == "/enterprises/"
        assert client.get("/enterprises/").status_code == 200
        assert client.get("/api/v1/chains").status_code == 200
    # The same code does not count twice (another session, within the same 30 s).
    client.logout()
    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        _log_in(client, "admin")
        r = client.post("/login/otp/", {"code": code(admin_device, later)})
        assert r.status_code == 200 and "验证码不正确" in text(r)


def test_the_api_token_needs_the_code_too(admin_device, client):
    later = START + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        r = client.post("/api/v1/auth/token", {"username": "admin", "password": PASSWORD},
                        content_type="application/json")
        assert r.status_code == 401 and "两步验证" in r.json()["detail"]
    with time_machine.travel(later + timedelta(seconds=2), tick=False):
        r = client.post("/api/v1/auth/token", {"username": "admin", "password": PASSWORD,
                                               "otp": code(admin_device, later)}, content_type="application/json")
        assert r.status_code == 200, r.content
        # Other users are not asked.
        r = client.post("/api/v1/auth/token", {"username": "coordinator", "password": PASSWORD},
                        content_type="application/json")
        assert r.status_code == 200


def test_removing_the_device_needs_a_current_code(admin_device, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    later = START + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        _log_in(client, "admin")
        client.post("/login/otp/", {"code": code(admin_device, later)})
    with time_machine.travel(later + timedelta(seconds=31), tick=False):
        r = client.post("/otp/", {"action": "remove", "code": "000000" if code(admin_device, later + timedelta(seconds=31)) != "000000" else "111111"})
        assert "验证码不正确" in text(r) and TOTPDevice.objects.filter(user__username="admin").exists()
    with time_machine.travel(later + timedelta(seconds=65), tick=False):
        r = client.post("/otp/", {"action": "remove", "code": code(admin_device, later + timedelta(seconds=65))})
        assert r.status_code == 302 and not TOTPDevice.objects.filter(user__username="admin").exists()


def test_only_administrators_enrol(demo_db, client):
    _log_in(client, "coordinator")
    assert client.get("/otp/").status_code == 403
    assert "两步验证" not in text(client.get("/"))


def test_a_setting_requires_it_for_superusers(demo_db, client, settings):
    settings.OTP_REQUIRED_FOR_SUPERUSERS = True
    with time_machine.travel(START, tick=False):
        _log_in(client, "admin")
        r = client.get("/")
        assert r.status_code == 302 and r["Location"].startswith("/otp/")
        assert "系统要求超级管理员启用两步验证" in text(client.get("/otp/"))
        r = client.post("/api/v1/auth/token", {"username": "admin", "password": PASSWORD},
                        content_type="application/json")
        assert r.status_code == 401
        client.logout()
        _log_in(client, "coordinator")  # not a superuser: not asked
        assert client.get("/").status_code == 200


def test_production_requires_it_unless_switched_off():
    import os
    import subprocess
    import sys

    from django.conf import settings

    def value(**env):
        full = {**{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "OTP_REQUIRED")},
                "DJANGO_SECRET_KEY": "k" * 16 + "-production-secret-for-tests", **env,
                "DJANGO_SETTINGS_MODULE": "chainchief.settings", "PYTHONPATH": str(settings.SRC_DIR)}
        out = subprocess.run([sys.executable, "-c", "from chainchief import settings; print(settings.OTP_REQUIRED_FOR_SUPERUSERS)"],
                             env=full, capture_output=True, text=True, timeout=120)
        return out.stdout.strip()

    assert value(DJANGO_PRODUCTION="1") == "True"
    assert value(DJANGO_PRODUCTION="1", OTP_REQUIRED="0") == "False"
    assert value(DJANGO_PRODUCTION="0") == "False"
