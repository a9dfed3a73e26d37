from django.http import HttpResponse


def health(request):
    """Liveness probe; also the benchmarks' trivial view (the framework's own limit)."""
    return HttpResponse("ok", content_type="text/plain")
