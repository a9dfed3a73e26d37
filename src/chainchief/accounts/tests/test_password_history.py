"""Password history: a user's new password may not be any of its last five (PASSWORD_HISTORY), whoever sets it — the
user on the password page, an administrator in the admin; only the hashes are kept, five per user."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chainchief.web.tests.pages import text

PASSWORD = "Demo#2026"
NEW = ["Weifang#01chain", "Weifang#02chain", "Weifang#03chain", "Weifang#04chain", "Weifang#05chain",
       "Weifang#06chain"]


def _change(client, old, new):
    return client.post("/password/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_none_of_the_last_five_passwords_comes_back(demo_db, settings):
    from chainchief.accounts.models import PasswordHistory

    # New hashes made fast for the test (the demo's are PBKDF2 and still checked as such).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    client = Client()
    assert client.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302
    r = _change(client, PASSWORD, PASSWORD)  # the current one
    assert r.status_code == 200 and "最近 5 次" in text(r)
    current = PASSWORD
    for new in NEW[:4]:
        assert _change(client, current, new).status_code == 302, new
        current = new
    # Five passwords used: the demo's and four new ones. None of them again …
    for old in [PASSWORD, *NEW[:4]]:
        r = _change(client, current, old)
        assert r.status_code == 200 and "最近 5 次" in text(r), old
    # … until a fifth new one pushes the demo's out of the last five.
    assert _change(client, current, NEW[4]).status_code == 302
    assert _change(client, NEW[4], PASSWORD).status_code == 302
    user = get_user_model().objects.get(username="chief")
    rows = PasswordHistory.objects.filter(user=user)
    assert rows.count() == 5 and all(r.password.startswith(("pbkdf2", "argon2", "md5", "bcrypt")) for r in rows)


def test_an_administrator_cannot_set_a_recent_password_either(demo_db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = get_user_model().objects.get(username="dept")
    with pytest.raises(ValidationError) as exc:
        validate_password(PASSWORD, user)  # the admin's form validates with the user
    assert any("最近 5 次" in m for m in exc.value.messages)
    validate_password("Another#2026x", user)
    validate_password(PASSWORD, get_user_model()(username="newcomer"))  # a new user has no history
