"""Identity and sessions as graded protection level 3 asks (GB/T 22239-2019, 8.1.4.1): the password policy, the
lockout after failed logins, the idle timeout, initial passwords changed at first login, the security headers,
and production settings that refuse to start unsafe."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from chainchief.web.tests.pages import login, text  # noqa: F401

PASSWORD = "Demo#2026"


def _messages(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.django_db
def test_password_policy():
    user = get_user_model()(username="zhangsan")
    assert _messages("Chain#2026", user) == []  # four classes
    assert _messages("chain2026x", user) == ["密码须包含大写字母、小写字母、数字、其他字符中的至少 3 类。"]
    assert "密码至少 8 位。" in _messages("Ab1#x", user)
    assert "密码不能包含用户名。" in _messages("Zhangsan#2026", user)
    assert _messages("CHAIN-2026", user) == []  # upper, digits, other: three classes


def _post_login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_five_failed_logins_lock_the_username_for_fifteen_minutes(demo_db, client):
    from chainchief.audit.models import AuditEvent

    start = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert _post_login(client, "chief", "wrong").status_code == 200  # the form again, with its error
        r = _post_login(client, "chief", "wrong")
        assert r.status_code == 429 and "已锁定 15 分钟" in text(r)
        # Locked: even the right password is refused, on the page and for an API token.
        r = _post_login(client, "chief", PASSWORD)
        assert r.status_code == 429 and "_auth_user_id" not in client.session
        r = client.post("/api/v1/auth/token", {"username": "chief", "password": PASSWORD},
                        content_type="application/json")
        assert r.status_code == 429 and "已锁定" in r.json()["detail"]
        # Another username is not locked by this one's failures.
        assert _post_login(client, "dept", PASSWORD).status_code == 302
        assert AuditEvent.objects.filter(action="login_failed", username="chief").count() >= 5
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        client.logout()
        assert _post_login(client, "chief", PASSWORD).status_code == 302


def test_an_idle_session_ends_after_thirty_minutes(demo_db, client, settings):
    settings.SESSION_IDLE_MINUTES = 30
    start = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)
    with time_machine.travel(start, tick=False):
        assert _post_login(client, "leader", PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity keeps it alive
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        r = client.get("/work/")
        assert r.status_code == 302 and r["Location"].startswith("/login/?next=/work/&idle=1")
        assert "_auth_user_id" not in client.session
        assert "已自动退出登录" in text(client.get(r["Location"]))


def test_a_password_set_by_an_administrator_is_changed_at_first_login(demo_db, client):
    from chainchief.audit.models import AuditEvent

    User = get_user_model()
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    r = client.post("/admin/accounts/user/add/", {"username": "wanggong", "password1": "Init#2026a",
                                                  "password2": "Init#2026a", "usable_password": "true",
                                                  "role": "leader", "display_name": "王工"})
    assert r.status_code == 302, text(r)[:2000]
    new = User.objects.get(username="wanggong")
    assert new.must_change_password
    client.logout()
    assert _post_login(client, "wanggong", "Init#2026a").status_code == 302
    r = client.get("/enterprises/")
    assert r.status_code == 302 and r["Location"] == "/password/"
    assert "请先修改密码" in text(client.get("/password/"))
    r = client.post("/password/", {"old_password": "Init#2026a", "new_password1": "short",
                                   "new_password2": "short"})
    assert r.status_code == 200 and "密码至少 8 位。" in text(r)
    r = client.post("/password/", {"old_password": "Init#2026a", "new_password1": "Weifang#88chain",
                                   "new_password2": "Weifang#88chain"})
    assert r.status_code == 302
    new.refresh_from_db()
    assert not new.must_change_password and new.check_password("Weifang#88chain")
    assert client.get("/enterprises/").status_code == 200  # the session survives the change
    event = AuditEvent.objects.filter(object_id=str(new.pk), action="update").latest("pk")
    assert "Weifang" not in str(event.after) and "pbkdf2" not in str(event.after)


def test_security_headers(login):
    r = login("leader").get("/")
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r.cookies.get("csrftoken") is None or r.cookies["csrftoken"]["samesite"] == "Lax"
    assert "Strict-Transport-Security" not in r  # the demo runs on plain HTTP


def _start(env):
    """Import the settings in a fresh interpreter with ``env``: (exit code, output)."""
    from django.conf import settings

    full = {**{k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}, **env,
            "DJANGO_SETTINGS_MODULE": "chainchief.settings", "PYTHONPATH": str(settings.SRC_DIR)}
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE)")
    p = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def test_production_refuses_debug_and_the_demo_key():
    code, out = _start({"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": ""})
    assert code != 0 and "needs its own DJANGO_SECRET_KEY" in out
    key = "k" * 16 + "-production-secret-for-tests"
    code, out = _start({"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": key, "DJANGO_DEBUG": "1"})
    assert code != 0 and "does not run in debug mode" in out
    code, out = _start({"DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": key})
    assert code == 0 and out.split() == ["31536000", "True"], out
