"""Session controls: an idle session ends after ``SESSION_IDLE_MINUTES`` without a request, and a user whose
password was set by an administrator (``must_change_password``) is sent to change it before anything else."""
import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SEEN = "cc_seen"
# The last-seen time is written at most once a minute, so a session is not saved on every request.
WRITE_EVERY = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            seen = request.session.get(SEEN)
            idle = int(getattr(settings, "SESSION_IDLE_MINUTES", 30)) * 60
            if seen is not None and now - seen > idle:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}&idle=1")
            elif seen is None or now - seen >= WRITE_EVERY:
                request.session[SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Pages only: an API client holding a token has a password it chose to get it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
                and not request.path.startswith(("/static/", "/api/", "/i18n/"))
                and request.path not in (reverse("web:password_change"), reverse("web:logout"))):
            return redirect("web:password_change")
        return self.get_response(request)


class OTPRequiredMiddleware:
    """An administrator with a TOTP device (accounts.otp) who signed in with the password only reaches nothing but
    the code page (pages) or a 401 (the API through the session) until the code is typed; a superuser without a
    device, when OTP_REQUIRED_FOR_SUPERUSERS is on, nothing but the enrolment page. After django-otp's
    OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from chainchief.accounts import otp

        user = getattr(request, "user", None)
        if (otp.is_admin(user) and not user.is_verified()
                and not request.path.startswith(("/static/", "/i18n/"))
                and request.path not in (reverse("web:otp_verify"), reverse("web:otp_setup"), reverse("web:logout"))):
            target = ("web:otp_verify" if otp.confirmed_device(user) is not None
                      else "web:otp_setup" if otp.required(user) else None)
            if target is not None:
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse
                    from django.utils.translation import gettext as _

                    return JsonResponse({"detail": _("需要两步验证。")}, status=401)
                from urllib.parse import quote

                return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
