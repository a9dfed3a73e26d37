"""Shared test fixtures: the demo data set loaded once per test database, API clients per demo account, and
Playwright pointed at Debian's Chromium."""
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API
# The demo's briefings are generated when the demo is loaded: their files go to a folder of the test run, not var/.
os.environ.setdefault("BRIEFING_DIR", tempfile.mkdtemp(prefix="chainchief-briefings-"))

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from chainchief.demo import loader

    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture
def demo_db(db):
    """The demo data set (loaded once per session; each test's changes are rolled back)."""
    from chainchief.demo import loader

    if not loader.is_loaded():  # a transactional test before us flushed the database
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
