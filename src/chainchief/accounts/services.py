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

