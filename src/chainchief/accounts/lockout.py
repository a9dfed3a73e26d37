"""Failed logins (django-axes), counted so that nobody can lock every account from one place:

* a username is locked **from the address** its wrong passwords came from after ``LOGIN_FAILURE_LIMIT`` (5) of
  them: its owner, elsewhere, still signs in;
* an address that fails with ``LOGIN_ADDRESS_USERNAME_LIMIT`` (10) different usernames is throttled: nothing is
  tried from it (any username);
* a username is locked **wherever it comes from** after ``LOGIN_USERNAME_FAILURE_LIMIT`` (20) failures from any
  addresses (the lockout of GB/T 22239-2019, 登录失败处理).

Each lasts ``LOGIN_LOCKOUT_MINUTES`` (15) from the last failure counted. Tries while locked are refused without
being counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``), so one address adds at most
``LOGIN_FAILURE_LIMIT`` failures to a username in that time: locking a username everywhere takes several
addresses, each of which may try only a few usernames. A successful login clears the failures of that username
from that address.

What a locked login sees: a page in the interface's language, or JSON for the API; 429.
"""
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PAIR, ADDRESS, USERNAME = "pair", "address", "username"


def client_address(request):
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies (nginx …) the entry of
    ``X-Forwarded-For`` that the first of them added (entries further left are whatever the client sent)."""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote


def reached(request, credentials=None):
    """Which lock applies to this login now: PAIR, ADDRESS, USERNAME, or None."""
    address = getattr(request, "axes_ip_address", None)
    username = get_client_username(request, credentials)
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

    def failures(qs):
        return qs.aggregate(n=Sum("failures_since_start"))["n"] or 0

    if username is not None and failures(recent.filter(username=username, ip_address=address)) >= pair_limit():
        return PAIR
    if (address is not None and recent.filter(ip_address=address).values("username").distinct().count()
            >= settings.LOGIN_ADDRESS_USERNAME_LIMIT):
        return ADDRESS
    if username is not None and failures(recent.filter(username=username)) >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return USERNAME
    return None


def pair_limit():
    return settings.AXES_FAILURE_LIMIT


class LoginAttempts(AxesDatabaseHandler):
    """axes' database handler (``AXES_HANDLER``) with the three locks above: ``get_failures`` is the number axes
    compares with ``AXES_FAILURE_LIMIT`` — the limit itself once any lock applies, else the failures of this
    username from this address."""

    def get_failures(self, request, credentials=None):
        if reached(request, credentials) is not None:
            return pair_limit()
        username = get_client_username(request, credentials)
        return (AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), username=username,
                                             ip_address=getattr(request, "axes_ip_address", None))
                .aggregate(n=Sum("failures_since_start"))["n"] or 0)


def response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    why = reached(request, credentials) if getattr(request, "axes_ip_address", None) is not None else USERNAME
    if why == ADDRESS:
        message = _("此地址登录失败的账号过多，已暂停从此地址登录 %(m)s 分钟，请稍后再试或联系管理员。") % {"m": minutes}
    elif why == PAIR:
        message = _("该账号从此地址连续 %(n)s 次登录失败，已锁定 %(m)s 分钟，请稍后再试或联系管理员。") % {
            "n": pair_limit(), "m": minutes}
    else:
        message = _("该账号登录失败已达 %(n)s 次，已锁定 %(m)s 分钟，请稍后再试或联系管理员。") % {
            "n": settings.LOGIN_USERNAME_FAILURE_LIMIT, "m": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
