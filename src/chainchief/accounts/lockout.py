"""What a locked-out login sees (django-axes): a page in the interface's language, or JSON for the API; 429."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("连续 %(n)s 次登录失败，该账号已锁定 %(m)s 分钟，请稍后再试或联系管理员。") % {
        "n": settings.AXES_FAILURE_LIMIT, "m": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
