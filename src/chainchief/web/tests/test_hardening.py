"""What answers give away or leave behind: ``Cache-Control: no-store`` on every page a signed-in user sees, every
API answer and every download; the OpenAPI document and the API docs only for signed-in users in production
(API_DOCS_PUBLIC); no ``Server`` header naming the software, from gunicorn (with the project's gunicorn.conf.py)
or from Django's development server."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from chainchief.testing import JsonClient

ROOT = Path(__file__).resolve().parents[4]


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_api_answers_and_exports_are_not_stored(demo_db, api):
    client = Client()
    client.login(username="coordinator", password="Demo#2026")
    for path in ("/", "/enterprises/", "/monitoring/", "/audit/export/", "/work/chains/1/export/"):
        r = client.get(path)
        assert r.status_code == 200 and _no_store(r), (path, r.status_code, r.get("Cache-Control"))
    token = api("coordinator")
    for path in ("/api/v1/me", "/api/v1/enterprises", "/api/v1/enterprises/export?format=csv"):
        r = token.get(path)
        assert r.status_code == 200 and _no_store(r), (path, r.get("Cache-Control"))
    assert _no_store(JsonClient().get("/api/v1/chains"))  # a refusal too
    # Static files keep their caching.
    assert not _no_store(Client().get("/static/web/css/app.css"))


def test_the_api_docs_are_for_signed_in_users_in_production(demo_db, settings):
    settings.API_DOCS_PUBLIC = False
    anonymous = Client()
    r = anonymous.get("/api/v1/openapi.json")
    assert r.status_code == 401 and "paths" not in r.content.decode()
    r = anonymous.get("/api/v1/docs")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert JsonClient("not-a-token").get("/api/v1/openapi.json").status_code == 401
    r = Client().post("/api/v1/auth/token", {"username": "leader", "password": "Demo#2026"},
                      content_type="application/json")
    assert JsonClient(r.json()["token"]).get("/api/v1/openapi.json").status_code == 200
    session = Client()
    session.login(username="leader", password="Demo#2026")
    assert session.get("/api/v1/openapi.json").status_code == 200
    assert session.get("/api/v1/docs").status_code == 200
    settings.API_DOCS_PUBLIC = True  # the demo's default
    assert anonymous.get("/api/v1/openapi.json").status_code == 200


def test_production_keeps_the_docs_for_signed_in_users_by_default():
    env = {**{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "API_DOCS_PUBLIC")},
           "DJANGO_PRODUCTION": "1", "DJANGO_SECRET_KEY": "k" * 40, "DJANGO_SETTINGS_MODULE": "chainchief.settings",
           "PYTHONPATH": str(django_settings.SRC_DIR)}
    code = "import django; django.setup(); from django.conf import settings; print(settings.API_DOCS_PUBLIC)"
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert p.stdout.split()[-1:] == ["False"], p.stdout + p.stderr


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _headers_of(command, port, tmp_path):
    """Start ``command`` (a server on ``port``) in the project's root; the headers of its /healthz answer."""
    # On SQLite in the server's own folder: /healthz reads no table, and the test database is this process's.
    env = {**{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DATABASE_URL")},
           "DJANGO_SETTINGS_MODULE": "chainchief.settings", "PYTHONPATH": str(django_settings.SRC_DIR),
           "CHAINCHIEF_VAR_DIR": str(tmp_path), "CACHE_URL": "locmem://"}
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    return dict(r.headers.items())
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode() if proc.poll() is not None else "no answer")
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize("server", ["gunicorn", "runserver"])
def test_no_server_header_names_the_software(server, tmp_path):
    port = _free_port()
    command = ([sys.executable, "-m", "gunicorn", "chainchief.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]
               if server == "gunicorn" else
               [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"])
    headers = _headers_of(command, port, tmp_path)
    server_header = headers.get("Server", "")
    assert not any(word in server_header.lower() for word in ("gunicorn", "wsgiserver", "python", "cpython")), headers
