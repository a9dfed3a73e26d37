"""The password policy of graded protection level 3 (GB/T 22239-2019, 8.1.4.1 身份鉴别): at least eight characters,
three of the four classes (lower case, upper case, digits, other characters), and not the username; and none of the
user's last five passwords (``PasswordHistoryValidator``)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


class ComplexityValidator:
    def __init__(self, min_length=8, min_classes=3):
        self.min_length, self.min_classes = min_length, min_classes

    def validate(self, password, user=None):
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(_("密码至少 %(n)s 位。") % {"n": self.min_length}, code="password_too_short"))
        used = sum(1 for test in CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            errors.append(ValidationError(_("密码须包含大写字母、小写字母、数字、其他字符中的至少 %(n)s 类。") % {
                "n": self.min_classes}, code="password_too_simple"))
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            errors.append(ValidationError(_("密码不能包含用户名。"), code="password_has_username"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return gettext_lazy("至少 8 位，包含大写字母、小写字母、数字、其他字符中的至少 3 类，且不含用户名。")


class PasswordHistoryValidator:
    """A new password may not be any of the user's last ``count`` ones (the current one included). The history keeps
    only their hashes (``accounts.PasswordHistory``), ``count`` per user, written when a password is set (Django
    calls ``password_changed`` of every validator after saving a new password: the user's own change, the admin's,
    ``changepassword``)."""

    def __init__(self, count=5):
        self.count = count

    def _recent(self, user):
        from chainchief.accounts.models import PasswordHistory

        return PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return  # a new user has no history
        from django.contrib.auth.hashers import check_password

        from chainchief.accounts.models import User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = list(dict.fromkeys([h for h in (current, *self._recent(user).values_list("password", flat=True)
                                                 [:self.count]) if h]))[:self.count]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(_("不能使用最近 %(n)s 次用过的密码。") % {"n": self.count}, code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from chainchief.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        old = list(self._recent(user).values_list("pk", flat=True)[self.count:])
        if old:
            PasswordHistory.objects.filter(pk__in=old).delete()

    def get_help_text(self):
        return gettext_lazy("不能与最近 %(n)s 次用过的密码相同。") % {"n": self.count}
