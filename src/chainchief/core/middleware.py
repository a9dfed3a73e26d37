"""Request checks that hold for every page and every API endpoint."""
from django.db import DataError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def _bad_request(request, message):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class BadInputMiddleware:
    """Input no page can use is a 400, not a server error, for every page at once:

    * a query parameter (name or value) holding NUL is refused before any view reads it: PostgreSQL refuses NUL in
      text, so a search or a filter passing it on would fail, and no page or filter has a use for it (form and JSON
      bodies are checked by the fields that read them: Django's forms, the services' validation);
    * a number the database cannot hold (an id of twenty digits in a filter) stops the view with a 400, as the
      API's own handler answers it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return _bad_request(request, _("请求参数含有不允许的字符（NUL）。"))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OverflowError, DataError)) and request.method in ("GET", "HEAD"):
            return _bad_request(request, _("参数超出范围。"))
        return None


class NoStoreMiddleware:
    """What is shown to a signed-in user, every API answer and every download (an export, an attachment) is marked
    ``Cache-Control: no-store`` (with Django's never-cache headers): no browser, proxy or shared computer keeps a copy
    of confidential figures. Static files (served before this by WhiteNoise) keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (request.path.startswith("/api/") or (user is not None and user.is_authenticated)
                or "attachment" in response.get("Content-Disposition", "")):
            from django.utils.cache import add_never_cache_headers

            add_never_cache_headers(response)
        return response
