"""统一社会信用代码 (USCC): normalisation and validation by GB 32100-2015, through python-stdnum."""
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as _uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError as StdnumError


def normalise(value: str) -> str:
    """Full-width characters, lower case, spaces and hyphens accepted; the canonical form is returned."""
    value = unicodedata.normalize("NFKC", value or "")
    return _uscc.compact(value)


def validate(value: str) -> str:
    """The canonical USCC, or a ValidationError that says what is wrong."""
    code = normalise(value)
    if not code:
        raise ValidationError(_("统一社会信用代码不能为空。"), code="required")
    try:
        return _validate(code)
    except InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，实为 %(n)d 位。"), code="length", params={"n": len(code)})
    except InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位错误：应为 %(right)s，实为 %(wrong)s。"), code="checksum",
            params={"right": _uscc.calc_check_digit(code), "wrong": code[-1]})
    except InvalidFormat:
        raise ValidationError(
            _("统一社会信用代码格式错误：第 3—8 位为行政区划码（数字），其余为数字或大写字母（不含 I、O、Z、S、V）。"),
            code="format")
    except StdnumError:
        raise ValidationError(_("统一社会信用代码无效。"), code="invalid")


# GB 32100-2015: the first character is the registering authority (1–9, A–G, N, Y), the second the kind of
# organisation (a digit), then a six-digit division code.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_AUTHORITIES = "123456789ABCDEFGNY"


def _validate(code):
    try:
        return _uscc.validate(code)
    except InvalidFormat:
        # python-stdnum wants a digit first; the standard also allows a letter for the registering authority
        # (e.g. N for agricultural bodies, Y for others). Check the structure and the checksum ourselves.
        if (len(code) == 18 and code[0] in _AUTHORITIES and code[1:8].isdigit()
                and all(c in _ALPHABET for c in code)):
            if code[-1] != _uscc.calc_check_digit(code):
                raise InvalidChecksum()
            return code
        raise


def with_check_digit(body17: str) -> str:
    """Complete 17 characters with their check character."""
    return body17 + _uscc.calc_check_digit(body17 + "0")
