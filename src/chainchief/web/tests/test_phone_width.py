"""At phone width no page scrolls sideways: wide tables scroll inside their own box."""
import pytest

from chainchief.web.tests.test_browser import demo_live, log_in  # noqa: F401

PAGES = ["/", "/enterprises/", "/chains/1/", "/maps/1/", "/monitoring/", "/monitoring/chains/1/", "/audit/",
         "/imports/new/"]


@pytest.mark.browser
def test_no_page_is_wider_than_a_phone(page, demo_live):  # noqa: F811
    from chainchief.accounts.models import User

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_live.url, "coordinator")
    own = User.objects.get(username="enterprise").enterprises.get()
    too_wide = {}
    for path in PAGES + [f"/monitoring/enterprises/{own.pk}/"]:
        page.goto(demo_live.url + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    assert too_wide == {}
