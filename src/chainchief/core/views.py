"""The health probe. core's only page: every other page belongs to the app of its domain."""
from django.http import HttpResponse


def health(request):
    """Liveness probe; also the benchmarks' trivial view (the framework's own limit)."""
    return HttpResponse("ok", content_type="text/plain")
