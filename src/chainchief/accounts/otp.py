"""The optional second factor of administrators (staff and superusers): a TOTP device (django-otp) whose
six-digit code is asked after the password, on the login page and at the API's token endpoint.
``OTP_REQUIRED_FOR_SUPERUSERS`` (on in production) makes a superuser without a device enrol before anything
else. Reads only; the writes are in ``accounts.services`` (otp_pending_device, otp_confirm, otp_remove)."""
import base64

from django.conf import settings


def is_admin(user):
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required(user):
    """Must ``user`` have a second factor (a superuser, when OTP_REQUIRED_FOR_SUPERUSERS is on)?"""
    return bool(getattr(settings, "OTP_REQUIRED_FOR_SUPERUSERS", False) and user.is_superuser)


def verify(user, code):
    """``user``'s confirmed device if ``code`` is its current code (each code counts once; failures slow the next
    try down: django-otp's throttling), else None."""
    code = str(code or "").strip()
    device = confirmed_device(user)
    if device is None or not code.isdigit() or not device.verify_token(code):
        return None
    return device


def secret(device):
    """The device's key as the base32 text authenticator apps take when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")
