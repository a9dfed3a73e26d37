"""The password policy of graded protection level 3 (GB/T 22239-2019, 8.1.4.1 身份鉴别): at least eight characters,
three of the four classes (lower case, upper case, digits, other characters), and not the username."""
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
