"""Writes of the accounts app beyond the generic services: a changed password (audited without its hash), API
tokens ended by their holder, "log out everywhere", the second factor."""
from django.db import transaction
from django.db.models import F

from chainchief.accounts.models import ApiToken, User
from chainchief.core import services


@transaction.atomic
def password_changed(user):
    """After ``user`` changed its own password: the must-change flag is cleared, and the change log records that
    the password changed (never the password or its hash)."""
    before = {"password": "…", "must_change_password": user.must_change_password}
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    services.record(user, "update", user, before=before, after={"password": "已修改", "must_change_password": False},
                    object_repr=f"{user.username} 修改密码")



# The optional second factor of administrators (django-otp, TOTP). A device is made unconfirmed when an
# administrator opens the enrolment page, and counts only once a code computed from it has been typed back.

def otp_pending_device(user):
    """``user``'s unconfirmed TOTP device, made if there is none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


@transaction.atomic
def otp_confirm(user, device, code):
    """Confirms ``device`` when ``code`` is its current code (the change log records it); False otherwise."""
    if device.user_id != user.pk or not device.verify_token(str(code or "").strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.__class__.objects.filter(user=user, confirmed=False).delete()
    services.record(user, "update", user, before={"two_factor": False}, after={"two_factor": True},
                    object_repr=f"{user.username} 启用两步验证")
    # Tokens issued with the password alone end: from now on a token needs the code too.
    revoke_tokens(user)
    return True


@transaction.atomic
def otp_remove(user, code):
    """Removes ``user``'s TOTP devices when ``code`` is the current code of its confirmed one; False otherwise."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chainchief.accounts.otp import verify

    if verify(user, code) is None:
        return False
    TOTPDevice.objects.filter(user=user).delete()
    services.record(user, "update", user, before={"two_factor": True}, after={"two_factor": False},
                    object_repr=f"{user.username} 停用两步验证")
    return True


# API tokens and sessions. A token is ended by deleting its row (the token table is watched by the cache stamp, so
# the next request with it is refused); sessions by raising the user's session generation, which is part of every
# session's authentication hash (User._get_session_auth_hash).

def tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


@transaction.atomic
def revoke_token(user, pk):
    """Ends the token ``pk`` of ``user``; False if ``user`` has no such token (another user's is never touched)."""
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        return False
    token.delete()
    services.record(user, "delete", user, before={"token": token.prefix},
                    object_repr=f"{user.username} 撤销 API 令牌 {token.prefix}…")
    return True


def revoke_tokens(user):
    """Ends every token of ``user``; returns how many."""
    count, _by_model = ApiToken.objects.filter(user=user).delete()
    return count


@transaction.atomic
def refresh_token(user, digest, request=None):
    """A new token for the holder of the token ``digest``, which ends: (row, raw value), or None when that token no
    longer exists."""
    if not ApiToken.objects.filter(user=user, digest=digest).delete()[0]:
        return None
    row, raw = ApiToken.issue(user, request)
    services.record(user, "token", user, object_repr=f"{user.username} 刷新 API 令牌 {row.prefix}…")
    return row, raw


@transaction.atomic
def logout_everywhere(user):
    """Ends every session and every API token of ``user`` (the change log records it); returns the number of
    tokens ended."""
    count = revoke_tokens(user)
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    services.record(user, "logout", user, after={"tokens_revoked": count},
                    object_repr=f"{user.username} 退出所有设备")
    return count
