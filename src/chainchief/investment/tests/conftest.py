import pytest

from chainchief.testing import as_user, world  # noqa: F401
from chainchief.web.tests.pages import login  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_match_index():
    """Each test starts from an index built from its own database state."""
    from chainchief.investment.matching import capabilities

    capabilities.reset()
    yield
    capabilities.reset()


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
