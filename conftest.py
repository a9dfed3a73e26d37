"""Shared test fixtures: the demo data set loaded once per test database (and put back from a snapshot after a
transactional test flushed it), API clients per demo account, and Playwright pointed at Debian's Chromium."""
import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API


def _own_folder(variable, prefix):
    """A temporary folder for this test process in ``variable``, unless the caller of pytest set one: the workers
    of a parallel run (pytest-xdist, which inherit the first process's environment) each get their own."""
    marker = f"CHAINCHIEF_TEST_{variable}"
    if variable not in os.environ or os.environ.get(marker) == os.environ[variable]:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        value = tempfile.mkdtemp(prefix=f"chainchief-{prefix}-{worker}-")
        atexit.register(shutil.rmtree, value, ignore_errors=True)
        if variable == "CACHE_URL":
            value = "file://" + value
        os.environ[variable] = os.environ[marker] = value


# The demo's briefings are generated when the demo is loaded: their files go to a folder of the test process, not
# var/. Each test process has a cache of its own (a file cache, as in the demo): two runs side by side, or the
# workers of one run, never read each other's values, sessions, lockouts or cache stamps, nor a demo server's.
_own_folder("BRIEFING_DIR", "briefings")
_own_folder("CACHE_URL", "cache")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = os.path.join(os.path.dirname(__file__), "test-artifacts")
PASSWORD = "Demo#2026"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests find static files through the finders; they need no collectstatic manifest."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


_snapshot = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection
    from django.test import TransactionTestCase

    from chainchief.demo import loader
    from chainchief.testing import DatabaseSnapshot

    with django_db_blocker.unblock():
        loader.load()
        _snapshot["demo"] = DatabaseSnapshot(connection).take()
    # Every transactional test (pytest-django's transactional_db and live_server, Django's TransactionTestCase)
    # ends with the snapshot put back; TestCase keeps its own teardown, the rollback of its transaction.
    global _flush
    _flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _put_the_demo_back


def _put_the_demo_back(self):
    """A transactional test ends by emptying every table (Django's flush, after which the demo had to be loaded
    again). Instead, the database is put back as it was before the test: the demo's rows from the snapshot."""
    snapshot = _snapshot.get("demo")
    if snapshot is None or self.available_apps is not None or self.serialized_rollback:
        return _flush(self)
    snapshot.restore()


@pytest.fixture
def demo_db(db):
    """The demo data set (loaded once per session; each test's changes are rolled back)."""
    from chainchief.demo import loader

    if not loader.is_loaded():  # a transactional test emptied the database (a test that flushes it itself)
        loader.load()
    return db


@pytest.fixture
def api(demo_db):
    """api(username) → a JSON client (chainchief.testing.JsonClient) with that demo account's bearer
    token; api() → anonymous."""

    from chainchief.testing import JsonClient

    def make(username=None):
        client = JsonClient()
        if username is None:
            return client
        r = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.content
        return JsonClient(r.json()["token"])

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make browser)")
        pytest.skip("Chromium is not installed (make browser installs it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def artifacts():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS
