"""gunicorn's settings for the platform. gunicorn reads this file from the directory it starts in (the project's
root, as the README's command runs it); ``-c gunicorn.conf.py`` names it explicitly.

No ``Server`` header: gunicorn names itself in every answer ("Server: gunicorn") and has no setting to stop it, so
the header is dropped from the ones it writes. (Behind nginx, set ``server_tokens off`` there too.)"""
import gunicorn.http.wsgi

_default_headers = gunicorn.http.wsgi.Response.default_headers


def _without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _without_server
