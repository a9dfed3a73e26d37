"""Writes of the accounts app beyond the generic services: a changed password (audited without its hash)."""
from django.db import transaction

from chainchief.accounts.models import User
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
